/**
 * Which commit a path in a notes tree annotates, by git's own rule: the object id in hex, split into
 * two-character fan-out folders (`ab/cdef…`) or not at all. Anything else in a notes tree is no note — git
 * notes and the gate never read it — so the server refuses it in refs/notes/countersign (a statement moved
 * there would vanish from the gate while still "being in the tree").
 */
export function noteTarget(path: string): string | undefined {
  const parts = path.split('/');
  const last = parts.pop() as string;
  if (!parts.every((p) => /^[0-9a-f]{2}$/.test(p))) return undefined;
  const hex = parts.join('') + last;
  return /^[0-9a-f]{40}([0-9a-f]{24})?$/.test(hex) ? hex : undefined;
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
