import { type SignedStatement } from '../core/approvalStatement';
import { ReviewerKeys, type StatementCheck } from '../core/approvalRules';
import { errorMessage } from '../core/errors';
import { parsePolicy, POLICY_FILE, type Policy, type Reviewer } from '../core/policy';
import { StatementNotes } from './approvalNotes';
import { readPolicyBlob } from './policyBlob';
import { notePolicyOrigin } from './retiredReviewerKeys';
import { absentNoteBlobs, APPROVALS_NOTES_REF, listNotes, objectsByBlob } from './notesReader';

/*
 * The approval statements of a history and how report and explain judge them, apart from the history's own
 * reading (provenanceHistory.ts): explain and the panel's checks need these without it (issue 11: the
 * extension's services bundle holds these, its lazy bundle the rest).
 */

/** Reads the policy at `rev`, or says why it cannot be used. */
export async function policyAt(cwd: string, rev: string): Promise<{ policy?: Policy; problem?: string }> {
  const text = await readPolicyBlob(cwd, `${rev}:${POLICY_FILE}`);
  if (text === 'missing' || text === undefined) return { problem: `no ${POLICY_FILE} at ${rev}` };
  try {
    const policy = parsePolicy(text, `${rev}:${POLICY_FILE}`);
    notePolicyOrigin(policy, cwd, rev);
    return { policy };
  } catch (e) {
    return { problem: errorMessage(e) };
  }
}

const keyring = new WeakMap<Policy, ReviewerKeys>();

/** Whether a well-formed statement counts: with a policy, its signature must verify for the reviewer it names. */
export function statementVerdict(
  s: SignedStatement,
  policy: Policy | undefined,
): { ok: boolean; reason: string; fingerprint?: string } {
  if (!policy) return { ok: true, reason: 'well-formed (signature not checked: no usable policy)' };
  // The gate's own check (reviewer listed, signed by that reviewer's key), keys parsed once per policy.
  let keys = keyring.get(policy);
  if (!keys) keyring.set(policy, (keys = new ReviewerKeys(policy)));
  const v = keys.check(s);
  return v.ok ? { ok: true, reason: 'signature valid', fingerprint: v.fingerprint } : { ok: false, reason: v.why };
}

/**
 * The statement check report and explain judge with: the gate's (listed reviewer, that reviewer's key) when a
 * policy is readable; without one, every well-formed statement passes as its named reviewer, and the report
 * says its basis is unverified statements.
 */
export function statementKeys(
  policy: Policy | undefined,
  /** The policy of the reading whose check budget this one spends (reviewerKeys.ts): landed history asks old ones. */
  budgetOf?: Policy,
): { check(s: SignedStatement): StatementCheck; unchecked?(): number } {
  if (policy && budgetOf) return new ReviewerKeys(policy, undefined, { budgetOf });
  if (policy) {
    let keys = keyring.get(policy);
    if (!keys) keyring.set(policy, (keys = new ReviewerKeys(policy)));
    return keys;
  }
  return {
    check: (s) => ({
      ok: true,
      reviewer: {
        name: s.statement.reviewer.name ?? s.statement.reviewer.email,
        email: s.statement.reviewer.email,
        key: '',
      } satisfies Reviewer,
      fingerprint: '',
    }),
  };
}

/**
 * All approval statements under refs/notes/countersign, with the commit whose note holds each: read as the gate
 * reads them (approvalNotes.ts StatementNotes), each distinct note blob parsed once and a reading's bytes
 * bounded, so a crafted clone's one junk blob under every commit costs one parse (attack30 F3). A statement its
 * note shares with other commits is listed once, under the first (the gate judges it by its own fields).
 */
export async function readStatements(
  cwd: string,
  notes?: Map<string, string>,
): Promise<{
  statements: Array<{ noteCommit: string; signed: SignedStatement }>;
  errors: string[];
  unreadable: Array<{ attachedTo: string; error: string }>;
  annotated: string[];
}> {
  const listed = notes ?? (await listNotes(cwd, APPROVALS_NOTES_REF));
  const byBlob = objectsByBlob(listed);
  // A partial clone's missing note blobs are not asked for (they would be fetched, or kill cat-file).
  for (const blob of await absentNoteBlobs(cwd, APPROVALS_NOTES_REF)) byBlob.delete(blob);
  const read = await new StatementNotes(cwd).ofBlobs(APPROVALS_NOTES_REF, byBlob);
  const seen = new Set<SignedStatement>();
  const statements: Array<{ noteCommit: string; signed: SignedStatement }> = [];
  for (const [noteCommit, list] of read.byCommit) {
    for (const signed of list) {
      if (seen.has(signed)) continue;
      seen.add(signed);
      statements.push({ noteCommit, signed });
    }
  }
  return {
    statements,
    errors: read.errors.map((e) => e.error),
    unreadable: read.errors,
    annotated: [...listed.keys()],
  };
}
