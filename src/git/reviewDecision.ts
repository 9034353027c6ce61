import { selfReview } from '../core/approvalRules';
import {
  canonicalStatementBytes, verifySignedStatement, type ApprovalStatement, type SignedStatement,
} from '../core/approvalStatement';
import { CountersignError, errorMessage } from '../core/errors';
import { parseSshSignature, sshFingerprint } from '../core/sshsig';
import { pushApprovals, recordStatement, type PushResult } from './approvalsStore';
import { gitConfig, runGit } from './gitRunner';
import { stablePatchId } from './patchId';
import { resolveSigningKey, signWithSshKeygen } from './signer';
import { resolveCommit } from './stagedDiff';

/**
 * `countersign approve` / `reject` (and the review panel): build the statement for REV, sign it with the
 * reviewer's SSH key, check the signature natively, record it in refs/notes/countersign and push it.
 */
export interface DecisionRequest {
  cwd: string;
  decision: 'approve' | 'reject';
  rev: string;
  base?: string;
  key?: string;
  comment?: string;
  /** Push the notes ref to this remote; undefined: the default remote if there is one; null: do not push. */
  remote?: string | null;
  env?: NodeJS.ProcessEnv;
  now?: () => Date;
  pushTimeoutMs?: number;
}

export interface DecisionResult {
  signed: SignedStatement;
  line: string;
  fingerprint: string;
  keyType: string;
  /** How the base was chosen, for the message: "--base", "merge-base with origin/main", "REV^"… */
  baseSource: string;
  /** Commits in base..tip whose author or committer is the reviewer: the gate will not count this approval for them. */
  ownCommits: string[];
  push: { remote: string; result?: PushResult; error?: string } | undefined;
}

/** The empty tree of this repository's hash algorithm: the base of a root commit. */
async function emptyTree(cwd: string): Promise<string> {
  return (await runGit(['hash-object', '-t', 'tree', '--stdin'], { cwd, input: '' })).stdout.trim();
}

async function requireCommit(cwd: string, rev: string, what: string): Promise<string> {
  const r = await runGit(['rev-parse', '--verify', '--quiet', '--end-of-options', `${rev}^{commit}`], { cwd, okCodes: [1, 128] });
  if (r.code !== 0 || !r.stdout.trim()) {
    throw new CountersignError('usage', `${what} ${rev} is not a commit in this repository (try \`git log --oneline -5\`, or fetch it first)`);
  }
  return r.stdout.trim();
}

/** The remote approvals are pushed to: the current branch's upstream remote, else `origin`, else the only one. */
export async function defaultRemote(cwd: string): Promise<string | undefined> {
  const remotes = (await runGit(['remote'], { cwd })).stdout.split('\n').map((s) => s.trim()).filter(Boolean);
  if (remotes.length === 0) return undefined;
  const up = await runGit(['rev-parse', '--abbrev-ref', '--symbolic-full-name', '@{upstream}'], { cwd, okCodes: [128] });
  const upRemote = up.code === 0 ? up.stdout.trim().split('/')[0] : '';
  if (upRemote && remotes.includes(upRemote)) return upRemote;
  if (remotes.includes('origin')) return 'origin';
  return remotes.length === 1 ? remotes[0] : undefined;
}

/**
 * The base a change is reviewed against when --base is not given: where REV leaves the protected line —
 * the merge-base with the remote's default branch (refs/remotes/R/HEAD, else R/main, R/master), else with a
 * local main/master — and REV^ when REV is already part of that line or none exists. A root commit's base
 * is the empty tree.
 */
export async function defaultBase(cwd: string, tip: string): Promise<{ base: string; source: string }> {
  const remote = await defaultRemote(cwd);
  const candidates: string[] = [];
  if (remote) {
    const head = await runGit(['symbolic-ref', '--quiet', `refs/remotes/${remote}/HEAD`], { cwd, okCodes: [1, 128] });
    if (head.code === 0 && head.stdout.trim()) candidates.push(head.stdout.trim());
    candidates.push(`refs/remotes/${remote}/main`, `refs/remotes/${remote}/master`);
  }
  candidates.push('refs/heads/main', 'refs/heads/master');
  for (const ref of candidates) {
    const oid = await resolveCommit(cwd, ref);
    if (!oid) continue;
    const mb = await runGit(['merge-base', tip, oid], { cwd, okCodes: [1] });
    const base = mb.stdout.trim();
    if (mb.code !== 0 || !base || base === tip) continue;
    return { base, source: `merge-base with ${ref.replace(/^refs\/(remotes|heads)\//, '')}` };
  }
  const parent = await resolveCommit(cwd, `${tip}^1`);
  if (parent) return { base: parent, source: 'its parent (no protected branch to compare with)' };
  return { base: await emptyTree(cwd), source: 'the empty tree (root commit)' };
}

