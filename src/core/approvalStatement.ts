import { createHash } from 'crypto';
import * as z from 'zod/mini';
import './zodMessages';
import { REVIEW_NAMESPACE, verifySshSignature, type SshPublicKey } from './sshsig';

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
const isIsoTime = (s: string) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/.test(s) && !Number.isNaN(Date.parse(s));
const ARMOR_BEGIN = '-----BEGIN SSH SIGNATURE-----';
const objectId = z.string().check(z.regex(OBJECT_ID, 'must be a full lowercase hex object id'));
const isoTime = z.string().check(z.refine(isIsoTime, 'must be an ISO 8601 time like 2026-01-31T12:00:00Z'));

/** Strict: an unknown field is an error (it would be signed, but no verifier could know what it means). */
export const approvalStatementSchema = z.strictObject({
  v: z.literal(1),
  decision: z.enum(['approve', 'reject']),
  reviewer: z.strictObject({ name: z.optional(z.string()), email: z.string().check(z.minLength(3), z.regex(/@/, 'must be an email address')) }),
  tip: objectId,
  tree: objectId,
  base: objectId,
  patchId: z.union([objectId, z.literal(EMPTY_PATCH_ID)]),
  time: isoTime,
  comment: z.optional(z.string()),
});

const signedLineSchema = z.strictObject({
  statement: z.unknown(),
  signature: z.string().check(z.includes(ARMOR_BEGIN, { message: 'must be an armored SSH signature' })),
});

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
    const keys = Object.keys(obj).filter((k) => obj[k] !== undefined).sort();
    return '{' + keys.map((k) => JSON.stringify(k) + ':' + canonicalJson(obj[k])).join(',') + '}';
  }
  throw new TypeError(`canonicalJson: cannot encode a ${typeof value}`);
}

/** Exactly the bytes the reviewer's key signs (UTF-8 of the canonical JSON, no trailing newline). */
export function canonicalStatementBytes(s: ApprovalStatement): Buffer {
  return Buffer.from(canonicalJson(s), 'utf8');
}

const lines = new WeakMap<SignedStatement, string>();
const keys = new WeakMap<SignedStatement, string>();

/** Statements read from notes are frozen by parseStatementNote, so what is computed from them may be remembered. */
function isFrozenStatement(s: SignedStatement): boolean {
  return Object.isFrozen(s) && Object.isFrozen(s.statement) && Object.isFrozen(s.statement.reviewer);
}

/**
 * One note line: canonical, so the same signed statement written twice is the same line (cat_sort_uniq
 * dedupes). Remembered per statement object read from notes.
 */
export function formatStatementLine(s: SignedStatement): string {
  const frozen = isFrozenStatement(s);
  let line = frozen ? lines.get(s) : undefined;
  if (line === undefined) {
    line = noteLine(s);
    if (frozen) lines.set(s, line);
  }
  return line;
}

const STATEMENT_ORDER = ['base', 'comment', 'decision', 'patchId', 'reviewer', 'time', 'tip', 'tree', 'v'] as const;

/**
 * canonicalJson of a note line, spelled out for a statement of the schema's shape (keys in sorted order by
 * hand: several times faster than the general walk, and the gate writes one for every statement it reads);
 * any other shape takes the general walk. A property test holds the two equal.
 */
export function noteLine(s: SignedStatement): string {
  const st = s.statement as unknown as Record<string, unknown>;
  const r = st.reviewer as Record<string, unknown> | undefined;
  const str = (x: unknown) => x === undefined || typeof x === 'string';
  const plain = typeof s.signature === 'string' && isRecord(r) && str(r.name) && typeof r.email === 'string' && onlyKeys(r, (k) => k === 'name' || k === 'email')
    && onlyKeys(st, (k) => STATEMENT_KEYS.has(k)) && typeof st.v === 'number' && Number.isFinite(st.v)
    && [st.base, st.comment, st.decision, st.patchId, st.time, st.tip, st.tree].every(str);
  if (!plain) return canonicalJson({ statement: s.statement, signature: s.signature });
  const parts: string[] = [];
  for (const k of STATEMENT_ORDER) {
    const v = st[k];
    if (v === undefined) continue;
    const json = k === 'reviewer'
      ? `{"email":${JSON.stringify((v as { email: string }).email)}${(v as { name?: string }).name === undefined ? '' : `,"name":${JSON.stringify((v as { name?: string }).name)}`}}`
      : JSON.stringify(v);
    parts.push(`"${k}":${json}`);
  }
  return `{"signature":${JSON.stringify(s.signature)},"statement":{${parts.join(',')}}}`;
}

/**
 * What deduplicates statements: the SHA-256 of the note line (formatStatementLine), so two statements share a
 * key exactly when they share a line. The gate compares tens of thousands of statements (junk lines are cheap to
 * push): remembering 44 characters each instead of their ~1 KB lines keeps the heap, and the collector's
 * work, small.
 */
