import { MAX_COMMIT_BYTES, oversizedCommitClause } from '../core/commitBound';
import { parseCommitObject } from '../core/commitObject';
import type { NotedCommit } from '../core/noteGains';
import { ASSISTED_BY, parseTrailers, readMessageProvenance, trailerValues } from '../core/trailers';
import { readObjects } from './catFileBatch';
import { commitAddedRuns } from './commitAddedRuns';
import { runGit } from './gitRunner';

/** What the note rule reads of a commit object: its trailers, as the gate reads them, and its first parent. */
export interface CommitTrailerFacts extends Omit<NotedCommit, 'added'> {
  /** Undefined for a root commit. */
  firstParent: string | undefined;
}

/**
 * The `AI-Provenance` (as the gate reads it: readMessageProvenance over the raw object's message), `Assisted-by`
 * values and first parent of many commits, through one `git cat-file --batch`: the landed-note rule asks it for up
 * to a push's 5,000 notes, never one process per note. Commits this repository lacks, and objects that are no
 * commit, are left out of the map.
 */
export async function commitTrailerFacts(
  cwd: string,
  commits: readonly string[],
): Promise<Map<string, CommitTrailerFacts>> {
  const out = new Map<string, CommitTrailerFacts>();
  const oversized: string[] = [];
  const unread = (name: string, type: string | undefined, bytes: number) => {
    // Streamed past, never held (attack21 02): such a commit attests nothing, and the gate refuses it anyway.
    if (type !== 'commit') return;
    oversized.push(name);
    out.set(name, {
      said: { kind: 'unreadable', raw: '', why: `the commit ${oversizedCommitClause(bytes)}` },
      assistedBy: [],
      firstParent: undefined,
    });
  };
  const read = (name: string, content: Buffer | undefined, type?: string, bytes?: number) => {
    if (bytes !== undefined) return unread(name, type, bytes);
    if (!content || type !== 'commit') return;
    const header = content.toString('latin1', 0, Math.max(0, content.indexOf('\n\n')));
    const firstParent = /^parent ([0-9a-f]{40,64})$/m.exec(header)?.[1];
    try {
      const o = parseCommitObject(content, `commit ${name}`);
      const trailers = parseTrailers(o.message);
      out.set(name, {
        // The gate's rule (reviewNeed.ts): an object git may read differently attests nothing.
        said:
          o.headerProblem === undefined
            ? readMessageProvenance(o.message, trailers)
            : { kind: 'unreadable', raw: '', why: `the commit ${o.headerProblem}` },
        assistedBy: trailerValues(trailers, ASSISTED_BY),
        firstParent,
      });
    } catch {
      // Not a well-formed commit object (git would not call it one either): it says nothing.
      out.set(name, { said: { kind: 'absent' }, assistedBy: [], firstParent });
    }
  };
  await readObjects(cwd, [...new Set(commits)], read, { maxBytes: MAX_COMMIT_BYTES });
  // Its parent from git (rare: one process each), else notedCommits would diff it as a root commit.
  for (const name of oversized) {
    const p = await runGit(['rev-parse', '--verify', '--quiet', `${name}^1`], { cwd, okCodes: [1, 128] });
    if (p.code === 0) (out.get(name) as CommitTrailerFacts).firstParent = p.stdout.trim();
  }
  return out;
}

/** `facts` of the commits `judged` with the lines each adds (commitAddedRuns): what landedNoteProblem needs. */
export async function notedCommits(
  cwd: string,
  facts: ReadonlyMap<string, CommitTrailerFacts>,
  judged: readonly string[],
): Promise<Map<string, NotedCommit>> {
  const wanted = [...new Set(judged)].filter((c) => facts.has(c));
  const added = await commitAddedRuns(
    cwd,
    wanted.map((commit) => ({ commit, firstParent: facts.get(commit)?.firstParent })),
  );
  const out = new Map<string, NotedCommit>();
  for (const c of wanted) {
    const f = facts.get(c) as CommitTrailerFacts;
    out.set(c, { said: f.said, assistedBy: f.assistedBy, added: added.get(c) ?? new Map() });
  }
  return out;
}
