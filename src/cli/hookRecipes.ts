import type { HookManager } from '../git/hookManifest';

/**
 * The configuration a hook manager needs to run Countersign's part of each hook, printed by
 * `install --hook-manager` and kept identical to docs/hook-managers.md (a test compares them). Each calls
 * `countersign hook NAME` with git's arguments; pre-push, post-rewrite and reference-transaction also need git's
 * stdin. reference-transaction merges the teammates' notes a fetch brought (without it their AI lines show as
 * untracked); husky does not create that hook's shim in .husky/_, so `install --hook-manager husky` adds it.
 * Every hook of MANAGED_HOOKS is in each recipe, post-checkout included (a test holds them together).
 */
export const HUSKY_HOOKS: Array<{ hook: string; line: string }> = [
  { hook: 'prepare-commit-msg', line: 'countersign hook prepare-commit-msg "$@"' },
  { hook: 'commit-msg', line: 'countersign hook commit-msg "$@"' },
  { hook: 'post-commit', line: 'countersign hook post-commit "$@"' },
  { hook: 'post-merge', line: 'countersign hook post-merge "$@"' },
  { hook: 'post-checkout', line: 'countersign hook post-checkout "$@"' },
  { hook: 'post-rewrite', line: 'countersign hook post-rewrite "$@"' },
  { hook: 'pre-push', line: 'countersign hook pre-push "$@"' },
  { hook: 'reference-transaction', line: 'countersign hook reference-transaction "$@"' },
];

export const LEFTHOOK_YML = `prepare-commit-msg:
  commands:
    countersign:
      run: countersign hook prepare-commit-msg {1} {2} {3}
commit-msg:
  commands:
    countersign:
      run: countersign hook commit-msg {1}
post-commit:
  commands:
    countersign:
      run: countersign hook post-commit
post-merge:
  commands:
    countersign:
      run: countersign hook post-merge {1}
post-checkout:
  commands:
    countersign:
      run: countersign hook post-checkout {1} {2} {3}
post-rewrite:
  commands:
    countersign:
      run: countersign hook post-rewrite {1}
      use_stdin: true
pre-push:
  commands:
    countersign:
      run: countersign hook pre-push {1} {2}
      use_stdin: true
reference-transaction:
  commands:
    countersign:
      run: countersign hook reference-transaction {1}
      use_stdin: true
`;

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
    `Call Countersign from ${m} (\`countersign\` must be on PATH: Countersign: Install Command-Line Tool, or the npm package):`,
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
