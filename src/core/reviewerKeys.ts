import { formatStatementLine, verifySignedStatement, type SignedStatement } from './approvalStatement';
import type { Policy, Reviewer } from './policy';
import { personLabel, samePerson } from './person';
import { retiredReviewersOf } from './retiredReviewers';
import { parseSshPublicKey, parseSshSignature } from './sshsig';
import { sshFingerprint } from './sshKeyIdentity';

/*
 * "Reviewer listed, and signed by that reviewer's key" for a signed statement (approvalRules.ts holds the rest of
 * whether a statement counts: coverage, the two-person rule, later rejections).
 */

export type StatementCheck =
  | { ok: true; reviewer: Reviewer; fingerprint: string }
  | { ok: false; reason: 'notListed' | 'otherReviewersKey' | 'badSignature' | 'unchecked'; why: string };

type VerifyFn = typeof verifySignedStatement;
type Verified = ReturnType<VerifyFn>;

/**
 * Signature checks that may fail in one reading of the policy (one push judged, one `verify`, `explain`, `report`,
 * panel refresh) before no further statement is checked (attack31 F7). Only a statement naming a listed reviewer
 * and embedding their key costs cryptography, and no honest history fails such a check (a key rotation fails the
 * key lookup, not the signature), so 64 is far above a real history's 0 and caps a hostile clone's junk at a few
 * tens of ms: one RSA-4096 failure costs ~0.2 ms, 34,000 of them cost 7 s of `verify`. Past it a statement is
 * `unchecked`: it cannot count, and since it could be a rejection no approval counts anywhere in that reading
 * (statementStanding.ts), so the bound fails closed and never drops a request for changes.
 */
export const MAX_FAILED_SIGNATURE_CHECKS = 64;

/** One reading's signature work: checks that failed, statements left unchecked, and each check by key and line. */
interface CheckBudget {
  failed: number;
  unchecked: number;
  /** By canonical line, then key: a copy of a statement written differently (or twice) is checked once. */
  done: Map<string, Map<string, Verified>>;
}
const budgets = new WeakMap<object, CheckBudget>();

const NO_ONE: Reviewer[] = [];

/**
 * Results of ReviewerKeys.check per policy object and statement object (both immutable once read); keyed by the
 * policy's retired-key list instead once one is attached (retiredReviewers.ts), as rejections may then verify.
 */
const checked = new WeakMap<object, WeakMap<SignedStatement, StatementCheck>>();
/**
 * The key each signature text embeds (its identity, sshKeyIdentity.ts), or why it embeds none, per policy object: junk lines
 * often share one signature, and `plausible` then `check` would otherwise parse it twice per line.
 */
const embedded = new WeakMap<Policy, Map<string, string | Error>>();

/**
 * The policy's reviewer keys, parsed once. `check` answers "reviewer listed, and signed by that reviewer's
 * key" for a statement. A custom `verify` (tests of the rules) replaces the signature check and is asked for
 * every listed key, as it cannot be looked up by key.
 */
export class ReviewerKeys {
  private readonly byKey = new Map<string, Array<{ reviewer: Reviewer; key: ReturnType<typeof parseSshPublicKey> }>>();
  private readonly fingerprints = new Map<Reviewer, string>();

  /**
   * @param opts.retired whether a rejection may also verify with a key the reviewer held on an earlier revision
   *   of the policy (retiredReviewers.ts; default true). Intake of new statements passes false: what is signed
   *   from now on must be signed with a listed key.
   * @param opts.budgetOf the policy whose check budget this one spends (default its own): a reading that also
   *   asks earlier policies (landedStatementKeys.ts) gets one budget, not one per policy revision.
   */
  constructor(
    readonly policy: Policy,
    private readonly verify?: VerifyFn,
    private readonly opts: { retired?: boolean; budgetOf?: Policy } = {},
  ) {
    for (const reviewer of policy.reviewers) {
      let key: ReturnType<typeof parseSshPublicKey>;
      try {
        key = parseSshPublicKey(reviewer.key);
      } catch {
        continue; // the policy schema rejects unusable keys; a key that still fails can verify nothing
      }
      this.fingerprints.set(reviewer, key.fingerprint);
      // By identity (the fingerprint of the key's bytes), the one notion of "the same key" (attack17 Q2).
      this.byKey.set(key.fingerprint, [...(this.byKey.get(key.fingerprint) ?? []), { reviewer, key }]);
    }
  }

