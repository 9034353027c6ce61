import * as assert from 'assert';
import { withoutGate } from '../helpers/gateAgreement';
import { commitFile, type Setup } from '../helpers/gateServer';
import { HUMAN, NONE, landedSetup } from '../helpers/landedRange';
import { passes, prePushHook, refused, verdicts } from '../helpers/refVerdicts';

/**
 * Outside tester, session 11, L4 and L1: two ways round the K3 fix (tagVouchedState.test.ts).
 * L4: a new protected ref at a NEW commit H whose range meets main at the rejected draft E (H = an empty child of
 * E, or E plus one human commit, lightweight or annotated tag, release branch, several pushes) was judged from
 * merge-base(H, main) = E, so E's tree shipped with "1 commit(s) checked". The rule (src/git/vouchedExits.ts):
 * wherever a new ref's range meets protected history, the meeting point must be a state the gate vouches for (a
 * protected tip, pre-gate, an approved tip); else the range is judged from that point's nearest vouched states.
 * L1: K4's detour merge (an empty root X, then M = merge(X, main) with main's tree) made M "where the gate
 * started" on main's first-parent chain, so E was "pre-gate". The start is now the one commit in the policy
 * branch's whole history that brought the policy file in (src/git/gateStart.ts): no push can move it.
 */
