import * as fs from 'fs';
import * as path from 'path';
import { runGit } from './gitRunner';
import type { RepoPaths } from './repository';
import { refuseSymlinkedPath } from './symlinkGuard';

/**
 * Files Countersign writes with this clone's absolute paths in them (agents' hook settings) must not reach
 * a commit, or every teammate's clone inherits hooks pinned to someone else's machine. A file git does not
 * track yet is listed in `.git/info/exclude` — the repository's own, uncommitted ignore list — so `git add
 * -A` leaves it alone; a file git already tracks cannot be excluded, and the caller says so.
 *
 * Countersign's lines sit directly below its own comment line (HEADER), so `agents disconnect` and
 * `uninstall` take out exactly what was added: a user's identical line elsewhere in the file is theirs.
 */
export type ExcludeResult = 'excluded' | 'alreadyIgnored' | 'tracked';

const HEADER = "# countersign: agents' hook settings that name this clone's paths";
const isHeader = (line: string) => line.startsWith('# countersign:');

function excludeFile(repo: RepoPaths, action: string): string {
  const exclude = path.join(repo.commonDir, 'info', 'exclude');
  refuseSymlinkedPath(repo.commonDir, exclude, action);
  return exclude;
}

function readLines(file: string): string[] {
  try {
    const text = fs.readFileSync(file, 'utf8');
    return text === '' ? [] : text.replace(/\n$/, '').split('\n');
  } catch {
    return []; // no exclude file yet
  }
}

/** Indexes of the lines Countersign wrote: the runs of `/path` lines right below its header. */
function ourLineIndexes(lines: string[]): Set<number> {
  const ours = new Set<number>();
  let inBlock = false;
  for (const [i, line] of lines.entries()) {
    if (isHeader(line)) inBlock = true;
    else if (inBlock && line.startsWith('/')) ours.add(i);
    else inBlock = false;
  }
  return ours;
}

export async function keepOutOfCommits(repo: RepoPaths, file: string): Promise<ExcludeResult> {
  const root = repo.root as string;
  const tracked = await runGit(['ls-files', '--error-unmatch', '--', file], { cwd: root, okCodes: [1] });
  if (tracked.code === 0) return 'tracked';
  const ignored = await runGit(['check-ignore', '-q', '--', file], { cwd: root, okCodes: [1] });
  if (ignored.code === 0) return 'alreadyIgnored';
  const exclude = excludeFile(repo, 'add to');
  fs.mkdirSync(path.dirname(exclude), { recursive: true });
  const lines = readLines(exclude);
  const line = `/${file.split(path.sep).join('/')}`;
  if (!lines.includes(line)) {
    // Appended under the header when the file ends in Countersign's block, else under a new header.
    const last = lines.length - 1;
    const endsInBlock = last >= 0 && (isHeader(lines[last]) || ourLineIndexes(lines).has(last));
    fs.writeFileSync(exclude, [...lines, ...(endsInBlock ? [] : [HEADER]), line].join('\n') + '\n');
  }
  return 'excluded';
}

/**
 * Takes the lines Countersign added for `files` out of `.git/info/exclude` (and a header left with no line
 * under it); returns the files whose line it removed. Lines the user wrote are left alone.
 */
export function releaseFromExclude(repo: RepoPaths, files: readonly string[]): string[] {
  const exclude = excludeFile(repo, 'edit');
  const lines = readLines(exclude);
  const ours = ourLineIndexes(lines);
  const wanted = new Set(files.map((f) => `/${f.split(path.sep).join('/')}`));
  const drop = new Set([...ours].filter((i) => wanted.has(lines[i])));
  if (drop.size === 0) return [];
  const kept = lines.filter((_, i) => !drop.has(i));
  // A header with nothing of ours below it any more goes too.
  const keptOurs = ourLineIndexes(kept);
  const out = kept.filter((l, i) => !isHeader(l) || keptOurs.has(i + 1));
  fs.writeFileSync(exclude, out.length > 0 ? out.join('\n') + '\n' : '');
  return [...drop].map((i) => lines[i].slice(1));
}
