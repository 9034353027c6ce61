import { parseArgs, type ParseArgsConfig } from 'util';
import { didYouMean } from '../core/didYouMean';
import { usageError } from '../core/errors';

/** What every subcommand receives: where it runs and where it writes. Tests pass their own. */
export interface CliContext {
  cwd: string;
  env: NodeJS.ProcessEnv;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Reads all of stdin (agent hook payloads, pre-push ref lists). */
  readStdin: () => Promise<string>;
}

export type ExitCode = 0 | 1 | 2;
export const EXIT_OK: ExitCode = 0;
export const EXIT_BLOCKED: ExitCode = 1;
export const EXIT_ERROR: ExitCode = 2;

export interface Command {
  name: string;
  summary: string;
  /** Full help text, shown by `countersign NAME --help`. */
  usage: string;
  hidden?: boolean;
  run(argv: string[], ctx: CliContext): Promise<ExitCode>;
  /**
   * Facts the exit-2 JSON document (errorJson) states instead of its defaults, found out after the command
   * failed — verify's `protected` (newuser15 #8). Best effort: a failure here leaves the defaults.
   */
  jsonErrorFields?(argv: string[], cwd: string): Promise<Record<string, unknown>>;
}

type Options = NonNullable<ParseArgsConfig['options']>;

/** `util.parseArgs` with errors turned into usage errors (exit 2) that name the command. */
export function parseCommandArgs<O extends Options>(
  command: string,
  argv: string[],
  options: O,
  allowPositionals = true,
) {
  try {
    return parseArgs({ args: argv, options, allowPositionals, strict: true });
  } catch (e) {
    let message = (e as Error).message.replace(/\. To specify a positional.*$/s, '');
    // A mistyped option: named the way an unknown command is (main.ts), with the one that was probably meant.
    const typo = /^Unknown option '(--[^']+)'/.exec(message)?.[1];
    if (typo) message = `unknown option '${typo}'.${didYouMean(typo.slice(2), Object.keys(options), (o) => `--${o}`)}`;
    throw usageError(`${command}: ${message}\nRun \`countersign ${command} --help\` for usage.`);
  }
}

/**
 * The one output format `--format` and `--json` ask for, or a usage error (exit 2) naming the command: two answers
 * to one question are refused, not silently chosen between (newuser8 F13, newuser19 F2), and a mistyped format
 * gets "Did you mean". Shared by every command that takes both options, so they refuse alike.
 */
export function chosenFormat<F extends string>(
  command: string,
  values: { format?: string; json?: boolean },
  formats: readonly F[],
): F {
  if (values.json && values.format !== undefined && values.format !== 'json')
    throw usageError(
      `${command}: --json and --format ${values.format} ask for two formats; give one (--json is --format json)`,
    );
  const format = values.json ? 'json' : (values.format ?? formats[0]);
  if (!(formats as readonly string[]).includes(format))
    throw usageError(
      `${command}: --format must be one of ${formats.join(', ')} (got '${format}').${didYouMean(format, formats)}`,
    );
  return format as F;
}

/** Options every command takes; `countersign NAME --help` shows them after the command's own text. */
export const COMMON_OPTIONS_HELP = `
Every command also takes:
  -q, --quiet   print nothing on stdout; errors and warnings still go to stderr, and the exit code is the same
  -h, --help    show this help
`;

/** What `countersign NAME --help` prints (and what shell completion reads the options from). */
export function helpText(command: Command): string {
  return (command.usage.endsWith('\n') ? command.usage : `${command.usage}\n`) + COMMON_OPTIONS_HELP;
}

/**
 * Takes --quiet / -q out of a command's arguments, so every command has it without each parsing it.
 * Arguments after \`--\` are left alone, and for \`hook\` only a leading one counts: what follows the hook
 * name is git's.
 */
export function takeQuiet(command: string, argv: string[]): { argv: string[]; quiet: boolean } {
  const isQuiet = (a: string) => a === '--quiet' || a === '-q';
  if (command === 'hook') return isQuiet(argv[0] ?? '') ? { argv: argv.slice(1), quiet: true } : { argv, quiet: false };
  const end = argv.indexOf('--');
  const head = end < 0 ? argv : argv.slice(0, end);
  const kept = head.filter((a) => !isQuiet(a));
  if (kept.length === head.length) return { argv, quiet: false };
  return { argv: end < 0 ? kept : [...kept, ...argv.slice(end)], quiet: true };
}

export function isHelp(argv: string[]): boolean {
  return argv.includes('--help') || argv.includes('-h');
}

/**
 * Whether the arguments ask for JSON (`--json`, `--format json`, `--format=json`, before any `--`). Read from the
 * raw arguments, so an error in parsing them is still answered in JSON.
 */
export function wantsJson(argv: readonly string[]): boolean {
  const end = argv.indexOf('--');
  const head = end < 0 ? argv : argv.slice(0, end);
  return head.some((a, i) => a === '--json' || a === '--format=json' || (a === '--format' && head[i + 1] === 'json'));
}

/**
 * The one JSON document every command prints on stdout for an exit-2 error when JSON was asked for:
 * `{"ok": false, "exitCode": 2, "error": SENTENCE, "errors": [SENTENCE]}`. verify's adds the rest of its own
 * shape (docs/design.md: `branch`, `protected`, `commits`), so a CI script reads one format whatever happened;
 * `protected` is false here, and true where verify's jsonErrorFields can tell the readable policy protects it.
 */
export function errorJson(command: string, text: string, argv: readonly string[] = []): Record<string, unknown> {
  // One line, as the contract's SENTENCE: the terminal text's line breaks (a hint, "Run … --help") become spaces.
  const message = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '')
    .join(' ');
  const doc: Record<string, unknown> = { ok: false, exitCode: EXIT_ERROR, error: message, errors: [message] };
  if (command !== 'verify') return doc;
  const tag = optionValue(argv, '--tag');
  const branch = optionValue(argv, '--branch') ?? (tag !== undefined ? `refs/tags/${tag}` : null);
  return { ok: false, branch, protected: false, commits: [], errors: [message], error: message, exitCode: EXIT_ERROR };
}

function optionValue(argv: readonly string[], name: string): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === name && i + 1 < argv.length) return argv[i + 1];
    if (argv[i].startsWith(`${name}=`)) return argv[i].slice(name.length + 1);
  }
  return undefined;
}

export function writeJson(ctx: CliContext, value: unknown): void {
  ctx.stdout(JSON.stringify(value, null, 2) + '\n');
}
