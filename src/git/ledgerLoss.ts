import * as fs from 'fs';
import * as path from 'path';
import { runGit } from './gitRunner';
import { stateFileName } from './ledgerStore';
import { readRegularFile } from './regularFile';

/**
 * The one rule for reporting lost working-ledger files (newuser14 S9, newuser19 F10). A state file under `files/`
 * that no longer parses cannot be repaired, so its labels are lost; LedgerStore moves it to `rejected/` (renamed
 * with the time, never overwritten) and reads the file as untracked so that no reader fails; a `context.json` that
 * no longer parses (open tool calls, running terminal agents) is set aside the same way. What is still in
 * `rejected/` is reported until the user has looked and deleted it: by the work-tree files whose labels were lost
 * (a state file is named by the hash of its path, so the path is found again), all in one message — in full the
 * first time `status` or the commit hook says it, then as a short reminder (`rejected/.reported` remembers what
 * was said), so a later commit does not announce an old loss as new. `doctor` always says it in full.
 */

/** `<sha1 of path>.json.<ms>`: how LedgerStore names a state file it set aside. */
const SET_ASIDE_STATE = /^([0-9a-f]{40})\.json\.\d+$/;
const SET_ASIDE_CONTEXT = /^context\.json\.\d+$/;
/** The set-aside files already said in full, one name a line. */
const REPORTED = '.reported';
/** More paths than this are counted, not listed. */
const PATHS_SHOWN = 5;

/** Absolute paths of the state files set aside in `rejected/` of the ledger at `ledgerDir`. */
export function lostStateFiles(ledgerDir: string): string[] {
  return setAside(ledgerDir)
    .filter((n) => SET_ASIDE_STATE.test(n))
    .map((n) => path.join(ledgerDir, 'rejected', n));
}

function setAside(ledgerDir: string): string[] {
  try {
    return fs
      .readdirSync(path.join(ledgerDir, 'rejected'))
      .filter((n) => SET_ASIDE_STATE.test(n) || SET_ASIDE_CONTEXT.test(n))
      .sort();
  } catch {
    return [];
  }
}

export interface LedgerLoss {
  /** What happened, naming the work-tree files whose labels were lost and where the damaged copies are. */
  said: string;
  /** What to do. */
  fix: string;
  /** Each set-aside file, relative to the work tree, with the work-tree file it was for. */
  kept: string[];
}

/** The lost ledger files of the ledger at `ledgerDir` as one report (paths relative to the work tree `root`). */
export async function ledgerLoss(root: string, ledgerDir: string): Promise<LedgerLoss | undefined> {
  const names = setAside(ledgerDir);
  if (names.length === 0) return undefined;
  const rejected = path.join(ledgerDir, 'rejected');
  const rel = (p: string) => path.relative(root, p).split(path.sep).join('/');
  const states = names.filter((n) => SET_ASIDE_STATE.test(n));
  const paths = await pathsOf(root, rejected, states);
  const found = [...new Set(states.map((n) => paths.get(n)).filter((p): p is string => p !== undefined))].sort();
  const unknown = states.filter((n) => !paths.has(n)).length;
  const listed =
    found.length > PATHS_SHOWN
      ? `${found.slice(0, PATHS_SHOWN).join(', ')} and ${found.length - PATHS_SHOWN} more`
      : found.join(', ');
  const parts: string[] = [];
  if (states.length > 0) {
    const whose = [
      ...(found.length ? [listed] : []),
      ...(unknown ? [`${unknown} file(s) whose name could not be recovered`] : []),
    ].join(', and ');
    parts.push(
      `${states.length === 1 ? 'a working ledger file' : `${states.length} working ledger files`} could not be read, ` +
        `so the AI labels of ${whose} are lost (those lines now count as untracked)`,
    );
  }
  if (names.some((n) => SET_ASIDE_CONTEXT.test(n)))
    parts.push(
      "the working ledger's context.json could not be read, so the agents' open tool calls and running terminal " +
        'commands it held are forgotten (what an agent was writing then counts as untracked)',
    );
  return {
    said: `${parts.join('; ')}; the damaged copies are kept in ${rel(rejected)}`,
    fix:
      `check the AI lines of ${found.length ? listed : 'your uncommitted changes'} (\`countersign status\`; correct ` +
      `labels in VS Code if need be), then delete ${rel(rejected)} (or attach it to a bug report)`,
    kept: names.map((n) => `${rel(path.join(rejected, n))}${paths.has(n) ? ` (${paths.get(n)})` : ''}`),
  };
}

