import * as z from 'zod/mini';
import './zodMessages';
import { REVIEW_NAMESPACE, verifySshSignature, type SshPublicKey } from './sshsig';
import { parseShallowJson } from './jsonDepth';

/**
 * A reviewer's decision (docs/design.md, "Approvals"): what is signed, how it is stored in a note line, and how
 * it is verified. The statement names the exact tip, its tree, the base it was reviewed against and the
 * stable patch-id of base..tip, so a signature cannot be replayed onto another commit: the gate judges a
 * statement by these fields (statementCovers), never by which commit's note it was found in.
 */
export type ApprovalStatement = {
  v: 1;
  decision: 'approve' | 'reject';
  reviewer: { name?: string; email: string };
  tip: string;
  tree: string;
  base: string;
  patchId: string;
  /** ISO 8601, e.g. 2026-01-31T12:00:00.000Z */
  time: string;
  comment?: string;
};

export type SignedStatement = {
  statement: ApprovalStatement;
  /** Armored SSHSIG (`-----BEGIN SSH SIGNATURE-----` …) over canonicalStatementBytes(statement). */
  signature: string;
};

/**
 * The patch-id recorded when base..tip changes nothing (git patch-id prints nothing for an empty diff).
 * Such a statement only covers its exact tip, never "the same change rebased": an empty change matches
 * every other empty change.
 */
export const EMPTY_PATCH_ID = 'empty';

const OBJECT_ID = /^([0-9a-f]{40}|[0-9a-f]{64})$/;
const objectId = z.string().check(z.regex(OBJECT_ID, 'must be a full lowercase hex object id'));
const isIsoTime = (s: string) =>
  /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/.test(s) && !Number.isNaN(Date.parse(s));
const isoTime = z.string().check(z.refine(isIsoTime, 'must be an ISO 8601 time like 2026-01-31T12:00:00Z'));
const SIGNATURE_ARMOR = '-----BEGIN SSH SIGNATURE-----';

/** Strict: an unknown field is an error (it would be signed, but no verifier could know what it means). */
export const approvalStatementSchema = z.strictObject({
  v: z.literal(1),
  decision: z.enum(['approve', 'reject']),
  reviewer: z.strictObject({
    name: z.optional(z.string()),
    email: z.string().check(z.minLength(3), z.regex(/@/, 'must be an email address')),
  }),
  tip: objectId,
  tree: objectId,
  base: objectId,
  patchId: z.union([objectId, z.literal(EMPTY_PATCH_ID)]),
  time: isoTime,
  comment: z.optional(z.string()),
});

export const signedLineSchema = z.strictObject({
  statement: z.unknown(),
  signature: z.string().check(z.includes(SIGNATURE_ARMOR, { message: 'must be an armored SSH signature' })),
});

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const onlyKeys = (o: Json, allowed: readonly string[]) => Object.keys(o).every((k) => allowed.includes(k));
const STATEMENT_KEYS = ['v', 'decision', 'reviewer', 'tip', 'tree', 'base', 'patchId', 'time', 'comment'];

/**
 * A note line's value as signedLineSchema then approvalStatementSchema give it (the statement rebuilt in the
 * schema's key order, optional fields only where present), checked by hand: every junk line of a range paid two zod
 * parses (~40% of reading its statements). Only a value both schemas accept passes; anything else is undefined and
 * goes to zod, which words its problem. The schemas stay the rule: approvalStatement.test.ts holds the two equal.
 */
export function plainSignedLine(json: unknown): SignedStatement | undefined {
  if (!isObject(json) || !onlyKeys(json, ['statement', 'signature']) || !('statement' in json)) return undefined;
  const { statement: st, signature } = json;
  if (typeof signature !== 'string' || !signature.includes(SIGNATURE_ARMOR) || !isObject(st)) return undefined;
  const r = st.reviewer;
  const ids = [st.tip, st.tree, st.base];
  if (
    !onlyKeys(st, STATEMENT_KEYS) ||
    st.v !== 1 ||
    (st.decision !== 'approve' && st.decision !== 'reject') ||
    !isObject(r) ||
    !onlyKeys(r, ['name', 'email']) ||
    ('name' in r && typeof r.name !== 'string') ||
    typeof r.email !== 'string' ||
    r.email.length < 3 ||
    !r.email.includes('@') ||
    !ids.every((id) => typeof id === 'string' && OBJECT_ID.test(id)) ||
    typeof st.patchId !== 'string' ||
    !(st.patchId === EMPTY_PATCH_ID || OBJECT_ID.test(st.patchId)) ||
    typeof st.time !== 'string' ||
    !isIsoTime(st.time) ||
    ('comment' in st && typeof st.comment !== 'string')
  )
    return undefined;
  const reviewer = { ...('name' in r ? { name: r.name as string } : {}), email: r.email };
  const statement: ApprovalStatement = {
    v: 1,
    decision: st.decision,
    reviewer,
    tip: st.tip as string,
    tree: st.tree as string,
    base: st.base as string,
    patchId: st.patchId,
    time: st.time,
    ...('comment' in st ? { comment: st.comment as string } : {}),
  };
  return { statement, signature };
}

