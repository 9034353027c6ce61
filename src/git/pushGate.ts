import { CountersignError, errorMessage } from '../core/errors';
import { evaluateGate, type GateInput, type GateResult } from '../core/gate';
import { APPROVALS_REF, fetchApprovals, trackingRef } from './approvalsStore';
import { gatherGateInput, ZERO_OID, type RefUpdate } from './gateInput';
import { runGit } from './gitRunner';
import { notesRefRefusal } from './notesRefGuard';
import { resolveCommit } from './stagedDiff';

/**
 * The gate's three entry points over a repository: `verify` (CI, by hand), the client's pre-push hook
 * (convenience: fast feedback, bypassable) and the server's pre-receive hook (the enforcement). Each works
 * out where the branch stands where the gate is enforced, gathers the input and evaluates it.
 */

/** Bounded time for reaching the remote from a hook (DESIGN.md: hooks never hang). */
export const FETCH_TIMEOUT_MS = 10_000;

async function objectExists(cwd: string, oid: string): Promise<boolean> {
  return (await runGit(['cat-file', '-e', `${oid}^{commit}`], { cwd, okCodes: [1, 128] })).code === 0;
}

function branchOf(ref: string): string | undefined {
  return ref.startsWith('refs/heads/') ? ref.slice('refs/heads/'.length) : undefined;
}

// ------------------------------------------------------------------------------------------ verify

export interface VerifyOptions {
  remote?: string;
  base?: string;
  head?: string;
  branch?: string;
  /** Fetch the remote's approvals first (default true). */
  fetch?: boolean;
  timeoutMs?: number;
}

/** The current branch's upstream: remote name and branch there. */
async function upstreamOf(cwd: string): Promise<{ remote: string; branch: string } | undefined> {
  const head = await runGit(['symbolic-ref', '--quiet', 'HEAD'], { cwd, okCodes: [1, 128] });
  if (head.code !== 0) return undefined;
  const r = await runGit(['for-each-ref', '--format=%(upstream:remotename)%00%(upstream:remoteref)', head.stdout.trim()], { cwd });
  const [remote, ref] = r.stdout.trim().split('\0');
  const branch = ref ? branchOf(ref) : undefined;
  return remote && branch ? { remote, branch } : undefined;
}

/** The remote's default branch: refs/remotes/R/HEAD, else R/main or R/master as fetched. */
export async function remoteDefaultBranch(cwd: string, remote: string): Promise<string | undefined> {
  const r = await runGit(['symbolic-ref', '--quiet', `refs/remotes/${remote}/HEAD`], { cwd, okCodes: [1, 128] });
  if (r.code === 0) return r.stdout.trim().replace(`refs/remotes/${remote}/`, '');
  for (const b of ['main', 'master']) if (await resolveCommit(cwd, `refs/remotes/${remote}/${b}`)) return b;
  return undefined;
}

async function remoteBranches(cwd: string, remote: string): Promise<Array<{ branch: string; sha: string }>> {
  const r = await runGit(['for-each-ref', '--format=%(objectname) %(refname)', `refs/remotes/${remote}/`], { cwd });
  return r.stdout.split('\n').filter(Boolean).map((l) => {
    const [sha, ref] = [l.slice(0, l.indexOf(' ')), l.slice(l.indexOf(' ') + 1)];
    return { sha, branch: ref.replace(`refs/remotes/${remote}/`, '') };
  }).filter((b) => b.branch !== 'HEAD');
}

