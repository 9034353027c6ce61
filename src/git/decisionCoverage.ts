import { commitFacts } from '../core/report/commitFacts';
import { streamHistory } from './historyStream';
import { AI_NOTES_REF, readNotes } from './notesReader';
import { resolveCommit } from './stagedDiff';

/**
 * The commits a decision on base..tip covers, newest first, with what a reviewer needs to recognise them:
 * subject, author and the AI lines each one's note (or AI-Provenance trailer) records. `approve` prints
 * this before signing, so a reviewer sees what the signature will cover (issue 16, class 5).
 */
export interface CoveredCommit {
  sha: string;
  subject: string;
  author: { name: string; email: string };
  committer: { name: string; email: string };
  /** Why its author and committer cannot be read (core/commitObject.ts): no approval counts for it. */
  headerProblem?: string;
  aiLines: number;
  agents: string[];
  /** Carries an AI-Provenance trailer (core isAttested): without one, 0 AI lines means nobody can tell. */
  attested: boolean;
}

/** `base` may be the empty tree (a root commit's base): then everything reachable from tip. */
export async function coveredCommits(cwd: string, base: string, tip: string): Promise<CoveredCommit[]> {
  const range = (await resolveCommit(cwd, base)) ? [`${base}..${tip}`] : [tip];
  const out: CoveredCommit[] = [];
  const records: Parameters<typeof commitFacts>[0][] = [];
  const committers = new Map<string, { name: string; email: string }>();
  await streamHistory(cwd, { revs: range, headers: true }, (c) => {
    records.push(c);
    committers.set(c.sha, { name: c.committerName, email: c.committerEmail });
  });
  const notes = await readNotes(
    cwd,
    AI_NOTES_REF,
    records.map((r) => r.sha),
  );
  for (const r of records) {
    const f = commitFacts(r, notes.get(r.sha));
    out.push({
      sha: f.sha,
      subject: f.subject,
      author: { name: f.authorName, email: f.authorEmail },
      committer: committers.get(f.sha) ?? { name: '', email: f.committerEmail },
      ...(f.headerProblem !== undefined ? { headerProblem: f.headerProblem } : {}),
      aiLines: f.aiLines,
      agents: f.aiLines > 0 ? f.agents : [],
      attested: f.attested,
    });
  }
  return out;
}
