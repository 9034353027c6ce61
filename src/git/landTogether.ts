import * as fs from 'fs';
import type { GateResult } from '../core/gate';
import { personKey } from '../core/person';
import { TAG_PREFIX } from '../core/policy';
import { gatherApprovals } from './approvalNotes';
import { REVIEW_NOTES_REF } from './notesConfig';
import type { Approvals } from './pushFacts';

/**
 * The refs of one push that must land together or not at all (issue 10, residue of attack18). The pre-receive gate
 * judges a push as a whole, but without --atomic receive-pack applies each command in a ref transaction of its own,
 * and any of them can still fail inside git after the gate passed them (receive.denyDeletes, an `update` hook, a
 * held lock, a D/F name clash). A verdict that relied on another command of the push then stood on something that
 * did not happen: main landed with approvals from a refs/notes/countersign update git declined; a policy change
 * adopted release/x as deleted while git refused the deletion; tag v1 landed beside the branch v1 whose deletion
 * it relied on. The gate records the commands whose verdicts relied on others, with those others; the server's
 * reference-transaction hook (src/git/shell/referenceTransaction.sh) refuses a transaction of the push that holds
 * some of them but not all. `git push --atomic` applies them in one transaction, which passes. A push whose
 * verdicts rely on no other command (one branch, independent branches, notes alone) records nothing and is
 * applied as before. docs/threat-model.md, "Refs that must land together".
 */

/** The environment variable naming the file the gate writes the set to (preReceive.sh makes it per push). */
export const LAND_TOGETHER_ENV = 'COUNTERSIGN_LAND_TOGETHER';

const HEADS = 'refs/heads/';

export interface JudgedCommand {
  /** The ref as the push names it (what git's transaction lists). */
  ref: string;
  /** The ref it moves: a symbolic ref's target. */
  target: string;
  old: string | undefined;
  new: string | undefined;
}

/** A command that changes a ref (a zero-to-zero delete, or old = new, changes nothing, and may have no transaction). */
const changes = (c: JudgedCommand) => c.old !== c.new;

export class LandTogether {
  private readonly refs = new Set<string>();

  /** `ref`'s verdict relied on `on` (command refs) landing as well. */
  relyOn(ref: string, on: Iterable<string>): void {
    const others = [...on].filter((r) => r !== ref);
    if (others.length === 0) return;
    this.refs.add(ref);
    for (const r of others) this.refs.add(r);
  }

  /** The refs that must land together, sorted (at least two, or none). */
  list(): string[] {
    return [...this.refs].sort();
  }
}

/**
 * One approval, by who signed it as the gate tells people apart (core/person.ts): the gate's result names the
 * policy's spelling of the reviewer, the statement its own (attack20 03: a GitHub noreply address with the user id).
 */
const approvalKey = (email: string, tip: string, time: string) => `${personKey(email)} ${tip} ${time}`;

/**
 * The approvals a push's refs/notes/countersign update adds to the server's. receiveGate.ts reads a push's approvals
 * from its proposed notes commit, which the server holds only once that update lands; a verdict that counted one of
 * the added approvals relies on it. Approvals the server already had rely on nothing (re-pushing notes with a
 * branch whose review is on the server already needs no --atomic). Read once, when a verdict first asks.
 */
export class AddedApprovals {
  private added: Promise<Set<string>> | undefined;

  constructor(
    private readonly cwd: string,
    /** The statements of the pushed notes commit. */
    private readonly pushed: () => Promise<Approvals>,
  ) {}

  /** Whether `result` passed on an approval only the pushed notes hold (or on a review it cannot name: relied). */
  async reliedOnBy(result: GateResult): Promise<boolean> {
    if (!result.ok) return false;
    const reviewed = result.commits.filter((c) => c.needsReview || c.approvals.length > 0);
    if (reviewed.length === 0) return false;
    if (reviewed.some((c) => c.approvals.length === 0)) return true;
    this.added ??= this.read();
    const added = await this.added;
    return reviewed.some((c) => c.approvals.some((a) => added.has(approvalKey(a.reviewer, a.tip, a.time))));
  }

  private async read(): Promise<Set<string>> {
    const [pushed, held] = await Promise.all([this.pushed(), gatherApprovals(this.cwd, [REVIEW_NOTES_REF])]);
    // A statement is its signature: one with the same fields and another signature is another statement.
    const had = new Set(held.statements.map((s) => s.signed.signature));
    const added = new Set<string>();
    for (const { signed } of pushed.statements) {
      const st = signed.statement;
      if (st.decision === 'approve' && !had.has(signed.signature))
        added.add(approvalKey(st.reviewer.email, st.tip, st.time));
    }
    return added;
  }
}

/**
 * The commands a policy change's judgement read as done (refsAfterPush.ts: the branches and tags as they will be
 * after the push, attack14 N2/N4): every other command that creates, moves or deletes a branch or tag.
 */
export function refsReadAfterPush(policyRef: string, commands: readonly JudgedCommand[]): string[] {
  return commands
    .filter((c) => c.ref !== policyRef && changes(c))
    .filter((c) => c.target.startsWith(HEADS) || c.target.startsWith(TAG_PREFIX))
    .map((c) => c.ref);
}

/**
 * Pairs [ref, deletion] where a pushed branch or tag is allowed by the no-name-both-branch-and-tag rule
 * (confusingRefName.shadowingRefName, attack16 P1) only because the same push deletes the other kind's ref of that
 * name: branch N while refs/tags/N is deleted, tag N while refs/heads/N is deleted. A deletion's old value is the
 * server's own (pushCommands.ts), so one with an old value frees a name that exists.
 */
export function namesFreedByDeletion(commands: readonly JudgedCommand[]): Array<[string, string]> {
  const deleting = new Map<string, string>();
  for (const c of commands) if (c.new === undefined && c.old !== undefined) deleting.set(c.target, c.ref);
  if (deleting.size === 0) return [];
  const pairs: Array<[string, string]> = [];
  for (const c of commands) {
    if (c.new === undefined || !changes(c)) continue;
    const other = c.target.startsWith(HEADS)
      ? TAG_PREFIX + c.target.slice(HEADS.length)
      : c.target.startsWith(TAG_PREFIX)
        ? HEADS + c.target.slice(TAG_PREFIX.length)
        : undefined;
    const deletion = other === undefined ? undefined : deleting.get(other);
    if (deletion !== undefined) pairs.push([c.ref, deletion]);
  }
  return pairs;
}

/**
 * Hands the set to preReceive.sh, which records it for the reference-transaction hook; why the push is refused
 * instead, or undefined. Without the file to write to, the hook that runs the gate is older than the gate and
 * nothing would hold the refs together: refused (fail closed), with the fix.
 */
export function recordLandTogether(
  refs: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): string | undefined {
  if (refs.length === 0) return undefined;
  const file = env[LAND_TOGETHER_ENV];
  if (!file) {
    return `${refs.join(', ')} must land together (a verdict on one relies on another), and this server's pre-receive hook is older than its gate, so git could apply some of them without the others; ask the administrator to run \`countersign install --server\` again`;
  }
  fs.writeFileSync(file, refs.map((r) => `${r}\n`).join(''));
  return undefined;
}
