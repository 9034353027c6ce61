import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { setup } from '../helpers/gateServer';
import { TempRepo } from '../helpers/tempRepo';
import { GitProcessLog } from '../helpers/gitProcessLog';

/**
 * Session 7's G9: one push of 300 tags (every tag is protected by default) at main's tip — nothing to judge, a
 * few tens of KB — cost the server's gate ~0.4 s per ref (its own git processes for each: the policy's,
 * approvals', a merge-base, a walk...) and ran into the hook's 120 s timeout, so the push was refused, and a few
 * such pushes starved the server. The work a push costs must not grow with refs that bring nothing to judge:
 * counted here in git processes the hook starts (load cannot make a count drift), for 3 refs and for 300.
 */
describe('pre-receive: many refs in one push (G9)', function () {
  this.timeout(300_000);

  it('judges 300 tags at commits already on main with as many git processes as 3 tags', () => {
    const { server, ada } = setup();
    const log = new GitProcessLog({ onlyIn: server.dir });
    try {
      const pusher = TempRepo.at(ada.dir, log.env);
      const push = (names: string[]) => {
        log.reset();
        const r = pusher.gitResult(['push', 'origin', ...names.map((n) => `main:refs/tags/${n}`)]);
        return { ...r, starts: log.starts().length, summary: log.summary() };
      };
      const few = push(['a1', 'a2', 'a3']);
      assert.strictEqual(few.status, 0, few.stderr);
      const many = push(Array.from({ length: 300 }, (_, i) => `m${i}`));
      assert.strictEqual(many.status, 0, many.stderr);
      assert.strictEqual(server.git('tag', '--list', 'm*').split('\n').length, 300);
      console.log(
        `      hook git processes: 3 tags ${few.starts} (${few.summary}); 300 tags ${many.starts} (${many.summary})`,
      );
      assert.ok(
        many.starts <= few.starts + 2,
        `300 tags started ${many.starts} git processes, 3 tags ${few.starts}: ${many.summary}`,
      );
    } finally {
      log.remove();
      fs.rmSync(path.dirname(server.dir), { recursive: true, force: true });
    }
  });
});
