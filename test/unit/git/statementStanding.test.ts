import * as assert from 'assert';
import { attach, cloneAs, sign, statementFor } from '../helpers/approvals';
import { verifyThenPush } from '../helpers/gateAgreement';
import { commitFile, setup, type Setup } from '../helpers/gateServer';

/**
 * Which statements count for a commit is decided in one place (src/core/statementStanding.ts) for the gate,
 * `verify`, `report`, `explain` and the review panel (issue 10, "One rule, one place"). Each case is a real
 * bare server with the installed pre-receive, `verify` agreeing with it, and `report` and `explain` asked about
 * the same commits, where they previously disagreed with the gate.
 */
describe('one rule for which statements count: gate, verify, report and explain agree (real server)', function () {
  this.timeout(180_000);

  let s: Setup;
  before(() => {
    s = setup();
  });

  const ai = (n: number) => Array.from({ length: n }, (_, i) => `ai ${i}`).join('\n') + '\n';
  const trailer = (n: number) => `AI-Provenance: v1 ai=${n} human=0 untracked=0`;
  const minute = (m: number) => new Date(Date.UTC(2026, 10, 29, 12, m)).toISOString();

  function pushNotes(): void {
    const r = s.ada.gitResult(['push', '-q', 'origin', 'refs/notes/countersign']);
    assert.strictEqual(r.status, 0, r.stderr);
  }

  it('a rejection of base..T2 holds its prefix H when only H is pushed, until the reviewer approves again', () => {
    s.ada.git('checkout', '-q', '-B', 'feature', 'origin/main');
    const base = s.ada.git('rev-parse', 'HEAD');
    const h = commitFile(s.ada, 'h.ts', ai(30), `H\n\n${trailer(30)}`);
    const t2 = commitFile(s.ada, 't2.ts', ai(10), `T2\n\n${trailer(10)}`);
    assert.strictEqual(s.ada.gitResult(['push', '-q', 'origin', 'feature']).status, 0);
    attach(
      s.ada.dir,
      sign(s.bob, statementFor(s.ada.dir, { email: 'bob@example.com', tip: h, base, time: minute(1) })),
      h,
      s.ada.env,
    );
    attach(
      s.ada.dir,
      sign(
        s.bob,
        statementFor(s.ada.dir, {
          email: 'bob@example.com',
          tip: t2,
          base,
          decision: 'reject',
          time: minute(2),
          comment: 'the approach in H is wrong',
        }),
      ),
      t2,
      s.ada.env,
    );
    pushNotes();

    s.ada.git('checkout', '-q', '--detach', h);
    const held = verifyThenPush(s.ada, 'main', ['origin', `${h}:main`]);
    assert.notStrictEqual(held.status, 0, 'the later rejection of base..T2 must void the approval of H');
    assert.match(held.stderr, /requested changes on .* "the approach in H is wrong"/);

    // report and explain, asked about H on the feature branch and on main's history alike, say what the gate says.
    const report = (rev: string) =>
      JSON.parse(s.ada.cli(['report', '--format', 'json', rev]).stdout) as { reviewedCommits: number };
    assert.strictEqual(
      report(`${base}..${h}`).reviewedCommits,
      0,
      'report over base..H: the rejection of base..T2 voids the approval of H',
    );
    assert.strictEqual(report(`${base}..${t2}`).reviewedCommits, 0);
    const explained = JSON.parse(s.ada.cli(['explain', h, '--json', '--branch', 'main']).stdout) as {
      approvals: { statements: Array<{ decision: string; counts: boolean; why?: string }> };
    };
    const approval = explained.approvals.statements.find((x) => x.decision === 'approve');
    assert.ok(
      approval && !approval.counts && /later rejection/.test(approval.why ?? ''),
      JSON.stringify(explained.approvals),
    );

    attach(
      s.ada.dir,
      sign(s.bob, statementFor(s.ada.dir, { email: 'bob@example.com', tip: h, base, time: minute(3) })),
      h,
      s.ada.env,
    );
    pushNotes();
    const lifted = verifyThenPush(s.ada, 'main', ['origin', `${h}:main`]);
    assert.strictEqual(lifted.status, 0, lifted.stderr);
    assert.strictEqual(report(`${base}..${h}`).reviewedCommits, 1, 'approved again after the rejection: reviewed');
  });
  it("an author's rejection of their own commit holds it until they withdraw it with approve --force, and verify names that", () => {
    // Bob, a listed reviewer, authors the change and then requests changes on it; Carol approves it.
    const bob = cloneAs(s.server.dir, 'Bob Reviewer', 'bob@example.com', s.bob.publicKeyFile);
    bob.git('checkout', '-q', '-b', 'own');
    bob.write('own.ts', ai(25));
    bob.git('add', 'own.ts');
    const own = bob.commit(`Own\n\n${trailer(25)}`, '--author', 'Bob Reviewer <bob@example.com>');
    assert.strictEqual(bob.gitResult(['push', '-q', 'origin', 'own']).status, 0);
    const rejected = bob.cli(['reject', 'HEAD', '--comment', 'wip', '--no-push']);
    assert.strictEqual(rejected.status, 0, rejected.stderr);
    attach(
      bob.dir,
      sign(s.carol, statementFor(bob.dir, { email: 'carol@example.com', tip: own, base: 'origin/main' })),
      own,
      bob.env,
    );

    const held = bob.cli(['verify', '--branch', 'main', '--base', 'origin/main', '--head', 'HEAD']);
    assert.strictEqual(held.status, 1, held.stdout + held.stderr);
    const out = held.stdout + held.stderr;
    assert.match(
      out,
      new RegExp(
        `requested changes on ${own.slice(0, 12)}, a commit they authored, .*withdraws it: Bob Reviewer runs \`countersign approve ${own} --force\``,
      ),
    );
    assert.doesNotMatch(
      out,
      /add reviewers|What to do|may approve/,
      "the only way out is the author's withdrawal, not another reviewer",
    );

    const plain = bob.cli(['approve', 'HEAD', '--no-push']);
    assert.strictEqual(plain.status, 2, plain.stderr);
    assert.match(plain.stderr, /add --force/);
    const withdrawn = bob.cli(['approve', 'HEAD', '--no-push', '--force']);
    assert.strictEqual(withdrawn.status, 0, withdrawn.stderr);
    assert.match(
      withdrawn.stderr,
      /does not count it as an approval .*withdraw any earlier request for changes of yours/,
    );
    const passes = bob.cli(['verify', '--branch', 'main', '--base', 'origin/main', '--head', 'HEAD']);
    assert.strictEqual(passes.status, 0, passes.stdout + passes.stderr);
    assert.match(passes.stdout, /approved by Carol Ops/, "Carol's approval counts; Bob's own statement does not");
  });
  it('a rejection is about its commits: the message says an amended revision is not held by it (newuser12 P3)', () => {
    // The contract (DESIGN: a rejection voids the rejecter's own approval; statements are about commits) is
    // unchanged; what changes is that the block message no longer promises a forge-like hold on new revisions.
    s.ada.git('checkout', '-q', '-B', 'amend-me', 'origin/main');
    const base = s.ada.git('rev-parse', 'HEAD');
    const x = commitFile(s.ada, 'amend.ts', ai(25), `X\n\n${trailer(25)}`);
    assert.strictEqual(s.ada.gitResult(['push', '-q', 'origin', 'amend-me']).status, 0);
    attach(
      s.ada.dir,
      sign(
        s.carol,
        statementFor(s.ada.dir, {
          email: 'carol@example.com',
          tip: x,
          base,
          decision: 'reject',
          time: minute(30),
          comment: 'use a constant name',
        }),
      ),
      x,
      s.ada.env,
    );
    pushNotes();
    const held = verifyThenPush(s.ada, 'main', ['origin', `${x}:main`]);
    assert.notStrictEqual(held.status, 0);
    assert.match(
      held.stderr,
      /requested changes on .*"use a constant name" — it holds this commit until Carol Ops approves it again[^]*a revision whose change \(patch\) differs is a new change that the request does not hold/,
    );

    // The rule itself: the amended commit is a new change, and another reviewer's approval of it counts.
    s.ada.write('amend.ts', ai(24) + 'CONSTANT\n');
    s.ada.git('add', 'amend.ts');
    s.ada.git('commit', '-q', '--amend', '-m', `X\n\n${trailer(25)}`);
    const amended = s.ada.git('rev-parse', 'HEAD');
    attach(
      s.ada.dir,
      sign(s.bob, statementFor(s.ada.dir, { email: 'bob@example.com', tip: amended, base, time: minute(31) })),
      amended,
      s.ada.env,
    );
    pushNotes();
    const passes = verifyThenPush(s.ada, 'main', ['origin', `${amended}:main`]);
    assert.strictEqual(passes.status, 0, passes.stderr);
  });
});
