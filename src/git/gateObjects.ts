import { runGit } from './gitRunner';

/** Small object questions the gate input asks of git (gateInput.ts). */

/** Which of `oids` name objects in this repository: one `git cat-file --batch-check`. */
export async function existingObjects(cwd: string, oids: string[]): Promise<Set<string>> {
  const out = new Set<string>();
  if (oids.length === 0) return out;
  const r = await runGit(['cat-file', '--batch-check=%(objectname)'], { cwd, input: oids.join('\n') + '\n' });
  r.stdout.split('\n').forEach((line, i) => {
    if (line === oids[i]) out.add(oids[i]);
  });
  return out;
}

/**
 * The commit a tag's current value names (through annotated tags); undefined when it names none, or the object
 * is not here (a client that never fetched the remote's tag: the server, which has it, judges the move).
 */
export async function peeledCommit(cwd: string, value: string): Promise<string | undefined> {
  const r = await runGit(['rev-parse', '--verify', '-q', `${value}^{commit}`], { cwd, okCodes: [1, 128] });
  return r.code === 0 ? r.stdout.trim() : undefined;
}

export async function objectExists(cwd: string, oid: string): Promise<boolean> {
  return (await runGit(['cat-file', '-e', oid], { cwd, okCodes: [1, 128] })).code === 0;
}
