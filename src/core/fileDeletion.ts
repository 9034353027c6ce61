/**
 * What the gate counts as a deleted file (the tiers' `deletedFiles`, a rewind's dropped files, the net change of
 * an update): the one place that says it. Git's status `D` alone was not enough: emptying a file (status `M`)
 * or replacing it with a symlink to /dev/null or a gitlink (status `T`) destroys it as surely, and an outside
 * tester (session 7, G7) landed 8 service definitions destroyed that way where `git rm` of the 8 met the
 * mass-deletion tier. A rename stays what `--no-renames` makes it (a deletion and an addition); an edit that
 * leaves any content, and a symlink becoming a regular file, are not deletions.
 */

/** The empty blob's id in each object format git has. */
const EMPTY_BLOBS = new Set([
  'e69de29bb2d1d6434b8b29ae775ad8c2e48c5391',
  '473a0f4c3be8a93681a267e3b1e9a7dcda1185436fe141f7749120a303721813',
]);

/** One `--raw` entry of a diff: `:OLDMODE NEWMODE OLDOID NEWOID STATUS`. */
export interface RawEntry {
  oldMode: string;
  newMode: string;
  oldOid: string;
  newOid: string;
  status: string;
}

/** Parses the header of a `--raw` entry (`:100644 100644 <old> <new> M`); undefined when it is not one. */
export function parseRawEntry(header: string): RawEntry | undefined {
  const m = /^:(\d{6}) (\d{6}) ([0-9a-f]+) ([0-9a-f]+) ([A-Z])\d*$/.exec(header);
  return m ? { oldMode: m[1], newMode: m[2], oldOid: m[3], newOid: m[4], status: m[5] } : undefined;
}

/** Whether the change destroys the file: gone, or a regular file left empty or replaced by a symlink or gitlink. */
export function deletesFile(e: RawEntry): boolean {
  if (e.status === 'D') return true;
  if (!e.oldMode.startsWith('100')) return false;
  return e.newMode === '120000' || e.newMode === '160000' || EMPTY_BLOBS.has(e.newOid);
}

/** A changed file's status for the tiers: `D` when deletesFile says so, else git's own letter. */
export function deletionStatus(e: RawEntry): string {
  return deletesFile(e) ? 'D' : e.status;
}
