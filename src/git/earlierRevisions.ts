import type { StatementCheck } from '../core/approvalRules';
import { samePerson, selfReview } from '../core/approvalRules';
import type { SignedStatement } from '../core/approvalStatement';
import {
  authorStamp,
  earlierRevisionSentence,
  earlierRevisionStatements,
  type AuthorStamp,
  type EarlierRevisionStatement,
} from '../core/earlierRevision';
import type { GateInput, GateResult } from '../core/gate';
import { readObjects } from './catFileBatch';
import { statementKeys } from './historyStatements';

/** A statement made before its commit was written cannot be about it; a day's slack for skewed clocks. */
const CLOCK_SLACK_SECONDS = 86_400;

/**
 * The valid statements about earlier revisions of `commits` (core/earlierRevision.ts): two `git cat-file --batch`
 * reads — the commits' author stamps, then the tips of the statements made after the oldest of them. A tip this
 * clone does not have (never fetched, or collected) is simply not recognised.
 */
export async function earlierRevisionsOf(
  cwd: string,
  commits: string[],
  statements: SignedStatement[],
  keys: { check(s: SignedStatement): StatementCheck },
): Promise<EarlierRevisionStatement[]> {
  if (commits.length === 0 || statements.length === 0) return [];
  const stamps = await stampsOf(cwd, commits);
  // A loop, not Math.min(...all): a push's commits as arguments would overflow the stack.
  let oldest = Infinity;
  for (const s of stamps.values()) oldest = Math.min(oldest, Number(s.when.split(' ')[0]));
  if (!Number.isFinite(oldest)) return [];
  const candidates = statements.filter(
    (s) => !stamps.has(s.statement.tip) && Date.parse(s.statement.time) / 1000 >= oldest - CLOCK_SLACK_SECONDS,
  );
  const here = statements.filter((s) => stamps.has(s.statement.tip));
  if (candidates.length === 0) return [];
  const tips = await stampsOf(cwd, [...new Set(candidates.map((s) => s.statement.tip))]);
  const matched = candidates.filter((s) => tips.has(s.statement.tip));
  // Signatures are checked only for the few statements on these commits or on a tip matching their author stamp.
  const valid = [...here, ...matched].filter((s) => keys.check(s).ok);
  return earlierRevisionStatements(stamps, valid, tips);
}

async function stampsOf(cwd: string, names: string[]): Promise<Map<string, AuthorStamp>> {
  const out = new Map<string, AuthorStamp>();
  await readObjects(cwd, names, (name, content, type) => {
    if (!content || type !== 'commit') return;
    const stamp = authorStamp(content.toString('utf8'));
    if (stamp) out.set(name, stamp);
  });
  return out;
}

/**
 * Adds, to each blocked commit's reasons, what a reviewer said about an earlier revision of it (newuser12 P3, P8),
 * leaving out reviewers whose word the gate already reports for it (a counted approval, a standing request for
 * changes). Informational: the verdict is unchanged, and a failure to read leaves the reasons as they were.
 */
export async function addEarlierRevisionReasons(cwd: string, result: GateResult, input: GateInput): Promise<void> {
  if (input.policy.kind !== 'ok') return;
  const blocked = result.commits.filter((d) => d.needsReview && !d.ok);
  if (blocked.length === 0) return;
  let found: EarlierRevisionStatement[];
  try {
    found = await earlierRevisionsOf(
      cwd,
      blocked.map((d) => d.sha),
      input.statements.map((s) => s.signed),
      statementKeys(input.policy.policy),
    );
  } catch {
    return;
  }
  for (const d of blocked) {
    for (const e of found) {
      if (e.commit !== d.sha) continue;
      const spoken = [...d.approvals.map((a) => a.reviewer), ...(d.changesRequested ?? []).map((c) => c.email)];
      if (spoken.some((email) => samePerson(email, e.reviewer.email))) continue;
      // A reviewer who authored or committed this revision (she rebased what she approved) can never approve it:
      // "its change differs … ask her for a new review" was wrong and contradicted the gate's own two-person
      // reason, which names the next step (newuser14 S7). The rule is approvalRules.selfReview, not a copy.
      const commit = input.commits.find((c) => c.sha === d.sha);
      if (e.decision === 'approve' && commit && selfReview(e.reviewer.email, commit)) continue;
      d.reasons.push(earlierRevisionSentence(e));
    }
  }
}
