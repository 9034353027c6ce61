/**
 * The names of git's client hooks and the shim's marker: what reading a repository's hooks needs, apart from
 * the shim's text (hookScripts.ts, the 14 KB shell script), which only installing and hook managers' runs need
 * (issue 11: the extension's services bundle and dist/cli.js's hot paths leave it out, or hold it only there).
 */
/** Every hook git runs on the client side, so chaining never silently drops one the user had. */
export const CLIENT_HOOKS = [
  'applypatch-msg',
  'pre-applypatch',
  'post-applypatch',
  'pre-commit',
  'pre-merge-commit',
  'prepare-commit-msg',
  'commit-msg',
  'post-commit',
  'pre-rebase',
  'post-checkout',
  'post-merge',
  'pre-push',
  'post-rewrite',
  'pre-auto-gc',
  'post-index-change',
  'push-to-checkout',
  'reference-transaction',
  'sendemail-validate',
  'fsmonitor-watchman',
  'p4-changelist',
  'p4-prepare-changelist',
  'p4-post-changelist',
  'p4-pre-submit',
] as const;

/** Hooks in which Countersign itself does something. */
export const NODE_HOOKS = [
  'prepare-commit-msg',
  'pre-push',
  'post-rewrite',
  'reference-transaction',
  'post-checkout',
] as const;

export const SHIM_MARKER = 'countersign-hook-shim v1';

/**
 * Hooks in which Countersign does something (the shim's own list: its Node hooks and its shell-only ones): what
 * a hook manager's recipe calls (hookRecipes.ts) and what `countersign hook` names. post-checkout is one: without
 * it a line typed after a branch switch that equals an agent's line of the other branch keeps the agent's label
 * (checkoutWrites.ts, newuser14 S1), with a hook manager as with Countersign's own shims (newuser19 F9).
 */
export const MANAGED_HOOKS = [
  'prepare-commit-msg',
  'commit-msg',
  'post-commit',
  'post-merge',
  'post-checkout',
  'pre-push',
  'post-rewrite',
  'reference-transaction',
] as const;
