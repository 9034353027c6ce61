import * as assert from 'assert';
import { recordDecision } from '../helpers/approvals';
import { verifyThenPush } from '../helpers/gateAgreement';
import { commitFile, HUMAN_ONE, serverRef, setup, type Setup } from '../helpers/gateServer';

const UNTRACKED_19 = 'AI-Provenance: v1 ai=0 human=0 untracked=19';
const lines = (n: number, prefix: string) => Array.from({ length: n }, (_, i) => `${prefix} ${i}`).join('\n') + '\n';

/** A commit of a new file of 19 lines written by a process Countersign did not observe, as the hooks stamp it. */
function unobserved(s: Setup, name: string): string {
  return commitFile(s.ada, `gen/${name}.js`, lines(19, `export const ${name} =`), `${name}\n\n${UNTRACKED_19}`);
}

/** Bob's approval of base..tip, pushed with the notes. */
function approve(s: Setup, tip: string, base: string): void {
  recordDecision(s.ada, s.bob, { email: 'bob@example.com', tip, base });
  assert.strictEqual(s.ada.gitResult(['push', '-q', 'origin', 'refs/notes/countersign']).status, 0);
}

/**
 * attack29 F7: review.untracked (20 lines and 50%) was judged commit by commit, so 190 lines from an unhooked writer
 * committed 19 at a time landed in one push, and one commit of 19 per push never met it. It is judged over the push
 * and, like the deletion tiers, with the unreviewed commits since the branch's last approved commit; verify (CI) and
 * the server's pre-receive give one verdict (verifyThenPush).
 */
describe('review.untracked over the push and since the last approved commit (attack29 F7)', function () {
  this.timeout(240_000);

  it('ten commits of 19 untracked lines in one push need review, and an approval of the tip lands them', () => {
    const s = setup();
    const base = serverRef(s, 'refs/heads/main');
    let tip = '';
    for (let i = 1; i <= 10; i++) tip = unobserved(s, `part${i}`);
    const r = verifyThenPush(s.ada, 'main', ['origin', 'main']);
    assert.notStrictEqual(r.status, 0, 'ten commits of 19 unobserved lines landed in one push without review');
    assert.strictEqual(serverRef(s, 'refs/heads/main'), base);
    const said =
      /190 of 190 added lines of this push \(10 commits\) were written by something Countersign did not observe/;
    assert.match(r.stderr, said);
    assert.match(r.verify.stdout, said);
    assert.match(r.stderr, /countersign approve/);
    approve(s, tip, base);
    const ok = verifyThenPush(s.ada, 'main', ['origin', 'main']);
    assert.strictEqual(ok.status, 0, ok.stderr + ok.verify.stdout);
  });

  it('one commit of 19 untracked lines per push meets the threshold by the second push, until a review', () => {
    const s = setup();
    const first = unobserved(s, 'one');
    assert.strictEqual(verifyThenPush(s.ada, 'main', ['origin', 'main']).status, 0, 'control: 19 lines pass alone');
    const base = serverRef(s, 'refs/heads/main');
    assert.strictEqual(base, first);
    const second = unobserved(s, 'two');
    const r = verifyThenPush(s.ada, 'main', ['origin', 'main']);
    assert.notStrictEqual(r.status, 0, 'a second push of 19 unobserved lines landed without review');
    assert.match(
      r.stderr,
      /38 of 40 added lines of this push and the 2 unreviewed commit\(s\) on main .*were written by something Countersign did not observe/,
    );
    assert.strictEqual(serverRef(s, 'refs/heads/main'), first);
    // A reviewer looks at it: the count restarts at the approved commit.
    approve(s, second, base);
    const ok = verifyThenPush(s.ada, 'main', ['origin', 'main']);
    assert.strictEqual(ok.status, 0, ok.stderr + ok.verify.stdout);
    unobserved(s, 'three');
    const after = verifyThenPush(s.ada, 'main', ['origin', 'main']);
    assert.strictEqual(after.status, 0, `the count restarts at the approved commit: ${after.stderr}`);
  });

  it('human lines keep the share under the threshold: 19 untracked lines among 100 human ones per push pass', () => {
    const s = setup();
    for (let i = 1; i <= 3; i++) {
      commitFile(
        s.ada,
        `notes${i}.md`,
        lines(100, 'typed'),
        `typed ${i}\n\n${HUMAN_ONE.replace('human=1', 'human=100')}`,
      );
      unobserved(s, `small${i}`);
      const r = verifyThenPush(s.ada, 'main', ['origin', 'main']);
      assert.strictEqual(r.status, 0, `push ${i}: ${r.stderr}`);
    }
  });
});