/**
 * Deterministic JSON: object keys sorted by code unit, no whitespace, undefined members left out. The same
 * statement always gives the same bytes, whichever program wrote it and in which key order.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError('canonicalJson: non-finite number');
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return '[' + value.map((v) => canonicalJson(v)).join(',') + ']';
  if (typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    const keys = Object.keys(obj)
      .filter((k) => obj[k] !== undefined)
      .sort();
    return '{' + keys.map((k) => JSON.stringify(k) + ':' + canonicalJson(obj[k])).join(',') + '}';
  }
  throw new TypeError(`canonicalJson: cannot encode a ${typeof value}`);
}

/** Exactly the bytes the reviewer's key signs (UTF-8 of the canonical JSON, no trailing newline). */
export function canonicalStatementBytes(s: ApprovalStatement): Buffer {
  return Buffer.from(canonicalJson(s), 'utf8');
}

const lines = new WeakMap<SignedStatement, string>();

/**
 * One note line: canonical, so the same signed statement written twice is the same line (cat_sort_uniq
 * dedupes). Remembered per statement object: the gate compares lines of thousands of statements twice.
 */
export function formatStatementLine(s: SignedStatement): string {
  // Only statements read from notes are remembered: parseStatementNote freezes them, so they cannot change.
  const frozen = Object.isFrozen(s) && Object.isFrozen(s.statement) && Object.isFrozen(s.statement.reviewer);
  let line = frozen ? lines.get(s) : undefined;
  if (line === undefined) {
    line = frozen ? readStatementLine(s) : canonicalJson({ statement: s.statement, signature: s.signature });
    if (frozen) lines.set(s, line);
  }
  return line;
}

/**
 * canonicalJson of a statement read from notes, written out field by field: parseStatementNote let through only
 * the schema's fields (a strict schema), so their sorted order is known. Every junk line costs one of these,
 * several times cheaper than the general walk (test/unit/core/approvalStatement.test.ts compares the two).
 */
function readStatementLine(s: SignedStatement): string {
  const st = s.statement;
  const q = JSON.stringify;
  const name = st.reviewer.name === undefined ? '' : `,"name":${q(st.reviewer.name)}`;
  const comment = st.comment === undefined ? '' : `"comment":${q(st.comment)},`;
  return (
    `{"signature":${q(s.signature)},"statement":{"base":${q(st.base)},${comment}"decision":${q(st.decision)},` +
    `"patchId":${q(st.patchId)},"reviewer":{"email":${q(st.reviewer.email)}${name}},"time":${q(st.time)},` +
    `"tip":${q(st.tip)},"tree":${q(st.tree)},"v":${q(st.v)}}}`
  );
}

/**
 * `list` without the statements whose note line repeats an earlier one's (the same statement written
 * differently: key order, spacing), first ones kept: each is then judged, and signature-checked, once.
 */
export function distinctStatements(list: SignedStatement[]): SignedStatement[] {
  const seen = new Set<string>();
  return list.filter((s) => {
    const line = formatStatementLine(s);
    if (seen.has(line)) return false;
    seen.add(line);
    return true;
  });
}

/** An unreadable statement line (or note), and the commit whose note held it: a field, never parsed back out of the message. */
export interface StatementError {
  attachedTo: string;
  error: string;
}

/**
 * Parses the text of a refs/notes/countersign note: one JSON line per statement, blank lines ignored.
 * Nothing is dropped silently: each malformed line becomes an error naming `where` (the commit) and the line.
 * A line repeated in the note is read once (its first place): copies say nothing more, and a note of one real
 * statement copied thousands of times, from before the server refused that, costs a string compare per copy.
 */
