import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseAuthorshipNote } from '../core/authorshipNote';
import { parseBlamePorcelain } from '../core/blame/blamePorcelain';
import { blameProvenance, type ProvenanceBlame } from '../core/blame/lineProvenance';
import { CountersignError, errorMessage } from '../core/errors';
import { commitEvidence, isAttested, type AgentEvidence } from '../core/report/aiEvidence';
import { attributeNote, type NoteAttribution } from '../core/report/noteAttribution';
import { parseTrailers } from '../core/trailers';
import { runGit } from './gitRunner';
import { streamHistory } from './historyStream';
import { missingObjects, noLazyFetchEnv } from './missingObjects';
import { AI_NOTES_REF, readNotes } from './notesReader';
import { shortSha } from '../core/shortSha';
import { isNullObjectId } from '../core/nullObjectId';

export interface BlameContentsOptions {
  /**
   * Blame this text as the file's working-tree content (`git blame --contents -`): the editor blames its
   * buffer, saved or not, so lines typed since the last save come out as not committed.
   */
  contents?: string;
}

/**
 * `countersign blame FILE`: one `git blame --porcelain` (which follows lines through later commits and
 * renames as git blame does and gives each line's originating commit, path and line number there), one
 * `git cat-file --batch` for those commits' notes, one `git log --no-walk` for their trailers.
 *
 * A clone that lacks earlier versions of the file (a blobless partial clone, a snapshot that lost a blob)
 * is blamed as far back as it can read and nothing is fetched (issue 12): see `blameWhatIsHere`.
 */
export async function provenanceBlame(
  cwd: string,
  file: string,
  rev?: string,
  opts: BlameContentsOptions = {},
): Promise<ProvenanceBlame> {
  const { stdout, cutAt, warning } = await blameWhatIsHere(cwd, file, rev, opts);
  const parsed = parseBlamePorcelain(stdout);
  const shas = [...parsed.commits.keys()].filter((s) => !isNullObjectId(s) && !cutAt.has(s));
  const notesLacking: string[] = [];
  const texts = await readNotes(cwd, AI_NOTES_REF, shas, (o) => notesLacking.push(o));
  const notes = new Map<string, NoteAttribution>();
  const extra = new Map<string, { attested: boolean; agents: AgentEvidence[]; noteError?: string }>();
  const noteErrors = new Map<string, string>();
  for (const [sha, text] of texts) {
    try {
      notes.set(sha, attributeNote(parseAuthorshipNote(text, `note on ${shortSha(sha)}`)));
    } catch (e) {
      noteErrors.set(sha, errorMessage(e));
    }
  }
  if (shas.length > 0) {
    await streamHistory(
      cwd,
      { revs: [], extra: ['--no-walk=unsorted', '--stdin'], stdin: shas.join('\n') + '\n' },
      (c) => {
        const ev = commitEvidence(
          { authorName: c.authorName, authorEmail: c.authorEmail },
          parseTrailers(c.message),
          c.message,
        );
        const err = noteErrors.get(c.sha);
        extra.set(c.sha, {
          attested: isAttested(ev),
          agents: ev.agents,
          ...(err ? { noteError: err } : {}),
        });
      },
    );
  }
  const result = blameProvenance(file, parsed.lines, parsed.commits, notes, extra, cutAt);
  const warnings: string[] = [];
  if (warning)
    warnings.push(
      `${warning}: ${result.lines.filter((l) => l.skipped).length} line(s) come from before what it has and are shown as skipped (nothing was fetched; 'git fetch --refetch' or a full clone blames them)`,
    );
  if (notesLacking.length > 0)
    warnings.push(
      `${notesLacking.length} commit(s) have a refs/notes/ai note whose content this clone lacks: their lines are shown as untracked (nothing was fetched)`,
    );
  // As explain, report and verify do (newuser14 S5): name the commit and how to see the note.
  for (const [sha, err] of noteErrors) {
    const n = result.lines.filter((l) => l.commit === sha).length;
    warnings.push(
      `the refs/notes/ai note on ${shortSha(sha)} is unreadable (${err}): its ${n} line(s) are shown as untracked; see it with \`git notes --ref=ai show ${sha}\``,
    );
  }
  if (warnings.length > 0) result.warnings = [warnings.join('; ')];
  return result;
}

/**
 * `git blame --porcelain` over what this clone has. First as usual, with lazy fetching off (a partial clone
 * would otherwise fetch each earlier version of the file from its remote, one round trip per blob). If git
 * meets a version it lacks, the commits whose parent's version of the file is missing (or that add the file,
 * where blame would read other paths' contents to look for a rename) are made roots for this one run
 * (`git blame -S` with a graft list): blame stops there, and what it attributes to those commits — as
 * boundaries — is what the clone cannot trace further (`cutAt`). If even that fails, the blamed revision
 * itself is the cut and every committed line is skipped.
 */
async function blameWhatIsHere(
  cwd: string,
  file: string,
  rev: string | undefined,
  opts: BlameContentsOptions,
): Promise<{ stdout: string; cutAt: Set<string>; warning?: string }> {
  const contents = opts.contents !== undefined ? ['--contents', '-'] : [];
  const run = (grafts?: string) =>
    runGit(
      [
        '-c',
        'core.quotePath=false',
        'blame',
        '--porcelain',
        ...(grafts ? ['-S', grafts] : []),
        ...contents,
        ...(rev ? [rev] : []),
        '--',
        file,
      ],
      { cwd, env: noLazyFetchEnv(), ...(opts.contents !== undefined ? { input: opts.contents } : {}) },
    );
  try {
    return { stdout: (await run()).stdout, cutAt: new Set() };
  } catch (e) {
    if (!CountersignError.is(e, 'missingObject')) throw e;
  }
  const tip = rev ?? 'HEAD';
  const lacking = await missingObjects(cwd, [tip], [file]);
  const cuts = new Set<string>();
  const log = await runGit(['log', '--format=%x01%H', '--raw', '--no-abbrev', '--no-renames', tip, '--', file], {
    cwd,
    env: noLazyFetchEnv(),
  });
  for (const block of log.stdout.split('\x01').slice(1)) {
    const [sha, ...rest] = block.split('\n');
    for (const raw of rest) {
      const m = /^:\d+ \d+ ([0-9a-f]+) ([0-9a-f]+) ([A-Z])/.exec(raw);
      if (m && (lacking.has(m[1]) || (m[3] === 'A' && lacking.size > 0))) cuts.add(sha.trim());
    }
  }
  const tipSha = (await runGit(['rev-parse', '--verify', `${tip}^{commit}`], { cwd })).stdout.trim();
  const dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'countersign-blame-'));
  try {
    const grafts = path.join(dir, 'grafts');
    for (const attempt of [cuts, new Set([tipSha])]) {
      if (attempt.size === 0) continue;
      await fs.promises.writeFile(grafts, [...attempt].join('\n') + '\n');
      try {
        const r = await run(grafts);
        return { stdout: r.stdout, cutAt: attempt, warning: `this clone lacks earlier versions of ${file}` };
      } catch (e) {
        if (!CountersignError.is(e, 'missingObject')) throw e;
      }
    }
  } finally {
    await fs.promises.rm(dir, { recursive: true, force: true });
  }
  throw new CountersignError(
    'missingObject',
    `blame: this clone lacks ${file} as of ${tip} (a partial clone or a lost object; nothing was fetched): run 'git fetch --refetch' or use a full clone`,
  );
}
