import * as assert from 'assert';
import { cloneAs, recordDecision } from '../helpers/approvals';
import { commitFile, setup, type Setup } from '../helpers/gateServer';
import type { TempRepo } from '../helpers/tempRepo';
import { ADA, AGENT, deployNote, HONEST, LAUNDERED } from '../helpers/deployNote';

/**
 * attack13 M4/M5: "landed" (a commit whose refs/notes/ai note may only gain) meant held by a protected branch before
 * the push. M4: a reviewed commit released only as a protected tag could have its note rewritten. M5: one atomic
 * push rewriting a reviewed commit's note and landing it on main was never judged. Now the protected tags' commits
 * and the values the push puts on protected refs count as landed (src/git/receiveGate.ts). Real bare server.
 */
const MOVED = /line 2 moves from ai:claude-code .* to human Ada/;

describe('server gate: a note on a commit a protected tag holds or the push lands may only gain (attack13 M4/M5)', function () {
  this.timeout(240_000);
  let s: Setup;
  let mallory: TempRepo;
  let main: string;

  /** Ada's agent commit off main with its note on the server, approved by both reviewers, on branch `name`. */
  function reviewed(name: string): string {
    s.ada.git('checkout', '-q', '-B', name, main);
    const c = commitFile(
      s.ada,
      'deploy.sh',
      `#!/bin/sh\nkubectl delete namespace prod # ${name}\necho done\n`,
      'deploy\n\nAI-Provenance: v1 ai=1 human=2 untracked=0',
    );
    s.ada.gitResult(['fetch', '-q', 'origin', '+refs/notes/ai:refs/notes/ai']); // none before the first
    s.ada.git('notes', '--ref=refs/notes/ai', 'add', '-f', '-m', HONEST, c);
    recordDecision(s.ada, s.bob, { email: 'bob@example.com', tip: c, base: main });
    recordDecision(s.ada, s.carol, { email: 'carol@example.com', tip: c, base: main });
    const push = s.ada.gitResult([
      'push',
      '--no-verify',
      'origin',
      `HEAD:refs/heads/${name}`,
      'refs/notes/ai',
      'refs/notes/countersign',
    ]);
    assert.strictEqual(push.status, 0, push.stderr);
    return c;
  }
  const launder = (c: string, ...also: string[]) => {
    mallory.git('fetch', '-q', 'origin', '+refs/notes/ai:refs/notes/ai', `+refs/heads/*:refs/remotes/origin/*`);
    mallory.git('notes', '--ref=refs/notes/ai', 'add', '-f', '-m', LAUNDERED, c);
    return mallory.gitResult(['push', '--atomic', '--no-verify', 'origin', 'refs/notes/ai', ...also]);
  };
  const onServer = (c: string) => s.server.git('notes', '--ref=refs/notes/ai', 'show', c);

  before(() => {
    s = setup();
    main = s.ada.git('rev-parse', 'HEAD');
    mallory = cloneAs(s.server.dir, 'Mallory', 'mallory@example.com');
  });

  it('M4: refuses rewriting the note of a reviewed commit released only as a protected tag', () => {
    const c = reviewed('rel-1');
    s.ada.git('tag', '-a', '-m', 'release 1.0', 'v1.0', c);
    const tag = s.ada.gitResult(['push', '--no-verify', 'origin', 'refs/tags/v1.0']);
    assert.strictEqual(tag.status, 0, tag.stderr);
    assert.strictEqual(s.ada.gitResult(['push', '-q', '--no-verify', 'origin', ':refs/heads/rel-1']).status, 0);
    const r = launder(c);
    assert.notStrictEqual(r.status, 0, 'accepted: the tagged commit re-attributed');
    assert.match(r.stderr, MOVED);
    assert.strictEqual(onServer(c), HONEST);
  });

  it('M5: refuses a note rewrite in the push that lands the commit on main', () => {
    const c = reviewed('feature');
    const r = launder(c, `${c}:refs/heads/main`);
    assert.notStrictEqual(r.status, 0, 'accepted: the note rewritten as the commit lands');
    assert.match(r.stderr, MOVED);
    assert.strictEqual(onServer(c), HONEST);
    assert.strictEqual(s.server.git('rev-parse', 'main'), main);
  });

  it('honest: landing the reviewed commit with a note that only gains, and a new commit with its fresh note', () => {
    const c = reviewed('feature2');
    mallory.git('fetch', '-q', 'origin', '+refs/notes/ai:refs/notes/ai');
    const gained = deployNote(`  ${AGENT} 2\n  ${ADA} 1,3`);
    s.ada.git('notes', '--ref=refs/notes/ai', 'add', '-f', '-m', gained, c);
    const land = s.ada.gitResult([
      'push',
      '--atomic',
      '--no-verify',
      'origin',
      'refs/notes/ai',
      `${c}:refs/heads/main`,
    ]);
    assert.strictEqual(land.status, 0, land.stderr);
    assert.strictEqual(onServer(c), gained);
    // A new commit pushed to main with its note in the same push: an addition, not a rewrite.
    const n = commitFile(
      s.ada,
      'deploy.sh',
      'kubectl get pods\n',
      'read only\n\nAI-Provenance: v1 ai=1 human=0 untracked=0',
    );
    s.ada.git('notes', '--ref=refs/notes/ai', 'add', '-m', deployNote(`  ${AGENT} 1`), n);
    recordDecision(s.ada, s.bob, { email: 'bob@example.com', tip: n, base: c });
    recordDecision(s.ada, s.carol, { email: 'carol@example.com', tip: n, base: c });
    const push = s.ada.gitResult([
      'push',
      '--atomic',
      '--no-verify',
      'origin',
      'refs/notes/ai',
      'refs/notes/countersign',
      'HEAD:refs/heads/main',
    ]);
    assert.strictEqual(push.status, 0, push.stderr);
  });
});
