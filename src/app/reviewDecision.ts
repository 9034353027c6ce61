import { samePerson, selfReview } from '../core/approvalRules';
import {
  canonicalStatementBytes,
  verifySignedStatement,
  type ApprovalStatement,
  type SignedStatement,
} from '../core/approvalStatement';
import { CountersignError, errorMessage } from '../core/errors';
import { keyBlob, reviewPreflight, type PreflightProblem } from '../core/panel/reviewPreflight';
import { parseSshSignature, sshFingerprint } from '../core/sshsig';
import { shortSha } from '../core/shortSha';
import {
  pushApprovals,
  readStatementsOn,
  recordStatement,
  unsharedStatementCommits,
  type PushResult,
} from '../git/approvalsStore';
import { coveredCommits, type CoveredCommit } from '../git/decisionCoverage';
import { policyForDecision } from '../git/decisionPolicy';
import { emptyTree } from '../git/emptyTree';
import { gitConfig, runGit } from '../git/gitRunner';
import { stablePatchId } from '../git/patchId';
import { resolveCommitStrictly } from '../git/revision';
import { decisionRemote, defaultRemote, listRemotes, requireNamedRemote } from '../git/remotes';
import { resolveSigningKey, signWithSshKeygen } from '../git/signer';
import { signingKeyInfo } from '../git/signingKeyInfo';
import { resolveCommit } from '../git/stagedDiff';
import { refuseMovedTracking } from '../git/trackingMoved';
import { landingTarget } from './landingBranch';

/**
 * `countersign approve` / `reject` (and the review panel): build the statement for REV, sign it with the
 * reviewer's SSH key, check the signature natively, record it in refs/notes/countersign and push it.
 */
export interface DecisionRequest {
  cwd: string;
  decision: 'approve' | 'reject';
  rev: string;
  base?: string;
  /**
   * The review panel's base for a commit is the gate's review base when the commit meets it at several points
   * (core/panel/viewModel.ts startOf), which that commit need not contain: there, and only there, a base the tip
   * does not contain stands for their merge-base. A typed --base is refused instead (givenBase).
   */
  baseMayFork?: boolean;
  key?: string;
  comment?: string;
  /** Push the notes ref to this remote; undefined: the default remote if there is one; null: do not push. */
  remote?: string | null;
  env?: NodeJS.ProcessEnv;
  now?: () => Date;
  pushTimeoutMs?: number;
  /** Record the decision even when the preflight says the gate will not count it (stated in the result). */
  force?: boolean;
  /**
   * The decision is on a force-push moving a branch from `base` (its value now) to `rev` (attack23 1): `base` is
   * kept as given, though `rev` need not contain it; the gate counts such a statement only for that rewind.
   */
  rewind?: boolean;
  /** Called with the commits base..tip before anything is signed, so they can be shown first. */
  onCoverage?: (c: { tip: string; base: string; baseSource: string; commits: CoveredCommit[] }) => void;
}

/** A decision refused before signing: the preflight's reason (exit 2 at the CLI). */
export class DecisionRefused extends CountersignError {
  constructor(readonly problem: PreflightProblem) {
    super(
      'config',
      `${problem.message} Nothing was signed; pass --force to record it anyway (${problem.code === 'policyUnreadable' ? 'it counts only as said above' : 'it will not count'}).`,
      problem.code,
    );
  }

  static isRefusal(err: unknown): err is DecisionRefused {
    return err instanceof DecisionRefused;
  }
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
  /** The commits base..tip the statement covers, newest first. */
  covers: CoveredCommit[];
  /** With --force: why the gate will not count this decision. */
  notCounting?: string;
  /** With notCounting for one's own commit: the listed reviewers who may approve it instead. */
  mayApprove?: string[];
  /** The same decision (tip, base, patch-id, key, comment) by this reviewer was already the latest: nothing new was signed. */
  alreadyRecorded: boolean;
  /** `why`: set when the remote is not the checked-out branch's own (a fork's branch: the trusted remote instead). */
  /**
   * `declined`: the remote's hook refused the push (a statement it will not take), as opposed to a remote that
   * could not be reached. `unshared`: then, the commits whose local statements the remote lacks (newuser14 S3).
   */
  push:
    | { remote: string; why?: string; result?: PushResult; error?: string; declined?: boolean; unshared?: string[] }
    | undefined;
}