async function reviewer(cwd: string): Promise<{ name?: string; email: string }> {
  const email = await gitConfig(cwd, 'user.email');
  if (!email) {
    throw new CountersignError('config', 'user.email is not set: approvals are signed as the reviewer named by git\'s user.email; run `git config user.email you@example.com`');
  }
  const name = await gitConfig(cwd, 'user.name');
  return { ...(name ? { name } : {}), email };
}

async function commitsByReviewer(cwd: string, base: string, tip: string, email: string): Promise<string[]> {
  const isCommit = await resolveCommit(cwd, base);
  const range = isCommit ? [`${base}..${tip}`] : [tip];
  // -z and a fixed number of NUL-separated fields per commit: no byte of an email can frame a record.
  const r = await runGit(['log', '-z', '--format=%H%x00%ae%x00%ce', ...range, '--'], { cwd });
  const fields = r.stdout.split('\0');
  const mine: string[] = [];
  for (let i = 0; i + 2 < fields.length; i += 3) {
    const [sha, ae, ce] = [fields[i].replace(/^\n/, ''), fields[i + 1], fields[i + 2]];
    if (sha && selfReview(email, { author: { email: ae }, committer: { email: ce } })) mine.push(sha);
  }
  return mine;
}

export async function recordDecision(req: DecisionRequest): Promise<DecisionResult> {
  const { cwd } = req;
  const env = req.env ?? process.env;
  if (req.decision === 'reject' && !req.comment?.trim()) {
    throw new CountersignError('usage', 'reject needs --comment TEXT saying what must change');
  }
  const who = await reviewer(cwd);
  const tip = await requireCommit(cwd, req.rev, 'REV');
  const tree = (await runGit(['rev-parse', `${tip}^{tree}`], { cwd })).stdout.trim();
  const { base, source: baseSource } = req.base !== undefined
    ? { base: await requireCommit(cwd, req.base, '--base'), source: '--base' }
    : await defaultBase(cwd, tip);
  if (base === tip) throw new CountersignError('usage', `--base ${req.base} is the commit being reviewed; give the commit the change starts from`);
  const key = await resolveSigningKey(cwd, req.key, env);
  try {
    const patchId = await stablePatchId(cwd, base, tip);
    const statement: ApprovalStatement = {
      v: 1,
      decision: req.decision,
      reviewer: who,
      tip, tree, base, patchId,
      time: (req.now ?? (() => new Date()))().toISOString(),
      ...(req.comment?.trim() ? { comment: req.comment.trim() } : {}),
    };
    const signature = await signWithSshKeygen(canonicalStatementBytes(statement), key, { cwd, env });
    const signed: SignedStatement = { statement, signature };
    // Check with the same native verifier the gate uses, against the key that signed: a statement this
    // machine cannot verify must not be recorded.
    const signerKey = parseSshSignature(signature).publicKey;
    const keyLine = `${signerKey.subarray(4, 4 + signerKey.readUInt32BE(0)).toString('utf8')} ${signerKey.toString('base64')}`;
    const check = verifySignedStatement(signed, keyLine);
    if (!check.ok) throw new CountersignError('signature', `the signature ssh-keygen made does not verify (${check.reason}); nothing was recorded`);
    const line = await recordStatement(cwd, signed);
    const ownCommits = await commitsByReviewer(cwd, base, tip, who.email);
    let push: DecisionResult['push'];
    const remote = req.remote === null ? undefined : req.remote ?? (await defaultRemote(cwd));
    if (remote) {
      try {
        push = { remote, result: await pushApprovals(cwd, remote, { timeoutMs: req.pushTimeoutMs ?? 30_000 }) };
      } catch (e) {
        push = { remote, error: errorMessage(e) };
      }
    }
    return { signed, line, fingerprint: sshFingerprint(signerKey), keyType: keyLine.split(' ')[0], baseSource, ownCommits, push };
  } finally {
    key.dispose();
  }
}
