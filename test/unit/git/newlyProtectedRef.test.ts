import * as assert from 'assert';
import { recordDecision } from '../helpers/approvals';
import { verifyThenPush } from '../helpers/gateAgreement';
import { policyJson, type Setup } from '../helpers/gateServer';
import { HUMAN, NONE, landedSetup } from '../helpers/landedRange';
import { prePushHook, refused } from '../helpers/refVerdicts';
import { makeKey } from '../helpers/reviewerKeys';

/**
 * Outside tester, session 11, L8: "a protected branch's tip is a state the gate judged" is false for a branch that
 * existed before the policy protected its name. A keyless pusher parks H (an empty child of the rejected draft E,
 * E's tree) on `hotfix/2.0` while `hotfix/*` is unprotected; the team approves a one-glob policy change protecting
 * `hotfix/*`; H is then a protected tip: a tag at H is free and `hotfix/2.0` ships E's tree. The rule
 * (src/git/newlyProtected.ts): a change of the policy on the policy branch that protects an existing branch is
 * judged with that branch as a new protected ref at its value; verify, pre-push and the server agree.
 */
describe('server gate: a policy change protecting an existing branch judges that branch (real pushes)', function () {
  this.timeout(240_000);

  type Key = 'protectedBranches' | 'protectedTags';
  /** Ada's approved commit adding `glob` to protectedBranches (and `more` [key, glob]s), on main; returns it. */
  function protect(s: Setup, glob: string, key: Key = 'protectedBranches', ...more: Array<[Key, string]>): string {
    const { ada } = s;
    ada.git('checkout', '-q', 'main');
    const policy = JSON.parse(ada.read('.countersign.json')) as Record<Key, string[]>;
    for (const [k, g] of [[key, glob], ...more] as Array<[Key, string]>) policy[k].push(g);
    ada.write('.countersign.json', JSON.stringify(policy, null, 2) + '\n');
    ada.git('add', '.countersign.json');
    const base = ada.git('rev-parse', 'HEAD');
    const change = ada.commit(`policy: protect ${glob}\n\n${HUMAN}`);
    recordDecision(ada, s.bob, { email: 'bob@example.com', tip: change, base });
    recordDecision(ada, s.carol, { email: 'carol@example.com', tip: change, base });
    assert.strictEqual(ada.gitResult(['push', '-q', 'origin', 'refs/notes/countersign']).status, 0);
    return change;
  }

  it('L8: protecting hotfix/* while hotfix/2.0 holds an empty child of the rejected draft: refused, naming it', () => {
    const s = landedSetup({ approvedBase: true });
    const { ada } = s;
    const { draft } = s;
    const h = ada.git('commit-tree', `${draft}^{tree}`, '-p', draft, '-m', `hotfix 2.0\n\n${NONE}`);
    assert.strictEqual(ada.gitResult(['push', '-q', '--no-verify', 'origin', `${h}:refs/heads/hotfix/2.0`]).status, 0);
    ada.git('fetch', '-q', 'origin');
    protect(s, 'hotfix/*');
    const push = verifyThenPush(ada, 'main', ['origin', 'main']);
    assert.notStrictEqual(push.status, 0, 'the policy change must be refused while hotfix/2.0 holds E');
    assert.match(push.stderr, /hotfix\/2\.0/);
    refused(s, h, 'refs/tags/v2.0', /./);
    // Once the branch is gone, the change lands; the branch pushed again is judged as a protected one.
    assert.strictEqual(ada.gitResult(['push', '-q', '--no-verify', 'origin', ':refs/heads/hotfix/2.0']).status, 0);
    ada.git('fetch', '-q', '--prune', 'origin');
    assert.strictEqual(verifyThenPush(ada, 'main', ['origin', 'main']).status, 0);
    refused(s, h, 'refs/heads/hotfix/2.0', /./);
  });

  it('M6: protecting v* tags while v2.0 names the rejected draft: refused on the server, naming it', () => {
    const s = landedSetup(
      { approvedBase: true },
      policyJson(makeKey('bob'), makeKey('carol'), { protectedTags: ['rel-*'] }),
    );
    const { ada } = s;
    const { draft, tip } = s;
    assert.strictEqual(ada.gitResult(['push', '-q', '--no-verify', 'origin', `${draft}:refs/tags/v2.0`]).status, 0);
    assert.strictEqual(ada.gitResult(['push', '-q', '--no-verify', 'origin', `${tip}:refs/tags/v1.0`]).status, 0);
    protect(s, 'v*', 'protectedTags');
    // verify and pre-push do not list the remote's tags (newlyProtected.ts): the server alone refuses.
    const push = ada.gitResult(['push', '--no-verify', 'origin', 'main']);
    assert.notStrictEqual(push.status, 0, 'the policy change must be refused while v2.0 names E');
    assert.match(push.stderr, /refs\/tags\/v2\.0/);
    assert.doesNotMatch(push.stderr, /refs\/tags\/v1\.0/);
    // Once the tag is gone (still unprotected), the change lands; v2.0 pushed again is judged as protected.
    assert.strictEqual(ada.gitResult(['push', '-q', '--no-verify', 'origin', ':refs/tags/v2.0']).status, 0);
    const again = ada.gitResult(['push', '--no-verify', 'origin', 'main']);
    assert.strictEqual(again.status, 0, again.stderr);
    refused(s, draft, 'refs/tags/v2.0', /./);
  });

  it('N2: the change and refs it newly protects in one atomic push: those refs are judged as new protected ones', () => {
    const s = landedSetup(
      { approvedBase: true },
      policyJson(makeKey('bob'), makeKey('carol'), { protectedTags: ['rel-*'] }),
    );
    const { ada, server } = s;
    const { draft } = s;
    const change = protect(s, 'hotfix/*', 'protectedBranches', ['protectedTags', 'v*']);
    const main = server.git('rev-parse', 'main');
    const refs = [`${change}:refs/heads/main`, `${draft}:refs/tags/v2.0`, `${draft}:refs/heads/hotfix/2.0`];
    const push = ada.gitResult(['push', '--no-verify', '--atomic', 'origin', ...refs]);
    assert.notStrictEqual(push.status, 0, 'the policy change must be refused with v2.0 and hotfix/2.0 at E');
    assert.match(push.stderr, /refs\/tags\/v2\.0/);
    assert.match(push.stderr, /hotfix\/2\.0/);
    assert.strictEqual(server.git('rev-parse', 'main'), main);
    for (const ref of ['refs/tags/v2.0', 'refs/heads/hotfix/2.0'])
      assert.strictEqual(server.gitResult(['rev-parse', '-q', '--verify', ref]).status, 1, `${ref} was created`);
    // Not atomic either: pre-receive refuses the push as a whole. And the pre-push hook sees the same refs.
    assert.notStrictEqual(ada.gitResult(['push', '--no-verify', 'origin', ...refs]).status, 0);
    const zero = '0'.repeat(40);
    const lines = refs.map((r) => {
      const [sha, ref] = r.split(':');
      return `${ref} ${sha} ${ref} ${ref === 'refs/heads/main' ? main : zero}`;
    });
    const prePush = prePushHook(ada, lines.join('\n') + '\n');
    assert.notStrictEqual(prePush.status, 0, `pre-push must refuse too: ${prePush.stderr}`);
    assert.match(prePush.stderr, /hotfix\/2\.0/);
    assert.match(prePush.stderr, /refs\/tags\/v2\.0/);
    // The change alone lands; the two refs are then judged as protected ones.
    const alone = verifyThenPush(ada, 'main', ['origin', 'main']);
    assert.strictEqual(alone.status, 0, alone.stderr);
    refused(s, draft, 'refs/tags/v2.0', /./);
  });

  it('N4: 21 harmless branches parked under the new glob: an atomic push deleting them lands the change', () => {
    const s = landedSetup({ approvedBase: true });
    const { ada, server } = s;
    const main = server.git('rev-parse', 'main');
    // Harmless, but not at a protected tip: 21 empty children of main, each its own commit.
    const parked = Array.from({ length: 21 }, (_, i) => {
      const c = ada.git('commit-tree', `${main}^{tree}`, '-p', main, '-m', `parked ${i}\n\n${NONE}`);
      return `${c}:refs/heads/hotfix/j${i}`;
    });
    assert.strictEqual(ada.gitResult(['push', '-q', '--no-verify', 'origin', ...parked]).status, 0);
    const change = protect(s, 'hotfix/*');
    const plain = ada.gitResult(['push', '--no-verify', 'origin', 'main']);
    assert.notStrictEqual(plain.status, 0, 'more than the gate judges in one push');
    assert.match(plain.stderr, /more than the gate judges in one push/);
    const cleanup = parked.map((p) => `:${p.split(':')[1]}`);
    const atomic = ada.gitResult([
      'push',
      '--no-verify',
      '--atomic',
      'origin',
      `${change}:refs/heads/main`,
      ...cleanup,
    ]);
    assert.strictEqual(atomic.status, 0, atomic.stderr);
    assert.strictEqual(server.git('rev-parse', 'main'), change);
    assert.strictEqual(server.git('for-each-ref', 'refs/heads/hotfix'), '');
  });

  it("N4: branches parked at main's tip cost no judgement and do not hold the change back", () => {
    const s = landedSetup({ approvedBase: true });
    const { ada, server } = s;
    const { tip } = s;
    const parked = Array.from({ length: 25 }, (_, i) => `${tip}:refs/heads/hotfix/j${i}`);
    assert.strictEqual(ada.gitResult(['push', '-q', '--no-verify', 'origin', ...parked]).status, 0);
    ada.git('fetch', '-q', 'origin');
    const change = protect(s, 'hotfix/*');
    const push = verifyThenPush(ada, 'main', ['origin', 'main']);
    assert.strictEqual(push.status, 0, push.stderr);
    assert.strictEqual(server.git('rev-parse', 'main'), change);
  });

  it('honest: protecting hotfix/* while hotfix/1.0 sits at main, at an approved tip, at the gate start: passes', () => {
    const s = landedSetup({ approvedBase: true });
    const { ada } = s;
    const { start, tip } = s;
    for (const [at, name] of [
      [tip, 'hotfix/1.0'],
      [start, 'hotfix/0.9'],
    ])
      assert.strictEqual(ada.gitResult(['push', '-q', '--no-verify', 'origin', `${at}:refs/heads/${name}`]).status, 0);
    ada.git('fetch', '-q', 'origin');
    protect(s, 'hotfix/*');
    const push = verifyThenPush(ada, 'main', ['origin', 'main']);
    assert.strictEqual(push.status, 0, push.stderr);
  });
});
