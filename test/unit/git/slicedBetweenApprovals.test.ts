import * as assert from 'assert';
import { recordDecision } from '../helpers/approvals';
import { verifyThenPush, withoutGate } from '../helpers/gateAgreement';
import { aiCommit, policyJson, serverRef, setup, snapshotSetup, type Setup } from '../helpers/gateServer';
import { makeKey } from '../helpers/reviewerKeys';
import { MAX_JUDGED_TIPS } from '../../../src/git/vouchedTip';

/**
 * attack23 04: a mass deletion sliced between colleagues' approvals. The cross-push deletion count
 * (src/git/reviewedPoint.ts) started again at any reviewed point, so four files deleted, a colleague's feature that
 * one reviewer approved landing (an ordinary AI change needs one), four more deleted, and so on removed twelve files
 * with no push meeting the tier's two approvals. A point now restarts the count only when its tip has as many
 * approvals as the deletion tier asks; one with fewer is walked past. Nor did it read the tier's roles: two
 * reviewers without the SRE role the tier asks made a point, so the sliced deletion never reached an SRE; the
 * point's approvals now meet the tier as the gate decides it, count and roles (core/approvalDecision.ts unmetNeed).
 * Every push goes through verify first (verifyThenPush), so CI and the server agree.
 */
describe('server gate: a mass deletion sliced between single-reviewer approvals (attack23 04, real pushes)', function () {
  this.timeout(480_000);

  const HUMAN = (n: number) => `AI-Provenance: v1 ai=0 human=${n} untracked=0`;
  const FILES = Array.from({ length: 12 }, (_, i) => `docs/f${i + 1}.md`);
  /**
   * Twelve files cross the tier; eight do not: only the third slice adds up to it. Bob and Dave have no role,
   * Carol is the SRE.
   */
  const policy = (approvals: number, roles: string[] = []) =>
    policyJson(makeKey('bob'), makeKey('carol'), {
      reviewers: [
        { name: 'Bob Reviewer', email: 'bob@example.com', key: makeKey('bob').publicKey },
        { name: 'Carol Ops', email: 'carol@example.com', key: makeKey('carol').publicKey, role: 'sre' },
        { name: 'Dave Dev', email: 'dave@example.com', key: makeKey('dave').publicKey },
      ],
      tiers: [{ name: 'mass-deletion', deletedFiles: 10, approvals, roles }],
    });
  type Who = 'bob' | 'carol' | 'dave';

  function pushNotes(s: Setup): void {
    assert.strictEqual(s.ada.gitResult(['push', '-q', 'origin', 'refs/notes/countersign']).status, 0);
  }

  /** Approves `tip` from the server's main by each of `who`, and pushes the notes. */
  function approve(s: Setup, tip: string, who: Who[]): void {
    const base = serverRef(s, 'refs/heads/main');
    for (const r of who) recordDecision(s.ada, makeKey(r), { email: `${r}@example.com`, tip, base });
    pushNotes(s);
  }

  function lands(s: Setup, what: string): void {
    const r = verifyThenPush(s.ada, 'main', ['origin', 'main']);
    assert.strictEqual(r.status, 0, `${what}: ${r.stderr}`);
  }

  /**
   * main with the twelve files, an AI change both reviewers approved: the last point before the slices. Built once
   * per tier and copied for each test that starts here (snapshotSetup), as is slicedTwice.
   */
  function withFiles(tierApprovals: number, roles: string[] = []): { s: Setup; point: string } {
    const key = `slicedBetweenApprovals:withFiles:${tierApprovals}:${roles.join()}`;
    const { point, ...s } = snapshotSetup(key, () => {
      const s = setup(policy(tierApprovals, roles));
      for (const f of FILES) s.ada.write(f, `# ${f}\n`);
      s.ada.git('add', '.');
      const point = s.ada.commit(
        'docs',
        '-m',
        'Assisted-by: Claude:claude-sonnet-4-5 claude-code',
        '-m',
        'AI-Provenance: v1 ai=12 human=0 untracked=0',
      );
      approve(s, point, ['bob', 'carol']);
      lands(s, 'the docs, approved by both');
      return { ...s, point };
    });
    return { s, point };
  }

  function slice(s: Setup, n: number): void {
    s.ada.git('rm', '-q', ...FILES.slice(4 * (n - 1), 4 * n));
    s.ada.commit(`drop docs (${n}/3)`, '-m', HUMAN(0));
  }

  /** A colleague's AI feature, approved by `who` from main's value, landing. */
  function feature(s: Setup, n: number, who: Who[]): void {
    approve(s, aiCommit(s.ada, `feature${n}.py`), who);
    lands(s, `feature ${n}`);
  }

  /** withFiles, then two slices landed with a colleague's feature approved by `who` between them. */
  function slicedTwice(tierApprovals: number, roles: string[], who: Who[]): { s: Setup; point: string } {
    const key = `slicedBetweenApprovals:slicedTwice:${tierApprovals}:${roles.join()}:${who.join()}`;
    const { point, ...s } = snapshotSetup(key, () => {
      const { s, point } = withFiles(tierApprovals, roles);
      slice(s, 1);
      lands(s, 'four files alone are below the tier');
      feature(s, 1, who);
      slice(s, 2);
      lands(s, 'eight files since the last point the tier would pass are below it');
      return { ...s, point };
    });
    return { s, point };
  }

  it('the third slice is refused: a point one reviewer approved does not restart the count', () => {
    const { s, point } = slicedTwice(2, [], ['bob']);
    feature(s, 2, ['bob']);
    slice(s, 3);
    const before = serverRef(s, 'refs/heads/main');
    const r = verifyThenPush(s.ada, 'main', ['origin', 'main']);
    assert.notStrictEqual(r.status, 0, 'the third slice landed: twelve files gone, no push met the two-approval tier');
    assert.match(
      r.stderr,
      new RegExp(
        `tier 'mass-deletion': this push and the \\d+ unreviewed commit\\(s\\) on main since ${point.slice(0, 7)}\\w*, ` +
          'its last approved commit, delete 12 files; 2 later approved commit\\(s\\) had fewer approvals than the ' +
          'deletion tier asks',
      ),
    );
    assert.match(r.stderr, /needs 2 approval\(s\)/);
    assert.strictEqual(serverRef(s, 'refs/heads/main'), before);
    // The reviewer's fix: the tip approved by as many reviewers as the tier asks.
    approve(s, s.ada.git('rev-parse', 'HEAD'), ['bob', 'carol']);
    lands(s, 'the third slice approved by two');
  });

  it('a point two reviewers approved restarts the count: the third slice lands', () => {
    const { s } = slicedTwice(2, [], ['bob']);
    feature(s, 2, ['bob', 'carol']);
    slice(s, 3);
    lands(s, 'four files since a point approved by two');
  });

  it('one-reviewer tips cost the walk no judgement: past MAX_JUDGED_TIPS of them the count is still known', () => {
    const { s } = withFiles(2);
    // More single-reviewer features than the walk may judge, planted in one push (an import, or a busy week).
    for (let i = 0; i <= MAX_JUDGED_TIPS; i++) {
      const base = s.ada.git('rev-parse', 'HEAD');
      const tip = aiCommit(s.ada, `feature${i}.py`);
      recordDecision(s.ada, s.bob, { email: 'bob@example.com', tip, base });
    }
    pushNotes(s);
    withoutGate(s.server, () => assert.strictEqual(s.ada.gitResult(['push', '-q', 'origin', 'main']).status, 0));
    slice(s, 1);
    lands(s, 'four files since the last point approved by two, behind nine one-reviewer tips');
  });

  it('a deletion tier that asks one approval restarts the count at a one-reviewer point, as before', () => {
    const { s } = withFiles(1);
    for (const n of [1, 2, 3]) {
      slice(s, n);
      lands(s, `slice ${n}`);
      if (n < 3) feature(s, n, ['bob']);
    }
  });

  // The tier asks two approvals, one of them an SRE's: a point two reviewers without the role approved restarted
  // the count all the same, so a deletion sliced between ordinary features never reached an SRE.
  it("a point two reviewers without the tier's role approved does not restart the count", () => {
    const { s, point } = slicedTwice(2, ['sre'], ['bob', 'dave']);
    feature(s, 2, ['bob', 'dave']);
    slice(s, 3);
    const before = serverRef(s, 'refs/heads/main');
    const r = verifyThenPush(s.ada, 'main', ['origin', 'main']);
    assert.notStrictEqual(r.status, 0, 'the third slice landed: twelve files gone, and no SRE approved any of it');
    assert.match(
      r.stderr,
      new RegExp(
        `tier 'mass-deletion': this push and the \\d+ unreviewed commit\\(s\\) on main since ${point.slice(0, 7)}\\w*, ` +
          'its last approved commit, delete 12 files; 2 later approved commit\\(s\\) had approvals that do not meet ' +
          'the deletion tier \\(roles: sre\\)',
      ),
    );
    assert.match(r.stderr, /one from a reviewer with role 'sre'/);
    assert.strictEqual(serverRef(s, 'refs/heads/main'), before);
    // The fix: the SRE approves the tip with another reviewer.
    approve(s, s.ada.git('rev-parse', 'HEAD'), ['carol', 'bob']);
    lands(s, 'the third slice approved by the SRE and another reviewer');
  });

  it("tips without the tier's role cost the walk no judgement: past MAX_JUDGED_TIPS of them the count is known", () => {
    const { s } = withFiles(2, ['sre']);
    for (let i = 0; i <= MAX_JUDGED_TIPS; i++) {
      const base = s.ada.git('rev-parse', 'HEAD');
      const tip = aiCommit(s.ada, `feature${i}.py`);
      for (const r of ['bob', 'dave'] as const)
        recordDecision(s.ada, makeKey(r), { email: `${r}@example.com`, tip, base });
    }
    pushNotes(s);
    withoutGate(s.server, () => assert.strictEqual(s.ada.gitResult(['push', '-q', 'origin', 'main']).status, 0));
    slice(s, 1);
    lands(s, 'four files since the last point the tier would pass, behind nine tips two non-SREs approved');
  });

  it('a point an SRE and another reviewer approved restarts the count: the third slice lands', () => {
    const { s } = slicedTwice(2, ['sre'], ['bob', 'dave']);
    feature(s, 2, ['carol', 'dave']);
    slice(s, 3);
    lands(s, 'four files since a point approved by an SRE and another reviewer');
  });
});
