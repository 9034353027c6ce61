/**
 * Which object a path in a notes tree annotates, by git's own rule (notes.c): the object id in hex, split into
 * two-character fan-out folders (`ab/cdef…`) or not at all, `hexLength` digits in all — the repository's own
 * object-id length (objectFormat.ts: 40 for SHA-1, 64 for SHA-256). Anything else in a notes tree is no note —
 * git notes keeps it as a "non-note" and never reads it, nor does the gate — so the server refuses it in both notes
 * refs (a statement moved there would vanish from the gate while still "being in the tree"; a 64-digit name in a
 * SHA-1 repository switched off the second-entry rule, attack14 N7), and no reader here takes it for a note.
 */
export function noteTarget(path: string, hexLength: number): string | undefined {
  const parts = path.split('/');
  const last = parts.pop() as string;
  if (!parts.every((p) => /^[0-9a-f]{2}$/.test(p))) return undefined;
  const hex = parts.join('') + last;
  return hex.length === hexLength && /^[0-9a-f]+$/.test(hex) ? hex : undefined;
}

/**
 * Every path git reads as the note on `target`: flat, `ab/cdef…`, `ab/cd/ef…`, … (noteTarget's rule, at any depth).
 * Two of them in one tree are two entries for one object, which git folds into one concatenated note.
 */
export function notePaths(target: string): string[] {
  const paths: string[] = [];
  for (let depth = 0; depth * 2 < target.length - 1; depth++) {
    const folders = Array.from({ length: depth }, (_, i) => target.slice(i * 2, i * 2 + 2));
    paths.push([...folders, target.slice(depth * 2)].join('/'));
  }
  return paths;
}
