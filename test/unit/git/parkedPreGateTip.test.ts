import * as assert from 'assert';
import { verifyThenPush } from '../helpers/gateAgreement';
import { commitFile, installedServer, policyJson, serverRef, snapshotSetup, type Setup } from '../helpers/gateServer';
import { passes, refused, verdicts } from '../helpers/refVerdicts';
import { makeKey } from '../helpers/reviewerKeys';

/**
 * attack24 04 and 10: two rules composed. A new protected BRANCH at a commit from before the gate is free (K3: it
 * names history), and a protected branch's current value vouched, as a judged state, for a gitlink to it
 * (attack23 02) and for the lines a new ref's merge of it brings back (G5). So a keyless pusher parked
 * `release/0` at the pre-rollout commit P0 (an unreviewed agent script the rollout removed), then landed on main a
 * 3-line gitlink to P0 (`git clone --recurse-submodules` checks the script out), or a tag and a release branch at
 * merge(main, P0): today's main plus the removed script. The rule (src/git/vouchedState.ts, `tipVouches`): a
 * protected value vouches only as a judged state — not one that was free only for being pre-gate. Parking stays
 * free (docs/threat-model.md, K3). verify, pre-push and the server agree on every push.
 */
const HUMAN = 'AI-Provenance: v1 ai=0 human=0 untracked=3';
const MODULES = '[submodule "tools"]\n\tpath = tools\n\turl = ./\n';
const AGENT = Array.from({ length: 60 }, (_, i) => `rm -rf /srv/prod/${i} # agent cleanup`).join('\n') + '\n';

type PreGate = Setup & { p0: string; rollout: string };

/**
 * A server whose main holds P0 (an agent script nobody reviewed) and the rollout: the policy, the script removed.
 * Built once and copied for each test (snapshotSetup).
 */
function preGateSetup(): PreGate {
  return snapshotSetup('parkedPreGateTip:preGate', buildPreGate);
}

function buildPreGate(): PreGate {
  const bob = makeKey('bob');
  const carol = makeKey('carol');
  const { server, ada } = installedServer();
  ada.write('tools/agent.sh', AGENT);
  ada.write('app.txt', 'app\n');
  ada.git('add', '.');
  const p0 = ada.commit('agent: cleanup script\n\nCo-authored-by: Claude <noreply@anthropic.com>');
  ada.git('rm', '-rq', 'tools');
  ada.write('.countersign.json', policyJson(bob, carol));
  // The submodule config lands with the rollout: .gitmodules is infrastructure (attack24 01), and the pins below
  // are to be judged by the gitlink rule alone.
  ada.write('.gitmodules', MODULES);
  ada.git('add', '.');
  const rollout = ada.commit('adopt countersign, drop the agent script', '-m', HUMAN);
  const first = ada.gitResult(['push', '-q', 'origin', 'main']);
  assert.strictEqual(first.status, 0, first.stderr);
  return { server, ada, bob, carol, mallory: makeKey('mallory'), p0, rollout };
}

/** A human commit on Ada's main pinning `tools` to `target` (`.gitmodules` says `url = ./`). */
function pin(s: Setup, target: string): string {
  s.ada.write('.gitmodules', MODULES);
  s.ada.git('update-index', '--add', '--cacheinfo', `160000,${target},tools`);
  s.ada.git('add', '.gitmodules');
  return s.ada.commit('pin tools', '-m', HUMAN);
}

/** M: main's tree plus P0's agent script, on main and P0 (the evil merge of finding 10). */
function restoringMerge(s: PreGate): string {
  const { ada } = s;
  const main = serverRef(s, 'refs/heads/main');
  const blob = ada.git('rev-parse', `${s.p0}:tools/agent.sh`);
  ada.git('read-tree', main);
  ada.git('update-index', '--add', '--cacheinfo', `100644,${blob},tools/agent.sh`);
  const tree = ada.git('write-tree');
  ada.git('read-tree', 'HEAD');
  return ada.git(
    'commit-tree',
    tree,
    '-p',
    main,
    '-p',
    s.p0,
    '-m',
    'Release 2.0\n\nAI-Provenance: v1 ai=0 human=0 untracked=0',
  );
}

