/**
 * The commands that read and write the working ledger (.git/countersign/ledger) and run the attribution
 * engine: `checkpoint` (an agent's tool call), and Countersign's part of the client hooks Node runs after a
 * rebase, a branch switch or a notes fetch, and of prepare-commit-msg where dist/hook.js is missing. No push,
 * pre-receive or `verify` runs that code, so in the shipped CLI it is a third bundle, dist/cli-ledger.js, which
 * dist/cli.js loads on first use as it loads dist/cli-lazy.js (lazyCommands.ts): the push paths compile a
 * sixth less (issue 11: each bundle ≤ 400 KB). It takes the modules it shares with cli.js from there
 * (scripts/bundleSharing.js). Tests and the TypeScript sources import the commands directly.
 */
export { checkpointCommand } from './commands/checkpoint';
export { hookPrepareCommitMsgCommand } from './commands/hookPrepareCommitMsg';
export { hookProvenanceCommand } from './provenanceHookRuns';
export { setRunningCliFile } from './cliFile';
