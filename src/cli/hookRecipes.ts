import type { HookManager } from '../git/hookManifest';
import { MANAGED_HOOKS } from '../git/hookNames';
import { managerHookLine } from '../git/managerHookLine';

/**
 * The configuration a hook manager needs to run Countersign's part of each hook, printed by
 * `install --hook-manager` and kept identical to docs/hook-managers.md (a test compares them). Each line runs the
 * hook script `install --hook-manager` writes into the common git dir (managerHookLine.ts: Node at most once per
 * commit), or `countersign hook NAME` when it is missing, with git's arguments; pre-push, post-rewrite and
 * reference-transaction also need git's stdin. reference-transaction merges the teammates' notes a fetch brought
 * (without it their AI lines show as untracked); husky does not create that hook's shim in .husky/_, so
 * `install --hook-manager husky` adds it. Every hook of MANAGED_HOOKS is in each recipe, post-checkout included
 * (a test holds them together).
 */
export const HUSKY_HOOKS: Array<{ hook: string; line: string }> = MANAGED_HOOKS.map((hook) => ({
  hook,
  line: managerHookLine(hook, '"$@"'),
}));

/** lefthook hands a command git's arguments as {1}, {2}…, and stdin only when asked. */
const LEFTHOOK_ARGS: Record<(typeof MANAGED_HOOKS)[number], { args: string; stdin?: true }> = {
  'prepare-commit-msg': { args: '{1} {2} {3}' },
  'commit-msg': { args: '{1}' },
  'post-commit': { args: '' },
  'post-merge': { args: '{1}' },
  'post-checkout': { args: '{1} {2} {3}' },
  'post-rewrite': { args: '{1}', stdin: true },
  'pre-push': { args: '{1} {2}', stdin: true },
  'reference-transaction': { args: '{1}', stdin: true },
};

export const LEFTHOOK_YML = MANAGED_HOOKS.map((hook) => {
  const { args, stdin } = LEFTHOOK_ARGS[hook];
  return `${hook}:\n  commands:\n    countersign:\n      run: ${managerHookLine(hook, args)}\n${stdin ? '      use_stdin: true\n' : ''}`;
}).join('');

/**
 * The `entry:` of each hook in this repository's .pre-commit-hooks.yaml (a test compares them): pre-commit passes a
 * hook the message file alone and the rest of git's arguments in its environment, which these lines hand on
 * as git's. pre-push keeps `countersign hook` (Node runs it anyway), which rebuilds git's stdin from pre-commit's
 * environment (hookManagerEntry.ts).
 */
const PRE_COMMIT_ARGS: Record<string, string> = {
  'prepare-commit-msg':
    '"$1" ${PRE_COMMIT_COMMIT_MSG_SOURCE:+"$PRE_COMMIT_COMMIT_MSG_SOURCE"} ${PRE_COMMIT_COMMIT_OBJECT_NAME:+"$PRE_COMMIT_COMMIT_OBJECT_NAME"}',
  'commit-msg': '"$@"',
  'post-commit': '',
  'post-merge': '"${PRE_COMMIT_IS_SQUASH_MERGE:-0}"',
  'post-checkout': '"$PRE_COMMIT_FROM_REF" "$PRE_COMMIT_TO_REF" "$PRE_COMMIT_CHECKOUT_TYPE"',
};

export function preCommitEntry(hook: string): string {
  const args = PRE_COMMIT_ARGS[hook];
  return args === undefined ? `countersign hook ${hook}` : `sh -c '${managerHookLine(hook, args)}' countersign`;
}

export function preCommitConfig(repo: string, rev: string): string {
  return `default_install_hook_types: [pre-commit, prepare-commit-msg, commit-msg, post-commit, post-merge, post-checkout, pre-push]
repos:
  - repo: ${repo}
    rev: ${rev}
    hooks:
      - id: countersign-prepare-commit-msg
      - id: countersign-commit-msg
      - id: countersign-post-commit
      - id: countersign-post-merge
      - id: countersign-post-checkout
      - id: countersign-pre-push
`;
}

export const COUNTERSIGN_REPO_URL = 'https://github.com/countersign-dev/countersign';

export function hookManagerRecipe(m: HookManager): string {
  const out: string[] = [
    '',
    `Call Countersign from ${m}: each line runs the hook script this command wrote in .git/countersign/hooks (Node starts`,
    '  once per commit), or `countersign hook NAME` in a clone where this command has not run (`countersign` must be',
    '  on PATH for that: Countersign: Install Command-Line Tool, or the npm package):',
  ];
  switch (m) {
    case 'husky':
      for (const h of HUSKY_HOOKS) out.push(`  .husky/${h.hook}:  ${h.line}`);
      out.push(
        "  (add the line to the file if it exists; husky runs .husky/<hook> with git's arguments and stdin;",
        '   husky makes no .husky/_/reference-transaction: this command adds it, so run it again after `husky` recreates .husky/_)',
      );
      break;
    case 'lefthook':
      out.push(
        '  lefthook.yml (merge with your own hooks), then `lefthook install`:',
        ...LEFTHOOK_YML.trimEnd()
          .split('\n')
          .map((l) => `    ${l}`),
      );
      break;
    case 'pre-commit':
      out.push(
        '  .pre-commit-config.yaml (rev: the Countersign release you use), then `pre-commit install`:',
        ...preCommitConfig(COUNTERSIGN_REPO_URL, 'v0.1.0')
          .trimEnd()
          .split('\n')
          .map((l) => `    ${l}`),
      );
      break;
  }
  out.push('  `countersign status` warns if the hooks stop calling Countersign. Recipes: docs/hook-managers.md', '');
  return out.join('\n');
}