describe('server gate: a protected branch parked at a pre-gate commit vouches for nothing (attack24 04, 10)', function () {
  this.timeout(240_000);

  it('04: a gitlink on main to the pre-rollout commit is refused, also once release/0 is parked there', () => {
    const s = preGateSetup();
    const before = serverRef(s, 'refs/heads/main');
    pin(s, s.p0);
    const control = verifyThenPush(s.ada, 'main', ['origin', 'main']);
    assert.notStrictEqual(control.status, 0, 'control: a gitlink to a pre-gate commit needs review');
    // Parking an old release stays free: it names history, as a tag there does.
    passes(s, s.p0, 'refs/heads/release/0');
    const r = verifyThenPush(s.ada, 'main', ['origin', 'main']);
    assert.notStrictEqual(r.status, 0, 'release/0 at P0 was free for being pre-gate: it vouches for no gitlink');
    assert.match(r.stderr, /tools/);
    assert.match(r.stderr, new RegExp(s.p0.slice(0, 12)));
    assert.strictEqual(serverRef(s, 'refs/heads/main'), before);
  });

  it('10: a tag and a release branch at merge(main, P0) restoring the removed script are refused, parked or not', () => {
    const s = preGateSetup();
    const m = restoringMerge(s);
    refused(s, m, 'refs/tags/v2.0', /brings back 60 line/);
    passes(s, s.p0, 'refs/heads/release/0');
    refused(s, m, 'refs/tags/v2.0', /brings back 60 line/);
    refused(s, m, 'refs/heads/release/2.0', /brings back 60 line/);
    // The same with P0 as the merge's first parent: no exemption through the first-parent exit either.
    const main = serverRef(s, 'refs/heads/main');
    const flipped = s.ada.git('commit-tree', `${m}^{tree}`, '-p', s.p0, '-p', main, '-m', `Release 2.0\n\n${HUMAN}`);
    assert.strictEqual(verdicts(s, flipped, 'refs/tags/v2.1').verdict, false, 'P0 first: refused too');
  });

  it('honest: main at the rollout and later, a release branch at its tip, gitlinks to them, a tag at P0', () => {
    const s = preGateSetup();
    const { ada } = s;
    // A tag and a release branch at pre-gate commits: they name history (allowed as before).
    passes(s, s.p0, 'refs/tags/v0.9');
    passes(s, s.p0, 'refs/heads/release/0');
    // Main's tip is the rollout itself (where the gate started): a gitlink to it passes.
    pin(s, s.rollout);
    const atRollout = verifyThenPush(ada, 'main', ['origin', 'main']);
    assert.strictEqual(atRollout.status, 0, atRollout.stderr);
    // Main moved on through the gate; a release branch at its tip; a gitlink there to main's tip.
    const later = commitFile(ada, 'NOTES.md', 'later\n', 'later\n\nAI-Provenance: v1 ai=0 human=1 untracked=0');
    assert.strictEqual(verifyThenPush(ada, 'main', ['origin', 'main']).status, 0);
    passes(s, later, 'refs/heads/release/1');
    ada.git('fetch', '-q', 'origin');
    ada.git('checkout', '-q', '-b', 'release/1', later);
    ada.git('branch', '-q', '--set-upstream-to=origin/release/1');
    ada.git('update-index', '--cacheinfo', `160000,${later},tools`);
    ada.commit('pin tools to main', '-m', HUMAN);
    const onRelease = verifyThenPush(ada, 'release/1', ['origin', 'release/1']);
    assert.strictEqual(onRelease.status, 0, onRelease.stderr);
    // A release tag at a merge of main and release/1 (a judged tip): its lines are that branch's own.
    const rel = serverRef(s, 'refs/heads/release/1');
    const main = serverRef(s, 'refs/heads/main');
    const merged = ada.git('commit-tree', `${rel}^{tree}`, '-p', main, '-p', rel, '-m', `Release 1.0\n\n${HUMAN}`);
    passes(s, merged, 'refs/tags/v1.0');
    ada.git('checkout', '-q', 'main');
  });
});
