import type { CommitFacts } from './commitFacts';
import { shortSha } from '../shortSha';
import { COMMIT_HEADER_FIX } from '../commitObject';

/**
 * Where a commit's trailers and its note disagree (issue 7: `report` and `verify` flag them). Trailers are
 * counted at commit time from the staged added lines; the note attests the same lines of the committed
 * files, so with Countersign writing both the figures are equal. A difference means one of them was edited,
 * lost or written by a tool that counts differently — worth a look before the numbers are trusted.
 */
export type InconsistencyKind =
  | 'object-unreadable' // git and Countersign may read the commit object differently (core/commitObject.ts)
  | 'provenance-unreadable' // AI-Provenance present but not `v1 ai=N human=N untracked=N`
  | 'note-unreadable' // the refs/notes/ai note does not parse
  | 'trailer-denies-ai' // AI-Provenance ai=0 but the note attests AI lines
  | 'ai-count-mismatch' // AI-Provenance ai=N, the note attests M ≠ N AI lines (M > 0)
  | 'note-missing'; // AI-Provenance ai>0 but the commit has no note (not fetched? lost in a rewrite?)

export interface Inconsistency {
  sha: string;
  kind: InconsistencyKind;
  message: string;
}

export interface OrphanNote {
  ref: string;
  /** The annotated object, which no branch, tag or HEAD reaches any more. */
  object: string;
}

export function commitInconsistencies(
  c: Pick<CommitFacts, 'sha' | 'evidence' | 'noteSummary' | 'noteError' | 'headerProblem'>,
): Inconsistency[] {
  const out: Inconsistency[] = [];
  const short = shortSha(c.sha);
  const p = c.evidence.provenance;
  if (c.headerProblem !== undefined) {
    // The gate's reading (reviewNeed.ts): its trailers and author are not believed, and no approval counts for it.
    out.push({
      sha: c.sha,
      kind: 'object-unreadable',
      message: `${short}: the commit ${c.headerProblem}, so git and Countersign may read it differently: its provenance is unreadable and no approval counts for it (fix: ${COMMIT_HEADER_FIX})`,
    });
  } else if (c.evidence.provenanceRaw !== undefined && !p) {
    out.push({
      sha: c.sha,
      kind: 'provenance-unreadable',
      message: `${short}: AI-Provenance is unreadable: ${c.evidence.provenanceError ?? JSON.stringify(c.evidence.provenanceRaw)}`,
    });
  }
  if (c.noteError) {
    out.push({
      sha: c.sha,
      kind: 'note-unreadable',
      message: `${short}: ${c.noteError} (inspect it with: git notes --ref=ai show ${short})`,
    });
  }
  if (!p) return out;
  if (c.noteSummary) {
    const m = c.noteSummary.aiLineCount;
    if (p.ai === 0 && m > 0) {
      out.push({
        sha: c.sha,
        kind: 'trailer-denies-ai',
        message: `${short}: AI-Provenance says ai=0 but the note attests ${m} AI line${m === 1 ? '' : 's'}`,
      });
    } else if (p.ai > 0 && m !== p.ai) {
      out.push({
        sha: c.sha,
        kind: 'ai-count-mismatch',
        message: `${short}: AI-Provenance says ai=${p.ai} but the note attests ${m} AI line${m === 1 ? '' : 's'}`,
      });
    }
  } else if (p.ai > 0 && !c.noteError) {
    out.push({
      sha: c.sha,
      kind: 'note-missing',
      message: `${short}: AI-Provenance says ai=${p.ai} but there is no refs/notes/ai note (fetch notes: \`countersign install\`, then \`git fetch\`)`,
    });
  }
  return out;
}

/**
 * Notes whose annotated object is not in `reachable` (commits reachable from branches, tags and HEAD):
 * left behind by a rebase or amend that did not carry them over, or by a deleted branch.
 */
export function orphanNotes(
  ref: string,
  annotated: Iterable<string>,
  reachable: (sha: string) => boolean,
): OrphanNote[] {
  const out: OrphanNote[] = [];
  for (const o of annotated) if (!reachable(o)) out.push({ ref, object: o });
  return out.sort((a, b) => a.object.localeCompare(b.object));
}
