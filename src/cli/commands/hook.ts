import { gateText } from '../../core/gateReport';
import { prePush, preReceive } from '../../git/pushGate';
import { EXIT_BLOCKED, EXIT_ERROR, type Command } from '../command';
import { pushNotesAfterGate, runPostRewrite, runPrepareCommitMsg, runReferenceTransaction } from '../provenanceHooks';

/** Entry point of the hook shims: `countersign hook NAME ARGS...` (internal, hidden from --help). */
export const hookCommand: Command = {
  name: 'hook',
  summary: 'run one git hook (called by the installed shims)',
  hidden: true,
  usage: `Usage: countersign hook <prepare-commit-msg|pre-push|pre-receive|post-rewrite|reference-transaction> [git's hook arguments]

Called by the shims that \`countersign install\` writes; not meant to be run by hand.
`,
  async run(argv, ctx) {
    const [name, ...args] = argv;
    switch (name) {
      case 'prepare-commit-msg':
        return runPrepareCommitMsg(args, ctx);
      case 'pre-push': {
        // git passes the remote's name (or its URL when pushing to a URL) and its URL; stdin lists the refs.
        const [remoteName, url] = args;
        const remote = remoteName || url;
        if (!remote) {
          ctx.stderr('countersign hook pre-push: git passes the remote name and URL as arguments\n');
          return EXIT_ERROR;
        }
        const outcome = await prePush(ctx.cwd, remote, await ctx.readStdin());
        for (const r of outcome.results) {
          if (r.protected || !r.ok) ctx.stderr(gateText(r, 'countersign (pre-push)'));
        }
        if (outcome.ok) await pushNotesAfterGate(remote, ctx);
        return outcome.ok ? 0 : EXIT_BLOCKED;
      }
      case 'pre-receive': {
        const outcome = await preReceive(ctx.cwd, await ctx.readStdin());
        for (const m of outcome.messages) ctx.stderr(`countersign (pre-receive): REFUSED — ${m}\n`);
        for (const r of outcome.results) {
          if (r.protected || !r.ok) ctx.stderr(gateText(r, 'countersign (pre-receive)'));
        }
        return outcome.ok ? 0 : EXIT_BLOCKED;
      }
      case 'post-rewrite':
        return runPostRewrite(args, ctx);
      case 'reference-transaction':
        return runReferenceTransaction(args, ctx);
      default:
        ctx.stderr(`countersign hook: unknown hook '${name ?? ''}'\n`);
        return EXIT_ERROR;
    }
  },
};