  /**
   * Whether `s` could pass `check`, without cryptography: it names a listed reviewer and its signature embeds
   * that reviewer's key. Callers use it to decide which statements earn git work before any signature check.
   */
  plausible(s: SignedStatement): boolean {
    const claimed = this.claimedBy(s.statement.reviewer.email);
    if (claimed.length > 0 && this.verify) return true;
    const key = this.embeddedKey(s.signature);
    if (typeof key !== 'string') return false;
    if ((this.byKey.get(key) ?? []).some((x) => claimed.includes(x.reviewer))) return true;
    return this.retiredSigners(s, key).length > 0;
  }

  /** Reviewers listed under `email` (samePerson), per address: junk repeats a few addresses thousands of times. */
  private readonly claimed = new Map<string, Reviewer[]>();

  private claimedBy(email: string): Reviewer[] {
    let list = this.claimed.get(email);
    if (!list) {
      list = this.policy.reviewers.filter((r) => samePerson(r.email, email));
      this.claimed.set(email, list.length > 0 ? list : NO_ONE);
    }
    return list;
  }

  /** For a rejection: the retired entries (retiredReviewers.ts) of the reviewer it names that hold key `key`. */
  private retiredSigners(s: SignedStatement, key: string): Reviewer[] {
    if (s.statement.decision !== 'reject' || this.opts.retired === false) return [];
    const retired = retiredReviewersOf(this.policy);
    if (!retired?.length) return [];
    return retired.filter((r) => samePerson(r.email, s.statement.reviewer.email) && this.retiredFingerprint(r) === key);
  }

  private readonly retiredKeys = new Map<Reviewer, ReturnType<typeof parseSshPublicKey> | null>();

  private retiredKey(r: Reviewer): ReturnType<typeof parseSshPublicKey> | undefined {
    let k = this.retiredKeys.get(r);
    if (k === undefined) {
      try {
        k = parseSshPublicKey(r.key);
      } catch {
        k = null;
      }
      this.retiredKeys.set(r, k);
    }
    return k ?? undefined;
  }

  private retiredFingerprint(r: Reviewer): string | undefined {
    return this.retiredKey(r)?.fingerprint;
  }

  /**
   * A rejection that no listed key verifies, checked against the reviewer's retired keys. It stands as the
   * reviewer listed today under that address when there is one (so their later approval lifts it), else as the
   * retired entry.
   */
  private retiredCheck(s: SignedStatement, key: string): StatementCheck | undefined {
    for (const r of this.retiredSigners(s, key)) {
      const pub = this.retiredKey(r);
      if (!pub) continue;
      const v = this.verifyOnce(s, pub);
      if (!v) return unchecked();
      if (!v.ok) continue;
      const now = this.policy.reviewers.find((x) => samePerson(x.email, r.email));
      return { ok: true, reviewer: now ?? r, fingerprint: v.fingerprint };
    }
    return undefined;
  }

  private embeddedKey(signature: string): string | Error {
    let memo = embedded.get(this.policy);
    if (!memo) embedded.set(this.policy, (memo = new Map()));
    let key = memo.get(signature);
    if (key === undefined) {
      try {
        key = sshFingerprint(parseSshSignature(signature).publicKey);
      } catch (e) {
        key = e instanceof Error ? e : new Error(String(e));
      }
      memo.set(signature, key);
    }
    return key;
  }

  check(s: SignedStatement): StatementCheck {
    if (this.verify) return this.uncached(s);
    // A full signature check costs far more than everything else about a statement: each statement object is
    // checked once per policy, however many judgements (gathering the input, the gate, explain) ask.
    const memoKey = (this.opts.retired !== false && retiredReviewersOf(this.policy)) || this.policy;
    let memo = checked.get(memoKey);
    if (!memo) checked.set(memoKey, (memo = new WeakMap()));
    let v = memo.get(s);
    if (!v) memo.set(s, (v = this.uncached(s)));
    return v;
  }

  private budget(): CheckBudget {
    const owner = this.opts.budgetOf ?? this.policy;
    let b = budgets.get(owner);
    if (!b) budgets.set(owner, (b = { failed: 0, unchecked: 0, done: new Map() }));
    return b;
  }

