import { parseAuthorshipNote } from '../core/authorshipNote';
import { parseBlamePorcelain } from '../core/blame/blamePorcelain';
import { blameProvenance, UNCOMMITTED, type ProvenanceBlame } from '../core/blame/lineProvenance';
import { errorMessage } from '../core/errors';
import { commitEvidence, type AgentEvidence } from '../core/report/aiEvidence';
import { attributeNote, type NoteAttribution } from '../core/report/noteAttribution';
import { parseTrailers } from '../core/trailers';
import { runGit } from './gitRunner';
import { streamHistory } from './historyStream';
import { AI_NOTES_REF, readNotes } from './notesReader';

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
 */
export async function provenanceBlame(cwd: string, file: string, rev?: string, opts: BlameContentsOptions = {}): Promise<ProvenanceBlame> {
  const contents = opts.contents !== undefined ? ['--contents', '-'] : [];
  const args = ['-c', 'core.quotePath=false', 'blame', '--porcelain', ...contents, ...(rev ? [rev] : []), '--', file];
  const r = await runGit(args, { cwd, ...(opts.contents !== undefined ? { input: opts.contents } : {}) });
  const parsed = parseBlamePorcelain(r.stdout);
  const shas = [...parsed.commits.keys()].filter((s) => !UNCOMMITTED.test(s));
  const texts = await readNotes(cwd, AI_NOTES_REF, shas);
  const notes = new Map<string, NoteAttribution>();
  const extra = new Map<string, { attested: boolean; agents: AgentEvidence[]; noteError?: string }>();
  const noteErrors = new Map<string, string>();
  for (const [sha, text] of texts) {
    try {
      notes.set(sha, attributeNote(parseAuthorshipNote(text, `note on ${sha.slice(0, 12)}`)));
    } catch (e) {
      noteErrors.set(sha, errorMessage(e));
    }
  }
  if (shas.length > 0) {
    await streamHistory(cwd, { revs: [], extra: ['--no-walk=unsorted', '--stdin'], stdin: shas.join('\n') + '\n' }, (c) => {
      const ev = commitEvidence({ authorName: c.authorName, authorEmail: c.authorEmail }, parseTrailers(c.message), c.message);
      const err = noteErrors.get(c.sha);
      extra.set(c.sha, { attested: ev.provenanceRaw !== undefined, agents: ev.agents, ...(err ? { noteError: err } : {}) });
    });
  }
  return blameProvenance(file, parsed.lines, parsed.commits, notes, extra);
}
