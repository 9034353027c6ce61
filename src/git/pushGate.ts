import * as fs from 'fs';
import * as path from 'path';
import { CountersignError, errorMessage } from '../core/errors';
import { closest, didYouMean } from '../core/didYouMean';
import { evaluateGate, type GateInput, type GateResult, type PolicySource } from '../core/gate';
import { isProtected, POLICY_FILE, TAG_PREFIX } from '../core/policy';
import { fetchApprovals } from './approvalsStore';
import type { BranchReadAhead } from './branchReadAhead';
import { gatherGateInput, peelTag, ZERO_OID, type RefUpdate } from './gateInput';
import { runGit } from './gitRunner';
import { AI_NOTES_REF, REVIEW_NOTES_REF, trackingRef } from './notesConfig';
import { notesTip } from './notesReader';
import { policySourceAt, policyTextAt, remoteDefaultBranch } from './policyBranch';
import { refuseAmbiguousRevision } from './revision';
import { resolveCommit } from './stagedDiff';
import { chooseRemote, listRemotes } from './remotes';

export { remoteDefaultBranch };
export { preReceive, parsePreReceiveLines, type ReceivedRef } from './receiveGate';

/**
 * The gate's three entry points over a repository: `verify` (CI, by hand), the client's pre-push hook
 * (convenience: fast feedback, bypassable) and the server's pre-receive hook (the enforcement). Each works
 * out where the branch stands where the gate is enforced, gathers the input and evaluates it.
 */

/** Bounded time for reaching the remote from a hook (docs/design.md: hooks never hang). */
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
  /**
   * A tag being pushed (short name): judged as the server judges it — as the commit it names, which must be
   * on a protected branch already or pass as a push to the policy branch. `branch` may say `refs/tags/NAME`
   * instead. The head defaults to the commit the tag names here, else HEAD.
   */
  tag?: string;
  /** The branch whose policy judges (default: the remote's default branch). */
  policyBranch?: string;
  /** Fetch the remote's approvals first (default true). */
  fetch?: boolean;
  timeoutMs?: number;
  /**
   * `verify` on the command line: refuse (exit 2) what it cannot know instead of judging with less — a
   * mistyped --branch, a shallow clone without the range, notes missing under --no-fetch (issue 17).
   */
  strict?: boolean;
  /** The review panel's answers for many heads at once (gatherGateInput asks git what it does not know). */
  readAhead?: BranchReadAhead;
}

/** The current branch's upstream: remote name and branch there. */
async function upstreamOf(cwd: string): Promise<{ remote: string; branch: string } | undefined> {
  const head = await runGit(['symbolic-ref', '--quiet', 'HEAD'], { cwd, okCodes: [1, 128] });
  if (head.code !== 0) return undefined;
  const r = await runGit(
    ['for-each-ref', '--format=%(upstream:remotename)%00%(upstream:remoteref)', head.stdout.trim()],
    { cwd },
  );
  const [remote, ref] = r.stdout.trim().split('\0');
  const branch = ref ? branchOf(ref) : undefined;
  return remote && branch ? { remote, branch } : undefined;
}

/** The remote-tracking branches of `remote` and their values, as the gate sees them. */
export async function remoteBranches(cwd: string, remote: string): Promise<Array<{ branch: string; sha: string }>> {
  const r = await runGit(['for-each-ref', '--format=%(objectname) %(refname)', `refs/remotes/${remote}/`], { cwd });
  return r.stdout
    .split('\n')
    .filter(Boolean)
    .map((l) => {
      const [sha, ref] = [l.slice(0, l.indexOf(' ')), l.slice(l.indexOf(' ') + 1)];
      return { sha, branch: ref.replace(`refs/remotes/${remote}/`, '') };
    })
    .filter((b) => b.branch !== 'HEAD');
}

async function localBranches(cwd: string): Promise<Array<{ branch: string; sha: string }>> {
  const r = await runGit(['for-each-ref', '--format=%(objectname) %(refname:lstrip=2)', 'refs/heads/'], { cwd });
  return r.stdout
    .split('\n')
    .filter(Boolean)
    .map((l) => ({ sha: l.slice(0, l.indexOf(' ')), branch: l.slice(l.indexOf(' ') + 1) }));
}

function usage(message: string): CountersignError {
  return new CountersignError('usage', `verify: ${message}`);
}

