import * as assert from 'assert';
import { attach, sign, statementFor } from '../helpers/approvals';
import { verifyThenPush } from '../helpers/gateAgreement';
import { commitFile, setup, type Setup } from '../helpers/gateServer';

/**
 * `report` and the gate decide "does this statement count for this commit" with one rule
 * (core/approvalRules.ts RangeIndex, core/statementStanding.ts). An approval carried to rebased commits by
 * patch-id was counted by the gate but not by `report`, which then under-counted review coverage: approve a
 * two-commit feature, rebase it onto a moved main, push — accepted, yet `report` said 0 reviewed.
 */
describe('report counts rebased approvals as the gate does (real server)', function () {
  this.timeout(180_000);
  let s: Setup;
  before(() => {
    s = setup();
  });

  const trailer = (n: number) => `AI-Provenance: v1 ai=${n} human=0 untracked=0`;
  const ai = (n: number, tag: string) => Array.from({ length: n }, (_, i) => `${tag} ${i}`).join('\n') + '\n';
  const report = (range: string) =>
    JSON.parse(s.ada.cli(['report', '--format', 'json', range]).stdout) as { commits: number; reviewedCommits: number };

  it('a feature approved, rebased onto a moved main and pushed: report counts both commits reviewed', () => {
    const base = s.ada.git('rev-parse', 'main');
    s.ada.git('checkout', '-q', '-b', 'feature');
    commitFile(s.ada, 'a.ts', ai(25, 'a'), `A\n\n${trailer(25)}`);
    const tip = commitFile(s.ada, 'b.ts', ai(25, 'b'), `B\n\n${trailer(25)}`);
    assert.strictEqual(s.ada.gitResult(['push', '-q', 'origin', 'feature']).status, 0);
    attach(s.ada.dir, sign(s.bob, statementFor(s.ada.dir, { email: 'bob@example.com', tip, base })), tip, s.ada.env);
    assert.strictEqual(s.ada.gitResult(['push', '-q', 'origin', 'refs/notes/countersign']).status, 0);

    // main moves on (a human commit), and the feature is rebased onto it.
    s.ada.git('checkout', '-q', 'main');
    const moved = commitFile(
      s.ada,
      'README.md',
      'hello again\n',
      'readme\n\nAI-Provenance: v1 ai=0 human=1 untracked=0',
    );
    assert.strictEqual(verifyThenPush(s.ada, 'main', ['origin', 'main']).status, 0);
    s.ada.git('checkout', '-q', 'feature');
    s.ada.git('rebase', '-q', 'main');
    s.ada.git('checkout', '-q', 'main');
    s.ada.git('merge', '-q', '--ff-only', 'feature');
    const landed = verifyThenPush(s.ada, 'main', ['origin', 'main']);
    assert.strictEqual(landed.status, 0, `the gate carries the approval by patch-id: ${landed.stderr}`);
    assert.match(landed.verify.stdout, /"approvals":\s*\[\s*\{/);

    const r = report(`${moved}..main`);
    assert.strictEqual(r.commits, 2);
    assert.strictEqual(r.reviewedCommits, 2, 'report counts what the gate counted');
    // newuser8 F14: the statement that makes them reviewed is not also "about commits outside the history".
    assert.doesNotMatch(JSON.stringify(r), /outside the history/);
  });

  it('the same hunk moved elsewhere (not the approved change) is not counted, by report or the gate', () => {
    s.ada.git('checkout', '-q', 'main');
    const body = (f: string) =>
      `def ${f}():\n    log()\n    log()\n    log()\n    check()\n    log()\n    log()\n    log()\n`;
    commitFile(
      s.ada,
      'app.py',
      body('debug') + '\n' + body('delete'),
      'app\n\nAI-Provenance: v1 ai=0 human=17 untracked=0',
    );
    assert.strictEqual(verifyThenPush(s.ada, 'main', ['origin', 'main']).status, 0);
    const base = s.ada.git('rev-parse', 'main');
    const lines = s.ada.read('app.py').split('\n');
    const edit = (at: number) => {
      const copy = [...lines];
      copy[at] = '    pass';
      return copy.join('\n');
    };
    s.ada.git('checkout', '-q', '-b', 'debug-only');
    const approved = commitFile(s.ada, 'app.py', edit(4), `drop check in debug\n\n${trailer(1)}`);
    assert.strictEqual(s.ada.gitResult(['push', '-q', 'origin', 'debug-only']).status, 0);
    attach(
      s.ada.dir,
      sign(s.bob, statementFor(s.ada.dir, { email: 'bob@example.com', tip: approved, base })),
      approved,
      s.ada.env,
    );
    assert.strictEqual(s.ada.gitResult(['push', '-q', 'origin', 'refs/notes/countersign']).status, 0);
    s.ada.git('checkout', '-q', 'main');
    const evil = commitFile(s.ada, 'app.py', edit(13), `drop check in delete\n\n${trailer(1)}`);
    assert.notStrictEqual(verifyThenPush(s.ada, 'main', ['origin', 'main']).status, 0);
    assert.strictEqual(report(`${base}..${evil}`).reviewedCommits, 0);
  });
});