  /** Statements this reading left unchecked (MAX_FAILED_SIGNATURE_CHECKS spent): while any, no approval counts. */
  unchecked(): number {
    return this.budget().unchecked;
  }

  /** The signature check, once per key and canonical line; undefined once the reading's failures are spent. */
  private verifyOnce(s: SignedStatement, key: ReturnType<typeof parseSshPublicKey>): Verified | undefined {
    const b = this.budget();
    const line = formatStatementLine(s); // remembered per statement: its hash too, unlike a concatenated key's
    let byKey = b.done.get(line);
    let v = byKey?.get(key.fingerprint);
    if (v) return v;
    if (b.failed >= MAX_FAILED_SIGNATURE_CHECKS) {
      b.unchecked++;
      return undefined;
    }
    v = verifySignedStatement(s, key);
    if (!v.ok) b.failed++;
    if (!byKey) b.done.set(line, (byKey = new Map()));
    byKey.set(key.fingerprint, v);
    return v;
  }

  private uncached(s: SignedStatement): StatementCheck {
    const v = this.current(s);
    if (v.ok || this.verify || v.reason === 'unchecked') return v;
    const key = this.embeddedKey(s.signature);
    return (typeof key === 'string' && this.retiredCheck(s, key)) || v;
  }

  /** The check against the keys the policy lists. */
  private current(s: SignedStatement): StatementCheck {
    const email = s.statement.reviewer.email;
    const claimed = this.claimedBy(email);
    if (this.verify) return this.checkWith(s, claimed, this.verify);
    const key = this.embeddedKey(s.signature);
    if (typeof key !== 'string') return claimed.length === 0 ? notListed(email) : badSignature(email, key.message);
    const signers = this.byKey.get(key) ?? [];
    let lastReason = '';
    for (const signer of signers.filter((x) => claimed.includes(x.reviewer))) {
      const v = this.verifyOnce(s, signer.key);
      if (!v) return unchecked();
      if (v.ok) return { ok: true, reviewer: signer.reviewer, fingerprint: v.fingerprint };
      lastReason = v.reason;
    }
    for (const signer of signers.filter((x) => !claimed.includes(x.reviewer))) {
      const v = this.verifyOnce(s, signer.key);
      if (!v) return unchecked();
      if (v.ok) return otherReviewersKey(email, signer.reviewer);
    }
    if (claimed.length === 0) return notListed(email);
    if (!lastReason) {
      const fp = claimed.map((r) => this.fingerprints.get(r)).find(Boolean);
      lastReason =
        signers.length === 0
          ? `the signature was made by a key that is not ${email}'s${fp ? ` (${fp})` : ''}`
          : 'the signature does not match the statement';
    }
    return badSignature(email, lastReason);
  }

  private checkWith(s: SignedStatement, claimed: Reviewer[], verify: VerifyFn): StatementCheck {
    const email = s.statement.reviewer.email;
    let lastReason = '';
    for (const r of claimed) {
      const v = verify(s, r.key);
      if (v.ok) return { ok: true, reviewer: r, fingerprint: v.fingerprint };
      lastReason = v.reason;
    }
    for (const r of this.policy.reviewers.filter((x) => !claimed.includes(x))) {
      if (verify(s, r.key).ok) return otherReviewersKey(email, r);
    }
    if (claimed.length === 0) return notListed(email);
    return badSignature(email, lastReason);
  }
}

function unchecked(): StatementCheck {
  return {
    ok: false,
    reason: 'unchecked',
    why: `not checked: over ${MAX_FAILED_SIGNATURE_CHECKS} statements here fail a listed key's signature check (junk)`,
  };
}

function notListed(email: string): StatementCheck {
  return {
    ok: false,
    reason: 'notListed',
    why: `${email} is not a reviewer in the policy, and the signature matches no listed key`,
  };
}

/** The statement names a listed reviewer, but no key of theirs verifies it; `reason` says how it failed. */
function badSignature(email: string, reason: string): StatementCheck {
  return {
    ok: false,
    reason: 'badSignature',
    why: `the signature does not verify with ${email}'s key in the policy (${reason}): signed by another key, or the statement was altered`,
  };
}

function otherReviewersKey(email: string, r: Reviewer): StatementCheck {
  return {
    ok: false,
    reason: 'otherReviewersKey',
    why: `names ${email} but is signed with the key of ${personLabel(r)}`,
  };
}
