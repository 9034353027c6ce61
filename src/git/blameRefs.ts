import { runGit } from './gitRunner';
import { AI_NOTES_REF } from './notesReader';

/** What a committed line's provenance depends on besides the file: HEAD and the tip of refs/notes/ai. */
export interface BlameRefs {
  head: string | undefined;
  notesTip: string | undefined;
}

/**
 * Both in one `git show-ref --head refs/notes/ai` (a few milliseconds): HEAD is listed first when it points
 * at a commit, the notes ref when it exists. Exit 1 means neither exists (an unborn branch, no notes).
 */
export async function readBlameRefs(cwd: string): Promise<BlameRefs> {
  const r = await runGit(['show-ref', '--head', AI_NOTES_REF], { cwd, okCodes: [1] });
  const refs: BlameRefs = { head: undefined, notesTip: undefined };
  for (const line of r.stdout.split('\n')) {
    const sp = line.indexOf(' ');
    if (sp < 0) continue;
    const name = line.slice(sp + 1).trim();
    if (name === 'HEAD') refs.head = line.slice(0, sp);
    else if (name === AI_NOTES_REF) refs.notesTip = line.slice(0, sp);
  }
  return refs;
}