export function statementKey(s: SignedStatement): string {
  const frozen = isFrozenStatement(s);
  let key = frozen ? keys.get(s) : undefined;
  if (key === undefined) {
    key = createHash('sha256').update(lines.get(s) ?? noteLine(s)).digest('base64');
    if (frozen) keys.set(s, key);
  }
  return key;
}

/** An unreadable statement line (or note), and the commit whose note held it: a field, never parsed back out of the message. */
export interface StatementError {
  attachedTo: string;
  error: string;
}

/**
 * Parses the text of a refs/notes/countersign note: one JSON line per statement, blank lines ignored.
 * Nothing is dropped silently: each malformed line becomes an error naming `where` (the commit) and the line.
 */
export function parseStatementNote(text: string, where = 'note'): { statements: SignedStatement[]; errors: string[] } {
  const { statements, problems } = parseStatementLines(text);
  return { statements, errors: problems.map((p) => `${where} line ${p.line}: ${p.why}`) };
}

/** parseStatementNote's work, with each problem's 1-based line number and reason (no location). */
export function parseStatementLines(text: string): { statements: SignedStatement[]; problems: Array<{ line: number; why: string }> } {
  const statements: SignedStatement[] = [];
  const problems: Array<{ line: number; why: string }> = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.replace(/\r$/, '').trim();
    if (line === '') return;
    const parsed = parseStatementLine(line);
    if ('why' in parsed) problems.push({ line: i + 1, why: parsed.why });
    else statements.push(parsed);
  });
  return { statements, problems };
}

function parseStatementLine(line: string): SignedStatement | { why: string } {
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch (e) {
    return { why: `not JSON (${(e as Error).message}); each line must be {"statement": …, "signature": "-----BEGIN SSH SIGNATURE-----…"}` };
  }
  const signed = plainSignedStatement(json) ?? schemaSignedStatement(json);
  if ('why' in signed) return signed;
  Object.freeze(signed.statement.reviewer);
  return Object.freeze({ statement: Object.freeze(signed.statement), signature: signed.signature });
}

/** A parsed JSON line through the schemas: the statement, or why not (the words every error uses). */
export function schemaSignedStatement(json: unknown): SignedStatement | { why: string } {
  const outer = signedLineSchema.safeParse(json);
  if (!outer.success) return { why: describeIssues(outer.error) };
  const st = approvalStatementSchema.safeParse(outer.data.statement);
  if (!st.success) return { why: `statement ${describeIssues(st.error)}` };
  return { statement: st.data as ApprovalStatement, signature: outer.data.signature };
}

const STATEMENT_KEYS = new Set(['v', 'decision', 'reviewer', 'tip', 'tree', 'base', 'patchId', 'time', 'comment']);
const isRecord = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
const onlyKeys = (o: Record<string, unknown>, allowed: (k: string) => boolean) => Object.keys(o).every(allowed);

/**
 * The schemas above checked by hand, for lines they accept (every line of a healthy note, and junk that
 * imitates one): the schemas cost tens of microseconds a line, this one. One-sided: it returns a value only
 * where the schemas accept the line and give that same value (a property test holds it to that); anything
 * else is undefined and goes through the schemas, which also word the error.
 */
export function plainSignedStatement(json: unknown): SignedStatement | undefined {
  if (!isRecord(json) || !onlyKeys(json, (k) => k === 'statement' || k === 'signature')) return undefined;
  const { signature, statement: st } = json;
  if (typeof signature !== 'string' || !signature.includes(ARMOR_BEGIN) || !isRecord(st) || !onlyKeys(st, (k) => STATEMENT_KEYS.has(k))) return undefined;
  const { v, decision, reviewer, tip, tree, base, patchId, time, comment } = st;
  if (v !== 1 || (decision !== 'approve' && decision !== 'reject')) return undefined;
  if (!isRecord(reviewer) || !onlyKeys(reviewer, (k) => k === 'name' || k === 'email')) return undefined;
  const { name, email } = reviewer;
  if (typeof email !== 'string' || email.length < 3 || !email.includes('@') || (name !== undefined && typeof name !== 'string')) return undefined;
  const ids = [tip, tree, base].every((x) => typeof x === 'string' && OBJECT_ID.test(x));
  if (!ids || typeof patchId !== 'string' || (patchId !== EMPTY_PATCH_ID && !OBJECT_ID.test(patchId))) return undefined;
  if (typeof time !== 'string' || !isIsoTime(time) || (comment !== undefined && typeof comment !== 'string')) return undefined;
  return {
    statement: {
      v, decision, reviewer: { ...(name !== undefined ? { name } : {}), email }, tip: tip as string, tree: tree as string, base: base as string,
      patchId, time, ...(comment !== undefined ? { comment } : {}),
    },
    signature,
  };
}

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
