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
