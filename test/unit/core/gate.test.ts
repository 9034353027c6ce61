import * as assert from 'assert';
import type { ApprovalStatement, SignedStatement } from '../../../src/core/approvalStatement';
import { evaluateGate, type GateCommit, type GateInput } from '../../../src/core/gate';
import { gateGithubAnnotations, gateMarkdownSummary, gateText } from '../../../src/core/gateReport';
import { CHANGES_REQUESTED_RULE } from '../../../src/core/changesRequested';
import { parsePolicy } from '../../../src/core/policy';
import { makeKey } from '../helpers/reviewerKeys';

/**
 * The gate's rules on hand-built input (no git). Signatures are checked by a stand-in that accepts a
 * statement only for the key named in its signature field — strict: it throws on anything else — so these
 * tests pin the rules; the real SSHSIG path is exercised end to end in test/unit/git/gateAttacks.test.ts.
 */
const bob = makeKey('bob');
const carol = makeKey('carol');
const policy = parsePolicy(
  JSON.stringify({
    protectedBranches: ['main'],
    reviewers: [
      { name: 'Bob', email: 'bob@example.com', key: bob.publicKey },
      { name: 'Carol', email: 'carol@example.com', key: carol.publicKey, role: 'sre' },
    ],
    review: { aiLines: 10, aiShare: 0.2 },
    tiers: [
      { name: 'deletions', deletedFiles: 2, approvals: 2 },
      { name: 'docs-bump', paths: ['docs/'], approvals: 2, scope: 'review' },
    ],
  }),
  'p.json',
);

const hex = (n: number) => n.toString(16).padStart(40, '0');
const BASE = hex(0xba5e);
function commit(n: number, message: string, extra: Partial<GateCommit> = {}): GateCommit {
  return {
    sha: hex(n),
    tree: hex(1000 + n),
    parents: [n === 1 ? BASE : hex(n - 1)],
    message,
    author: { name: 'Ada', email: 'ada@example.com' },
    committer: { name: 'Ada', email: 'ada@example.com' },
    files: [{ path: `f${n}.ts`, added: 10, deleted: 0, status: 'M' }],
    ...extra,
  };
}
const attested = (ai: number, human: number) => `change\n\nAI-Provenance: v1 ai=${ai} human=${human} untracked=0`;

function approval(tipN: number, email: string, o: Partial<ApprovalStatement> = {}): SignedStatement {
  return {
    statement: {
      v: 1,
      decision: 'approve',
      reviewer: { email },
      tip: hex(tipN),
      tree: hex(1000 + tipN),
      base: BASE,
      patchId: hex(5000 + tipN),
      time: '2026-01-01T00:00:00Z',
      ...o,
    },
    signature: `signed-by:${email}`,
  };
}

function input(commits: GateCommit[], statements: SignedStatement[] = [], extra: Partial<GateInput> = {}): GateInput {
  return {
    branch: 'main',
    policy: { kind: 'ok', policy, from: '.countersign.json on origin/main' },
    base: BASE,
    reviewBase: BASE,
    head: commits[commits.length - 1]?.sha,
    commits,
    statements: statements.map((s) => ({ attachedTo: s.statement.tip, signed: s })),
    statementErrors: [],
    baseReach: {},
    verify: (s, key) => {
      const owner =
        key === bob.publicKey ? 'bob@example.com' : key === carol.publicKey ? 'carol@example.com' : undefined;
      if (!owner) throw new Error(`unexpected key ${key}`);
      return s.signature === `signed-by:${owner}`
        ? { ok: true, fingerprint: `SHA256:${owner}` }
        : { ok: false, reason: 'wrong key' };
    },
    ...extra,
  };
}

