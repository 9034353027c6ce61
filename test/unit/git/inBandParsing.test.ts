import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { attach, sign, statementFor } from '../helpers/approvals';
import { pushMain, setup } from '../helpers/gateServer';

/**
 * In-band parsing (issue 10, class 6): no byte a commit can carry — in its message, its author's name or a
 * path — may change what the gate sees. Each attack runs against a real bare server with the pre-receive
 * hook, and `verify` (CI) must give the same verdict.
 */
describe("gate attacks: bytes in commits that could change the gate's view", function () {
  this.timeout(60_000);

  function commitWithMessage(dir: string, env: NodeJS.ProcessEnv, message: string): void {
    const file = path.join(dir, '.git', 'ATTACK_MSG');
    fs.writeFileSync(file, message);
    const r = spawnSync('git', ['commit', '-q', '--cleanup=verbatim', '-F', file], { cwd: dir, env, encoding: 'utf8' });
    assert.strictEqual(r.status, 0, r.stderr);
  }

  it('a record separator in a message cannot hide a mass deletion behind a phantom commit', () => {
    // Default tiers: deleting 5 files needs 2 approvals. The message of the deleting commit carries \x1e
    // (an old log parser's record separator) followed by the id of an earlier commit of the push: a parser
    // that splits on it sees the real commit with no files and a phantom "earlier commit" holding the rest.
    const { ada, bob, carol } = setup();
    for (let i = 1; i <= 5; i++) ada.write(`env/f${i}.txt`, `file ${i}\n`);
    ada.git('add', 'env');
    ada.commit('Add the environment\n\nAI-Provenance: v1 ai=0 human=5 untracked=0');
    assert.strictEqual(pushMain(ada).status, 0);
    const base = ada.git('rev-parse', 'origin/main');
    ada.write('notes.md', 'a note\n');
    ada.git('add', 'notes.md');
    const earlier = ada.commit('Add notes\n\nAI-Provenance: v1 ai=0 human=1 untracked=0');
    ada.git('rm', '-q', '-r', 'env');
    commitWithMessage(ada.dir, ada.env, `Tidy up\n\nAI-Provenance: v1 ai=0 human=0 untracked=0\n\x1e${earlier}`);
    const tip = ada.git('rev-parse', 'HEAD');
    // The author asks one reviewer; the tier wants two.
    attach(ada.dir, sign(bob, statementFor(ada.dir, { email: 'bob@example.com', tip, base })), tip, ada.env);

    const v = ada.cli(['verify', '--branch', 'main', '--format', 'json']);
    assert.strictEqual(v.status, 1, `verify must block: ${v.stdout}${v.stderr}`);
    const j = JSON.parse(v.stdout) as { commits: Array<{ sha: string; reasons: string[] }> };
    assert.deepStrictEqual(
      j.commits.map((c) => c.sha),
      [earlier, tip],
      'exactly the two pushed commits, no phantom',
    );
    assert.ok(
      j.commits[1].reasons.some((r) => /tier 'mass-deletion': deletes 5 file\(s\)/.test(r)),
      j.commits[1].reasons.join('\n'),
    );

    const r = ada.gitResult(['push', '--atomic', 'origin', 'main', 'refs/notes/countersign']);
    assert.notStrictEqual(r.status, 0, 'the server must not let one approval carry a 5-file deletion');
    assert.match(r.stderr, /tier 'mass-deletion': deletes 5 file\(s\)/);
    assert.match(r.stderr, /has 1 of 2 required approval/);
    // The legitimate way through: a second reviewer.
    attach(ada.dir, sign(carol, statementFor(ada.dir, { email: 'carol@example.com', tip, base })), tip, ada.env);
    const ok = ada.gitResult(['push', '--atomic', 'origin', 'main', 'refs/notes/countersign']);
    assert.strictEqual(ok.status, 0, ok.stderr);
  });

  it('paths that are not valid UTF-8 stay distinct: five deleted files are five, not one', () => {
    // `env/x\xf0` … `env/x\xf4` all decode to `env/x\uFFFD` when read as UTF-8: a gate keyed by the decoded
    // name counts one deleted file where there are five, and the mass-deletion tier never fires.
    const { ada, bob, carol } = setup();
    const names = [0xf0, 0xf1, 0xf2, 0xf3, 0xf4].map((b) => Buffer.concat([Buffer.from('x'), Buffer.from([b])]));
    fs.mkdirSync(path.join(ada.dir, 'env'));
    for (const n of names)
      fs.writeFileSync(Buffer.concat([Buffer.from(path.join(ada.dir, 'env') + '/'), n]), 'doomed\n');
    ada.git('add', 'env');
    ada.commit('Add the environment\n\nAI-Provenance: v1 ai=0 human=5 untracked=0');
    assert.strictEqual(ada.git('ls-files', '-z', 'env').split('\0').filter(Boolean).length, 5);
    assert.strictEqual(pushMain(ada).status, 0);
    const base = ada.git('rev-parse', 'origin/main');
    ada.git('rm', '-q', '-r', 'env');
    const tip = ada.commit('Delete and recreate the environment\n\nAI-Provenance: v1 ai=0 human=0 untracked=0');

    const v = ada.cli(['verify', '--branch', 'main', '--format', 'json']);
    assert.strictEqual(v.status, 1, `verify must block: ${v.stdout}${v.stderr}`);
    const r = pushMain(ada);
    assert.notStrictEqual(r.status, 0, 'five deletions with undecodable names are still a mass deletion');
    assert.match(r.stderr, /tier 'mass-deletion': deletes 5 file\(s\)/);
    attach(ada.dir, sign(bob, statementFor(ada.dir, { email: 'bob@example.com', tip, base })), tip, ada.env);
    attach(ada.dir, sign(carol, statementFor(ada.dir, { email: 'carol@example.com', tip, base })), tip, ada.env);
    const ok = ada.gitResult(['push', '--atomic', 'origin', 'main', 'refs/notes/countersign']);
    assert.strictEqual(ok.status, 0, ok.stderr);
  });
});
