import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { cloneAs } from '../helpers/approvals';
import { aiCommit, setup, type Setup } from '../helpers/gateServer';
import type { TempRepo } from '../helpers/tempRepo';

/**
 * newuser17 F3: Bob requested changes, then Carol approved. Only Bob's approval can unblock the commit, yet verify
 * named Dave (and Bob) as "may approve", review told Dave the commit awaited his approval with a command that
 * changed nothing, and told Carol "it needs another reviewer's approval". All of them now say one thing, decided
 * in core/whoMayApprove.ts: Bob alone.
 */
describe('a request for changes: who may approve, said the same by verify and review (real server)', function () {
  this.timeout(240_000);
  let s: Setup;
  let tip: string;
  let bobs: TempRepo;
  let carols: TempRepo;
  let daves: TempRepo;

  before(() => {
    const base = setup();
    const policy = JSON.parse(fs.readFileSync(path.join(base.ada.dir, '.countersign.json'), 'utf8')) as {
      reviewers: Array<Record<string, string>>;
    };
    fs.rmSync(path.dirname(base.server.dir), { recursive: true, force: true });
    policy.reviewers.push({ name: 'Dave Third', email: 'dave@example.com', key: base.mallory.publicKey });
    s = setup(JSON.stringify(policy, null, 2) + '\n');
    const { ada } = s;
    ada.git('checkout', '-q', '-b', 'feat');
    tip = aiCommit(ada, 'src/feat.ts');
    assert.strictEqual(ada.gitResult(['push', '-q', 'origin', 'feat']).status, 0);
    bobs = cloneAs(s.server.dir, 'Bob Reviewer', 'bob@example.com', s.bob.privateKeyFile);
    carols = cloneAs(s.server.dir, 'Carol Ops', 'carol@example.com', s.carol.privateKeyFile);
    daves = cloneAs(s.server.dir, 'Dave Third', 'dave@example.com', s.mallory.privateKeyFile);
    const rej = bobs.cli(['reject', 'origin/feat', '--comment', 'not like this']);
    assert.strictEqual(rej.status, 0, rej.stderr);
    carols.git('fetch', '-q', 'origin');
    const ok = carols.cli(['approve', 'origin/feat', '-q']);
    assert.strictEqual(ok.status, 0, ok.stderr);
  });
  after(() => fs.rmSync(path.dirname(s.server.dir), { recursive: true, force: true }));

  it("reject --help and the README say beforehand what the gate does here: Bob's rejection holds the commit against Carol's approval (newuser19 F6)", () => {
    const { ada } = s;
    ada.git('fetch', '-q', 'origin', '+refs/notes/countersign:refs/notes/countersign');
    assert.strictEqual(ada.cli(['verify', '--json']).status, 1, "Carol's approval does not lift Bob's rejection");
    const flat = (text: string) => text.replace(/\s+/g, ' ');
    assert.match(
      flat(bobs.cli(['reject', '--help']).stdout),
      /The rejection holds the commits it covers .*against every other reviewer's approval until you approve them again/,
    );
    assert.match(
      flat(fs.readFileSync('README.md', 'utf8')),
      /a request for changes holds the commits it covers against every other reviewer's approval until the same reviewer approves them again/,
    );
  });

  it('verify names Bob alone as who may approve', () => {
    const { ada } = s;
    ada.git('fetch', '-q', 'origin', '+refs/notes/countersign:refs/notes/countersign');
    const v = ada.cli(['verify', '--json']);
    assert.strictEqual(v.status, 1, v.stdout + v.stderr);
    const commit = (JSON.parse(v.stdout) as { commits: Array<{ sha: string; reasons: string[] }> }).commits.find(
      (c) => c.sha === tip,
    );
    assert.ok(commit, v.stdout);
    const may = commit.reasons.filter((r) => r.startsWith('may approve:'));
    assert.deepStrictEqual(
      may,
      [
        "may approve: Bob Reviewer <bob@example.com> — only they can lift their request for changes; others' approvals change nothing",
      ],
      commit.reasons.join('\n'),
    );
  });

  it('review does not offer Dave an approval that changes nothing, nor tell Carol it needs another reviewer', () => {
    const dave = daves.cli(['review', '--json']);
    assert.strictEqual(dave.status, 0, dave.stderr);
    type Card = { sha: string; canApprove: boolean; cannotApprove?: string };
    const card = (JSON.parse(dave.stdout) as { branches: Array<{ commits: Card[] }> }).branches
      .flatMap((b) => b.commits)
      .find((c) => c.sha === tip);
    assert.ok(card, dave.stdout);
    assert.strictEqual(card.canApprove, false);
    assert.match(
      card.cannotApprove ?? '',
      /Bob Reviewer <bob@example\.com> requested changes on it: only their approval lifts/,
    );
    const text = daves.cli(['review', '--no-fetch']).stdout;
    assert.match(text, /^Nothing awaits your approval\./m, text);
    const carol = carols.cli(['review', '--all', '--no-fetch']).stdout;
    assert.doesNotMatch(carol, /needs another reviewer's approval/, carol);
    assert.match(carol, /you cannot approve it: bob Reviewer|you cannot approve it: Bob Reviewer/, carol);
    // Bob himself is still offered the approval that lifts his request.
    bobs.git('fetch', '-q', 'origin', '+refs/notes/countersign:refs/notes/countersign');
    const bob = bobs.cli(['review', '--no-fetch']).stdout;
    assert.match(bob, /^1 commit\(s\) await your approval/m, bob);
  });
});
