import * as assert from 'assert';
import { recordDecision } from '../helpers/approvals';
import { commitFile } from '../helpers/gateServer';
import { AI, HUMAN, landedSetup } from '../helpers/landedRange';
import { passes, refused } from '../helpers/refVerdicts';

/**
 * Outside tester, session 11, K3: a pull request B→E→T (E an agent's draft with a `curl | sh` payload and a
 * Dockerfile change, rejected; T removes it) approved at T lands on main by fast-forward. A pusher without a key
 * then names E with a protected tag, a new protected release branch, or moves an existing tag forward to E: E
 * was "already on a protected branch", so nothing was judged (server, `verify` and pre-push agreeing). The rule
 * (src/git/vouchedState.ts): such a ref is judged as a push of E from the nearest state the gate vouched for on
 * E's first-parent chain (an approved tip, or where the gate started); the approval of T covers nothing there.
 */
describe('server gate: a protected tag or new branch at a commit main holds only as a step (real pushes)', function () {
  this.timeout(240_000);

  const held = /bootstrap|reject|request(ed)? changes|review/i;

  it('K3: a tag, a new release branch, a tag moved forward to the rejected draft are refused', () => {
    const s = landedSetup();
    const { start, base, draft } = s;
    refused(s, draft, 'refs/tags/v2.0', held);
    refused(s, draft, 'refs/heads/release/2.0', held);
    // B was planted past the gate and needs review itself: a tag there is judged, not waved through.
    refused(s, base, 'refs/tags/v1.8', /tier 'infrastructure'/);
    // An existing tag (where the gate started) moved forward to E.
    passes(s, start, 'refs/tags/v1.9');
    refused(s, draft, 'refs/tags/v1.9', held);
    for (const ref of ['refs/tags/v2.0', 'refs/heads/release/2.0'])
      assert.strictEqual(s.server.gitResult(['rev-parse', '-q', '--verify', ref]).status, 1);
  });

  it('honest: tags and branches at T, at main tip, at a commit needing no review, at the gate start, at an approved merge', () => {
    const s = landedSetup();
    const { ada } = s;
    const { start, tip } = s;
    passes(s, tip, 'refs/tags/v2.0');
    passes(s, tip, 'refs/heads/release/2.0');
    passes(s, start, 'refs/tags/v0.1');
    // A commit needing no review on top of T, then a merge commit of main and an approved pull request.
    const small = commitFile(ada, 'README.md', 'hello, world\n', `readme\n\n${HUMAN}`);
    passes(s, small, 'refs/heads/main');
    ada.git('checkout', '-q', '-b', 'feature2', tip);
    ada.write('agent.py', 'print(1)\nprint(2)\nprint(3)\n');
    ada.git('add', '-A');
    const f = ada.commit(`agent: three lines\n\n${AI}`);
    recordDecision(ada, s.bob, { email: 'bob@example.com', tip: f, base: tip });
    recordDecision(ada, s.carol, { email: 'carol@example.com', tip: f, base: tip });
    assert.strictEqual(ada.gitResult(['push', '-q', 'origin', 'refs/notes/countersign']).status, 0);
    ada.git('checkout', '-q', 'main');
    ada.git('merge', '-q', '--no-ff', f, '-m', `Merge branch 'feature2'\n\nAI-Provenance: v1 ai=0 human=0 untracked=0`);
    const merge = ada.git('rev-parse', 'HEAD');
    passes(s, merge, 'refs/heads/main');
    const after = commitFile(ada, 'README.md', 'hello, world!\n', `readme\n\n${HUMAN}`);
    passes(s, after, 'refs/heads/main');
    passes(s, small, 'refs/tags/v2.1');
    passes(s, merge, 'refs/tags/v2.2');
    passes(s, merge, 'refs/heads/release/2.2');
  });

  it('a tag at the rebased copy of an approved pull request on a moved main: fails closed until the copy is approved', () => {
    const s = landedSetup();
    const { ada } = s;
    const { tip } = s;
    ada.git('checkout', '-q', '-b', 'feature3', tip);
    ada.write('agent.py', 'print(1)\nprint(2)\nprint(3)\n');
    ada.git('add', '-A');
    const f = ada.commit(`agent: three lines\n\n${AI}`);
    recordDecision(ada, s.bob, { email: 'bob@example.com', tip: f, base: tip });
    recordDecision(ada, s.carol, { email: 'carol@example.com', tip: f, base: tip });
    assert.strictEqual(ada.gitResult(['push', '-q', 'origin', 'feature3', 'refs/notes/countersign']).status, 0);
    ada.git('checkout', '-q', 'main');
    const moved = commitFile(ada, 'README.md', 'hello, world\n', `readme\n\n${HUMAN}`);
    passes(s, moved, 'refs/heads/main');
    ada.git('checkout', '-q', 'feature3');
    ada.git('rebase', '-q', moved);
    const copy = ada.git('rev-parse', 'HEAD');
    passes(s, copy, 'refs/heads/main');
    ada.git('checkout', '-q', 'main');
    ada.git('reset', '-q', '--hard', copy);
    const later = commitFile(ada, 'README.md', 'hello, world!\n', `readme\n\n${HUMAN}`);
    passes(s, later, 'refs/heads/main');
    passes(s, moved, 'refs/tags/v2.9');
    // The rebased copy is not an approved tip, and is judged from the last one (T): its approvals were carried by
    // patch-id from main's value then, which this range does not start at. Fail closed, naming the fix; once a
    // reviewer approves the copy as a state, the tag passes.
    refused(s, copy, 'refs/tags/v3.0', new RegExp(`countersign approve ${copy} --base ${tip}`));
    recordDecision(ada, s.bob, { email: 'bob@example.com', tip: copy, base: tip });
    assert.strictEqual(ada.gitResult(['push', '-q', 'origin', 'refs/notes/countersign']).status, 0);
    passes(s, copy, 'refs/tags/v3.0');
  });
});
