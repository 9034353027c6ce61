import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { spawnSync } from 'child_process';
import { recordDecision } from '../helpers/approvals';
import { verifyThenPush } from '../helpers/gateAgreement';
import { setup, type Setup } from '../helpers/gateServer';
import { makeKey } from '../helpers/reviewerKeys';

/**
 * The two-person rule under another spelling of the reviewer's own address (outside tester, session 7,
 * unscripted): Bob is listed under GitHub's older noreply form and commits AI code under the newer
 * `ID+login` form (as GitHub's web editor does); his own approval must not count. Real server, verify agreeing.
 */
describe('server gate: a reviewer cannot approve their own commit under their other noreply address', function () {
  this.timeout(240_000);

  let s: Setup;
  const bob = makeKey('bob');
  const carol = makeKey('carol');
  before(() => {
    s = setup(
      JSON.stringify(
        {
          protectedBranches: ['main'],
          reviewers: [
            { name: 'Bob Reviewer', email: 'bob@users.noreply.github.com', key: bob.publicKey },
            { name: 'Carol Ops', email: 'carol@example.com', key: carol.publicKey },
          ],
        },
        null,
        2,
      ) + '\n',
    );
  });
  after(() => fs.rmSync(path.dirname(s.server.dir), { recursive: true, force: true }));

  it("Bob's approval of his own AI commit does not count; Carol's does", () => {
    const { ada, server } = s;
    const base = ada.git('rev-parse', 'HEAD');
    ada.write('app.ts', 'export const x = 1;\n');
    ada.git('add', 'app.ts');
    const who = { name: 'Bob Reviewer', email: '4242+bob@users.noreply.github.com' };
    const env = { ...ada.env, GIT_AUTHOR_NAME: who.name, GIT_AUTHOR_EMAIL: who.email };
    const c = spawnSync(
      'git',
      [
        'commit',
        '-q',
        '-m',
        'feature',
        '-m',
        'Assisted-by: Claude:x claude-code\nAI-Provenance: v1 ai=1 human=0 untracked=0',
      ],
      { cwd: ada.dir, env },
    );
    assert.strictEqual(c.status, 0, String(c.stderr));
    const tip = ada.git('rev-parse', 'HEAD');
    recordDecision(ada, bob, { email: 'bob@users.noreply.github.com', tip, base });
    assert.strictEqual(ada.gitResult(['push', '-q', 'origin', 'refs/notes/countersign']).status, 0);
    const own = verifyThenPush(ada, 'main', ['origin', 'main']);
    assert.notStrictEqual(own.status, 0, 'Bob approved his own AI commit under his other noreply address');
    assert.strictEqual(server.git('rev-parse', 'main'), base);

    recordDecision(ada, carol, { email: 'carol@example.com', tip, base });
    assert.strictEqual(ada.gitResult(['push', '-q', 'origin', 'refs/notes/countersign']).status, 0);
    const r = verifyThenPush(ada, 'main', ['origin', 'main']);
    assert.strictEqual(r.status, 0, r.stderr);
  });
});
