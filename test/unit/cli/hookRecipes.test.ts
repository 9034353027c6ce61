import * as assert from 'assert';
import * as fs from 'fs';
import { COUNTERSIGN_REPO_URL, HUSKY_HOOKS, LEFTHOOK_YML, preCommitConfig } from '../../../src/cli/hookRecipes';
import { MANAGED_HOOKS, preCommitPushLine } from '../../../src/cli/hookManagerEntry';

/** The recipes `install --hook-manager` prints are the ones docs/hook-managers.md shows and .pre-commit-hooks.yaml offers. */
describe('hook manager recipes', () => {
  const doc = fs.readFileSync('docs/hook-managers.md', 'utf8');
  it('docs/hook-managers.md shows the printed husky lines and lefthook.yml verbatim', () => {
    for (const h of HUSKY_HOOKS) assert.ok(doc.includes(`| \`.husky/${h.hook}\` | \`${h.line}\` |`), h.hook);
    assert.ok(doc.includes(LEFTHOOK_YML.trimEnd()), 'lefthook.yml');
    assert.ok(doc.includes(preCommitConfig(COUNTERSIGN_REPO_URL, 'v0.1.0').trimEnd()), '.pre-commit-config.yaml');
  });
  it('every hook id the pre-commit recipe names is in .pre-commit-hooks.yaml, calling `countersign hook` for a hook Countersign takes part in', () => {
    const manifest = fs.readFileSync('.pre-commit-hooks.yaml', 'utf8');
    const ids = [...preCommitConfig('x', 'y').matchAll(/- id: (\S+)/g)].map((m) => m[1]);
    assert.ok(ids.length >= 4);
    for (const id of ids) {
      const block = manifest.split('\n- id: ').find((b) => b.startsWith(id) || b.startsWith(`- id: ${id}`));
      assert.ok(block, id);
      const entry = /entry: countersign hook (\S+)/.exec(block)?.[1];
      assert.ok(entry && (MANAGED_HOOKS as readonly string[]).includes(entry), `${id}: ${entry}`);
    }
  });
  it("pre-commit's pre-push environment becomes git's stdin line", () => {
    assert.strictEqual(
      preCommitPushLine({
        PRE_COMMIT_LOCAL_BRANCH: 'refs/heads/main',
        PRE_COMMIT_TO_REF: 'abc',
        PRE_COMMIT_REMOTE_BRANCH: 'refs/heads/main',
      }),
      `refs/heads/main abc refs/heads/main ${'0'.repeat(40)}\n`,
    );
    assert.strictEqual(preCommitPushLine({}), undefined);
  });
});
