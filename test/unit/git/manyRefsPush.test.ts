import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { setup } from '../helpers/gateServer';
import { TempRepo } from '../helpers/tempRepo';
import { fastImport } from '../helpers/fastImport';
import { GitProcessLog, subcommandOf } from '../helpers/gitProcessLog';

/**
 * Session 7's G9: one push of 300 tags (every tag is protected by default) at main's tip — nothing to judge, a
 * few tens of KB — cost the server's gate ~0.4 s per ref (its own git processes for each: the policy's,
 * approvals', a merge-base, a walk...) and ran into the hook's 120 s timeout, so the push was refused, and a few
 * such pushes starved the server. The work a push costs must not grow with refs that bring nothing to judge:
 * counted here in git processes the hook starts (load cannot make a count drift), for 3 refs and for 300.
 * Refs that do bring commits to judge each cost a judgement, so one push may ask for at most MAX_JUDGED_REFS (50).
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
      fs.rmSync(path.dirname(server.dir), { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
    }
  });

  it('refuses a push asking for more than 50 full judgements, having judged at most 50', () => {
    const { server, ada } = setup();
    const log = new GitProcessLog({ onlyIn: server.dir });
    try {
      // 51 human commits (nothing needs review): each tag alone would pass, all together cost 51 judgements.
      ada.git('branch', 'many', 'main');
      const shas = fastImport(
        ada,
        Array.from({ length: 51 }, (_, i) => ({
          message: `c${i}\n\nAI-Provenance: v1 ai=0 human=1 untracked=0`,
          files: { [`f${i}.txt`]: `${i}\n` },
        })),
        'many',
      );
      const r = TempRepo.at(ada.dir, log.env).gitResult([
        'push',
        'origin',
        ...shas.map((s, i) => `${s}:refs/tags/t${i}`),
      ]);
      assert.notStrictEqual(r.status, 0, 'refused');
      assert.match(
        r.stderr,
        /more than 50 protected refs whose commits no protected branch holds yet \(refs\/tags\/t\d+ is one\)/,
      );
      assert.strictEqual(server.git('tag', '--list', 't*'), '');
      // Each full judgement lists its range with one `git log --boundary` (its base needs no merge-base when the
      // tag's commits meet protected history at one commit: src/git/vouchedExits.ts) and reads its files with one
      // `git diff-tree --stdin -r`, fed what the changed-paths count clears (src/git/pairFiles.ts, attack26 04).
      const logs = log.starts().filter((s) => subcommandOf(s) === 'log');
      const judgements = logs.filter((s) => s.includes('--boundary')).length;
      assert.strictEqual(logs.length, judgements, 'no git log but the listings');
      const reads = log.starts().filter((s) => subcommandOf(s) === 'diff-tree' && / -r( |$)/.test(s)).length;
      assert.strictEqual(reads, judgements, 'one read of the files per judgement');
      console.log(`      hook git processes for 51 costly tags: ${log.starts().length} (${log.summary()})`);
      assert.strictEqual(judgements, 50, 'one listing per full judgement');
    } finally {
      log.remove();
      fs.rmSync(path.dirname(server.dir), { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
    }
  });
});
