import { prepareCommitMessage } from '../../git/commitProvenance';
import { EXIT_ERROR, type Command } from '../command';

/** Entry point of the hook shims: `countersign hook NAME ARGS...` (internal, hidden from --help). */
export const hookCommand: Command = {
  name: 'hook',
  summary: 'run one git hook (called by the installed shims)',
  hidden: true,
  usage: `Usage: countersign hook <prepare-commit-msg|pre-push|post-rewrite> [git's hook arguments]

Called by the shims that \`countersign install\` writes; not meant to be run by hand.
`,
  async run(argv, ctx) {
    const [name, ...args] = argv;
    switch (name) {
      case 'prepare-commit-msg': {
        const [messageFile, source, sha] = args;
        if (!messageFile) {
          ctx.stderr('countersign hook prepare-commit-msg: git passes the message file as the first argument\n');
          return EXIT_ERROR;
        }
        await prepareCommitMessage(ctx.cwd, { messageFile, source, sha });
        return 0;
      }
      case 'pre-push':
      case 'post-rewrite':
        // Not built yet: these hooks do nothing until the gate and rewrite handling land.
        return 0;
      default:
        ctx.stderr(`countersign hook: unknown hook '${name ?? ''}'\n`);
        return EXIT_ERROR;
    }
  },
};
