import * as assert from 'assert';
import { recordDecision } from '../helpers/approvals';
import { verifyThenPush } from '../helpers/gateAgreement';
import {
  commitFile,
  HUMAN_ONE,
  installedServer,
  policyJson,
  serverRef,
  setup,
  type Setup,
} from '../helpers/gateServer';
import { makeKey } from '../helpers/reviewerKeys';

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
      /38 of 38 added lines of this push and the 1 unreviewed commit\(s\) on main since [0-9a-f]{12}, the commit that brought the policy into force .*were written by something Countersign did not observe/,
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

  it("the window starts after the commit that brought the policy into force: init's untracked policy lines and older history count nothing (newuser25 N1)", () => {
    // As the README's Quick start leaves it: history from before Countersign (a script's 150 lines, stamped by no
    // one), then the adoption commit, whose .countersign.json `init` wrote (untracked to the hooks).
    const { server, ada } = installedServer();
    const older = commitFile(
      ada,
      'gen/old.js',
      lines(150, 'old'),
      'old\n\nAI-Provenance: v1 ai=0 human=0 untracked=150',
    );
    const policy = policyJson(makeKey('bob'), makeKey('carol'));
    const size = policy.split('\n').length - 1;
    const adopted = commitFile(
      ada,
      '.countersign.json',
      policy,
      `Adopt Countersign\n\nAI-Provenance: v1 ai=0 human=0 untracked=${size}`,
    );
    assert.strictEqual(ada.gitResult(['push', '-q', 'origin', 'main']).status, 0, 'adoption lands: no policy in force');
    assert.notStrictEqual(older, adopted);
    // One line typed in vim: untracked, under the threshold alone.
    commitFile(ada, 'app.py', 'print("bye")\n', 'one line\n\nAI-Provenance: v1 ai=0 human=0 untracked=1');
    const r = verifyThenPush(ada, 'main', ['origin', 'main']);
    assert.strictEqual(r.status, 0, `the first push after adoption was held for the policy's own lines: ${r.stderr}`);
    // What comes after it still adds up: 19 more unobserved lines make 20 of 20 since the adoption.
    unobserved({ server, ada } as unknown as Setup, 'one');
    const held = verifyThenPush(ada, 'main', ['origin', 'main']);
    assert.notStrictEqual(held.status, 0, '20 unobserved lines since the adoption landed without review');
    assert.match(
      held.stderr,
      /20 of 20 added lines .* since [0-9a-f]{12}, the commit that brought the policy into force/,
    );
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