/** Which remote verify reads: --remote (which must exist), else the upstream's, else origin or the only one. */
async function verifyRemote(
  cwd: string,
  asked: string | undefined,
  upstream: { remote: string } | undefined,
): Promise<string> {
  const remotes = await listRemotes(cwd);
  if (asked !== undefined) {
    if (!remotes.includes(asked)) {
      const known = `there is no remote named '${asked}' here (${remotes.length > 0 ? `remotes: ${remotes.join(', ')}` : 'this repository has no remote'})`;
      // A close name is a typo: suggesting `git remote add` under the misspelt name would make it worse.
      if (closest(asked, remotes) !== undefined) throw usage(`${known}.${didYouMean(asked, remotes)}`);
      throw usage(`${known}; pass --remote with one of them, or add it with \`git remote add ${asked} URL\``);
    }
    return asked;
  }
  const chosen = chooseRemote(remotes, upstream?.remote);
  if (chosen !== undefined) return chosen;
  if (remotes.length === 0) {
    throw new CountersignError(
      'config',
      'verify: this repository has no remote, so the policy branch and the approvals where the gate is enforced are unknown; add it (`git remote add origin URL && git fetch origin`) and run verify again',
    );
  }
  throw usage(
    `this repository has several remotes (${remotes.join(', ')}) and none is origin or the upstream; pass --remote NAME`,
  );
}

/** A commit of base..head that is a shallow boundary: the clone lacks history the range needs. */
async function shallowGap(cwd: string, head: string, base: string | undefined): Promise<boolean> {
  const shallow = await runGit(['rev-parse', '--is-shallow-repository'], { cwd });
  if (shallow.stdout.trim() !== 'true') return false;
  const file = (await runGit(['rev-parse', '--git-path', 'shallow'], { cwd })).stdout.trim();
  let cut: string[] = [];
  try {
    cut = fs.readFileSync(path.resolve(cwd, file), 'utf8').split('\n').filter(Boolean);
  } catch {
    return false;
  }
  if (cut.length === 0) return false;
  const inRange = await runGit(['rev-list', head, ...(base ? ['--not', base] : []), '--'], { cwd });
  const range = new Set(inRange.stdout.split('\n').filter(Boolean));
  return cut.some((c) => range.has(c));
}

/**
 * The branch commits on `own` (the upstream, or the same name on the remote) are judged for without --branch:
 * `own` when the policy protects it (or cannot be read), else the policy branch, where a feature branch lands —
 * as the review panel judges it. `explain` makes the same choice.
 */
export function targetBranch(
  own: string | undefined,
  policy: PolicySource,
  policyBranch: string | undefined,
): string | undefined {
  const protectsOwn = own !== undefined && policy.kind === 'ok' && isProtected(policy.policy, own) !== undefined;
  return own && (protectsOwn || policy.kind !== 'ok') ? own : (policyBranch ?? own);
}

