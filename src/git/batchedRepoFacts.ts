import type { BatchedAnswer, Run } from './batchedReads';

/**
 * The repository's own facts (`rev-parse --absolute-git-dir`, `--show-object-format`, resolveRepo's folders,
 * `--verify --quiet HEAD^{commit}`) answered within a snapshot from one `git rev-parse` asking them all
 * (batchedReads.ts), in a work tree and, as far as git's own answer goes, outside one (a server's bare repository).
 */

/** The repository's facts one `git rev-parse` gives, in this order (a HEAD commit last, when there is one). */
const FACT_FLAGS = [
  '--show-object-format',
  '--is-bare-repository',
  '--absolute-git-dir',
  '--git-common-dir',
  '--show-toplevel',
] as const;
const HEAD_COMMIT = 'HEAD^{commit}';

export interface RepoFacts {
  lines: Map<string, string>;
  head: string | undefined;
  /**
   * False where `--show-toplevel` fails (a bare repository, inside .git): git printed the facts before it, then
   * exited 128 without reaching HEAD's commit. resolveRepo reads such a partial answer as a bare repository's.
   */
  workTree: boolean;
}

const TOPLEVEL = '--show-toplevel';

/**
 * One `git rev-parse` for all of FACT_FLAGS and HEAD's commit. git answers its arguments in order: outside a work
 * tree (a bare repository, as on every server) it prints the facts before `--show-toplevel`, then fails there
 * (exit 128), and those facts still answer every question that does not reach `--show-toplevel` or HEAD.
 */
export async function readRepoFacts(cwd: string, run: Run): Promise<RepoFacts | undefined> {
  const r = await run(['rev-parse', ...FACT_FLAGS, '--verify', '-q', HEAD_COMMIT], { cwd, okCodes: [1, 128] });
  const lines = r.stdout.split('\n');
  if (lines.pop() !== '') return undefined;
  const beforeTop = FACT_FLAGS.indexOf(TOPLEVEL);
  if (r.code === 128)
    return lines.length === beforeTop
      ? {
          lines: new Map(FACT_FLAGS.slice(0, beforeTop).map((f, i) => [f, lines[i]])),
          head: undefined,
          workTree: false,
        }
      : undefined;
  // --verify -q prints HEAD's commit with exit 0, nothing with exit 1 (no commit yet).
  if (lines.length !== FACT_FLAGS.length + (r.code === 0 ? 1 : 0)) return undefined;
  return {
    lines: new Map(FACT_FLAGS.map((f, i) => [f, lines[i]])),
    head: r.code === 0 ? lines[FACT_FLAGS.length] : undefined,
    workTree: true,
  };
}

/** The facts `rev-parse ARGS` asks for (each flag once, HEAD's commit last), or undefined for anything else. */
export function repoFactsWanted(args: string[]): { flags: string[]; head: boolean } | undefined {
  let head = false;
  let rest = args;
  const n = args.length;
  if (n >= 3 && args[n - 1] === HEAD_COMMIT) {
    // `--end-of-options` before it (resolveRevision's form) changes nothing for HEAD.
    const end = args[n - 2] === '--end-of-options' ? 1 : 0;
    const [x, y] = args.slice(n - 3 - end, n - 1 - end);
    const quiet = (o: string) => o === '-q' || o === '--quiet';
    if (!((x === '--verify' && quiet(y)) || (quiet(x) && y === '--verify'))) return undefined;
    head = true;
    rest = args.slice(0, n - 3 - end);
  }
  if (new Set(rest).size !== rest.length) return undefined;
  if (!rest.every((f) => (FACT_FLAGS as readonly string[]).includes(f))) return undefined;
  return rest.length > 0 || head ? { flags: rest, head } : undefined;
}

/**
 * git's answer from the facts: outside a work tree, what it prints before `--show-toplevel` and exit 128 there;
 * undefined when HEAD's commit is asked there without `--show-toplevel` (git is asked).
 */
export function repoFactsAnswer(
  facts: RepoFacts,
  wanted: { flags: string[]; head: boolean },
): BatchedAnswer | undefined {
  const top = wanted.flags.indexOf(TOPLEVEL);
  if (!facts.workTree && top >= 0)
    return {
      stdout: wanted.flags
        .slice(0, top)
        .map((f) => `${facts.lines.get(f)}\n`)
        .join(''),
      code: 128,
    };
  if (!facts.workTree && wanted.head) return undefined;
  let stdout = wanted.flags.map((f) => `${facts.lines.get(f)}\n`).join('');
  if (wanted.head && facts.head) stdout += `${facts.head}\n`;
  return { stdout, code: wanted.head && !facts.head ? 1 : 0 };
}
