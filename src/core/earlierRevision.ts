import { personLabel, samePerson } from './approvalRules';
import type { SignedStatement } from './approvalStatement';
import { shortSha } from './shortSha';

/**
 * Statements about an earlier revision of a commit (newuser12 P3, P8). Statements are about commits: an amended or
 * rebased-with-changes commit is a new change that neither a request for changes nor an approval of the old one
 * covers (docs/design.md, "Approvals"). The gate keeps that rule; what this adds is saying so where people look —
 * "Cy requested changes on an earlier revision" in `review` and `explain`, "Cy approved an earlier revision" in
 * the block message — so an objection is not lost on a force-push and "0 of 1 approvals" after an approval is
 * not a puzzle.
 *
 * An earlier revision is recognised by what amend and rebase keep: the author, the author date (to the second)
 * and the subject. A statement's tip with the same three as a commit being judged, and another id, was that
 * commit before it was rewritten (or is a copy of it). It only informs: nothing here counts for or against a
 * commit.
 */

/** Who wrote a commit, when (as its `author` header says: `Name <email> 1700000000 +0000`), and its subject. */
export interface AuthorStamp {
  email: string;
  /** `1700000000 +0000`: seconds and zone as recorded, compared as text. */
  when: string;
  subject: string;
}

/** The author stamp of a raw commit object (headers up to the first empty line, then the message), or undefined. */
export function authorStamp(raw: string): AuthorStamp | undefined {
  const end = raw.indexOf('\n\n');
  const subject = end < 0 ? '' : (raw.slice(end + 2).split('\n', 1)[0] ?? '').trim();
  for (const line of (end < 0 ? raw : raw.slice(0, end)).split('\n')) {
    if (!line.startsWith('author ')) continue;
    const m = /<([^>]*)>\s+(\d+\s+[+-]\d{4})\s*$/.exec(line);
    return m ? { email: m[1].toLowerCase(), when: m[2], subject } : undefined;
  }
  return undefined;
}

const stampKey = (s: AuthorStamp) => `${s.email}\0${s.when}\0${s.subject}`;

export interface EarlierRevisionStatement {
  /** The commit being judged. */
  commit: string;
  /** The statement's tip: the same commit before it was rewritten. */
  earlier: string;
  decision: 'approve' | 'reject';
  reviewer: { name?: string; email: string };
  time: string;
  comment?: string;
}

/**
 * For each commit, the latest statement per reviewer about an earlier revision of it: a statement whose tip has
 * the commit's author stamp (author, author date, subject) and is not itself among `commits`. Reviewers who made a statement on one of
 * `commits` are left out: what they said about this revision is what the gate reports.
 */
export function earlierRevisionStatements(
  commits: Map<string, AuthorStamp>,
  statements: SignedStatement[],
  tips: Map<string, AuthorStamp>,
): EarlierRevisionStatement[] {
  const byStamp = new Map<string, string[]>();
  for (const [sha, s] of commits) {
    const k = stampKey(s);
    byStamp.set(k, [...(byStamp.get(k) ?? []), sha]);
  }
  const spokeHere = statements.filter((s) => commits.has(s.statement.tip)).map((s) => s.statement.reviewer.email);
  const latest = new Map<string, EarlierRevisionStatement>();
  for (const { statement: st } of statements) {
    if (commits.has(st.tip) || spokeHere.some((e) => samePerson(e, st.reviewer.email))) continue;
    const stamp = tips.get(st.tip);
    if (!stamp) continue;
    for (const commit of byStamp.get(stampKey(stamp)) ?? []) {
      const key = `${commit}\0${st.reviewer.email.toLowerCase()}`;
      const had = latest.get(key);
      if (had && had.time >= st.time) continue;
      latest.set(key, {
        commit,
        earlier: st.tip,
        decision: st.decision,
        reviewer: st.reviewer,
        time: st.time,
        ...(st.comment ? { comment: st.comment } : {}),
      });
    }
  }
  return [...latest.values()].sort((a, b) => a.time.localeCompare(b.time));
}

/** The sentence for one such statement, in the gate's reasons and on `explain`'s page. */
export function earlierRevisionSentence(e: EarlierRevisionStatement): string {
  const who = e.reviewer.name ?? e.reviewer.email;
  const comment = e.comment ? `: "${e.comment}"` : '';
  return e.decision === 'reject'
    ? `${personLabel(e.reviewer)} requested changes on an earlier revision of this commit (${shortSha(e.earlier)}, at ${e.time})${comment} — the request is about that revision and does not hold this one; ask ${who} to look at this revision`
    : `${personLabel(e.reviewer)} approved an earlier revision of this commit (${shortSha(e.earlier)}, at ${e.time})${comment} — its change differs from this one, so that approval does not count here; ask ${who} for a new review`;
}
