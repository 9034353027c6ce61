import { CountersignError, errorMessage } from '../core/errors';
import { closest, didYouMean } from '../core/didYouMean';
import { settledLater } from '../core/settledLater';
import { landsOn, verifyDefaultBranch } from './landingBranch';
import { evaluateGate, type GateInput, type GateResult, type PolicySource } from '../core/gate';
import { isProtected, POLICY_FILE, TAG_PREFIX } from '../core/policy';
import { fetchApprovals } from '../git/approvalsStore';
import { addEarlierRevisionReasons } from '../git/earlierRevisions';
import type { BranchReadAhead } from '../git/branchReadAhead';
import { gatherGateInput } from '../git/gateInput';
import { nonCommitTagVerdict, peelTag } from '../git/peelTag';
import { remoteTagValue } from '../git/remoteTagValue';
import { runGit, startSnapshotListings, withGitReadCache, type GitResult } from '../git/gitRunner';
import { AI_NOTES_REF, REVIEW_NOTES_REF, trackingRef } from '../git/notesConfig';
import { notesTip } from '../git/notesReader';
import { policySourceAt, policyTextAt, refuseInvalidPolicy, remoteDefaultBranchChoice } from '../git/policyBranch';
import { unreadablePolicyScope } from '../git/unreadablePolicyScope';
import { FETCH_TIMEOUT_MS } from '../git/prePush';
import { localBranches, remoteBranches, upstreamOf } from '../git/remoteBranches';
import { shallowCut, shallowGap } from '../git/shallowGap';
import { resolveRevision } from '../git/revision';
import { approvalsRemote, chooseRemote, listRemotes, requireNamedRemote } from '../git/remotes';
import { shortSha } from '../core/shortSha';
import { knownPolicyBranch } from '../git/knownPolicyBranch';

/**
 * `verify` (CI, by hand; also what `explain` and the review panel judge with): works out where the branch
 * stands where the gate is enforced, gathers the input and evaluates it. The hooks are src/git/prePush.ts
 * (the client's convenience) and src/git/receiveGate.ts (the server's enforcement).
 */

