import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { recordDecision } from '../helpers/approvals';
import { commitFile, policyJson, pushMain, setup } from '../helpers/gateServer';

/**
 * `explain` on a commit that landed as part of an approved push (new user, session 8, F1): Bob approved a
 * three-commit branch at its tip and the server accepted it, yet `explain` on the middle commit said
 * "BLOCKED — 0 of 1 required approval(s)" while listing Bob's approval as counting: it judged the commit alone
 * against its parent, where an approval whose tip is a later commit reaches nothing.
 */
describe('explain on a commit that landed in an approved push', function () {
  this.timeout(180_000);

  it('passes the middle commit of an approved three-commit push, as the server did', () => {
    const s = setup();
    const { ada, bob } = s;
    try {
      const AI = 'AI-Provenance: v1 ai=1 human=0 untracked=0';
      const base = ada.git('rev-parse', 'HEAD');
      commitFile(ada, 'a.ts', 'a\n', `one\n\n${AI}`);
      const middle = commitFile(ada, 'b.ts', 'b\n', `two\n\n${AI}`);
      const tip = commitFile(ada, 'c.ts', 'c\n', `three\n\n${AI}`);
      recordDecision(ada, bob, { email: 'bob@example.com', tip, base });
      assert.strictEqual(ada.gitResult(['push', '-q', 'origin', 'refs/notes/countersign']).status, 0);
      const pushed = pushMain(ada);
      assert.strictEqual(pushed.status, 0, `the server refused the approved push: ${pushed.stderr}`);
      ada.git('fetch', '-q', 'origin');

      for (const sha of [middle, tip]) {
        const e = JSON.parse(ada.cli(['explain', sha, '--branch', 'main', '--json']).stdout);
        assert.strictEqual(e.gate.judgedAs, 'landed');
        assert.strictEqual(e.gate.decision.needsReview, true);
        assert.strictEqual(e.gate.ok, true, `explain ${sha === tip ? 'tip' : 'middle'}: ${JSON.stringify(e.gate)}`);
        assert.ok(e.approvals.statements.some((a: { counts: boolean }) => a.counts));
      }

      // newuser15 #1: the tip said the policy was main "at <its parent>, as the push of <tip> found it" — a state
      // main never had — and that the approval was "reviewed against another base", while the middle commit of
      // the same push said "with the approved push that brought it". Every commit of the push now says the latter.
      const range = `${base.slice(0, 12)}..${tip.slice(0, 12)}`;
      for (const sha of [middle, tip]) {
        const text = ada.cli(['explain', sha, '--branch', 'main']).stdout;
        assert.ok(text.includes(`judged as already landed (with the approved push that brought it: ${range})`), text);
        assert.ok(text.includes(`main at ${base.slice(0, 12)}, as the approved push ${range} found it`), text);
        assert.doesNotMatch(text, /reviewed against another base|alone, against its first parent/);
        assert.ok(!text.includes(middle.slice(0, 12) + ', as'), text);
        const e = JSON.parse(ada.cli(['explain', sha, '--branch', 'main', '--json']).stdout);
        assert.deepStrictEqual(e.gate.landedWith, { base, tip });
        assert.deepStrictEqual(
          e.gate.decision.approvals.map((a: { via: string }) => a.via),
          ['exact'],
        );
      }

      // A commit landed with no approval reaching it stays blocked: only a counting approval's push is replayed.
      const later = commitFile(ada, 'd.ts', 'd\n', `four\n\n${AI}`);
      assert.notStrictEqual(ada.gitResult(['push', '-q', 'origin', 'main']).status, 0);
      ada.git('update-ref', 'refs/remotes/origin/main', later);
      const blocked = JSON.parse(ada.cli(['explain', later, '--branch', 'main', '--json']).stdout);
      assert.strictEqual(blocked.gate.ok, false);
    } finally {
      fs.rmSync(path.dirname(s.server.dir), { recursive: true, force: true });
    }
  });

  // newuser14 S28: a commit dropping Carol, approved by Bob and Carol, was accepted under the policy it replaced;
  // explain judged the landed commit under the policy it wrote and said Carol's approval was invalid, BLOCKED.
  it('judges a landed policy change under the policy it replaced, as the server did', () => {
    const s = setup();
    const { ada, bob, carol } = s;
    try {
      const base = ada.git('rev-parse', 'HEAD');
      const policy = JSON.parse(policyJson(bob, carol)) as { reviewers: unknown[] };
      policy.reviewers = policy.reviewers.slice(0, 1);
      const tip = commitFile(
        ada,
        '.countersign.json',
        `${JSON.stringify(policy, null, 2)}\n`,
        'policy: drop Carol\n\nAI-Provenance: v1 ai=0 human=1 untracked=0',
      );
      recordDecision(ada, bob, { email: 'bob@example.com', tip, base });
      recordDecision(ada, carol, { email: 'carol@example.com', tip, base });
      assert.strictEqual(ada.gitResult(['push', '-q', 'origin', 'refs/notes/countersign']).status, 0);
      const pushed = pushMain(ada);
      assert.strictEqual(pushed.status, 0, `the server refused the approved policy change: ${pushed.stderr}`);
      ada.git('fetch', '-q', 'origin');

      const e = JSON.parse(ada.cli(['explain', tip, '--branch', 'main', '--json']).stdout);
      assert.strictEqual(e.gate.ok, true, JSON.stringify(e.gate));
      const carols = e.approvals.statements.filter((a: { reviewer: string }) => /carol/.test(JSON.stringify(a)));
      assert.strictEqual(carols.length, 1, JSON.stringify(e.approvals));
      assert.strictEqual(carols[0].verification.ok, true, JSON.stringify(carols[0]));
      assert.match(e.approvals.policy.from, new RegExp(base.slice(0, 12)), e.approvals.policy.from);
    } finally {
      fs.rmSync(path.dirname(s.server.dir), { recursive: true, force: true });
    }
  });

  // newuser8 F10: after a rebase the page said "Approvals: none cover this commit" above "Gate: ✓ Bob (rebased)
  // PASS". Its approvals now include what the gate matched by patch-id, with the statement's time and comment.
  it('lists the approval the gate carried by patch-id to a rebased, landed commit', () => {
    const s = setup();
    const { ada, bob } = s;
    try {
      const base = ada.git('rev-parse', 'HEAD');
      ada.git('checkout', '-q', '-b', 'feat');
      const approved = commitFile(ada, 'f.ts', 'f\n', 'feat\n\nAI-Provenance: v1 ai=1 human=0 untracked=0');
      recordDecision(ada, bob, { email: 'bob@example.com', tip: approved, base, comment: 'looked at f.ts' });
      // The approved branch is on the server (as review needs it): the server replays the approved change.
      assert.strictEqual(ada.gitResult(['push', '-q', 'origin', 'feat', 'refs/notes/countersign']).status, 0);
      ada.git('checkout', '-q', 'main');
      commitFile(ada, 'other.md', 'o\n', 'docs\n\nAI-Provenance: v1 ai=0 human=1 untracked=0');
      assert.strictEqual(pushMain(ada).status, 0, 'main moves on');
      ada.git('checkout', '-q', 'feat');
      ada.git('rebase', '-q', 'main');
      const rebased = ada.git('rev-parse', 'HEAD');
      assert.notStrictEqual(rebased, approved);
      const pushed = ada.gitResult(['push', 'origin', 'feat:main']);
      assert.strictEqual(pushed.status, 0, `the server refused the rebased, approved commit: ${pushed.stderr}`);
      ada.git('fetch', '-q', 'origin');

      const e = JSON.parse(ada.cli(['explain', rebased, '--branch', 'main', '--json']).stdout);
      assert.strictEqual(e.gate.ok, true, JSON.stringify(e.gate));
      assert.deepStrictEqual(
        e.gate.decision.approvals.map((a: { via: string }) => a.via),
        ['rebased'],
      );
      const listed = e.approvals.statements.filter((a: { counts: boolean }) => a.counts);
      assert.strictEqual(listed.length, 1, JSON.stringify(e.approvals));
      assert.strictEqual(listed[0].tip, approved);
      assert.strictEqual(listed[0].via, 'rebased');
      assert.strictEqual(listed[0].comment, 'looked at f.ts');
      assert.strictEqual(listed[0].verification.ok, true);
      const text = ada.cli(['explain', rebased, '--branch', 'main']).stdout;
      assert.doesNotMatch(text, /none cover this commit/);
      assert.match(
        text,
        new RegExp(
          `on ${approved.slice(0, 12)} \\(base ${base.slice(0, 12)}\\), carried to ${rebased.slice(0, 12)} by patch-id \\(rebased\\)`,
        ),
      );
    } finally {
      fs.rmSync(path.dirname(s.server.dir), { recursive: true, force: true });
    }
  });

  it('N11: names the range it judged (origin/main..REV for an unpushed commit, PARENT..REV once landed)', () => {
    const s = setup();
    const { ada } = s;
    try {
      const first = commitFile(ada, 'a.ts', 'a\n', 'one\n\nAI-Provenance: v1 ai=0 human=1 untracked=0');
      const tip = commitFile(ada, 'b.ts', 'b\n', 'two\n\nAI-Provenance: v1 ai=0 human=1 untracked=0');
      const pending = ada.cli(['explain', 'HEAD']);
      assert.strictEqual(pending.status, 0, pending.stderr);
      assert.match(pending.stdout, new RegExp(`judged as a push of origin/main\\.\\.${tip.slice(0, 12)}\\b`));
      assert.doesNotMatch(pending.stdout, /branch\.\.REV/);
      const json = JSON.parse(ada.cli(['explain', 'HEAD', '--json']).stdout);
      assert.strictEqual(json.gate.range, `origin/main..${tip.slice(0, 12)}`);

      assert.strictEqual(pushMain(ada).status, 0);
      ada.git('fetch', '-q', 'origin');
      const landed = ada.cli(['explain', 'HEAD']);
      assert.match(
        landed.stdout,
        new RegExp(
          `judged as already landed \\(alone, against its first parent: ${first.slice(0, 12)}\\.\\.${tip.slice(0, 12)}\\)`,
        ),
      );
    } finally {
      fs.rmSync(path.dirname(s.server.dir), { recursive: true, force: true });
    }
  });
  it('newuser12 P12: the first commit of a two-commit push is "with the approved push", and the labels say how it matched', () => {
    const s = setup();
    const { ada, carol } = s;
    try {
      const AI = 'AI-Provenance: v1 ai=1 human=0 untracked=0';
      const base = ada.git('rev-parse', 'HEAD');
      const first = commitFile(ada, 'a.ts', 'a\n', `one\n\n${AI}`);
      const tip = commitFile(ada, 'b.ts', 'b\n', `two\n\n${AI}`);
      recordDecision(ada, carol, { email: 'carol@example.com', tip, base });
      assert.strictEqual(ada.gitResult(['push', '-q', 'origin', 'refs/notes/countersign']).status, 0);
      assert.strictEqual(pushMain(ada).status, 0);
      ada.git('fetch', '-q', 'origin');

      const range = `${base.slice(0, 12)}\\.\\.${tip.slice(0, 12)}`;
      const one = ada.cli(['explain', first, '--branch', 'main']).stdout;
      assert.match(one, new RegExp(`judged as already landed \\(with the approved push that brought it: ${range}\\)`));
      assert.doesNotMatch(one, /alone, against its first parent/);
      assert.match(one, /✓ Carol Ops <carol@example\.com> — approved a range that holds this commit/);
      assert.doesNotMatch(one, /\((exact|tip|rebased)\)/);

      // newuser15 #1: the tip of the same push is judged with that push too, not alone against its parent.
      const two = ada.cli(['explain', tip, '--branch', 'main']).stdout;
      assert.match(two, new RegExp(`judged as already landed \\(with the approved push that brought it: ${range}\\)`));
      assert.match(two, /✓ Carol Ops <carol@example\.com> — approved a range that holds this commit/);
      assert.doesNotMatch(two, /reviewed against another base|alone, against its first parent/);
    } finally {
      fs.rmSync(path.dirname(s.server.dir), { recursive: true, force: true });
    }
  });
});