export async function verifyRange(cwd: string, opts: VerifyOptions): Promise<{ result: GateResult; input: GateInput; fetchNote?: string }> {
  let upstream = await upstreamOf(cwd);
  if (!upstream && !opts.branch) {
    // No upstream configured (pushed without -u): the same branch name on the remote is what a push would update.
    const cur = await runGit(['symbolic-ref', '--quiet', '--short', 'HEAD'], { cwd, okCodes: [1, 128] });
    const remote = opts.remote ?? 'origin';
    if (cur.code === 0 && (await resolveCommit(cwd, `refs/remotes/${remote}/${cur.stdout.trim()}`))) upstream = { remote, branch: cur.stdout.trim() };
  }
  const branch = opts.branch ?? upstream?.branch;
  if (!branch) {
    throw new CountersignError('usage', 'verify: the current branch has no upstream, so the target branch is unknown; pass --branch NAME (the branch being pushed to, e.g. main)');
  }
  const remote = opts.remote ?? upstream?.remote ?? 'origin';
  const remotes = (await runGit(['remote'], { cwd })).stdout.split('\n').filter(Boolean);
  const haveRemote = remotes.includes(remote);
  let fetchNote: string | undefined;
  if (haveRemote && opts.fetch !== false) {
    try {
      await fetchApprovals(cwd, remote, opts.timeoutMs ?? FETCH_TIMEOUT_MS);
    } catch (e) {
      fetchNote = `could not fetch approvals from ${remote} (${errorMessage(e)}); using the approvals already here`;
    }
  }
  const headRev = opts.head ?? 'HEAD';
  const head = await resolveCommit(cwd, headRev);
  if (!head) throw new CountersignError('usage', `verify: --head ${headRev} is not a commit in this repository`);
  const tracking = haveRemote ? await resolveCommit(cwd, `refs/remotes/${remote}/${branch}`) : undefined;
  let base: string | undefined;
  if (opts.base !== undefined) {
    base = await resolveCommit(cwd, opts.base);
    if (!base) throw new CountersignError('usage', `verify: --base ${opts.base} is not a commit in this repository (fetch it first)`);
  } else {
    base = tracking;
  }
  // The policy as the remote has the branch (its remote-tracking ref), never from the commits being checked.
  const policyRevs: Array<{ rev: string; label: string }> = [];
  if (tracking) policyRevs.push({ rev: tracking, label: `${remote}/${branch}` });
  else if (base) policyRevs.push({ rev: base, label: `${opts.base ?? 'base'} (${base.slice(0, 12)})` });
  const others = haveRemote ? await remoteBranches(cwd, remote) : [];
  const def = haveRemote ? await remoteDefaultBranch(cwd, remote) : undefined;
  const defSha = def ? others.find((o) => o.branch === def)?.sha : undefined;
  if (def && defSha && def !== branch) policyRevs.push({ rev: defSha, label: `${remote}/${def}` });
  const input = await gatherGateInput(cwd, {
    update: { branch, old: base, new: head },
    policyRevs,
    otherBranches: others,
    approvalRefs: [APPROVALS_REF, ...(haveRemote ? [trackingRef(remote)] : [])],
  });
  // `input` goes back too: the review panel shows the judged commits' files, notes and trailers.
  return { result: evaluateGate(input), input, ...(fetchNote ? { fetchNote } : {}) };
}

// ------------------------------------------------------------------------------------------ pre-push

export interface PushedRef {
  localRef: string;
  localSha: string;
  remoteRef: string;
  remoteSha: string;
}

export function parsePrePushLines(stdin: string): PushedRef[] {
  return stdin.split('\n').map((l) => l.trim()).filter(Boolean).map((l) => {
    const [localRef, localSha, remoteRef, remoteSha] = l.split(/\s+/);
    return { localRef, localSha, remoteRef, remoteSha };
  }).filter((r) => r.remoteRef !== undefined && r.remoteSha !== undefined);
}

/** `git ls-remote --symref` in bounded time: every branch there and the default branch. */
async function lsRemote(cwd: string, remote: string, timeoutMs: number): Promise<{ heads: Map<string, string>; defaultBranch?: string }> {
  const r = await runGit(['ls-remote', '--symref', remote], { cwd, timeoutMs });
  const heads = new Map<string, string>();
  let defaultBranch: string | undefined;
  for (const line of r.stdout.split('\n')) {
    const sym = /^ref: refs\/heads\/(\S+)\s+HEAD$/.exec(line);
    if (sym) {
      defaultBranch = sym[1];
      continue;
    }
    const [sha, ref] = line.split('\t');
    const b = ref ? branchOf(ref) : undefined;
    if (b && sha) heads.set(b, sha);
  }
  return { heads, ...(defaultBranch ? { defaultBranch } : {}) };
}

export interface HookOutcome {
  results: GateResult[];
  /** Problems not tied to one branch (printed first). */
  messages: string[];
  ok: boolean;
}

/**
 * pre-push: fetch the remote's approvals (and the commits needed to read its policy) in bounded time, then
 * evaluate every pushed branch against the policy as the remote has it. An unreachable remote blocks a push
 * to a protected branch (judged by what this clone last saw of the remote) and is only a notice otherwise.
 */