export async function verifyRange(
  cwd: string,
  opts: VerifyOptions,
): Promise<{ result: GateResult; input: GateInput; fetchNote?: string }> {
  const upstream = await upstreamOf(cwd);
  // Without any remote (explain in a local repository) the local branches stand in for the remote's; the
  // command line refuses that instead (strict): CI without its remote cannot know what the server has.
  const localOnly = !opts.strict && (await listRemotes(cwd)).length === 0;
  const remote = localOnly ? '' : await verifyRemote(cwd, opts.remote, upstream);
  const at = (b: string) => (localOnly ? b : `${remote}/${b}`);
  let fetchNote: string | undefined;
  if (opts.fetch !== false && !localOnly) {
    try {
      await fetchApprovals(cwd, remote, opts.timeoutMs ?? FETCH_TIMEOUT_MS);
    } catch (e) {
      fetchNote = `could not fetch approvals from ${remote} (${errorMessage(e)}); using the approvals already here`;
    }
  }
  if (opts.tag !== undefined && opts.branch !== undefined) throw usage('pass --tag or --branch, not both');
  const tagRef =
    opts.tag !== undefined
      ? TAG_PREFIX + opts.tag.replace(/^refs\/tags\//, '')
      : opts.branch?.startsWith(TAG_PREFIX)
        ? opts.branch
        : undefined;
  const target = tagRef !== undefined ? await tagTarget(cwd, tagRef, opts.head) : undefined;
  const headRev = opts.head ?? 'HEAD';
  const head =
    target && 'commit' in target
      ? target.commit
      : opts.readAhead?.isCommit(headRev)
        ? headRev
        : await refuseAmbiguousRevision(cwd, headRev, '--head').then(() => resolveCommit(cwd, headRev));
  if (!head) throw usage(`--head ${headRev} is not a commit in this repository`);
  const others = localOnly ? await localBranches(cwd) : await remoteBranches(cwd, remote);
  const tipOf = (b: string) => others.find((o) => o.branch === b)?.sha;

  // The policy branch: the remote's default branch as fetched (docs/design.md, "The policy").
  const policyBranch =
    opts.policyBranch ??
    (localOnly
      ? ['main', 'master', opts.branch].find((b) => b !== undefined && tipOf(b) !== undefined)
      : await remoteDefaultBranch(cwd, remote));
  const policyTip = policyBranch ? tipOf(policyBranch) : undefined;
  let policy: PolicySource;
  if (!policyBranch) {
    policy = {
      kind: 'error',
      from: `the policy branch of ${remote}`,
      message: `cannot tell ${remote}'s default branch (no ${remote}/HEAD, ${remote}/main or ${remote}/master here), so the policy that judges this push is unknown`,
      fix: `fix: run \`git remote set-head ${remote} --auto\` (or fetch the default branch), or pass --policy-branch NAME`,
    };
  } else if (!policyTip) {
    policy = {
      kind: 'error',
      from: at(policyBranch),
      message: `the policy branch ${at(policyBranch)} is not here, so the policy that judges this push is unknown`,
      fix: `fix: fetch it (\`git fetch ${remote} ${policyBranch}\`), or pass --policy-branch NAME`,
    };
  } else {
    policy = await policySourceAt(cwd, policyTip, at(policyBranch), policyBranch);
  }

  // The target: --branch; else the upstream (or the same name on the remote) when it is protected; else where
  // a feature branch lands, the default branch — as the review panel judges it.
  const current = await runGit(['symbolic-ref', '--quiet', '--short', 'HEAD'], { cwd, okCodes: [1, 128] });
  const sameName = current.code === 0 && tipOf(current.stdout.trim()) ? current.stdout.trim() : undefined;
  const own = upstream && upstream.remote === remote ? upstream.branch : sameName;
  const protects = (b: string) => policy.kind === 'ok' && isProtected(policy.policy, b) !== undefined;
  const branch = tagRef ?? opts.branch ?? targetBranch(own, policy, policyBranch);
  if (!branch)
    throw usage(
      'the target branch is unknown (no upstream, and the remote has no default branch here); pass --branch NAME (the branch being pushed to, e.g. main)',
    );
  if (target && 'error' in target) {
    // What the server refuses outright for a protected tag: it names no commit.
    const input: GateInput = {
      branch,
      policy,
      base: undefined,
      reviewBase: undefined,
      head: undefined,
      commits: [],
      statements: [],
      statementErrors: [],
      baseReach: {},
    };
    const result: GateResult =
      policy.kind === 'ok' && isProtected(policy.policy, branch) !== undefined
        ? {
            ok: false,
            branch,
            protected: true,
            commits: [],
            errors: [target.error],
            notices: [],
            policyFrom: policy.from,
          }
        : evaluateGate({ ...input, head: target.oid });
    return { result, input, ...(fetchNote ? { fetchNote } : {}) };
  }
  const tracking = tagRef ? undefined : tipOf(branch);
  if (opts.strict && opts.branch !== undefined && !tagRef && !tracking && policy.kind === 'ok' && !protects(branch)) {
    const names = others.map((o) => o.branch);
    const guess = names.find((b) => b.toLowerCase() === branch.toLowerCase()) ?? closest(branch, names);
    throw usage(
      `--branch '${branch}' is not a branch on ${remote} and no protected pattern matches it, so there is nothing to judge it against; check the name${guess ? ` (did you mean '${guess}'?)` : ''} — an unprotected new branch needs no check`,
    );
  }

  let base: string | undefined;
  if (opts.base !== undefined) {
    // A tag named like the remote-tracking branch (`origin/main`) must not choose the range (outside tester G3).
    await refuseAmbiguousRevision(cwd, opts.base, '--base');
    base = await resolveCommit(cwd, opts.base);
    if (!base)
      throw usage(
        `--base ${opts.base} is not a commit in this repository; fetch it first (\`git fetch ${remote}\`, or fetch-depth: 0 in CI)`,
      );
  } else {
    base = tracking;
  }
  if (opts.strict && (await shallowGap(cwd, head, base))) {
    throw new CountersignError(
      'config',
      `verify: this clone is shallow and lacks part of ${base ? `${base.slice(0, 12)}..` : ''}${head.slice(0, 12)}, so the commits to judge are unknown; fetch the whole history (\`git fetch --unshallow ${remote}\`, or fetch-depth: 0 with actions/checkout)`,
    );
  }
  if (opts.strict && opts.fetch === false) {
    const missing = [];
    for (const ref of [REVIEW_NOTES_REF, AI_NOTES_REF] as const) {
      const tracked = await notesTip(cwd, trackingRef(remote, ref));
      if (!tracked && !(await notesTip(cwd, ref))) missing.push(ref);
    }
    // Neither notes ref: nothing was fetched (the usual CI slip), so approvals and provenance are unknown. One
    // of them present means notes were fetched; a repository may legitimately have no provenance notes at all.
    if (missing.length === 2) {
      throw new CountersignError(
        'config',
        `verify: ${missing.join(' and ')} ${missing.length > 1 ? 'are' : 'is'} not in this clone and --no-fetch was given, so approvals and provenance are unknown; fetch them (\`git fetch ${remote} '+refs/notes/*:refs/notes/*'\`) or drop --no-fetch`,
      );
    }
  }
  if (tracking && policyBranch && branch !== policyBranch) {
    const [here, there] = await Promise.all([
      policyTextAt(cwd, tracking),
      policyTip ? policyTextAt(cwd, policyTip) : undefined,
    ]);
    if (here !== undefined && here !== there) {
      fetchNote = [
        fetchNote,
        `the ${POLICY_FILE} on ${at(branch)} differs from the one on the policy branch ${at(policyBranch)}; only the policy branch's counts`,
      ]
        .filter(Boolean)
        .join('; ');
    }
  }
  // A push of HEAD to its own branch can be a rewind; anything else is judged as what a merge would bring.
  const asPush = opts.base === undefined && opts.head === undefined && branch === own;
  const input = await gatherGateInput(cwd, {
    update: { branch, old: base, new: head },
    policy,
    ...(policyTip ? { policyTip } : {}),
    otherBranches: others,
    approvalRefs: localOnly ? [REVIEW_NOTES_REF] : [REVIEW_NOTES_REF, trackingRef(remote, REVIEW_NOTES_REF)],
    ...(asPush ? {} : { mergeOnly: true }),
    ...(opts.readAhead ? { readAhead: opts.readAhead } : {}),
  });
  // `input` goes back too: the review panel shows the judged commits' files, notes and trailers.
  return { result: evaluateGate(input), input, ...(fetchNote ? { fetchNote } : {}) };
}

/**
 * The commit a tag being verified names: `--head` when given, else the tag's value here peeled (through
 * annotated tags), else HEAD. `error` when the tag's value names no commit (a tag of a tree or blob).
 */
async function tagTarget(
  cwd: string,
  tagRef: string,
  head: string | undefined,
): Promise<{ commit: string } | { error: string; oid: string } | undefined> {
  if (head !== undefined) return undefined;
  const value = await runGit(['rev-parse', '--verify', '--quiet', tagRef], { cwd, okCodes: [1, 128] });
  if (value.code !== 0) return undefined;
  const oid = value.stdout.trim();
  const peeled = await peelTag(cwd, oid);
  return 'commit' in peeled ? peeled : { error: peeled.error, oid };
}

// ------------------------------------------------------------------------------------------ pre-push

export interface PushedRef {
  localRef: string;
  localSha: string;
  remoteRef: string;
  remoteSha: string;
}

export function parsePrePushLines(stdin: string): PushedRef[] {
  return stdin
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .map((l) => {
      const [localRef, localSha, remoteRef, remoteSha] = l.split(/\s+/);
      return { localRef, localSha, remoteRef, remoteSha };
    })
    .filter((r) => r.remoteRef !== undefined && r.remoteSha !== undefined);
}

interface RemoteView {
  heads: Map<string, string>;
  /** Tags by full ref (`refs/tags/v1.0`), their own values (not peeled). */
  tags: Map<string, string>;
  defaultBranch?: string;
}

/** `git ls-remote --symref` in bounded time: every branch and tag there and the default branch. */
async function lsRemote(cwd: string, remote: string, timeoutMs: number): Promise<RemoteView> {
  const r = await runGit(['ls-remote', '--symref', remote], { cwd, timeoutMs });
  const heads = new Map<string, string>();
  const tags = new Map<string, string>();
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
    else if (sha && ref?.startsWith(TAG_PREFIX) && !ref.endsWith('^{}')) tags.set(ref, sha);
  }
  return { heads, tags, ...(defaultBranch ? { defaultBranch } : {}) };
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
export async function prePush(
  cwd: string,
  remote: string,
  stdin: string,
  timeoutMs = FETCH_TIMEOUT_MS,
): Promise<HookOutcome> {
  // Branches and tags: a protected tag is judged by the commit it names, as the server judges it.
  const pushed = parsePrePushLines(stdin).filter(
    (p) => branchOf(p.remoteRef) !== undefined || p.remoteRef.startsWith(TAG_PREFIX),
  );
  const messages: string[] = [];
  if (pushed.length === 0) return { results: [], messages, ok: true };
  const deadline = Date.now() + timeoutMs;
  const left = () => Math.max(1000, deadline - Date.now());

  let unreachable: string | undefined;
  let remoteView: RemoteView | undefined;
  try {
    remoteView = await lsRemote(cwd, remote, left());
    await fetchApprovals(cwd, remote, left());
    // Commits the remote has that we lack: its policy must be read from them.
    const missing: string[] = [];
    for (const p of pushed) {
      const b = branchOf(p.remoteRef);
      const sha = b ? remoteView.heads.get(b) : undefined;
      if (b && sha && !(await objectExists(cwd, sha))) missing.push(`refs/heads/${b}`);
    }
    const def = remoteView.defaultBranch;
    if (def && remoteView.heads.get(def) && !(await objectExists(cwd, remoteView.heads.get(def) as string)))
      missing.push(`refs/heads/${def}`);
    if (missing.length > 0)
      await runGit(['fetch', '--no-tags', '--no-write-fetch-head', '--quiet', remote, ...missing], {
        cwd,
        timeoutMs: left(),
      });
  } catch (e) {
    unreachable = `could not reach ${remote} within ${Math.round(timeoutMs / 1000)}s to fetch the latest approvals and policy (${errorMessage(e)}); a protected branch cannot be checked, so the push is blocked — retry when the remote is reachable`;
  }

  const results: GateResult[] = [];
  for (const p of pushed) {
    const tag = p.remoteRef.startsWith(TAG_PREFIX);
    const branch = tag ? p.remoteRef : (branchOf(p.remoteRef) as string);
    const remoteSha = remoteView
      ? (tag ? remoteView.tags : remoteView.heads).get(branch)
      : ZERO_OID.test(p.remoteSha)
        ? undefined
        : p.remoteSha;
    const update: RefUpdate = {
      branch,
      old: remoteSha,
      new: ZERO_OID.test(p.localSha) ? undefined : p.localSha,
    };
    const others = remoteView
      ? [...remoteView.heads].map(([b, sha]) => ({ branch: b, sha }))
      : await localRemoteBranches(cwd, remote);
    // The policy branch: the remote's HEAD as ls-remote shows it (else main/master there), as in `verify`.
    const def =
      remoteView?.defaultBranch ??
      (others.some((o) => o.branch === 'main')
        ? 'main'
        : others.some((o) => o.branch === 'master')
          ? 'master'
          : undefined) ??
      (await remoteDefaultBranch(cwd, remote).catch(() => undefined));
    const defSha = def ? others.find((o) => o.branch === def)?.sha : undefined;
    const policy: PolicySource =
      defSha && def
        ? await policySourceAt(cwd, defSha, `${remote}/${def}`, def)
        : {
            kind: 'none',
            looked: [def ? `${remote}/${def} (not on the remote yet)` : `${remote}'s default branch (unknown)`],
          };
    const peeled = tag && update.new ? await peelTag(cwd, update.new) : undefined;
    if (peeled && 'error' in peeled && policy.kind === 'ok' && isProtected(policy.policy, branch)) {
      results.push({
        ok: false,
        branch,
        protected: true,
        commits: [],
        errors: [peeled.error],
        notices: [],
        policyFrom: policy.from,
      });
      continue;
    }
    if (peeled && 'commit' in peeled) update.new = peeled.commit;
    const input = await gatherGateInput(cwd, {
      update,
      policy,
      ...(defSha ? { policyTip: defSha } : {}),
      otherBranches: others,
      approvalRefs: [REVIEW_NOTES_REF, trackingRef(remote, REVIEW_NOTES_REF)],
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