describe('evaluateGate (rules)', () => {
  it('applies the AI thresholds (lines and share) from the trailer', () => {
    const r = evaluateGate(
      input([commit(1, attested(5, 0)), commit(2, attested(12, 100)), commit(3, attested(12, 20))]),
    );
    assert.deepStrictEqual(
      r.commits.map((c) => c.needsReview),
      [false, false, true],
    );
    assert.match(r.commits[2].reasons[0], /12 of 32 added line\(s\) written by AI/);
  });

  it('review.untracked: untracked lines need review when they reach both the line and the share threshold (default 20 and 50%)', () => {
    const counts = (ai: number, human: number, untracked: number) =>
      `change\n\nAI-Provenance: v1 ai=${ai} human=${human} untracked=${untracked}`;
    // Each commit in its own push: the thresholds per commit.
    const alone = [counts(0, 0, 300), counts(0, 0, 5), counts(0, 21, 20), counts(0, 20, 20), counts(0, 0, 19)].map(
      (m) => evaluateGate(input([commit(1, m)])).commits[0],
    );
    assert.deepStrictEqual(
      alone.map((c) => c.needsReview),
      [true, false, false, true, false],
    );
    assert.deepStrictEqual(alone[0].kinds, ['untracked']);
    assert.strictEqual(
      alone[0].reasons[0],
      '300 of 300 added lines were written by something Countersign did not observe (untracked): review.untracked in ' +
        '.countersign.json holds a commit with at least 20 untracked added line(s) making up at least 50% of its added lines',
    );
    assert.strictEqual(
      alone[3].reasons[0],
      '20 of 40 added lines were written by something Countersign did not observe (untracked): review.untracked in ' +
        '.countersign.json holds a commit with at least 20 untracked added line(s) making up at least 50% of its added lines',
    );
    // attack29 F7: in one push, the commits' lines are added up — those with untracked lines need review.
    const split = evaluateGate(
      input([commit(1, counts(0, 0, 5)), commit(2, counts(0, 20, 0)), commit(3, counts(0, 0, 19))]),
    );
    assert.deepStrictEqual(
      split.commits.map((c) => c.needsReview),
      [true, false, true],
    );
    assert.match(split.commits[2].reasons[0], /^\d+ of \d+ added lines of this push \(2 commits\) were written by/);

    const custom = (untracked: unknown) => ({
      kind: 'ok' as const,
      policy: parsePolicy(JSON.stringify({ protectedBranches: ['main'], review: { untracked } }), 'p.json'),
      from: 'p.json',
    });
    const strict = evaluateGate(
      input([commit(1, counts(0, 0, 5)), commit(2, counts(0, 95, 5))], [], {
        policy: custom({ lines: 1, share: 0.05 }),
      }),
    );
    assert.deepStrictEqual(
      strict.commits.map((c) => c.needsReview),
      [true, true],
    );
    const off = evaluateGate(input([commit(1, counts(0, 0, 300))], [], { policy: custom(false) }));
    assert.strictEqual(off.commits[0].needsReview, false);
    // Unattested commits have no counts: the unattested rule, not this one, speaks for them.
    const unattested = evaluateGate(input([commit(1, 'no trailer')]));
    assert.deepStrictEqual(unattested.commits[0].kinds, ['unattested']);
  });

  it('a named AI co-author needs review whatever the counts', () => {
    const r = evaluateGate(
      input([
        commit(1, 'x\n\nCo-authored-by: Claude <noreply@anthropic.com>\nAI-Provenance: v1 ai=0 human=3 untracked=0'),
      ]),
    );
    assert.ok(r.commits[0].needsReview);
    assert.deepStrictEqual(r.commits[0].kinds, ['ai']);
  });

  it('regression: Assisted-by naming an AI beside ai=0 needs review, as an AI co-author does; beside counted AI lines the thresholds decide', () => {
    const lenient = {
      kind: 'ok' as const,
      policy: parsePolicy(JSON.stringify({ protectedBranches: ['main'], review: { aiLines: 10 } }), 'p.json'),
      from: 'p.json',
    };
    const r = evaluateGate(
      input(
        [
          commit(
            1,
            'x\n\nAssisted-by: Claude:claude-sonnet-4-5 claude-code\nAI-Provenance: v1 ai=0 human=3 untracked=0',
          ),
          commit(
            2,
            'x\n\nAssisted-by: Claude:claude-sonnet-4-5 claude-code\nAI-Provenance: v1 ai=2 human=30 untracked=0',
          ),
          commit(3, 'x\n\nCo-authored-by: Claude <noreply@anthropic.com>\nAI-Provenance: v1 ai=2 human=30 untracked=0'),
        ],
        [],
        { policy: lenient },
      ),
    );
    assert.deepStrictEqual(
      r.commits.map((c) => c.needsReview),
      [true, false, true],
    );
    assert.match(
      r.commits[0].reasons[0],
      /AI-attributed: Assisted-by: Claude:claude-sonnet-4-5 claude-code, 0 AI line\(s\) counted/,
    );
  });

  it('regression: an unreadable AI-Provenance (two trailers) needs review even where unattested commits do not', () => {
    const relaxed = {
      kind: 'ok' as const,
      policy: parsePolicy(JSON.stringify({ protectedBranches: ['main'], review: { unattested: false } }), 'p.json'),
      from: 'p.json',
    };
    const r = evaluateGate(
      input(
        [
          commit(1, 'x\n\nAI-Provenance: v1 ai=50 human=0 untracked=0\nAI-Provenance: v1 ai=0 human=50 untracked=0'),
          commit(2, 'no trailer'),
        ],
        [],
        { policy: relaxed },
      ),
    );
    assert.deepStrictEqual(
      r.commits.map((c) => c.needsReview),
      [true, false],
    );
    assert.match(
      r.commits[0].reasons[0],
      /AI-Provenance of commit 0{12} is unreadable: it carries 2 AI-Provenance trailers .* — fix: reword the commit/,
    );
  });

  it("a person at an AI company's email domain is a person: their attested human commit needs no review", () => {
    const people = [
      commit(1, attested(0, 10), { author: { name: 'Dana Engineer', email: 'dana@anthropic.com' } }),
      commit(2, attested(0, 10), { author: { name: 'Sam', email: 'sam@openai.com' } }),
      commit(3, `${attested(0, 10)}\nCo-authored-by: Lee <lee@cursor.com>`, {
        author: { name: 'Claude Monet', email: 'claude@ampcode.com' },
      }),
    ];
    const r = evaluateGate(input(people));
    assert.deepStrictEqual(
      r.commits.map((c) => c.needsReview),
      [false, false, false],
      JSON.stringify(r.commits.map((c) => c.reasons)),
    );
    const bot = evaluateGate(
      input([
        commit(1, attested(0, 10), {
          author: { name: 'Copilot', email: '198982749+Copilot@users.noreply.github.com' },
        }),
      ]),
    );
    assert.deepStrictEqual(bot.commits[0].kinds, ['ai']);
  });

  it('approving the tip covers the commits from its base; the approver of their own commit does not count', () => {
    const c1 = commit(1, 'unattested');
    const c2 = commit(2, 'unattested too', { author: { name: 'Bob', email: 'Bob@Example.com' } });
    const r = evaluateGate(input([c1, c2], [approval(2, 'bob@example.com')]));
    assert.strictEqual(r.commits[0].ok, true);
    assert.strictEqual(r.commits[1].ok, false);
    assert.match(r.commits[1].ignored[0], /they authored this commit/);
    assert.strictEqual(r.approveCommand, `countersign approve ${hex(2)} --base ${BASE}`);
  });

  it('a statement reviewed against a later base does not cover the commits before it', () => {
    const r = evaluateGate(
      input([commit(1, 'a'), commit(2, 'b')], [approval(2, 'bob@example.com', { base: hex(1) })], {
        baseReach: { [hex(1)]: [hex(1)] },
      }),
    );
    assert.deepStrictEqual(
      r.commits.map((c) => c.ok),
      [false, true],
    );
    assert.match(r.commits[0].ignored.join('\n'), /starts after this commit/);
  });

  it('a statement whose base is unknown covers nothing and says how to fix it', () => {
    const r = evaluateGate(
      input([commit(1, 'a')], [approval(1, 'bob@example.com', { base: hex(77) })], { baseReach: { [hex(77)]: null } }),
    );
    assert.strictEqual(r.ok, false);
    assert.match(r.commits[0].ignored.join('\n'), /not in this repository/);
  });

  it('the same patch-id after a rebase keeps the approval', () => {
    const rebased = commit(9, 'a', { parents: [BASE], patchIdFromBase: hex(5001) });
    const r = evaluateGate(input([rebased], [approval(1, 'bob@example.com')]));
    assert.strictEqual(r.ok, true);
    assert.strictEqual(r.commits[0].approvals[0].via, 'rebased');
  });

  it('regression (patch-id laundering): a rebased approval covers a chain only when its commits are the approved ones one by one', () => {
    // Approved: base..hex(2), two commits with own patch-ids p1, p2 (span patch-id hex(5002)).
    const span = { [`${BASE}..${hex(2)}`]: ['p1', 'p2'] };
    const chain = (own: string[], extra: Partial<GateCommit> = {}) =>
      own.map((p, i) =>
        commit(11 + i, attested(12, 0), {
          parents: [i === 0 ? BASE : hex(11 + i - 1)],
          ownPatchId: p,
          ...(i === own.length - 1 ? { patchIdFromBase: hex(5002), ...extra } : {}),
        }),
      );
    const judge = (commits: GateCommit[], approvedPatches: GateInput['approvedPatches'] = span) =>
      evaluateGate(input(commits, [approval(2, 'bob@example.com')], { approvedPatches }));
    assert.deepStrictEqual(
      judge(chain(['p1', 'p2'])).commits.map((c) => c.ok),
      [true, true],
    );
    const laundered = judge(chain(['evil', 'clean']));
    assert.deepStrictEqual(
      laundered.commits.map((c) => c.ok),
      [false, false],
    );
    assert.match(
      laundered.commits[0].ignored.join('\n'),
      /do not match the approved commits one by one \(commit 1, 0{12}, is not the approved commit 1's change\)/,
    );
    assert.deepStrictEqual(
      judge(chain(['p2', 'p1'])).commits.map((c) => c.ok),
      [false, false],
      'reordered',
    );
    assert.match(
      judge(chain(['p1', 'x', 'y', 'p2'])).commits[0].ignored.join('\n'),
      /this push's 4 commits do not match .*\(2 were approved\)/,
    );
    assert.match(
      judge(chain(['p1', 'p2']), {}).commits[0].ignored.join('\n'),
      /approved commits are not in this repository as a plain chain/,
    );
    // A merge in the chain cannot be matched; a single commit whose own change is the approved one (a squash) can.
    assert.deepStrictEqual(
      judge(chain(['p1', 'p2'], { parents: [hex(11), hex(99)] })).commits.map((c) => c.ok),
      [false, false],
    );
    assert.strictEqual(
      judge([commit(11, attested(12, 0), { parents: [BASE], patchIdFromBase: hex(5002) })], {}).ok,
      true,
    );
    // A rejection carried by patch-id still reaches the whole chain: it fails closed.
    const rejected = evaluateGate(
      input(
        chain(['evil', 'clean']),
        [approval(2, 'bob@example.com', { decision: 'reject', time: '2026-01-02T00:00:00Z' })],
        { approvedPatches: span },
      ),
    );
    assert.match(rejected.commits[0].reasons.join('\n'), /requested changes/);
  });

  it('a tier by deletions needs two approvals; a review-scoped tier only raises commits already needing review', () => {
    const del = commit(1, attested(0, 0), {
      files: [
        { path: 'a', added: 0, deleted: 9, status: 'D' },
        { path: 'b', added: 0, deleted: 1, status: 'D' },
      ],
    });
    const docsHuman = commit(2, attested(0, 5), { files: [{ path: 'docs/x.md', added: 5, deleted: 0, status: 'M' }] });
    const r = evaluateGate(input([del, docsHuman], [approval(2, 'bob@example.com')]));
    assert.strictEqual(r.commits[0].requiredApprovals, 2);
    assert.match(r.commits[0].reasons.join('\n'), /tier 'deletions': deletes 2 file\(s\)/);
    assert.strictEqual(r.commits[1].needsReview, false, 'human docs change: the review-scoped tier does not apply');
  });

  it('after one of two approvals, the blocked message names only the reviewers who have not approved yet', () => {
    const del = commit(1, attested(0, 0), {
      files: [
        { path: 'a', added: 0, deleted: 9, status: 'D' },
        { path: 'b', added: 0, deleted: 1, status: 'D' },
      ],
    });
    const r = evaluateGate(input([del], [approval(1, 'bob@example.com')]));
    assert.strictEqual(r.commits[0].ok, false);
    const mayApprove = r.commits[0].reasons.find((m) => m.startsWith('may approve'));
    assert.strictEqual(mayApprove, 'may approve: Carol <carol@example.com> (sre)');
    assert.match(gateText(r), /and ask Carol <carol@example\.com> \(sre\) to review it/);
    // newuser12 P6: the command fails in a clone that has not fetched the pushed branch; the step says to fetch.
    assert.match(gateText(r), /The reviewer runs: +countersign approve .*\n +\(after `git fetch` in their clone/);
    // newuser8 F15: with both still missing, "ask 2 of", not "ask Bob or Carol".
    assert.match(
      gateText(evaluateGate(input([del], []))),
      /and ask 2 of Bob <bob@example\.com>, Carol <carol@example\.com> \(sre\) to review it/,
    );
  });

  it('when every eligible reviewer has approved and more are required, it says the policy needs more reviewers', () => {
    const del = commit(1, attested(0, 0), {
      files: [
        { path: 'a', added: 0, deleted: 9, status: 'D' },
        { path: 'b', added: 0, deleted: 1, status: 'D' },
      ],
      author: { name: 'Carol', email: 'carol@example.com' },
    });
    // newuser8 F9: said up front (before anyone approved), and again after; the text drops "ask a reviewer".
    // (Until session 9 this said "no other reviewer may approve … all have approved", and only afterwards.)
    for (const approvals of [[], [approval(1, 'bob@example.com')]]) {
      const r = evaluateGate(input([del], approvals));
      assert.match(
        r.commits[0].reasons.join('\n'),
        /can never pass as the policy stands: it needs 2 approvals and the policy lists 1 eligible reviewer\(s\) \(Bob <bob@example\.com>; nobody approves their own change\) — add reviewers/,
      );
      assert.doesNotMatch(r.commits[0].reasons.join('\n'), /may approve/);
      const text = gateText(r);
      assert.match(text, /No reviewer can make this commit pass as the policy stands/);
      assert.doesNotMatch(text, /The reviewer runs|to review it/);
    }
  });

  it('a rejection at the same time as an approval wins (fail closed)', () => {
    const r = evaluateGate(
      input([commit(1, 'a')], [approval(1, 'bob@example.com'), approval(1, 'bob@example.com', { decision: 'reject' })]),
    );
    assert.strictEqual(r.ok, false);
  });

  it('an unreadable policy blocks with policyError; no policy means not protected', () => {
    const bad = evaluateGate(
      input([commit(1, 'a')], [], { policy: { kind: 'error', message: 'p.json:1:1: broken', from: 'p.json' } }),
    );
    assert.deepStrictEqual([bad.ok, bad.protected, bad.policyError], [false, true, true]);
    // newuser14 S13: not "main is protected (p.json)" — whether it is, is what cannot be read.
    const text = gateText(bad, 'countersign (pre-push)');
    assert.match(text, /^countersign \(pre-push\): BLOCKED — the policy that judges main cannot be read \(p\.json\)/);
    assert.doesNotMatch(text, /is protected/);
    assert.match(text, /p\.json:1:1: broken/);
    const none = evaluateGate(
      input([commit(1, 'a')], [], {
        policy: { kind: 'none', looked: ['origin/main'] },
        errors: ['remote unreachable'],
      }),
    );
    assert.deepStrictEqual([none.ok, none.protected], [true, false]);
    assert.match(none.notices.join('\n'), /not protected.*origin\/main/);
  });

  it('an unreadable approval line on the tip blocks the commits it could cover', () => {
    const r = evaluateGate(
      input([commit(1, 'a')], [approval(1, 'bob@example.com')], {
        statementErrors: [{ attachedTo: hex(1), error: 'line 2: not JSON' }],
      }),
    );
    assert.strictEqual(r.ok, false);
    assert.match(r.commits[0].reasons.join('\n'), /unreadable: line 2: not JSON/);
  });
});

describe('evaluateGate (tiers over the whole push)', () => {
  // The 'deletions' tier of the shared policy needs 2 approvals from 2 deleted files; each commit below deletes one.
  const human = attested(0, 0);
  const del = (n: number, path: string, extra: Partial<GateCommit> = {}) =>
    commit(n, human, { files: [{ path, added: 0, deleted: 3, status: 'D' }], ...extra });

  it('deletions split over several commits add up: every deleting commit carries the tier, with the whole push in the reason', () => {
    const r = evaluateGate(input([del(1, 'env/a.tf.bak'), del(2, 'env/b'), commit(3, human)]));
    assert.strictEqual(r.ok, false);
    for (const c of r.commits.slice(0, 2)) {
      assert.deepStrictEqual([c.needsReview, c.tiers, c.requiredApprovals], [true, ['deletions'], 2]);
      assert.match(
        c.reasons.join('\n'),
        /tier 'deletions': this push deletes 2 files across 2 commits — needs 2 approval\(s\)/,
      );
    }
    assert.strictEqual(r.commits[2].needsReview, false, 'a commit that deletes nothing adds no blast radius');
    assert.strictEqual(r.approveCommand, `countersign approve ${hex(3)} --base ${BASE}`);
  });

  it('one approval of the tip by enough reviewers covers the whole range; one reviewer is not enough', () => {
    const commits = [del(1, 'a'), del(2, 'b'), del(3, 'c')];
    const one = evaluateGate(input(commits, [approval(3, 'bob@example.com')]));
    assert.deepStrictEqual(
      one.commits.map((c) => c.ok),
      [false, false, false],
    );
    assert.match(
      one.commits[0].reasons.join('\n'),
      /this push deletes 3 files across 3 commits .*\n.*has 1 of 2 required approval/,
    );
    const two = evaluateGate(input(commits, [approval(3, 'bob@example.com'), approval(3, 'carol@example.com')]));
    assert.strictEqual(two.ok, true, JSON.stringify(two.commits.map((c) => c.reasons)));
  });

  it('a file deleted and then re-added still counts as deleted ("delete and recreate")', () => {
    const recreate = commit(2, human, { files: [{ path: 'db/schema', added: 3, deleted: 0, status: 'A' }] });
    const r = evaluateGate(input([del(1, 'db/schema'), recreate, del(3, 'db/data')]));
    assert.deepStrictEqual(
      r.commits.map((c) => c.needsReview),
      [true, false, true],
    );
    assert.match(r.commits[2].reasons.join('\n'), /this push deletes 2 files across 2 commits/);
  });

  it('the same file deleted twice is one file; below the threshold nothing changes', () => {
    const recreate = commit(2, human, { files: [{ path: 'x', added: 3, deleted: 0, status: 'A' }] });
    const r = evaluateGate(input([del(1, 'x'), recreate, del(3, 'x')]));
    assert.strictEqual(r.ok, true);
    assert.deepStrictEqual(
      r.commits.map((c) => c.needsReview),
      [false, false, false],
    );
  });

  it('deleted lines add up across commits, and both measures are named when both cross', () => {
    const lines = parsePolicy(
      JSON.stringify({
        protectedBranches: ['main'],
        reviewers: [{ name: 'Bob', email: 'bob@example.com', key: bob.publicKey }],
        tiers: [{ name: 'mass-deletion', deletedFiles: 3, deletedLines: 100, approvals: 2 }],
      }),
      'p.json',
    );
    const trim = (n: number, deleted: number) =>
      commit(n, human, { files: [{ path: `big${n}.ts`, added: 0, deleted, status: 'M' }] });
    const policy: GateInput['policy'] = { kind: 'ok', policy: lines, from: 'p.json' };
    const r = evaluateGate(input([trim(1, 40), trim(2, 40), trim(3, 40)], [], { policy }));
    assert.match(
      r.commits[0].reasons.join('\n'),
      /tier 'mass-deletion': this push deletes 120 lines across 3 commits — needs 2 approval\(s\)/,
    );
    const both = evaluateGate(
      input(
        [
          del(1, 'a', { files: [{ path: 'a', added: 0, deleted: 60, status: 'D' }] }),
          del(2, 'b'),
          del(3, 'c', { files: [{ path: 'c', added: 0, deleted: 60, status: 'D' }] }),
        ],
        [],
        { policy },
      ),
    );
    assert.match(both.commits[1].reasons.join('\n'), /this push deletes 3 files and 123 lines across 3 commits/);
    const under = evaluateGate(input([trim(1, 40), trim(2, 40)], [], { policy }));
    assert.strictEqual(under.ok, true);
  });

  it('a commit that crosses a tier on its own keeps its own reason (no second, range-wide one)', () => {
    const big = commit(1, human, {
      files: [
        { path: 'a', added: 0, deleted: 1, status: 'D' },
        { path: 'b', added: 0, deleted: 1, status: 'D' },
      ],
    });
    const r = evaluateGate(input([big, del(2, 'c')]));
    assert.deepStrictEqual(
      r.commits[0].reasons.filter((m) => m.startsWith('tier')),
      ["tier 'deletions': deletes 2 file(s) — needs 2 approval(s)"],
    );
    assert.match(r.commits[1].reasons.join('\n'), /this push deletes 3 files across 2 commits/);
  });

  it('a merge does not count the deletions of the commits it brings in twice, but counts its own', () => {
    // BASE <- side(deletes a) ; BASE <- merge(first parent BASE, second parent side): its first-parent diff repeats side's deletion.
    const side = del(1, 'a', { parents: [BASE] });
    const merge = commit(2, human, {
      parents: [BASE, hex(1)],
      files: [{ path: 'a', added: 0, deleted: 3, status: 'D' }],
    });
    const r = evaluateGate(input([side, merge]));
    assert.strictEqual(r.ok, true, JSON.stringify(r.commits.map((c) => c.reasons)));
    // An "evil" merge that also deletes b itself: 2 distinct files, from 2 commits.
    const evil = commit(2, human, {
      parents: [BASE, hex(1)],
      files: [
        { path: 'a', added: 0, deleted: 3, status: 'D' },
        { path: 'b', added: 0, deleted: 1, status: 'D' },
      ],
    });
    const r2 = evaluateGate(input([side, evil]));
    assert.strictEqual(r2.ok, false);
    assert.match(r2.commits[0].reasons.join('\n'), /this push deletes 2 files across 2 commits/);
  });
});

describe('evaluateGate (regressions)', () => {
  it("one reviewer's standing request for changes holds the commit though another approved; the text says both", () => {
    const r = evaluateGate(
      input(
        [commit(1, attested(12, 0))],
        [
          approval(1, 'bob@example.com', { decision: 'reject', comment: 'not yet', time: '2026-01-02T00:00:00Z' }),
          approval(1, 'carol@example.com', { time: '2026-01-03T00:00:00Z' }),
        ],
      ),
    );
    assert.strictEqual(r.ok, false);
    assert.deepStrictEqual(
      r.commits[0].approvals.map((a) => a.reviewer),
      ['carol@example.com'],
      "Carol's approval counts",
    );
    assert.match(
      r.commits[0].reasons.join('\n'),
      /Bob <bob@example\.com> requested changes .*"not yet" — it holds this commit until Bob approves it again/,
    );
    const text = gateText(r);
    assert.match(text, /approved by Carol <carol@example\.com> \(counted\)/);
    // Bob approving later lifts his request: Carol's and Bob's approvals both count.
    const later = evaluateGate(
      input(
        [commit(1, attested(12, 0))],
        [
          approval(1, 'bob@example.com', { decision: 'reject', comment: 'not yet', time: '2026-01-02T00:00:00Z' }),
          approval(1, 'carol@example.com', { time: '2026-01-03T00:00:00Z' }),
          approval(1, 'bob@example.com', { time: '2026-01-04T00:00:00Z' }),
        ],
      ),
    );
    assert.strictEqual(later.ok, true);
  });

  it("a forged statement carrying a copy of a real rejection's signature does not hide the rejection", () => {
    const realReject = approval(1, 'bob@example.com', { decision: 'reject', time: '2026-01-02T00:00:00Z' });
    const forged: SignedStatement = {
      ...realReject,
      statement: { ...realReject.statement, decision: 'approve', comment: 'decoy' },
    };
    const verify: GateInput['verify'] = (s, key) => {
      if (key !== bob.publicKey && key !== carol.publicKey) throw new Error('unexpected key');
      // Only the genuine rejection verifies (the forged one altered the signed bytes).
      return key === bob.publicKey && s.statement.decision === 'reject'
        ? { ok: true, fingerprint: 'SHA256:bob' }
        : { ok: false, reason: 'bad signature' };
    };
    const r = evaluateGate({
      ...input([commit(1, 'a')], [forged, realReject, approval(1, 'bob@example.com')]),
      verify: (s, k) =>
        s.statement.comment === undefined && s.statement.decision === 'approve' && k === bob.publicKey
          ? { ok: true, fingerprint: 'SHA256:bob' }
          : verify(s, k),
    });
    assert.strictEqual(r.ok, false);
    assert.match(r.commits[0].reasons.join('\n'), /requested changes/);
  });
  // newuser15 #7: a rejection of a three-commit tip printed ~350 characters of what a request for changes means
  // under each of the three commits, burying the comment. The comment stays per commit; the rule is said once.
  it('says what a request for changes means once per report, the comment under every commit it holds', () => {
    const r = evaluateGate(
      input(
        [commit(1, attested(12, 0)), commit(2, attested(12, 0)), commit(3, attested(12, 0))],
        [approval(3, 'bob@example.com', { decision: 'reject', comment: 'add a lifecycle guard' })],
      ),
    );
    assert.strictEqual(r.ok, false);
    for (const c of r.commits) {
      const held = c.reasons.filter((x) => x.includes('requested changes'));
      assert.strictEqual(held.length, 1, c.reasons.join('\n'));
      assert.match(held[0], /"add a lifecycle guard" — it holds this commit until Bob approves it again/);
      assert.ok(held[0].length < 200, held[0]);
    }
    const count = (text: string, part: string) => text.split(part).length - 1;
    const rule = 'a revision whose change (patch) differs is a new change';
    assert.ok(CHANGES_REQUESTED_RULE.includes(rule));
    const text = gateText(r);
    assert.strictEqual(count(text, '"add a lifecycle guard"'), 4, text); // 3 commits + What to do
    assert.strictEqual(count(text, rule), 1, text);
    assert.strictEqual(count(gateGithubAnnotations(r), rule), 1);
    assert.strictEqual(count(gateMarkdownSummary([r]), rule), 1);
  });
});
