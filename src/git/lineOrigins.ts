import { splitLines } from '../core/attribution/lines';
import { parseAuthorshipNote, type AuthorshipNote } from '../core/authorshipNote';
import { alignOwners, type LineEvidence } from '../core/commitAttribution';
import { errorMessage } from '../core/errors';
import type { Logger } from '../core/logger';
import { noteOwnerRuns, ownerOfLine, type OwnerRun } from '../core/noteOwners';
import { readObjects } from './catFileBatch';
import { unquoteC, type FileAdditions } from './commitDiff';
import { runGit } from './gitRunner';
import { AI_NOTES_REF } from './notesConfig';
import { readNotes } from './notesReader';

/**
 * Where lines a commit adds came from, when they are lines another revision already had: blame at that revision
 * names the commit that first wrote each, and that commit's refs/notes/ai note says who it was (provenanceCompute.ts
 * sources 2: a revert brings back what the reverted commit removed; a plain `git mv` re-adds a file HEAD has under
 * its old name).
 */

/** Notes under refs/notes/ai of `commits`, parsed; an unreadable note is logged and skipped. */
export async function readParsedNotes(
  cwd: string,
  commits: string[],
  logger?: Logger,
): Promise<Map<string, AuthorshipNote>> {
  const out = new Map<string, AuthorshipNote>();
  if (commits.length === 0) return out;
  const texts = await readNotes(cwd, AI_NOTES_REF, commits);
  for (const [c, text] of texts) {
    try {
      out.set(c, parseAuthorshipNote(text, `the ${AI_NOTES_REF} note on ${c}`));
    } catch (e) {
      logger?.warn(`[provenance] ${errorMessage(e)}; ignoring it`);
    }
  }
  return out;
}

/**
 * For each of `files` (its path in the commit, and the path `from` it had at `rev`), its added lines that the diff
 * aligns with a line of `rev:from`, with the note evidence of the commit blame names for that line. A revert passes
 * the reverted commit's parent and the same path; a rename HEAD and the old path.
 */
export async function lineOrigins(
  cwd: string,
  rev: string,
  files: Array<{ file: FileAdditions; from: string }>,
  blobs: Map<string, string | null>,
  logger?: Logger,
): Promise<Map<string, Map<number, LineEvidence>>> {
  const out = new Map<string, Map<number, LineEvidence>>();
  const before = new Map<string, string>();
  await readObjects(
    cwd,
    files.map((f) => `${rev}:${f.from}`),
    (name, content) => {
      if (content !== undefined && !content.includes(0))
        before.set(name.slice(rev.length + 1), content.toString('utf8'));
    },
  );
  const wantedOrigins: Array<{ path: string; target: number; commit: string; line: number; originPath: string }> = [];
  for (const { file: f, from } of files) {
    const old = before.get(from);
    const text = blobs.get(f.blob) ?? undefined;
    if (old === undefined || text === undefined) continue;
    const identity = new Map<number, string>();
    const beforeLines = splitLines(old);
    for (let i = 1; i <= beforeLines.length; i++) identity.set(i, String(i));
    const added = new Set(f.added);
    const targetToBefore = new Map<number, number>();
    for (const [t, p] of alignOwners(beforeLines, identity, splitLines(text)))
      if (added.has(t)) targetToBefore.set(t, Number(p));
    if (targetToBefore.size === 0) continue;
    const origins = await blameLines(cwd, rev, from, [...targetToBefore.values()], logger);
    for (const [t, p] of targetToBefore) {
      const o = origins.get(p);
      if (o) wantedOrigins.push({ path: f.path, target: t, ...o });
    }
  }
  const notes = await readParsedNotes(cwd, [...new Set(wantedOrigins.map((o) => o.commit))], logger);
  const runs = new Map<string, Map<string, OwnerRun[]>>();
  for (const o of wantedOrigins) {
    const note = notes.get(o.commit);
    if (note && !runs.has(o.commit)) runs.set(o.commit, noteOwnerRuns(note));
    const key = note ? ownerOfLine(runs.get(o.commit)?.get(o.originPath) ?? [], o.line) : undefined;
    if (!note || key === undefined) continue;
    let m = out.get(o.path);
    if (!m) out.set(o.path, (m = new Map()));
    m.set(o.target, { kind: 'note', key, note });
  }
  return out;
}

/** `git blame --line-porcelain` of some lines: final line → the commit, line and path that introduced it. */
async function blameLines(
  cwd: string,
  rev: string,
  file: string,
  lines: number[],
  logger?: Logger,
): Promise<Map<number, { commit: string; line: number; originPath: string }>> {
  const out = new Map<number, { commit: string; line: number; originPath: string }>();
  const sorted = [...new Set(lines)].sort((a, b) => a - b);
  const args = ['blame', '--line-porcelain', '-w'];
  for (let i = 0; i < sorted.length;) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j] + 1) j++;
    args.push('-L', `${sorted[i]},${sorted[j]}`);
    i = j + 1;
  }
  args.push(rev, '--', file);
  let stdout: string;
  try {
    stdout = (await runGit(args, { cwd })).stdout;
  } catch (e) {
    logger?.warn(`[provenance] git blame ${rev} -- ${file} failed: ${errorMessage(e)}`);
    return out;
  }
  let cur: { commit: string; line: number; final: number; originPath: string } | undefined;
  for (const l of stdout.split('\n')) {
    const h = /^([0-9a-f]{40,64}) (\d+) (\d+)/.exec(l);
    if (h) {
      cur = { commit: h[1], line: Number(h[2]), final: Number(h[3]), originPath: file };
      continue;
    }
    if (!cur) continue;
    if (l.startsWith('filename ')) cur.originPath = unquoteC(l.slice('filename '.length));
    else if (l.startsWith('\t')) {
      out.set(cur.final, { commit: cur.commit, line: cur.line, originPath: cur.originPath });
      cur = undefined;
    }
  }
  return out;
}
