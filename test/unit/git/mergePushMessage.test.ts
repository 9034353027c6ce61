import * as assert from 'assert';
import { cloneAs } from '../helpers/approvals';
import { commitFile, policyJson, setup } from '../helpers/gateServer';
import { makeKey } from '../helpers/reviewerKeys';
import type { TempRepo } from '../helpers/tempRepo';

/** The command the block message tells the reviewer to run (step 2 of "What to do"). */
function reviewerCommand(message: string): string[] {
  const m = /The reviewer runs: {2}countersign (approve [0-9a-f]{40} --base [0-9a-f]{40})/.exec(message);
  assert.ok(m, message);
  return m[1].split(' ');
}

/** The merge commit's own lines in the block message (each reason under "✗ <merge>"). */
function mergeLines(message: string, merge: string): string[] {
  const lines = message.split('\n').map((l) => l.replace(/^remote: /, '').trimEnd());
  const at = lines.findIndex((l) => l.includes(`✗ ${merge.slice(0, 12)}`));
  assert.ok(at >= 0, message);
  const out: string[] = [];
  for (const l of lines.slice(at + 1)) {
    if (!/^ {6}- /.test(l)) break;
    out.push(l.trim());
  }
  return out;
}

describe('newuser16 F7: the block message after merging main into a reviewed branch', function () {
  this.timeout(240_000);

  it('names each approval once, tells the author whom to ask, and the suggested command lands the merge', () => {
    // Two approvals per commit, so the message is read again after the first reviewer signs the merge.
    const { server, ada, bob, carol } = setup(policyJson(makeKey('bob'), makeKey('carol'), { approvals: 2 }));
    ada.git('checkout', '-q', '-b', 'feature/tax', 'main');
    commitFile(ada, 'tax.ts', 'export const tax = 1;\n', 'tax\n\nAI-Provenance: v1 ai=1 human=0 untracked=0');
    commitFile(ada, 'tax2.ts', 'export const rate = 2;\n', 'rate\n\nAI-Provenance: v1 ai=1 human=0 untracked=0');
    ada.git('push', '-q', 'origin', 'feature/tax');
    const bobs = cloneAs(server.dir, 'Bob Reviewer', 'bob@example.com', bob.privateKeyFile);
    const carols = cloneAs(server.dir, 'Carol Ops', 'carol@example.com', carol.privateKeyFile);
    for (const r of [bobs, carols]) assert.strictEqual(r.cli(['approve', 'origin/feature/tax']).status, 0);
    // main moves on with other reviewed work (an approval whose tip is already on main, as any team has).
    ada.git('checkout', '-q', 'main');
    commitFile(ada, 'docs.md', 'docs\n', 'docs\n\nAI-Provenance: v1 ai=1 human=0 untracked=0');
    ada.git('push', '-q', 'origin', 'main:refs/heads/feature/docs');
    for (const r of [bobs, carols]) {
      r.git('fetch', '-q', 'origin');
      assert.strictEqual(r.cli(['approve', 'origin/feature/docs']).status, 0);
    }
    assert.strictEqual(ada.gitResult(['push', '-q', 'origin', 'main']).status, 0);
    const main = ada.git('rev-parse', 'HEAD');
    // Ada merges main into her reviewed branch (with a tool that skips the hooks: the merge is unattested, so it
    // needs review of its own) and pushes the merge to main.
    ada.git('checkout', '-q', 'feature/tax');
    ada.git('merge', '-q', '--no-edit', 'main');
    const merge = ada.git('rev-parse', 'HEAD');
    ada.git('push', '-q', 'origin', 'feature/tax');

    const first = ada.gitResult(['push', 'origin', 'HEAD:main']);
    assert.notStrictEqual(first.status, 0);
    const lines1 = mergeLines(first.stderr, merge);
    assert.ok(!lines1.some((l) => /\(counted\)/.test(l)), lines1.join('\n'));
    // Each earlier approval is named once, with the next step addressed to a reviewer and runnable as it stands.
    const next = `a reviewer (not its author) signs a new approval: countersign approve ${merge.slice(0, 12)} --base ${main.slice(0, 12)}`;
    for (const who of ['Bob Reviewer', 'Carol Ops']) {
      const about = lines1.filter((l) => l.startsWith(`- approval by ${who}`));
      assert.strictEqual(about.length, 1, lines1.join('\n'));
      assert.ok(about[0].endsWith(next), about[0]);
    }
    assert.doesNotMatch(first.stderr, /approve [0-9a-f.]+ again/);
    assert.match(
      first.stderr,
      /ask 2 of Bob Reviewer <bob@example\.com>, Carol Ops <carol@example\.com> \(sre\) to review it/,
    );
    const command = reviewerCommand(first.stderr);
    assert.deepStrictEqual(command, ['approve', merge, '--base', main]);

    const sign = (r: TempRepo) => {
      r.git('fetch', '-q', 'origin');
      const a = r.cli(command);
      assert.strictEqual(a.status, 0, a.stderr);
    };
    sign(bobs);
    const second = ada.gitResult(['push', 'origin', 'HEAD:main']);
    assert.notStrictEqual(second.status, 0);
    const lines2 = mergeLines(second.stderr, merge);
    assert.ok(lines2.includes('- approved by Bob Reviewer <bob@example.com> (counted)'), lines2.join('\n'));
    // Bob's approval counts: his earlier one, which does not reach the merge, is not named against it.
    assert.ok(!lines2.some((l) => l.startsWith('- approval by Bob Reviewer')), lines2.join('\n'));
    assert.ok(lines2.includes('- may approve: Carol Ops <carol@example.com> (sre)'), lines2.join('\n'));
    assert.match(second.stderr, /and ask Carol Ops <carol@example\.com> \(sre\) to review it\./);
    assert.deepStrictEqual(reviewerCommand(second.stderr), command);

    sign(carols);
    const third = ada.gitResult(['push', 'origin', 'HEAD:main']);
    assert.strictEqual(third.status, 0, third.stderr);
  });
});