export async function prePush(cwd: string, remote: string, stdin: string, timeoutMs = FETCH_TIMEOUT_MS): Promise<HookOutcome> {
  const pushed = parsePrePushLines(stdin).filter((p) => branchOf(p.remoteRef) !== undefined);
  const messages: string[] = [];
  if (pushed.length === 0) return { results: [], messages, ok: true };
  const deadline = Date.now() + timeoutMs;
  const left = () => Math.max(1000, deadline - Date.now());

  let unreachable: string | undefined;
  let remoteView: { heads: Map<string, string>; defaultBranch?: string } | undefined;
  try {
    remoteView = await lsRemote(cwd, remote, left());
    await fetchApprovals(cwd, remote, left());
    // Commits the remote has that we lack: its policy must be read from them.
    const missing: string[] = [];
    for (const p of pushed) {
      const b = branchOf(p.remoteRef) as string;
      const sha = remoteView.heads.get(b);
      if (sha && !(await objectExists(cwd, sha))) missing.push(`refs/heads/${b}`);
    }
    const def = remoteView.defaultBranch;
    if (def && remoteView.heads.get(def) && !(await objectExists(cwd, remoteView.heads.get(def) as string))) missing.push(`refs/heads/${def}`);
    if (missing.length > 0) await runGit(['fetch', '--no-tags', '--no-write-fetch-head', '--quiet', remote, ...missing], { cwd, timeoutMs: left() });
  } catch (e) {
    unreachable = `could not reach ${remote} within ${Math.round(timeoutMs / 1000)}s to fetch the latest approvals and policy (${errorMessage(e)}); a protected branch cannot be checked, so the push is blocked — retry when the remote is reachable`;
  }

  const results: GateResult[] = [];
  for (const p of pushed) {
    const branch = branchOf(p.remoteRef) as string;
    const remoteSha = remoteView ? remoteView.heads.get(branch) : (ZERO_OID.test(p.remoteSha) ? undefined : p.remoteSha);
    const update: RefUpdate = {
      branch,
      old: remoteSha,
      new: ZERO_OID.test(p.localSha) ? undefined : p.localSha,
    };
    const others = remoteView
      ? [...remoteView.heads].map(([b, sha]) => ({ branch: b, sha }))
      : await localRemoteBranches(cwd, remote);
    const def = remoteView?.defaultBranch ?? (await remoteDefaultBranch(cwd, remote).catch(() => undefined));
    const policyRevs: Array<{ rev: string; label: string }> = [];
    if (update.old && (await objectExists(cwd, update.old))) policyRevs.push({ rev: update.old, label: `${remote}/${branch}` });
    else if (update.old) policyRevs.push({ rev: update.old, label: `${remote}/${branch} (${update.old.slice(0, 12)}, not fetched)` });
    const defSha = def ? others.find((o) => o.branch === def)?.sha : undefined;
    if (def && defSha && def !== branch) policyRevs.push({ rev: defSha, label: `${remote}/${def}` });
    const input = await gatherGateInput(cwd, {
      update, policyRevs, otherBranches: others,
      approvalRefs: [APPROVALS_REF, trackingRef(remote)],
    });
    if (unreachable) input.errors = [...(input.errors ?? []), unreachable];
    results.push(evaluateGate(input));
  }
  return { results, messages, ok: results.every((r) => r.ok) };
}

async function localRemoteBranches(cwd: string, remote: string): Promise<Array<{ branch: string; sha: string }>> {
  try {
    return await remoteBranches(cwd, remote);
  } catch {
    return [];
  }
}

// ------------------------------------------------------------------------------------------ pre-receive

export interface ReceivedRef {
  old: string;
  new: string;
  ref: string;
}

export function parsePreReceiveLines(stdin: string): ReceivedRef[] {
  return stdin.split('\n').map((l) => l.trim()).filter(Boolean).map((l) => {
    const [old, nw, ref] = l.split(/\s+/);
    return { old, new: nw, ref };
  }).filter((r) => r.ref !== undefined);
}

/**
 * pre-receive on a server (bare repository): every update of a branch is judged by the policy on that
 * branch's current value here (or the default branch's for a new branch), and every update of a notes ref
 * must keep what the server had (notesRefGuard). Approvals come from the server's refs/notes/countersign or,
 * when the same push updates that ref, from the proposed notes commit (its objects are readable in the
 * quarantine git sets up for the hook) — which the guard has checked holds every statement the server had.
 */
export async function preReceive(cwd: string, stdin: string): Promise<HookOutcome> {
  const updates = parsePreReceiveLines(stdin);
  const oid = (s: string) => (ZERO_OID.test(s) ? undefined : s);
  const messages: string[] = [];
  for (const u of updates) {
    const refusal = await notesRefRefusal(cwd, { ref: u.ref, old: oid(u.old), new: oid(u.new) });
    if (refusal) messages.push(refusal);
  }
  const notesPush = updates.find((u) => u.ref === APPROVALS_REF && oid(u.new) !== undefined);
  // A refused notes update fails the push anyway; its branches are still judged (with the union) to say why.
  const approvals = notesPush && messages.length === 0
    ? { approvalRefs: [], approvalCommits: [notesPush.new] }
    : { approvalRefs: [APPROVALS_REF], approvalCommits: notesPush ? [notesPush.new] : [] };
  const heads = (await runGit(['for-each-ref', '--format=%(objectname) %(refname)', 'refs/heads/'], { cwd })).stdout
    .split('\n').filter(Boolean).map((l) => ({ sha: l.slice(0, l.indexOf(' ')), branch: l.slice(l.indexOf(' ') + 1).replace('refs/heads/', '') }));
  const headRef = await runGit(['symbolic-ref', '--quiet', 'HEAD'], { cwd, okCodes: [1, 128] });
  const def = headRef.code === 0 ? branchOf(headRef.stdout.trim()) : undefined;
  const results: GateResult[] = [];
  for (const u of updates) {
    const branch = branchOf(u.ref);
    if (!branch) continue;
    const update: RefUpdate = { branch, old: oid(u.old), new: oid(u.new) };
    const policyRevs: Array<{ rev: string; label: string }> = [];
    if (update.old) policyRevs.push({ rev: update.old, label: branch });
    const defSha = def ? heads.find((h) => h.branch === def)?.sha : undefined;
    if (def && defSha && def !== branch) policyRevs.push({ rev: defSha, label: def });
    const input = await gatherGateInput(cwd, { update, policyRevs, otherBranches: heads, ...approvals });
    results.push(evaluateGate(input));
  }
  return { results, messages, ok: messages.length === 0 && results.every((r) => r.ok) };
}