export function parseStatementNote(
  text: string,
  where = 'note',
  signatures?: Map<string, string>,
): { statements: SignedStatement[]; errors: string[] } {
  // One copy of each signature text across the notes of one reading (the caller's map): see approvalNotes.ts.
  const shared = signatures && ((v: string) => signatures.get(v) ?? (signatures.set(v, v), v));
  const statements: SignedStatement[] = [];
  const errors: string[] = [];
  const read = new Set<string>();
  // Past MAX_NOTE_ERRORS a note's further unreadable lines are counted, not each described: readers list a note's
  // errors once per commit it is filed under, and 4,000 entries naming one blob of junk lines made millions of
  // them (outside tester, session 12, P5: verify died of out-of-memory). Every line is still read.
  let unlisted = 0;
  const fail = (why: string) => (errors.length < MAX_NOTE_ERRORS ? void errors.push(why) : void unlisted++);
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim(); // a CRLF note's \r goes with the rest of the white space
    if (line === '' || read.has(line)) return;
    read.add(line);
    const at = () => `${where} line ${i + 1}`; // built for an unreadable line only
    const shape = statementShapeProblem(line);
    if (shape) {
      fail(`${at()}: ${shape}; each line must be {"statement": …, "signature": "-----BEGIN SSH SIGNATURE-----…"}`);
      return;
    }
    let json: unknown;
    let plain: SignedStatement | undefined;
    try {
      json = parseShallowJson(line, 'the line');
    } catch (e) {
      fail(
        `${at()}: not JSON (${(e as Error).message}); each line must be {"statement": …, "signature": "-----BEGIN SSH SIGNATURE-----…"}`,
      );
      return;
    }
    if ((plain = plainSignedLine(json)) === undefined) {
      const outer = signedLineSchema.safeParse(json);
      if (!outer.success) {
        fail(`${at()}: ${describeIssues(outer.error)}`);
        return;
      }
      const st = approvalStatementSchema.safeParse(outer.data.statement);
      if (!st.success) {
        fail(`${at()}: statement ${describeIssues(st.error)}`);
        return;
      }
      plain = { statement: st.data as ApprovalStatement, signature: outer.data.signature };
    }
    const statement = plain.statement;
    Object.freeze(statement.reviewer);
    const signature = shared ? shared(plain.signature) : plain.signature;
    statements.push(Object.freeze({ statement: Object.freeze(statement), signature }));
  });
  if (unlisted > 0) errors.push(`${where}: and ${unlisted} more unreadable line(s)`);
  return { statements, errors };
}

/**
 * The fewest characters a statement line can have: every field the schema requires at its shortest (three object
 * ids, `"empty"`, a three-character email, a second-precision UTC time, "reject", the signature's armour header).
 * JSON escapes only lengthen a line, so a shorter one cannot be read as a statement (a test builds that line).
 */
export const MIN_STATEMENT_LINE = 309;

/**
 * Why a (trimmed) note line cannot be a statement, by a check that costs no parse, or undefined: junk lines cost
 * a compare each, not a JSON.parse and a schema (attack30 F3: ~7 µs a line, per note read).
 */
function statementShapeProblem(line: string): string | undefined {
  if (line.charCodeAt(0) !== 0x7b || line.charCodeAt(line.length - 1) !== 0x7d)
    return 'not JSON of one object (it does not start with { and end with })';
  if (line.length < MIN_STATEMENT_LINE)
    return `not a statement (${line.length} characters, fewer than the shortest statement line, ${MIN_STATEMENT_LINE})`;
  return undefined;
}

/** Unreadable lines a note's reading describes one by one; the rest are counted in one more error. */
export const MAX_NOTE_ERRORS = 20;

function describeIssues(err: z.core.$ZodError): string {
  return err.issues.map((i) => (i.path.length ? `${i.path.join('.')}: ` : '') + i.message).join('; ');
}

/**
 * Checks the signature of a statement against one reviewer key (an OpenSSH public key line from the policy).
 * The key embedded in the signature must be that key; the namespace must be countersign-review.
 */
export function verifySignedStatement(
  s: SignedStatement,
  publicKey: string | SshPublicKey,
): { ok: true; fingerprint: string } | { ok: false; reason: string } {
  const valid = approvalStatementSchema.safeParse(s.statement);
  if (!valid.success) return { ok: false, reason: `malformed statement: ${describeIssues(valid.error)}` };
  const r = verifySshSignature({
    message: canonicalStatementBytes(s.statement),
    signature: s.signature,
    publicKey,
    namespace: REVIEW_NAMESPACE,
  });
  return r.ok ? { ok: true, fingerprint: r.fingerprint } : { ok: false, reason: r.reason };
}

/** The change being judged: the span base..tip, its tip's tree and the stable patch-id of base..tip. */
export interface CoverageTarget {
  tip: string;
  tree: string;
  base: string;
  patchId: string;
}

/**
 * How a statement relates to the span base..tip being judged:
 * - `exact`: same tip, tree and base — the statement reviewed exactly this span; every commit in base..tip is covered.
 * - `rebased`: same non-empty patch-id — the same change on another base (a rebase that kept the patch-id);
 *   every commit in base..tip is covered.
 * - `tip`: same tip and tree, but reviewed against another base — it covers the commits of
 *   statement.base..statement.tip, which the caller must intersect with its own span (git rev-list).
 * - `undefined`: does not cover this span.
 * A statement whose tip matches but whose tree does not is inconsistent (forged or corrupt) and covers nothing.
 */
export function statementCovers(s: ApprovalStatement, target: CoverageTarget): 'exact' | 'rebased' | 'tip' | undefined {
  const sameTip = s.tip === target.tip;
  if (sameTip && s.tree !== target.tree) return undefined;
  if (sameTip && s.base === target.base) return 'exact';
  if (s.patchId !== EMPTY_PATCH_ID && s.patchId === target.patchId) return 'rebased';
  return sameTip ? 'tip' : undefined;
}
