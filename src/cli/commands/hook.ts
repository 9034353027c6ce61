import { didYouMean } from '../../core/didYouMean';
import { gateText } from '../../core/gateReport';
import { CLIENT_HOOKS, MANAGED_HOOKS } from '../../git/hookNames';
import { withGitReadCache } from '../../git/gitRunner';
import { parsePrePushLines, prePush } from '../../git/prePush';
import { preReceive } from '../../git/receiveGate';
import { recordLandTogether } from '../../git/landTogether';
import { recordVerdictReads } from '../../git/verdictReads';
import { recordAcceptedPolicy } from '../../git/serverPolicyState';
import { EXIT_BLOCKED, EXIT_ERROR, type Command } from '../command';
import { hookManagerCommand } from '../lazyCommands';
import { hookPrepareCommitMsgCommand, hookProvenanceCommand } from '../ledgerCommands';
import { preferShortRunTiering } from '../shortRunTiering';
import { pushNotesAfterGate } from '../provenanceHooks';

/**
 * `countersign hook NAME ARGS...`: the entry point of Countersign's own shims (which set COUNTERSIGN_IN_SHIM
 * and get the Node part directly) and of hook managers' configurations (which get the whole shim script).
 */
export const hookCommand: Command = {
  name: 'hook',
  summary: "run Countersign's part of git hook NAME (for husky, lefthook, pre-commit)",
  usage: `Usage: countersign hook NAME [git's hook arguments]

Runs Countersign's part of git hook NAME, for a hook manager to call from its own configuration when it
owns core.hooksPath (husky, lefthook) or .git/hooks (pre-commit). Set the repository up with
\`countersign install --hook-manager husky|lefthook|pre-commit\` (no core.hooksPath change): its recipe runs
the hook scripts it writes (Node once per commit), and this command where they are missing. Call it from
these hooks, passing git's arguments (and, for pre-push, post-rewrite and reference-transaction, its stdin):
  prepare-commit-msg  adds the AI-Provenance / Assisted-by trailers and prepares the refs/notes/ai note
  commit-msg          puts the trailers back if the message editor dropped them
  post-commit         attaches the prepared note (post-merge: the same for a merge commit)
  pre-push            runs the review gate and pushes the notes
  post-rewrite        carries notes over a rebase (git passes the rewritten commits on stdin)
  post-checkout       tells the working ledger which files a branch switch rewrote (their lines: untracked)
  reference-transaction  merges the teammates' notes a fetch brought (without it their AI lines show
                      as untracked; husky: \`countersign install --hook-manager husky\` adds its .husky/_ shim)
Another git hook's name (pre-commit, pre-rebase…) does nothing (exit 0), inside a repository or not; a name
git does not know is a usage error (exit 2). Recipes: docs/hook-managers.md.

Examples:
  # .husky/prepare-commit-msg (and likewise commit-msg, post-commit, post-merge, post-checkout, post-rewrite,
  # pre-push, reference-transaction)
  countersign hook prepare-commit-msg "$@"
  # lefthook.yml
  pre-push:
    commands:
      countersign:
        run: countersign hook pre-push {1} {2}
        use_stdin: true
  # .pre-commit-config.yaml: the hooks in this repository's .pre-commit-hooks.yaml

Environment: COUNTERSIGN_SKIP=1 skips Countersign's part (the commit stays unattested); COUNTERSIGN_TRACE=1
traces the script.

Exit codes: 0 done (commit-time hooks never block a commit); 1 pre-push: the push is blocked by the gate, or
it updates a protected branch or tag and the provenance notes could not be pushed first;
2 usage error (a name that is not a git hook, or a hook listed above run outside a repository).
`,
  async run(argv, ctx) {
    const [name, ...args] = argv;
    if (ctx.env.COUNTERSIGN_IN_SHIM !== '1' && (MANAGED_HOOKS as readonly string[]).includes(name ?? '')) {
      return hookManagerCommand.run(argv, ctx);
    }
    switch (name) {
      case 'prepare-commit-msg':
        return hookPrepareCommitMsgCommand.run(args, ctx);
      case 'pre-push': {
        // git passes the remote's name (or its URL when pushing to a URL) and its URL; stdin lists the refs.
        const [remoteName, url] = args;
        const remote = remoteName || url;
        if (!remote) {
          ctx.stderr('countersign hook pre-push: git passes the remote name and URL as arguments\n');
          return EXIT_ERROR;
        }
        const stdin = await ctx.readStdin();
        // The gate and the notes push in one snapshot (gitRunner.withGitReadCache): the notes refs the push reads
        // come from the ref listing the gate took, where nothing moved them since.
        return withGitReadCache(async () => {
          const outcome = await prePush(ctx.cwd, remote, stdin);
          for (const r of outcome.results) {
            if (r.protected || !r.ok) ctx.stderr(gateText(r, 'countersign (pre-push)'));
          }
          if (!outcome.ok) return EXIT_BLOCKED;
          // Notes that cannot reach the remote block a protected push, as an unreachable remote does (provenanceHooks.ts).
          const protectedPush = outcome.results.some((r) => r.protected);
          const pushed = parsePrePushLines(stdin);
          const notes = await pushNotesAfterGate(remote, ctx, pushed, protectedPush, outcome.remoteNotes);
          return notes || !protectedPush ? 0 : EXIT_BLOCKED;
        });
      }
      case 'pre-receive': {
        preferShortRunTiering();
        const outcome = await preReceive(ctx.cwd, await ctx.readStdin());
        for (const m of outcome.messages) ctx.stderr(`countersign (pre-receive): REFUSED — ${m}\n`);
        for (const r of outcome.results) {
          if (r.protected || !r.ok) ctx.stderr(gateText(r, 'countersign (pre-receive)'));
        }
        if (!outcome.ok) return EXIT_BLOCKED;
        const unheld = recordLandTogether(outcome.landTogether ?? [], ctx.env);
        if (unheld) {
          ctx.stderr(`countersign (pre-receive): REFUSED — ${unheld}\n`);
          return EXIT_BLOCKED;
        }
        recordVerdictReads(outcome.verdictReads, ctx.env);
        await recordAcceptedPolicy(ctx.cwd, outcome.acceptedPolicy, ctx.env);
        return 0;
      }
      case 'post-rewrite':
      case 'post-checkout':
      case 'reference-transaction':
        return hookProvenanceCommand.run(argv, ctx);
      case 'commit-msg':
      case 'post-commit':
      case 'post-merge':
        return 0; // plain shell in the shim: nothing for Node to do
      default:
        if (name && /^[a-z][a-z0-9-]*$/.test(name) && CLIENT_HOOKS.includes(name as (typeof CLIENT_HOOKS)[number]))
          return 0; // a git hook Countersign has no part in
        ctx.stderr(
          `countersign hook: unknown hook '${name ?? ''}' (Countersign takes part in ${MANAGED_HOOKS.join(', ')} and, on a server, pre-receive).${didYouMean(name ?? '', [...CLIENT_HOOKS, 'pre-receive'])}\n`,
        );
        return EXIT_ERROR;
    }
  },
};