describe('server gate: a new protected ref judged from vouched states wherever it meets protected history (real pushes)', function () {
  this.timeout(240_000);

  /** What refuses: E's rejection (Bob's request for changes), named by the gate. */
  const rejected = /request(ed|s)? (for )?changes|reject/i;

  /** H: a commit with `tree`'s tree on `parents`, attested honestly (it adds no line). */
  function commitTree(s: Setup, tree: string, parents: string[], subject: string): string {
    const args = parents.flatMap((p) => ['-p', p]);
    return s.ada.git('commit-tree', `${tree}^{tree}`, ...args, '-m', `${subject}\n\n${NONE}`);
  }

  /** E plus one human commit (a VERSION file) on top of `on`. */
  function humanChild(s: Setup, on: string): string {
    s.ada.git('checkout', '-q', '--detach', on);
    const c = commitFile(s.ada, 'VERSION', '2.1\n', `version 2.1\n\n${HUMAN}`);
    s.ada.git('checkout', '-q', 'main');
    return c;
  }

  /** Verify, pre-push and the server on an annotated tag `name` at `sha`: they must agree; true = passes. */
  function annotated(s: Setup, sha: string, name: string): { verdict: boolean; said: string } {
    const { ada } = s;
    const ref = `refs/tags/${name}`;
    ada.git('tag', '-a', '-f', '-m', `release ${name}`, name, sha);
    const obj = ada.git('rev-parse', ref);
    const verify = ada.cli(['verify', '--remote', 'origin', '--tag', name]);
    const prePush = prePushHook(ada, `${ref} ${obj} ${ref} ${'0'.repeat(40)}\n`);
    const server = ada.gitResult(['push', '--no-verify', 'origin', ref]);
    const said = `verify: ${verify.stdout}${verify.stderr}\npre-push: ${prePush.stderr}\nserver: ${server.stderr}`;
    assert.deepStrictEqual(
      { verify: verify.status === 0, prePush: prePush.status === 0 },
      { verify: server.status === 0, prePush: server.status === 0 },
      `verify, pre-push and the server disagree:\n${said}`,
    );
    ada.git('tag', '-d', name);
    return { verdict: server.status === 0, said };
  }

  const absent = (s: Setup, ref: string) =>
    assert.strictEqual(s.server.gitResult(['rev-parse', '-q', '--verify', ref]).status, 1, `${ref} is on the server`);

  it('L4: a tag and a release branch at an empty child of the rejected draft are refused', () => {
    const s = landedSetup({ approvedBase: true });
    const { draft } = s;
    const h = commitTree(s, draft, [draft], 'release 2.0');
    refused(s, h, 'refs/tags/v2.0', rejected);
    refused(s, h, 'refs/heads/release/2.0', rejected);
  });

  it('L4: the rejected draft plus one human commit, lightweight and annotated tags and a release branch: refused', () => {
    const s = landedSetup({ approvedBase: true });
    const { draft } = s;
    const h = commitTree(s, draft, [draft], 'release 2.1');
    const v = humanChild(s, h);
    refused(s, v, 'refs/tags/v2.1-light', rejected);
    const a = annotated(s, v, 'v2.1');
    assert.strictEqual(a.verdict, false, `an annotated tag at E + VERSION must be refused:\n${a.said}`);
    assert.match(a.said, rejected);
    absent(s, 'refs/tags/v2.1');
    refused(s, v, 'refs/heads/release/2.1', rejected);
  });

  it('L4, several pushes: H parked on a feature branch first, both refs in one push, a tag moved forward to H', () => {
    const s = landedSetup({ approvedBase: true });
    const { ada } = s;
    const { start, draft } = s;
    const h = commitTree(s, draft, [draft], 'release 2.0');
    assert.strictEqual(ada.gitResult(['push', '-q', '--no-verify', 'origin', `${h}:refs/heads/feature/h`]).status, 0);
    refused(s, h, 'refs/tags/v2.0', rejected);
    // One push naming both refs: the server judges each (the push's facts answer for both at once).
    const both = ada.gitResult(['push', '--no-verify', 'origin', `${h}:refs/tags/v2.0`, `${h}:refs/heads/release/2.0`]);
    assert.notStrictEqual(both.status, 0, both.stderr);
    absent(s, 'refs/tags/v2.0');
    absent(s, 'refs/heads/release/2.0');
    // A tag at the gate's start, then moved forward to H (H descends from it).
    passes(s, start, 'refs/tags/v1.9');
    refused(s, h, 'refs/tags/v1.9', rejected);
    assert.strictEqual(s.server.git('rev-parse', 'refs/tags/v1.9'), start);
  });

  it("L4, a side exit: a merge of a new root and E (E's tree) meets main at E through its second parent: refused", () => {
    const s = landedSetup({ approvedBase: true });
    const { draft } = s;
    const empty = s.ada.git('hash-object', '-t', 'tree', '/dev/null');
    const root = s.ada.git('commit-tree', empty, '-m', `start\n\n${NONE}`);
    const h = commitTree(s, draft, [root, draft], 'Merge E');
    refused(s, h, 'refs/tags/v2.0', /./);
    refused(s, h, 'refs/heads/release/2.0', /./);
  });

  it('L1: after the detour merge on main, a tag and a release branch at the rejected draft are still refused', () => {
    const s = landedSetup({ approvedBase: true });
    const { ada } = s;
    const { draft, tip } = s;
    const empty = ada.git('hash-object', '-t', 'tree', '/dev/null');
    const x = ada.git('commit-tree', empty, '-m', `start\n\n${NONE}`);
    const detour = commitTree(s, tip, [x, tip], 'Merge main');
    // Whether or not the detour lands, it must not move where the gate started.
    verdicts(s, detour, 'refs/heads/main');
    refused(s, draft, 'refs/tags/v2.0', rejected);
    refused(s, draft, 'refs/heads/release/2.0', rejected);
    // L1 with L4: an empty child of E after the detour.
    const h = commitTree(s, draft, [draft], 'release 2.0');
    refused(s, h, 'refs/tags/v2.0', rejected);
  });

  it('L1: a second commit bringing the policy in, with E under it, does not make E pre-gate (however it landed)', () => {
    const s = landedSetup({ approvedBase: true });
    const { ada, server } = s;
    const { draft, tip } = s;
    // X = empty root; M2 = merge(X, E) with the empty tree (no policy); S = M2 + the policy file alone (an "adder"
    // with E in its history); D = merge(S, main) with main's tree. On D's first-parent chain S is the oldest
    // commit bringing the policy in, so the old rule made all of E's history pre-gate. Planted past the gate here:
    // the rule must not depend on how such a history got there (reviewers approving a harmless-looking merge).
    const empty = ada.git('hash-object', '-t', 'tree', '/dev/null');
    const blob = ada.git('rev-parse', `${tip}:.countersign.json`);
    const policyTree = ada.gitResult(['mktree'], `100644 blob ${blob}\t.countersign.json\n`).stdout.trim();
    const x = ada.git('commit-tree', empty, '-m', `start\n\n${NONE}`);
    const m2 = ada.git('commit-tree', empty, '-p', x, '-p', draft, '-m', `merge\n\n${NONE}`);
    const adder = ada.git('commit-tree', policyTree, '-p', m2, '-m', `policy\n\n${NONE}`);
    const d = commitTree(s, tip, [adder, tip], 'Merge main');
    withoutGate(server, () =>
      assert.strictEqual(ada.gitResult(['push', '-q', 'origin', `${d}:refs/heads/main`]).status, 0),
    );
    refused(s, draft, 'refs/tags/v2.0', rejected);
    refused(s, draft, 'refs/heads/release/2.0', rejected);
  });

  it('honest: new refs meeting main at vouched states pass (main tip, an approved tip, the gate start)', () => {
    const s = landedSetup({ approvedBase: true });
    const { ada } = s;
    const { start, tip } = s;
    const later = commitFile(ada, 'README.md', 'hello, world\n', `readme\n\n${HUMAN}`);
    passes(s, later, 'refs/heads/main');
    // A release branch with one human fix on main's tip, on the approved T (no longer main's tip), on the start.
    for (const [on, name] of [
      [later, '2.2'],
      [tip, '2.0'],
      [start, '1.0'],
    ]) {
      const fix = humanChild(s, on);
      passes(s, fix, `refs/heads/release/${name}`);
      passes(s, fix, `refs/tags/v${name}.1`);
    }
    // After the detour (if it lands), the gate's start is still a vouched state.
    const empty = ada.git('hash-object', '-t', 'tree', '/dev/null');
    const x = ada.git('commit-tree', empty, '-m', `start\n\n${NONE}`);
    const detour = commitTree(s, later, [x, later], 'Merge main');
    verdicts(s, detour, 'refs/heads/main');
    passes(s, start, 'refs/tags/v0.9');
  });
});
