import { parseCommitObject } from '../core/commitObject';
import { readMessageProvenance, type ProvenanceReading } from '../core/trailers';
import { readObjects } from './catFileBatch';

/**
 * The `AI-Provenance` of many commits, as the gate reads it (readMessageProvenance over the raw object's message),
 * through one `git cat-file --batch`: the landed-note rule asks it for up to a push's 5,000 notes, never one
 * process per note. Commits this repository lacks, and objects that are no commit, are left out of the map.
 */
export async function commitProvenanceReadings(
  cwd: string,
  commits: readonly string[],
): Promise<Map<string, ProvenanceReading>> {
  const out = new Map<string, ProvenanceReading>();
  await readObjects(cwd, [...new Set(commits)], (name, content, type) => {
    if (!content || type !== 'commit') return;
    try {
      out.set(name, readMessageProvenance(parseCommitObject(content, `commit ${name}`).message));
    } catch {
      // Not a well-formed commit object (git would not call it one either): it says nothing.
      out.set(name, { kind: 'absent' });
    }
  });
  return out;
}