/**
 * The base a change is reviewed against when --base is not given: where REV leaves the protected line —
 * the merge-base with the protected branch it lands on (landingBranch.ts landingTarget, as review and verify
 * judge it: a hotfix cut from release/1 there, not main), else with the remote's default branch
 * (refs/remotes/R/HEAD, else R/main, R/master), else with a local main/master — and REV^ when REV is already part
 * of that line or none exists. A root commit's base is the empty tree.
 */
export async function defaultBase(
  cwd: string,
  tip: string,
  remote: string | undefined = undefined,
): Promise<{ base: string; source: string }> {
  remote ??= await defaultRemote(cwd);
  const candidates: string[] = [];
  if (remote) {
    const lands = await landingTarget(cwd, remote, undefined, tip);
    if (lands) candidates.push(`refs/remotes/${remote}/${lands}`);
    const head = await runGit(['symbolic-ref', '--quiet', `refs/remotes/${remote}/HEAD`], { cwd, okCodes: [1, 128] });
    if (head.code === 0 && head.stdout.trim()) candidates.push(head.stdout.trim());
    candidates.push(`refs/remotes/${remote}/main`, `refs/remotes/${remote}/master`);
  }
  const remoteCandidates = candidates.length;
  candidates.push('refs/heads/main', 'refs/heads/master');
  for (const [i, ref] of candidates.entries()) {
    const oid = await resolveCommit(cwd, ref);
    if (!oid) continue;
    const mb = await runGit(['merge-base', tip, oid], { cwd, okCodes: [1] });
    const base = mb.stdout.trim();
    // Already on the remote's default branch: its commits have landed. Falling through to a stale local
    // `master` signed an approval of a dozen landed commits (newuser13 R26), which the append-only notes ref
    // keeps for ever and `report` counts as review; a landed state is approved only with --base, deliberately.
    if (i < remoteCandidates && base === tip) {
      const name = ref.replace(/^refs\/remotes\//, '');
      throw new CountersignError(
        'usage',
        `${shortSha(tip)} is already on ${name}: its commits have landed, so there is nothing to review before they land — name the branch you mean to approve (\`countersign review\` lists them), or pass --base REV to approve a landed state deliberately`,
      );
    }
    if (mb.code !== 0 || !base || base === tip) continue;
    return { base, source: `merge-base with ${ref.replace(/^refs\/(remotes|heads)\//, '')}` };
  }
  const parent = await resolveCommit(cwd, `${tip}^1`);
  if (parent) return { base: parent, source: 'its parent (no protected branch to compare with)' };
  return { base: await emptyTree(cwd), source: 'the empty tree (root commit)' };
}

/**
 * A --base must be an ancestor of the tip: base..tip is the change signed. One the tip does not contain (the target
 * branch moved on since the branch left it) would also undo the target's newer commits, which the reviewer is not
 * shown, and no rebase of the branch could ever match that patch-id (new user, session 8, F11). It used to be
 * replaced by the merge-base with a warning, so the statement said another base than the one typed; now it is
 * refused, naming both commits and the base to give instead (newuser16) — the exit-2 contract approve --help states.
 */
async function givenBase(
  cwd: string,
  base: string,
  tip: string,
  names: { base: string; rev: string; mayFork: boolean },
): Promise<{ base: string; source: string }> {
  const contained = await runGit(['merge-base', '--is-ancestor', base, tip], { cwd, okCodes: [1, 128] });
  if (contained.code === 0) return { base, source: '--base' };
  const mb = await runGit(['merge-base', base, tip], { cwd, okCodes: [1] });
  const fork = mb.stdout.trim();
  const both = `--base ${names.base} (${shortSha(base)}) is not an ancestor of ${names.rev} (${shortSha(tip)})`;
  // A base that already holds the tip (a later commit), or shares no history with it, leaves no change from it to
  // the tip: the statement covered no commit, and its patch-id was a diff that undoes the base's own work
  // (newuser14 S11).
  if (mb.code !== 0 || !fork || fork === tip)
    throw new CountersignError(
      'usage',
      `${both}: ${mb.code !== 0 || !fork ? 'they share no history' : `it already contains ${shortSha(tip)}`}, so nothing from it to ${names.rev} is a change to review. Nothing was signed; give the commit the change starts from (as a rule, where the branch left the protected one: \`git merge-base origin/main ${names.rev}\`)`,
    );
  if (names.mayFork)
    return { base: fork, source: `merge-base with ${shortSha(base)}, which ${shortSha(tip)} does not contain` };
  throw new CountersignError(
    'usage',
    `${both}: ${names.rev} left its history at ${shortSha(fork)}, and ${names.base} has moved on since, so ${shortSha(base)}..${shortSha(tip)} would also undo what ${names.base} gained since, which is not part of this change. Nothing was signed; to review the branch's own change, run it with --base ${fork} (their merge-base), or rebase the branch onto ${names.base} first`,
  );
}

async function reviewer(cwd: string): Promise<{ name?: string; email: string }> {
  const email = await gitConfig(cwd, 'user.email');
  if (!email) {
    throw new CountersignError(
      'config',
      "user.email is not set: approvals are signed as the reviewer named by git's user.email; run `git config user.email you@example.com`",
    );
  }
  const name = await gitConfig(cwd, 'user.name');
  return { ...(name ? { name } : {}), email };
}

/**
 * The reviewer's own latest decision on `tip`, when it is exactly the one being asked for (same decision,
 * base, patch-id and comment, signed by the same key and valid): then signing again would only add a line.
 */
async function sameLatestDecision(
  cwd: string,
  want: Omit<ApprovalStatement, 'v' | 'time' | 'reviewer'> & { email: string },
  keyLine: string,
): Promise<SignedStatement | undefined> {
  const { statements } = await readStatementsOn(cwd, want.tip);
  const mine = statements
    .filter((s) => samePerson(s.statement.reviewer.email, want.email))
    .sort((a, b) => a.statement.time.localeCompare(b.statement.time));
  const last = mine[mine.length - 1];
  if (!last) return undefined;
  const st = last.statement;
  if (
    st.decision !== want.decision ||
    st.base !== want.base ||
    st.tree !== want.tree ||
    st.patchId !== want.patchId ||
    (st.comment ?? '') !== (want.comment ?? '')
  )
    return undefined;
  return verifySignedStatement(last, keyLine).ok ? last : undefined;
}

export async function recordDecision(req: DecisionRequest): Promise<DecisionResult> {
  const { cwd } = req;
  const env = req.env ?? process.env;
  if (req.decision === 'reject' && !req.comment?.trim()) {
    throw new CountersignError('usage', 'reject needs --comment TEXT saying what must change');
  }
  // Before anything is signed: a statement recorded for a remote that does not exist could not be shared.
  if (typeof req.remote === 'string') requireNamedRemote(await listRemotes(cwd), req.remote, req.decision);
  const email = await gitConfig(cwd, 'user.email');
  const tip = await resolveCommitStrictly(cwd, req.rev, 'REV');
  const tree = (await runGit(['rev-parse', `${tip}^{tree}`], { cwd })).stdout.trim();
  // Offline (--no-push) the reviewer chose not to ask the remote; otherwise it is asked before anything is signed.
  if (req.remote !== null) await refuseMovedTracking(cwd, req.rev, tip, req.pushTimeoutMs ?? 10_000);
  // With a fork's branch checked out, the trusted remote (not the fork) is where the decision goes, whose
  // policy judges it and whose default branch the change is compared with.
  const usual = await decisionRemote(cwd, tip);
  if (req.rewind && req.base === undefined)
    throw new CountersignError('usage', '--rewind needs --base: the value the branch has now, which the push replaces');
  const { base, source: baseSource } =
    req.base !== undefined && req.rewind
      ? {
          base: await resolveCommitStrictly(cwd, req.base, '--base'),
          source: '--base, the value a force-push replaces',
        }
      : req.base !== undefined
        ? await givenBase(cwd, await resolveCommitStrictly(cwd, req.base, '--base'), tip, {
            base: req.base,
            rev: req.rev,
            mayFork: req.baseMayFork === true,
          })
        : await defaultBase(cwd, tip, usual.remote);
  if (base === tip)
    throw new CountersignError(
      'usage',
      `--base ${req.base} is the commit being reviewed; give the commit the change starts from`,
    );
  // The editor's preflight (core/panel/reviewPreflight), against the policy on the policy branch: refuse
  // before ssh-keygen asks for a passphrase, rather than record a statement the gate will not count.
  const policy = await policyForDecision(cwd, req.remote ?? usual.remote);
  const preflight = (commits: CoveredCommit[], keyLine: string | undefined, keySource: string) =>
    reviewPreflight({
      email,
      policy: policy.source.kind === 'ok' ? policy.source.policy : undefined,
      ...(policy.source.kind === 'error' ? { policyProblem: policy.source.message } : {}),
      policyFrom: policy.from,
      keyLine,
      keySource,
      commits,
      decision: req.decision,
      surface: 'cli',
    });
  // The key first: a missing key file is refused before the listing, which reads as work already started. But
  // someone who may not decide at all (not a reviewer, their own commit) hears that first, not to set up a key
  // only to be refused next (newuser17 F6).
  const keyInfo = await signingKeyInfo(cwd, req.key, env).catch(async (e: unknown) => {
    if (!CountersignError.is(e, 'config') || req.force) throw e;
    const early = preflight(await coveredCommits(cwd, base, tip), undefined, 'no key configured');
    if (early && (early.code === 'notReviewer' || early.code === 'ownCommit')) throw new DecisionRefused(early);
    throw e;
  });
  const covers = await coveredCommits(cwd, base, tip);
  req.onCoverage?.({ tip, base, baseSource, commits: covers });

  const remote = req.remote === null ? undefined : (req.remote ?? usual.remote);
  const why =
    req.remote === undefined && usual.instead
      ? `the trusted remote, where the gate reads approvals; not ${usual.instead}, which the checked-out branch tracks`
      : undefined;
  const problem = preflight(covers, keyInfo.line, keyInfo.source);
  if (problem && (!req.force || problem.code === 'noEmail')) {
    if (problem.code === 'noEmail')
      throw new CountersignError(
        'config',
        "user.email is not set: approvals are signed as the reviewer named by git's user.email; run `git config user.email you@example.com`",
      );
    throw new DecisionRefused(problem);
  }
  const who = await reviewer(cwd);
  const patchId = await stablePatchId(cwd, base, tip);
  const comment = req.comment?.trim() || undefined;
  const already = keyInfo.line
    ? await sameLatestDecision(
        cwd,
        { decision: req.decision, tip, tree, base, patchId, email: who.email, ...(comment ? { comment } : {}) },
        keyInfo.line,
      )
    : undefined;
  const ownCommits = covers.filter((c) => selfReview(who.email, c) !== undefined).map((c) => c.sha);
  const pushTo = async (): Promise<DecisionResult['push']> => {
    if (!remote) return undefined;
    try {
      const result = await pushApprovals(cwd, remote, { timeoutMs: req.pushTimeoutMs ?? 30_000 });
      return { remote, ...(why ? { why } : {}), result };
    } catch (e) {
      const common = { remote, ...(why ? { why } : {}), error: errorMessage(e) };
      if (!CountersignError.is(e, 'remoteRefused')) return common;
      const unshared = await unsharedStatementCommits(cwd, remote).catch(() => []);
      return { ...common, declined: true, ...(unshared.length ? { unshared } : {}) };
    }
  };
  const common = {
    baseSource,
    ownCommits,
    covers,
    ...(problem ? { notCounting: problem.message } : {}),
    ...(problem?.mayApprove ? { mayApprove: problem.mayApprove } : {}),
  };
  if (already && keyInfo.line) {
    // Nothing new to sign; sharing again is harmless and finishes an earlier push that failed.
    const blob = Buffer.from(keyBlob(keyInfo.line), 'base64');
    return {
      signed: already,
      line: '',
      fingerprint: sshFingerprint(blob),
      keyType: keyInfo.line.split(' ')[0],
      ...common,
      alreadyRecorded: true,
      push: await pushTo(),
    };
  }
  const key = await resolveSigningKey(cwd, req.key, env);
  try {
    const statement: ApprovalStatement = {
      v: 1,
      decision: req.decision,
      reviewer: who,
      tip,
      tree,
      base,
      patchId,
      time: (req.now ?? (() => new Date()))().toISOString(),
      ...(comment ? { comment } : {}),
    };
    const signature = await signWithSshKeygen(canonicalStatementBytes(statement), key, { cwd, env });
    const signed: SignedStatement = { statement, signature };
    // Check with the same native verifier the gate uses, against the key that signed: a statement this
    // machine cannot verify must not be recorded.
    const signerKey = parseSshSignature(signature).publicKey;
    const keyLine = `${signerKey.subarray(4, 4 + signerKey.readUInt32BE(0)).toString('utf8')} ${signerKey.toString('base64')}`;
    const check = verifySignedStatement(signed, keyLine);
    if (!check.ok)
      throw new CountersignError(
        'signature',
        `the signature ssh-keygen made does not verify (${check.reason}); nothing was recorded`,
      );
    const line = await recordStatement(cwd, signed);
    return {
      signed,
      line,
      fingerprint: sshFingerprint(signerKey),
      keyType: keyLine.split(' ')[0],
      ...common,
      alreadyRecorded: false,
      push: await pushTo(),
    };
  } finally {
    key.dispose();
  }
}
