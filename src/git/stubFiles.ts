import { leavesStub, MAX_STUB_BYTES, mayLeaveStub, type EditCounts } from '../core/fileDeletion';
import { objectSizes } from './binaryFiles';
import { readObjects } from './catFileBatch';

/** An edit as the raw diff gives it (git's status letter, the new mode and blob) and the changed file it is. */
export interface StubEdit {
  /** Its counts are read when it is marked (after binaryFiles.ts counted them); its status becomes `D` for a stub. */
  file: { status: string; added: number | undefined; deleted: number | undefined };
  status: string;
  mode: string;
  blob: string;
}

/**
 * The git side of core/fileDeletion.ts's stub rule (attack24 02): sets status `D` on each edit whose new version
 * leaves its file a stub. Only edits that lost lines are asked about (mayLeaveStub): their new blobs' sizes from
 * one `git cat-file --batch-check`, then the ones of at most MAX_STUB_BYTES read with one `git cat-file --batch`.
 * A large blob is never read, and a range where no file lost lines costs no process.
 */
export async function markStubs(cwd: string, edits: Iterable<StubEdit>): Promise<void> {
  const counts = (e: StubEdit): EditCounts => ({
    status: e.status,
    mode: e.mode,
    added: e.file.added,
    deleted: e.file.deleted,
  });
  const asked = [...edits].filter((e) => mayLeaveStub(counts(e)));
  if (asked.length === 0) return;
  const sizes = await objectSizes(cwd, new Set(asked.map((e) => e.blob)));
  const small = [...sizes].filter(([, o]) => o.type === 'blob' && o.size <= MAX_STUB_BYTES).map(([oid]) => oid);
  const contents = new Map<string, Buffer>();
  await readObjects(
    cwd,
    small,
    (oid, content, type) => {
      if (content && type === 'blob') contents.set(oid, content);
    },
    { maxBytes: MAX_STUB_BYTES },
  );
  for (const e of asked) {
    const content = contents.get(e.blob);
    if (content && leavesStub(counts(e), content)) e.file.status = 'D';
  }
}

/** The gate's changed files (git/commitLog.ts: status, new mode and blobs from the raw diff) as StubEdits. */
export function stubEdits(files: Iterable<EditCounts & { oids?: { new: string } }>): StubEdit[] {
  const out: StubEdit[] = [];
  for (const f of files) if (f.oids && f.mode) out.push({ file: f, status: f.status, mode: f.mode, blob: f.oids.new });
  return out;
}
