import { didYouMean } from '../core/didYouMean';
import { CountersignError, errorMessage } from '../core/errors';
import { terminalSafe } from '../core/provenanceStrings';
import {
  errorJson,
  EXIT_ERROR,
  helpText,
  takeQuiet,
  wantsJson,
  writeJson,
  type CliContext,
  type ExitCode,
} from './command';
import { commands, findCommand } from './commands';
import { hookTakeover } from '../git/hookTakeover';
import { resolveRepo } from '../git/repository';
import { VERSION } from './version';
import { processContext, quietOnClosedPipe } from './processContext';

/** For dist/hook.js, which loads this bundle only for a commit that stages the policy (hookMain.ts). */
export { stagedPolicyProblems } from '../git/stagedPolicy';

function help(): string {
  const rows = commands.filter((c) => !c.hidden).map((c) => `  ${c.name.padEnd(12)} ${c.summary}`);
  return [
    `countersign ${VERSION} — AI provenance in commits and two-person review before protected branches`,
    '',
    'Usage: countersign <command> [options]',
    '',
    'Commands:',
    ...rows,
    '',
    "Run `countersign <command> --help` for a command's options and examples. Every command takes --quiet (-q):",
    'nothing on stdout, errors still on stderr, the same exit code.',
    'Exit codes: 0 success / gate passes, 1 gate blocks or check fails, 2 usage, configuration or input error.',
    '',
  ].join('\n');
}

/** Commands that report the hooks' state themselves, run from hooks, or change them. */
const NO_TAKEOVER_WARNING = new Set([
  'hook',
  'checkpoint',
  'install',
  'uninstall',
  'init',
  'status',
  'doctor',
  'completion',
  'replay',
]);

/** Every other command run in a repository says when husky, lefthook or pre-commit switched the hooks off. */
async function warnIfHooksTakenOver(name: string, ctx: CliContext): Promise<void> {
  if (NO_TAKEOVER_WARNING.has(name) || ctx.env.COUNTERSIGN_SKIP === '1') return;
  try {
    const t = await hookTakeover(ctx.cwd);
    if (t) ctx.stderr(`countersign: warning: ${t.message}\n`);
  } catch {
    // Not a repository, or git cannot say: the command itself reports what matters.
  }
}

export async function runCli(argv: string[], ctx: CliContext): Promise<ExitCode> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    if (name === 'help' && rest[0]) return runCli([rest[0], '--help'], ctx);
    ctx.stdout(help());
    return name === undefined ? EXIT_ERROR : 0;
  }
  if (name === '--version' || name === '-v' || name === 'version') {
    ctx.stdout(`${VERSION}\n`);
    return 0;
  }
  const command = findCommand(name);
  if (!command) {
    const meant = didYouMean(
      name,
      commands.filter((c) => !c.hidden).map((c) => c.name),
      (c) => `\`countersign ${c}\``,
    );
    const message = `unknown command '${name}'.${meant} Run \`countersign --help\` for the list.`;
    if (wantsJson(rest)) writeJson(ctx, errorJson(name, `countersign: ${message}`));
    ctx.stderr(`countersign: ${message}\n`);
    return EXIT_ERROR;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    ctx.stdout(helpText(command));
    return 0;
  }
  const { argv: args, quiet } = takeQuiet(name, rest);
  const out: CliContext = quiet ? { ...ctx, stdout: () => undefined } : ctx;
  try {
    await warnIfHooksTakenOver(name, out);
    return await command.run(args, out);
  } catch (thrown) {
    const err = await outsideRepository(thrown, ctx.cwd);
    const where = CountersignError.is(err) ? '' : ' (unexpected; please report with COUNTERSIGN_DEBUG=1 output)';
    const line = prefixed(name, errorMessage(err));
    // With --json (or --format json) a script reads stdout: it gets one JSON document, the sentence included —
    // the same sentence as stderr's, prefix and all (newuser16 F20: JSON's lacked the "countersign " of the rest).
    if (wantsJson(args)) {
      const known = (await command.jsonErrorFields?.(args, ctx.cwd).catch(() => undefined)) ?? {};
      writeJson(out, { ...errorJson(name, line + where, args), ...known });
    }
    ctx.stderr(`${line}${where}\n`);
    if (ctx.env.COUNTERSIGN_DEBUG && thrown instanceof Error && thrown.stack) ctx.stderr(thrown.stack + '\n');
    return EXIT_ERROR;
  }
}

/**
 * A git command that failed because the folder is not in a repository becomes the one sentence that names the
 * folder and the fix (resolveRepo's), whichever git command found out first; git's own stderr is not shown.
 * A repository here means the failure was about another folder (a remote, a path given): kept as it is.
 */
async function outsideRepository(err: unknown, cwd: string): Promise<unknown> {
  if (!CountersignError.is(err, 'notARepository')) return err;
  try {
    await resolveRepo(cwd);
    return err;
  } catch (e) {
    return e;
  }
}

/**
 * `countersign NAME: message`, without saying the command twice: many messages already start with it
 * (`blame: …`, or `policy init: …` for a subcommand), as they read well on their own in logs and JSON.
 */
function prefixed(name: string, message: string): string {
  if (message.startsWith(`${name}: `)) return `countersign ${message}`;
  if (new RegExp(`^${name} [a-z-]+: `).test(message)) return `countersign ${message}`;
  return `countersign ${name}: ${message}`;
}

if (require.main === module) {
  quietOnClosedPipe(process.stdout);
  runCli(process.argv.slice(2), processContext()).then(
    (code) => {
      process.exitCode = code;
    },
    (err) => {
      process.stderr.write(terminalSafe(`countersign: ${errorMessage(err)}\n`));
      process.exitCode = EXIT_ERROR;
    },
  );
}
