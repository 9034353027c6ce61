import { pushedNoteBytes } from '../core/noteBounds';
import { readObjects } from './catFileBatch';
import { MAX_ADDED_NOTES, objectInfo, type ChangedNote } from './notesAdditions';

/**
 * The texts of the notes another remote's notes commit changes, read within the bounds the server reads a push
 * in: at most MAX_ADDED_NOTES changed notes and MAX_PUSH_NOTE_BYTES of blobs in all (else `refused`, nothing
 * read), each blob no larger than `maxNoteBytes` (a larger one is left unread: absent from `texts`). Sizes come
 * first, from one `cat-file --batch-check`, so a fork's 400 MB note (a few KB on the wire) is never read: before,
 * the approvals intake read and split it whole and `countersign review` — the panel's Refresh in the extension
 * host — died of it (outside tester, session 12, H2).
 */
export async function intakeTexts(
  cwd: string,
  ref: string,
  changed: readonly ChangedNote[],
  maxNoteBytes: number,
): Promise<{ texts: Map<string, string>; refused?: string }> {
  const texts = new Map<string, string>();
  if (changed.length > MAX_ADDED_NOTES)
    return { texts, refused: `${changed.length} changed notes, more than a push may carry` };
  const blobs = [...new Set(changed.flatMap((c) => (c.oldBlob ? [c.oldBlob, c.newBlob] : [c.newBlob])))];
  const sizes = await objectInfo(cwd, blobs);
  const size = (b: string) => Number(sizes.get(b)?.size ?? 0);
  const tooMuch = pushedNoteBytes(ref, blobs, size);
  if (tooMuch) return { texts, refused: tooMuch };
  await readObjects(
    cwd,
    blobs.filter((b) => size(b) <= maxNoteBytes),
    (blob, content) => {
      if (content) texts.set(blob, content.toString('utf8'));
    },
    { maxBytes: maxNoteBytes },
  );
  return { texts };
}
