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
 */
export type ExcludeResult = 'excluded' | 'alreadyIgnored' | 'tracked';

export async function keepOutOfCommits(repo: RepoPaths, file: string): Promise<ExcludeResult> {
  const root = repo.root as string;
  const tracked = await runGit(['ls-files', '--error-unmatch', '--', file], { cwd: root, okCodes: [1] });
  if (tracked.code === 0) return 'tracked';
  const ignored = await runGit(['check-ignore', '-q', '--', file], { cwd: root, okCodes: [1] });
  if (ignored.code === 0) return 'alreadyIgnored';
  const exclude = path.join(repo.commonDir, 'info', 'exclude');
  refuseSymlinkedPath(repo.commonDir, exclude, 'add to');
  fs.mkdirSync(path.dirname(exclude), { recursive: true });
  let text = '';
  try {
    text = fs.readFileSync(exclude, 'utf8');
  } catch {
    // no exclude file yet
  }
  const line = `/${file.split(path.sep).join('/')}`;
  if (!text.split(/\r?\n/).includes(line)) {
    const header = text.includes('# countersign:') ? '' : '# countersign: agents\' hook settings that name this clone\'s paths\n';
    fs.writeFileSync(exclude, `${text}${text === '' || text.endsWith('\n') ? '' : '\n'}${header}${line}\n`);
  }
  return 'excluded';
}