/**
 * The warning `status` and the commit hook print: ledgerLoss in full when it holds a file not said before, else
 * a short reminder; undefined when nothing was lost.
 */
export async function ledgerLossWarning(root: string, ledgerDir: string): Promise<string | undefined> {
  const loss = await ledgerLoss(root, ledgerDir);
  if (!loss) return undefined;
  const names = setAside(ledgerDir);
  const marker = path.join(ledgerDir, 'rejected', REPORTED);
  const said = readRegularFile(marker, { maxBytes: 1 << 20 });
  const before = new Set(said.kind === 'ok' ? said.content.toString('utf8').split('\n') : []);
  if (names.every((n) => before.has(n))) {
    const rejected = path.relative(root, path.join(ledgerDir, 'rejected')).split(path.sep).join('/');
    return `${names.length} damaged ledger file(s) were set aside earlier (${rejected}): delete them once checked`;
  }
  try {
    fs.writeFileSync(marker, `${names.join('\n')}\n`);
  } catch {
    /* said again next time: better than not at all */
  }
  return `${loss.said}. Fix: ${loss.fix}.`;
}

/**
 * The work-tree path each set-aside state file was for: what is left of its record names it (checked against the
 * file's name), else the paths git knows here (tracked and untracked, not ignored) are hashed as LedgerStore names
 * state files. One git process, and only when something was lost.
 */
async function pathsOf(root: string, rejected: string, states: string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const wanted = new Map<string, string[]>();
  for (const n of states) {
    const hash = SET_ASIDE_STATE.exec(n)?.[1] as string;
    const named = recordedPath(path.join(rejected, n));
    if (named !== undefined && stateFileName(named) === `${hash}.json`) out.set(n, named);
    else wanted.set(hash, [...(wanted.get(hash) ?? []), n]);
  }
  if (wanted.size === 0) return out;
  const listed = await runGit(['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
    cwd: root,
    okCodes: [128],
  }).catch(() => undefined);
  for (const p of new Set(listed?.stdout.split('\0') ?? [])) {
    if (!p) continue;
    for (const n of wanted.get(stateFileName(p).slice(0, 40)) ?? []) out.set(n, p);
  }
  return out;
}

/** The `"path"` a damaged record still holds, if any. */
function recordedPath(file: string): string | undefined {
  const read = readRegularFile(file, { maxBytes: 1 << 20 });
  if (read.kind !== 'ok') return undefined;
  const m = /"path"\s*:\s*("(?:[^"\\]|\\.)*")/.exec(read.content.toString('utf8'));
  try {
    return m ? (JSON.parse(m[1] as string) as string) : undefined;
  } catch {
    return undefined;
  }
}

/** The line for the hook log at the moment a file is set aside (`to`): no git here, the reader's warning follows. */
export function ledgerSetAsideLogLine(root: string, to: string): string {
  const rel = path.relative(root, to).split(path.sep).join('/');
  if (SET_ASIDE_CONTEXT.test(path.basename(to)))
    return `the working ledger's context.json could not be read (open tool calls are forgotten); it is kept as ${rel}`;
  const named = recordedPath(to);
  return `a working ledger file${named !== undefined ? ` (${named})` : ''} could not be read, so the AI labels it held are lost; it is kept as ${rel}`;
}