export interface VerifyOptions {
  remote?: string;
  base?: string;
  head?: string;
  branch?: string;
  /**
   * A tag being pushed (short name): judged as the server judges it — as the commit it names, which must be
   * on a protected branch already or pass as a push to the policy branch. `branch` may say `refs/tags/NAME`
   * instead. The head is the commit the tag names here; a tag that is not here is a usage error unless `head`
   * names the commit of a tag about to be made.
   */
  tag?: string;
  /** The branch whose policy judges (default: the remote's default branch). */
  policyBranch?: string;
  /**
   * Judge under the policy branch as it stood at this commit rather than at its tip: `explain` on a commit that
   * landed there, whose push was judged under the policy it replaced (newuser14 S28).
   */
  policyAt?: { rev: string; label: string };
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

function usage(message: string): CountersignError {
  return new CountersignError('usage', `verify: ${message}`);
}

/** Which remote verify reads: --remote (which must exist), else the upstream's, else origin or the only one. */
function verifyRemote(remotes: string[], asked: string | undefined, upstream: { remote: string } | undefined): string {
  if (asked !== undefined) {
    requireNamedRemote(remotes, asked, 'verify');
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

/** What verifyRange judged, with what it judged from; `remote` is '' where there is none (explain, locally). */
export interface VerifyOutcome {
  result: GateResult;
  input: GateInput;
  remote: string;
  fetchNote?: string;
}

export function verifyRange(cwd: string, opts: VerifyOptions): Promise<VerifyOutcome> {
  // One snapshot: the repository-level questions (config, refs, HEAD, the remote's branches and default
  // branch, the upstream) are answered from a few listings started at once (batchedReads.ts) instead of a
  // git process each. The fetch below writes the approvals refs: when it finishes it empties the cache
  // (gitRunner.changesSnapshot), and the approvals are read after it (gatherGateInput's approvalsAfter).
  return withGitReadCache(() => {
    startSnapshotListings(cwd);
    return verifyOnce(cwd, opts);
  });
}

async function verifyOnce(cwd: string, opts: VerifyOptions): Promise<VerifyOutcome> {
  // Independent questions are asked at once (issue 10, class 7: a few processes in a row cost more than the
  // walk on a loaded machine); each answer is awaited where the sequence needs it, so errors come in order.
  const upstreamRead = settledLater(upstreamOf(cwd));
  const remotesRead = settledLater(listRemotes(cwd));
  const currentRead = settledLater(runGit(['symbolic-ref', '--quiet', '--short', 'HEAD'], { cwd, okCodes: [1, 128] }));
  const upstream = await upstreamRead;
  const remotes = await remotesRead;
  // Without any remote (explain in a local repository) the local branches stand in for the remote's; the
  // command line refuses that instead (strict): CI without its remote cannot know what the server has.
  const localOnly = !opts.strict && remotes.length === 0;
  const remote = localOnly ? '' : verifyRemote(remotes, opts.remote, upstream);
  // The remote's approvals are fetched while the rest is read and the commits are walked: only the approvals
  // read (gatherGateInput) waits for it. It touches the notes refs alone, nothing read before that.
  const fetching = opts.fetch !== false && !localOnly;
  const fetched: Promise<string | undefined> = fetching
    ? fetchApprovals(cwd, remote, opts.timeoutMs ?? FETCH_TIMEOUT_MS).then(
        (r) => r.mergeError,
        (e: unknown) =>
          `could not fetch approvals from ${remote} (${errorMessage(e)}); using the approvals already here`,
      )
    : Promise.resolve(undefined);
  try {
    return await judgeRange(cwd, opts, { upstream, remote, localOnly, fetched, fetching, currentRead });
  } finally {
    // Never return (or throw) while the fetch still writes the notes refs.
    await fetched;
  }
}

async function judgeRange(
  cwd: string,
  opts: VerifyOptions,
  known: {
    upstream: { remote: string; branch: string } | undefined;
    remote: string;
    localOnly: boolean;
    fetched: Promise<string | undefined>;
    fetching: boolean;
    currentRead: Promise<GitResult>;
  },
): Promise<VerifyOutcome> {
  const { upstream, remote, localOnly, fetched } = known;
  const at = (b: string) => (localOnly ? b : `${remote}/${b}`);
  if (opts.tag !== undefined && opts.branch !== undefined) throw usage('pass --tag or --branch, not both');
  const tagRef =
    opts.tag !== undefined
      ? TAG_PREFIX + opts.tag.replace(/^refs\/tags\//, '')
      : opts.branch?.startsWith(TAG_PREFIX)
        ? opts.branch
        : undefined;
  const target = tagRef !== undefined ? await tagTarget(cwd, tagRef, opts.head) : undefined;
  // A tag that is not here (a typo, or not fetched) was judged as HEAD and passed whatever the real tag names.
  if (tagRef !== undefined && opts.head === undefined && target === undefined) {
    throw await missingTag(cwd, tagRef, localOnly || opts.fetch === false ? undefined : remote);
  }
  // A tag pushed from here is judged, as pre-push and the server judge it, from its value on the remote now.
  const tagWas =
    tagRef !== undefined && opts.base === undefined && opts.head === undefined && !localOnly
      ? opts.fetch === false
        ? Promise.reject(
            new CountersignError(
              'config',
              `verify: the current value of the tag ${tagRef.slice(TAG_PREFIX.length)} on ${remote} is unknown with --no-fetch, and a tag moved from it is judged from it; drop --no-fetch (verify then asks ${remote} with ls-remote)`,
            ),
          )
        : remoteTagValue(cwd, remote, tagRef, opts.timeoutMs ?? FETCH_TIMEOUT_MS)
      : undefined;
  const tagThere = tagWas ? await tagWas : undefined;
  // The remote holding this very value is no move (verify after the push): judged as the server judged it coming.
  const tagOld = tagThere !== undefined && target?.oid === tagThere ? undefined : tagThere;
  const headRev = opts.head ?? 'HEAD';
  const headRead = settledLater(
    target && 'commit' in target
      ? Promise.resolve<string | undefined>(target.commit)
      : opts.readAhead?.isCommit(headRev)
        ? Promise.resolve<string | undefined>(headRev)
        : resolveRevision(cwd, headRev, '--head'),
  );
  const othersRead = settledLater(localOnly ? localBranches(cwd) : remoteBranches(cwd, remote));
  const defaultRead =
    opts.policyBranch === undefined && !localOnly
      ? settledLater(remoteDefaultBranchChoice(cwd, remote, othersRead))
      : undefined;
  const cutRead = opts.strict ? settledLater(shallowCut(cwd)) : undefined;
  const head = await headRead;
  if (!head) throw usage(`--head ${headRev} is not a commit in this repository`);
  const others = await othersRead;
  const tipOf = (b: string) => others.find((o) => o.branch === b)?.sha;

  // The policy branch: the remote's default branch as fetched (docs/design.md, "The policy").
  const policyBranch =
    opts.policyBranch ??
    (localOnly
      ? ['main', 'master', opts.branch].find((b) => b !== undefined && tipOf(b) !== undefined)
      : (await defaultRead)?.branch);
  const policyTip = policyBranch ? tipOf(policyBranch) : undefined;
  const chosen = knownPolicyBranch({
    remote,
    branch: policyBranch,
    ambiguous: opts.policyBranch === undefined && (await defaultRead)?.ambiguous === true,
    tip: policyTip,
    at,
    option: true,
  });
  const policyAtTip: PolicySource =
    'unknown' in chosen
      ? chosen.unknown
      : opts.policyAt
        ? await policySourceAt(cwd, opts.policyAt.rev, opts.policyAt.label, chosen.branch)
        : await policySourceAt(cwd, chosen.tip, at(chosen.branch), chosen.branch);

  // The target: --branch; else the upstream (DESIGN), else where the same name on the remote lands.
  const current = await known.currentRead;
  const sameName = current.code === 0 && tipOf(current.stdout.trim()) ? current.stdout.trim() : undefined;
  const upstreamHere = upstream && upstream.remote === remote ? upstream.branch : undefined;
  const own = upstreamHere ?? sameName;
  const protects = (b: string) => policyAtTip.kind === 'ok' && isProtected(policyAtTip.policy, b) !== undefined;
  const branch =
    tagRef ??
    opts.branch ??
    (await verifyDefaultBranch(cwd, {
      upstream: upstreamHere,
      sameName,
      policy: policyAtTip,
      policyBranch,
      remote: localOnly ? undefined : remote,
      policyTip,
      head,
      branches: others,
    }));
  if (!branch)
    throw usage(
      'the target branch is unknown (no upstream, and the remote has no default branch here); pass --branch NAME (the branch being pushed to, e.g. main)',
    );
  // While the tip's policy cannot be read, refs the last readable one left unprotected are not held (as the server).
  const policy =
    'unknown' in chosen || opts.policyAt
      ? policyAtTip
      : await unreadablePolicyScope(cwd)(policyAtTip, { tip: chosen.tip, policyBranch: chosen.branch, ref: branch });
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
      nonCommitTagVerdict(policy, branch, branch, target.error) ?? evaluateGate({ ...input, head: target.oid });
    const fetchNote = await fetched;
    return { result, input, remote, ...(fetchNote ? { fetchNote } : {}) };
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
    base = await resolveRevision(cwd, opts.base, '--base');
    // In a shallow clone `git fetch` never brings a commit older than the cut (newuser22 F-shallow).
    if (!base)
      throw usage(
        (await (cutRead ?? shallowCut(cwd))).length > 0
          ? `--base ${opts.base} is not in this clone, which is shallow (cloned with --depth): fetch the whole history (\`git fetch --unshallow ${remote}\`, or fetch-depth: 0 with actions/checkout)`
          : `--base ${opts.base} is not a commit in this repository; fetch it first (\`git fetch ${remote}\`, or fetch-depth: 0 in CI)`,
      );
  } else {
    base = tracking ?? tagOld;
  }
  if (cutRead && (await shallowGap(cwd, head, base, await cutRead))) {
    throw new CountersignError(
      'config',
      `verify: this clone is shallow and lacks part of ${base ? `${shortSha(base)}..` : ''}${shortSha(head)}, so the commits to judge are unknown; fetch the whole history (\`git fetch --unshallow ${remote}\`, or fetch-depth: 0 with actions/checkout)`,
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
        `verify: ${missing.join(' and ')} ${missing.length > 1 ? 'are' : 'is'} not in this clone and --no-fetch was given, so approvals and provenance are unknown; drop --no-fetch, or fetch them the way Countersign merges them (\`countersign install\` sets the notes refspecs, then \`git fetch ${remote}\`); a raw \`refs/notes/*:refs/notes/*\` fetch overwrites this clone's own notes`,
      );
    }
  }
  let policyNote: string | undefined;
  if (tracking && policyBranch && branch !== policyBranch) {
    const [here, there] = await Promise.all([
      policyTextAt(cwd, tracking),
      policyTip ? policyTextAt(cwd, policyTip) : undefined,
    ]);
    if (here !== undefined && here !== there) {
      policyNote = `the ${POLICY_FILE} on ${at(branch)} differs from the one on the policy branch ${at(policyBranch)}; only the policy branch's counts`;
    }
  }
  // A push of HEAD to its own branch, or of a tag, can be a rewind; anything else is judged as what a merge would bring.
  const asPush = opts.base === undefined && opts.head === undefined && (branch === own || tagWas !== undefined);
  const input = await gatherGateInput(cwd, {
    update: { branch, old: base, new: head },
    policy,
    ...(policyTip ? { policyTip } : {}),
    ...(policyBranch ? { policyBranch } : {}),
    otherBranches: others,
    // Our notes hold every line any remote's intake accepted; of the tracking refs, only the trusted remote's
    // is read as it is: a fork's (the upstream of its checked-out pull-request branch) holds the lines its intake
    // left out, and a statement signed by the fork's own key for "Rita" showed as Rita's approval (session 12, H1).
    approvalRefs: localOnly
      ? [REVIEW_NOTES_REF]
      : [REVIEW_NOTES_REF, trackingRef((await approvalsRemote(cwd)) ?? remote, REVIEW_NOTES_REF)],
    ...(asPush ? {} : { mergeOnly: true }),
    ...(opts.readAhead ? { readAhead: opts.readAhead } : {}),
    ...(known.fetching ? { approvalsAfter: fetched } : {}),
  });
  const fetchNote = [await fetched, policyNote].filter(Boolean).join('; ');
  const result = evaluateGate(input);
  // The upstream, unprotected, passes by DESIGN's default; where it lands is one option away (newuser15 #10).
  if (!tagRef && opts.branch === undefined && !result.protected && policyBranch && policyBranch !== branch) {
    const lands =
      !localOnly && policyTip
        ? await landsOn(cwd, { remote, own: undefined, head, policy, policyBranch, policyTip, branches: others })
        : policyBranch;
    result.notices.push(
      `judged as a push to ${at(branch)}, this branch's upstream; to check it as it would land on ${lands}: countersign verify --branch ${lands}`,
    );
  }
  await refuseInvalidPolicy(cwd, result, input, { branch, policyBranch, head, base });
  await addEarlierRevisionReasons(cwd, result, input);
  // `input` goes back too: the review panel shows the judged commits' files, notes and trailers.
  return { result, input, remote, ...(fetchNote ? { fetchNote } : {}) };
}

/**
 * The commit a tag being verified names: `--head` when given, else the tag's value here peeled (through
 * annotated tags), else HEAD. `error` when the tag's value names no commit (a tag of a tree or blob).
 */
async function tagTarget(
  cwd: string,
  tagRef: string,
  head: string | undefined,
): Promise<{ commit: string; oid: string } | { error: string; oid: string } | undefined> {
  if (head !== undefined) return undefined;
  const value = await runGit(['rev-parse', '--verify', '--quiet', tagRef], { cwd, okCodes: [1, 128] });
  if (value.code !== 0) return undefined;
  const oid = value.stdout.trim();
  const peeled = await peelTag(cwd, oid);
  return 'commit' in peeled ? { commit: peeled.commit, oid } : { error: peeled.error, oid };
}

/**
 * The usage error for `--tag NAME` with no such tag here: it names the tag, the fetch when `remote` (asked with
 * ls-remote, in bounded time; undefined under --no-fetch) has it, a close local tag name, and `--head`.
 */
async function missingTag(cwd: string, tagRef: string, remote: string | undefined): Promise<CountersignError> {
  const name = tagRef.slice(TAG_PREFIX.length);
  const [listed, local] = await Promise.all([
    remote === undefined
      ? undefined
      : runGit(['ls-remote', '--refs', remote, tagRef], { cwd, timeoutMs: FETCH_TIMEOUT_MS }).catch(() => undefined),
    runGit(['for-each-ref', '--format=%(refname:strip=2)', 'refs/tags'], { cwd }),
  ]);
  const there = listed?.stdout.split('\n').some((l) => l.split('\t')[1] === tagRef);
  const tags = local.stdout.split('\n').filter(Boolean);
  return usage(
    `tag ${name} is not in this repository${there ? ` (${remote} has it: git fetch ${remote} tag ${name})` : ''}, so there is no commit to judge; check the name (git tag --list)${didYouMean(name, tags)} — to judge a tag about to be made, pass --head REV`,
  );
}
