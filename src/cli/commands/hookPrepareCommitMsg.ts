import { stagedPolicyProblems } from '../../git/stagedPolicy';
import type { Command } from '../command';
import { runPrepareCommitMsg } from '../prepareCommitHook';

/**
 * `countersign hook prepare-commit-msg` run by the CLI itself: only where the commit hook's own entry
 * (dist/hook.js, which the shims run for that hook: src/git/shell/clientHook.sh) is not beside the CLI. Not
 * listed; it ships in dist/cli-ledger.js (src/cli/ledgerCommands.ts), with the working ledger it reads, so the
 * pre-push and pre-receive hooks, which run dist/cli.js, do not compile the commit-time code (issue 11).
 */
export const hookPrepareCommitMsgCommand: Command = {
  name: 'hook prepare-commit-msg',
  summary: "Countersign's part of prepare-commit-msg, where dist/hook.js is missing",
  usage: 'Usage: countersign hook prepare-commit-msg MESSAGE_FILE [SOURCE [SHA]]\n',
  hidden: true,
  run: (argv, ctx) => runPrepareCommitMsg(argv, ctx, () => stagedPolicyProblems),
};
