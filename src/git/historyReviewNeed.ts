import { parsePolicy, POLICY_FILE, type Policy } from '../core/policy';
import { policyMatchers, type PathMatcher, type PolicyMatchers } from '../core/policyPaths';
import type { CommitFacts } from '../core/report/commitFacts';
import { reviewNeedOf, type NoteAiReading } from '../core/reviewNeed';
import { readObjects } from './catFileBatch';
import { runGit } from './gitRunner';

/**
 * Which commits of a report needed review (newuser15 #4: review coverage counted the first policy commit, which
 * no policy asked anyone to review, as unreviewed). The gate's own rule decides (core/reviewNeed.ts), for each
 * commit alone under the policy its first parent holds — the one a push landing it would have been judged under
 * ("no push chooses the policy that judges it"): a commit with no policy before it needed none; an unreadable
 * policy fails closed, as the gate does. What only a push knows (range-wide deletions, gitlink pins, restored
 * lines) is not judged here. Two `git cat-file` processes, whatever the history's length.
 */

export type PolicyAt = { kind: 'none' } | { kind: 'ok'; policy: Policy; matchers: PolicyMatchers } | { kind: 'error' };

export async function judgeReviewNeed(
  cwd: string,
  commits: CommitFacts[],
  /** policiesOf(the same commits), when the caller started it earlier (while the history streamed). */
  policies: Promise<ReadonlyMap<string, PolicyAt>> = policiesOf(cwd, commits),
): Promise<void> {
  const read = await policies;
  for (const c of commits) {
    const parent = c.parents[0];
    const at: PolicyAt | undefined = parent === undefined ? { kind: 'none' } : read.get(parent);
    if (at !== undefined) c.beforePolicy = at.kind === 'none';
    // Without diff stats (a partial clone) or the parent (a shallow clone) nobody can say: counted as needing it.
    if (at === undefined || c.changed === undefined) delete c.needsReview;
    else if (at.kind === 'none') c.needsReview = false;
    else if (at.kind === 'error') c.needsReview = true;
    else {
      const view = {
        sha: c.sha,
        parents: c.parents,
        author: { name: c.authorName, email: c.authorEmail },
        committer: { name: '', email: c.committerEmail },
        files: c.changed,
        ...(c.headerProblem !== undefined ? { headerProblem: c.headerProblem } : {}),
      };
      c.needsReview =
        reviewNeedOf(at.policy, view, c.evidence, noteReading(c), false, undefined, c.changed, at.matchers).kinds
          .length > 0;
    }
    delete c.changed;
  }
}

/** What the rule reads of the note, from the report's reading of it (the same owner runs the gate counts). */
function noteReading(c: CommitFacts): NoteAiReading | undefined {
  if (c.noteError !== undefined) return { unknown: c.noteError };
  if (!c.noteSummary) return undefined;
  return { lines: c.noteSummary.aiLineCount, agents: [...c.noteSummary.aiLinesByAgent.keys()] };
}

/** The policy each commit's first parent holds, by parent (what judgeReviewNeed judges each commit under). */
export function policiesOf(
  cwd: string,
  commits: ReadonlyArray<{ parents: string[] }>,
): Promise<ReadonlyMap<string, PolicyAt>> {
  return policiesAt(cwd, [...new Set(commits.map((c) => c.parents[0]).filter((p): p is string => p !== undefined))]);
}

/** The policy each of `commits` holds: one batch-check for the blobs, one batch read of the distinct ones. */
async function policiesAt(cwd: string, commits: string[]): Promise<Map<string, PolicyAt>> {
  const out = new Map<string, PolicyAt>();
  if (commits.length === 0) return out;
  const input = commits.map((c) => `${c}\n${c}:${POLICY_FILE}\n`).join('');
  const r = await runGit(['cat-file', '--batch-check=%(objectname) %(objecttype)'], { cwd, input });
  const lines = r.stdout.split('\n');
  const blobOf = new Map<string, string>();
  commits.forEach((c, i) => {
    const commit = lines[2 * i] ?? '';
    const policy = lines[2 * i + 1] ?? '';
    if (!commit.endsWith(' commit')) return; // not in this clone (shallow): unknown
    if (policy.endsWith(' blob')) blobOf.set(c, policy.split(' ')[0]);
    else if (policy.endsWith(' missing')) out.set(c, { kind: 'none' });
    else out.set(c, { kind: 'error' }); // a folder or a link by that name: no readable policy
  });
  const parsed = new Map<string, PolicyAt>();
  const shared = new Map<string, PathMatcher>(); // equal lists of distinct blobs share one matcher
  await readObjects(cwd, [...new Set(blobOf.values())], (blob, content) => {
    try {
      if (!content) throw new Error('missing');
      const policy = parsePolicy(content.toString('utf8'), `${blob}:${POLICY_FILE}`);
      parsed.set(blob, { kind: 'ok', policy, matchers: policyMatchers(policy, shared) });
    } catch {
      parsed.set(blob, { kind: 'error' }); // the gate fails closed on a policy it cannot read
    }
  });
  for (const [c, blob] of blobOf) out.set(c, parsed.get(blob) ?? { kind: 'error' });
  return out;
}
