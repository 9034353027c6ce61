import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { commitFile, policyJson, setup, type Setup } from '../helpers/gateServer';
import { makeKey } from '../helpers/reviewerKeys';
import { prePushHook } from '../helpers/refVerdicts';

/**
 * attack17 Q3: a protected tag could not be deleted or moved back, but a keyless `git push -f origin v1.0.0` moved
 * the published release tag forward to main's tip (a fast-forward): every pipeline deploying by tag, and every
 * install pinned to it, then shipped code never released under that name. A protected tag that exists is
 * immutable (as forges' protected tags are) unless the policy sets `allowTagMoves`; the client's pre-push and the
 * server agree.
 */
describe('server gate: a protected tag cannot be moved (real pushes)', function () {
  this.timeout(240_000);

  const ZERO = '0'.repeat(40);
  const removeSetup = (s: Setup) => fs.rmSync(path.dirname(s.server.dir), { recursive: true, force: true });
  function prePushAndServer(s: Setup, spec: string, ref: string): { prePush: number; push: number; stderr: string } {
    const { ada } = s;
    const remote = ada.git('ls-remote', 'origin', ref).split('\t')[0] || ZERO;
    const local = ada.git('rev-parse', spec);
    const prePush = prePushHook(ada, `${ref} ${local} ${ref} ${remote}\n`);
    const push = ada.gitResult(['push', '--no-verify', '-f', 'origin', `${spec}:${ref}`]);
    return {
      prePush: prePush.status,
      push: push.status,
      stderr: `pre-push: ${prePush.stderr}\nserver: ${push.stderr}`,
    };
  }
  /** The release tag v1.0.0 on the released commit, then main moved on by a human commit (nothing to review). */
  function released(s: Setup): string {
    const { ada } = s;
    ada.git('tag', 'v1.0.0', 'origin/main');
    assert.strictEqual(ada.gitResult(['push', '-q', '--no-verify', 'origin', 'v1.0.0']).status, 0);
    commitFile(ada, 'DOCS.md', 'unreleased work\n', 'docs\n\nAI-Provenance: v1 ai=0 human=1 untracked=0');
    assert.strictEqual(ada.gitResult(['push', '-q', '--no-verify', 'origin', 'main']).status, 0);
    return s.server.git('rev-parse', 'refs/tags/v1.0.0');
  }

  describe('allowTagMoves unset', () => {
    let s: Setup;
    let v10: string;
    before(() => {
      s = setup();
      v10 = released(s);
    });
    after(() => removeSetup(s));

    it('attack: moving the release tag forward to a later landed commit is refused by pre-push and the server', () => {
      const r = prePushAndServer(s, 'origin/main', 'refs/tags/v1.0.0');
      assert.ok(r.prePush !== 0 && r.push !== 0, `a protected tag was moved:\n${r.stderr}`);
      assert.match(r.stderr, /server: [\s\S]*moving the protected tag v1\.0\.0 is not allowed[\s\S]*allowTagMoves/);
      assert.strictEqual(s.server.git('rev-parse', 'refs/tags/v1.0.0'), v10);
    });

    it('attack: re-tagging the same commit with an annotated tag (a new tag object) is refused too', () => {
      s.ada.git('tag', '-f', '-a', '-m', 'not the release', 'v1.0.0', v10);
      const r = prePushAndServer(s, 'refs/tags/v1.0.0', 'refs/tags/v1.0.0');
      assert.ok(r.prePush !== 0 && r.push !== 0, `a protected tag was replaced:\n${r.stderr}`);
      assert.strictEqual(s.server.git('rev-parse', 'refs/tags/v1.0.0'), v10);
    });

    it('honest: deleting it stays refused; a new tag and an unprotected tag still move', () => {
      const del = s.ada.gitResult(['push', '--no-verify', 'origin', ':refs/tags/v1.0.0']);
      assert.notStrictEqual(del.status, 0);
      assert.match(del.stderr, /deleting the protected tag v1\.0\.0 is not allowed/);
      const fresh = prePushAndServer(s, 'origin/main', 'refs/tags/v1.1.0');
      assert.deepStrictEqual({ prePush: fresh.prePush, push: fresh.push }, { prePush: 0, push: 0 }, fresh.stderr);
    });
  });

  it('a tag the policy does not protect moves freely', () => {
    const s = setup(policyJson(makeKey('bob'), makeKey('carol'), { protectedTags: ['v*'] }));
    try {
      s.ada.git('tag', 'nightly', 'origin/main');
      assert.strictEqual(s.ada.gitResult(['push', '-q', '--no-verify', 'origin', 'nightly']).status, 0);
      commitFile(s.ada, 'DOCS.md', 'more\n', 'docs\n\nAI-Provenance: v1 ai=0 human=1 untracked=0');
      assert.strictEqual(s.ada.gitResult(['push', '-q', '--no-verify', 'origin', 'main']).status, 0);
      const r = prePushAndServer(s, 'origin/main', 'refs/tags/nightly');
      assert.deepStrictEqual({ prePush: r.prePush, push: r.push }, { prePush: 0, push: 0 }, r.stderr);
    } finally {
      removeSetup(s);
    }
  });

  it('with allowTagMoves, a forward move is judged as before (passes); a rollback still needs allowForcePushes', () => {
    const s = setup(policyJson(makeKey('bob'), makeKey('carol'), { allowTagMoves: true }));
    try {
      const v10 = released(s);
      const r = prePushAndServer(s, 'origin/main', 'refs/tags/v1.0.0');
      assert.deepStrictEqual({ prePush: r.prePush, push: r.push }, { prePush: 0, push: 0 }, r.stderr);
      const back = prePushAndServer(s, v10, 'refs/tags/v1.0.0');
      assert.ok(back.prePush !== 0 && back.push !== 0, back.stderr);
      assert.match(back.stderr, /server: [\s\S]*non-fast-forward update of the protected tag v1\.0\.0 is not allowed/);
    } finally {
      removeSetup(s);
    }
  });
});
