import { spawnSync } from 'child_process';
import { fastImportEnv } from './fastImportEnv';
import { SYNC_TIMEOUT_MS, type TempRepo } from './tempRepo';

/** Runs `git fast-import ARGS` in `repo` on `stream` (with fastImportEnv), returning the whole result. */
export function runFastImport(
  repo: TempRepo,
  args: string[],
  stream: string,
): { status: number; stdout: string; stderr: string } {
  const r = spawnSync('git', ['fast-import', ...args], {
    cwd: repo.dir,
    env: fastImportEnv(repo.env),
    encoding: 'utf8',
    input: stream,
    timeout: SYNC_TIMEOUT_MS,
    killSignal: 'SIGKILL',
    maxBuffer: 64 << 20,
  });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/**
 * Builds linear history quickly with `git fast-import` (thousands of commits in a second), with notes under
 * refs/notes/ai written in the same stream, exactly as git stores them.
 */
export interface FiCommit {
  message: string;
  files?: Record<string, string | null>;
  author?: { name: string; email: string };
  /** Seconds since the epoch (author and committer date). */
  time?: number;
  /** Text of the refs/notes/ai note to attach. */
  aiNote?: string;
}

function data(text: string): string {
  return `data ${Buffer.byteLength(text, 'utf8')}\n${text}\n`;
}

export function fastImport(repo: TempRepo, commits: FiCommit[], branch = 'main', startTime = 1_700_000_000): string[] {
  const parts: string[] = [];
  const hadBranch = repo.gitResult(['rev-parse', '--verify', '-q', `refs/heads/${branch}`]).status === 0;
  commits.forEach((c, i) => {
    const who = c.author ?? { name: 'Ada Author', email: 'ada@example.com' };
    const t = c.time ?? startTime + i * 3600;
    parts.push(`commit refs/heads/${branch}\nmark :${i + 1}\n`);
    parts.push(`author ${who.name} <${who.email}> ${t} +0000\ncommitter ${who.name} <${who.email}> ${t} +0000\n`);
    parts.push(data(c.message));
    if (i === 0 && hadBranch) parts.push(`from refs/heads/${branch}^0\n`);
    for (const [path, content] of Object.entries(c.files ?? {})) {
      const quoted = /[\s"]/.test(path) ? JSON.stringify(path) : path;
      if (content === null) parts.push(`D ${quoted}\n`);
      else parts.push(`M 100644 inline ${quoted}\n${data(content)}`);
    }
    parts.push('\n');
  });
  const noted = commits.map((c, i) => ({ c, i })).filter(({ c }) => c.aiNote !== undefined);
  if (noted.length > 0) {
    const hadNotes = repo.gitResult(['rev-parse', '--verify', '-q', 'refs/notes/ai']).status === 0;
    parts.push(`commit refs/notes/ai\ncommitter Notes <notes@example.com> ${startTime} +0000\n${data('notes')}`);
    if (hadNotes) parts.push('from refs/notes/ai^0\n');
    for (const { c, i } of noted) parts.push(`N inline :${i + 1}\n${data(c.aiNote as string)}`);
    parts.push('\n');
  }
  const r = runFastImport(repo, ['--quiet', '--done'], parts.join('') + 'done\n');
  if (r.status !== 0) throw new Error(`git fast-import failed: ${r.stderr}`);
  const shas = repo.git('rev-list', '--reverse', `refs/heads/${branch}`).split('\n');
  return shas.slice(shas.length - commits.length);
}

/** A git-ai style note. */
export function gitAiNote(files: Array<[string, Array<[string, string]>]>, meta: Record<string, unknown>): string {
  let s = '';
  for (const [path, entries] of files) {
    s += (/\s/.test(path) ? `"${path}"` : path) + '\n';
    for (const [key, ranges] of entries) s += `  ${key} ${ranges}\n`;
  }
  return `${s}---\n${JSON.stringify({ schema_version: 'authorship/3.0.0', base_commit_sha: '', prompts: {}, ...meta }, null, 2)}`;
}

export function lines(n: number, tag = 'line'): string {
  return Array.from({ length: n }, (_, i) => `${tag} ${i + 1}`).join('\n') + '\n';
}
