import * as assert from 'assert';
import * as fs from 'fs';
import {
  COUNTERSIGN_REPO_URL,
  HUSKY_HOOKS,
  LEFTHOOK_YML,
  preCommitConfig,
  preCommitEntry,
} from '../../../src/cli/hookRecipes';
import {
  MANAGED_HOOKS,
  preCommitCheckoutArgs,
  preCommitMergeArgs,
  preCommitPushLine,
} from '../../../src/cli/hookManagerEntry';
import { NODE_HOOKS } from '../../../src/git/hookNames';

/** The recipes `install --hook-manager` prints are the ones docs/hook-managers.md shows and .pre-commit-hooks.yaml offers. */
describe('hook manager recipes', () => {
  const doc = fs.readFileSync('docs/hook-managers.md', 'utf8');
  it('docs/hook-managers.md shows the printed husky lines and lefthook.yml verbatim', () => {
    for (const h of HUSKY_HOOKS) assert.ok(doc.includes(`\n# .husky/${h.hook}\n${h.line}\n`), h.hook);
    assert.ok(doc.includes(LEFTHOOK_YML.trimEnd()), 'lefthook.yml');
    assert.ok(doc.includes(preCommitConfig(COUNTERSIGN_REPO_URL, 'v0.1.0').trimEnd()), '.pre-commit-config.yaml');
  });
  it("every hook id the pre-commit recipe names is in .pre-commit-hooks.yaml, its entry preCommitEntry's for a hook Countersign takes part in", () => {
    const manifest = fs.readFileSync('.pre-commit-hooks.yaml', 'utf8');
    const ids = [...preCommitConfig('x', 'y').matchAll(/- id: (\S+)/g)].map((m) => m[1]);
    assert.ok(ids.length >= 4);
    for (const id of ids) {
      const block = manifest.split('\n- id: ').find((b) => b.startsWith(id) || b.startsWith(`- id: ${id}`));
      assert.ok(block, id);
      const hook = id.replace(/^countersign-/, '');
      assert.ok((MANAGED_HOOKS as readonly string[]).includes(hook), id);
      assert.ok(block.includes(`\n  entry: ${preCommitEntry(hook)}\n`), `${id}: ${block}`);
    }
  });
  it('each recipe calls every hook Countersign takes part in, post-checkout included (newuser19 F9)', () => {
    for (const h of NODE_HOOKS) assert.ok((MANAGED_HOOKS as readonly string[]).includes(h), `MANAGED_HOOKS: ${h}`);
    assert.deepStrictEqual(HUSKY_HOOKS.map((h) => h.hook).sort(), [...MANAGED_HOOKS].sort());
    for (const h of MANAGED_HOOKS)
      assert.match(LEFTHOOK_YML, new RegExp(`^${h}:\\n.*\\n.*\\n +run: .*countersign hook ${h}\\b`, 'm'));
    // pre-commit has no reference-transaction hook type, and notes follow a rewrite through notes.rewriteRef
    // without post-rewrite (docs/hook-managers.md says so).
    const preCommit = preCommitConfig('x', 'y');
    for (const h of MANAGED_HOOKS.filter((m) => m !== 'post-rewrite' && m !== 'reference-transaction')) {
      assert.match(preCommit, new RegExp(`- id: countersign-${h}\\n`), h);
      assert.match(preCommit, new RegExp(`default_install_hook_types: \\[([^\\]]*, )?${h}[,\\]]`), h);
    }
  });

  it("pre-commit's post-merge environment becomes git's squash argument", () => {
    assert.deepStrictEqual(preCommitMergeArgs({ PRE_COMMIT_IS_SQUASH_MERGE: '1' }), ['1']);
    assert.deepStrictEqual(preCommitMergeArgs({ PRE_COMMIT_IS_SQUASH_MERGE: '0' }), ['0']);
    assert.strictEqual(preCommitMergeArgs({}), undefined);
  });

  it("pre-commit's post-checkout environment becomes git's three arguments", () => {
    assert.deepStrictEqual(
      preCommitCheckoutArgs({ PRE_COMMIT_FROM_REF: 'a', PRE_COMMIT_TO_REF: 'b', PRE_COMMIT_CHECKOUT_TYPE: '1' }),
      ['a', 'b', '1'],
    );
    assert.strictEqual(preCommitCheckoutArgs({}), undefined);
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
