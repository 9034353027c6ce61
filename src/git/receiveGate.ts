import { evaluateGate, type GateResult, type PolicySource } from '../core/gate';
import { isProtected, POLICY_FILE, TAG_PREFIX, type Policy } from '../core/policy';
import { protectingPolicyBranch } from '../core/policyBranchProtection';
import { closedWhileUnreadable } from '../core/policyRecovery';
import { REVIEW_NOTES_REF } from './notesConfig';
import { gatherGateInput } from './gateInput';
import { nonCommitTagVerdict } from './peelTag';
import {
  allowedRefPrefixes,
  confusingRefName,
  objectIdRefNames,
  outsideNamespaces,
  refsNamedAlike,
  shadowingRefName,
  squatsProtectedBranch,
} from './confusingRefName';
import { refsAfterPush, tagsAfterPush } from './refsAfterPush';
import { ServerRefs } from './serverRefs';
import { newRefCapRefusal } from './newRefCap';
import { PushFacts, protectedTipsOf } from './pushFacts';
import { runGit, withGitReadCache } from './gitRunner';
import { notesRefRefusal } from './notesRefGuard';
import { pushCommandRefusals } from './pushCommands';
import { AddedApprovals, LandTogether, namesFreedByDeletion, refsReadAfterPush } from './landTogether';
import { verdictReads } from './verdictReads';
import type { LandedTips } from './landedAiNotes';
import { policyBranchRefusal, policyTextAt, recoveryGrant, serverPolicyBranch } from './policyBranch';
import { acceptedPolicy, policyState } from './serverPolicyState';
import type { HookOutcome } from './prePush';
import { isNullObjectId } from '../core/nullObjectId';

/**
 * pre-receive on a server (bare repository), the gate's real enforcement. Every update of a branch or tag is
 * judged under the policy on the server's policy branch (policyBranch.ts) as it stands before the push —
 * never a policy the push brings or one on the ref being updated. A symbolic ref is judged as the ref it
 * points to. Every update of a notes ref must keep what the server had (notesRefGuard.ts). Approvals come
 * from the server's refs/notes/countersign or, when the same push updates that ref, from the proposed notes
 * commit (readable in the quarantine git sets up for the hook), which the guard has checked holds every
 * statement the server had; a verdict that counted an approval only that commit holds then lands with it or not at
 * all (landTogether.ts), as does any other verdict that relied on another command of the push.
 */

export interface ReceivedRef {
  old: string;
  new: string;
  ref: string;
}

export function parsePreReceiveLines(stdin: string): ReceivedRef[] {
  return stdin
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .map((l) => {
      const [old, nw, ref] = l.split(/\s+/);
      return { old, new: nw, ref };
    })
    .filter((r) => r.ref !== undefined);
}

const oid = (s: string) => (isNullObjectId(s) ? undefined : s);
const HEADS = 'refs/heads/';
const REPLACE_PREFIX = 'refs/replace/';

/** The ref a chain of symbolic refs ends at (git allows a few levels; a loop ends where it repeats). */
function resolveSymref(symrefs: Map<string, string>, ref: string): string {
  const seen = new Set<string>();
  let at = ref;
  while (symrefs.has(at) && !seen.has(at)) {
    seen.add(at);
    at = symrefs.get(at) as string;
  }
  return at;
}

function passing(branch: string, notice: string): GateResult {
  return { ok: true, branch, protected: false, commits: [], errors: [], notices: [notice] };
}

function refused(branch: string, error: string, policyFrom?: string): GateResult {
  return {
    ok: false,
    branch,
    protected: true,
    commits: [],
    errors: [error],
    notices: [],
    ...(policyFrom ? { policyFrom } : {}),
  };
}

/**
 * The whole judgement is one snapshot (gitRunner.withGitReadCache): nothing in it writes to the repository, and a
 * push's commands, the policy, its blob and the server's config were each read by several rules, a git process
 * every time (the policy blob four times, the repository's folders three). No listing of every ref with its objects
 * (batchedReads.ts): a tag flood made each one slow (attack17 Q1). Its small object questions (what a value or a
 * notes ref peels to, the policy's blob, an object's type) go to one batch-check kept open (snapshotObjects.ts).
 */
export function preReceive(cwd: string, stdin: string): Promise<HookOutcome> {
  return withGitReadCache(() => judgePush(cwd, stdin), { refListing: false, objectQuestions: true });
}

async function judgePush(cwd: string, stdin: string): Promise<HookOutcome> {
  const updates = parsePreReceiveLines(stdin);
  // One push creates at most so many refs (newRefCap.ts): each ref the server holds costs later pushes (attack17 Q1).
  // Decided first (a config read), so that such a push is refused without the server's refs being read for it.
  const capped = await newRefCapRefusal(cwd, updates);
  // The branches, and the refs the push names (a symbolic ref anywhere, refs/x/main -> refs/heads/main, moves its
  // target); tags only as a rule needs them (serverRefs.ts: a tag flood cost every push its reads, attack17 Q1).
  const read = capped
    ? undefined
    : await ServerRefs.read(
        cwd,
        updates.map((u) => u.ref),
      );
  // First, before anything is judged: one command per ref, each from the value the server holds now (attack18).
  // From here on every old value is the server's own, which the notes guard and the ranges below rely on.
  const commandRefusals = await pushCommandRefusals(cwd, updates, read?.named);
  if (commandRefusals.length > 0) return { results: [], messages: commandRefusals, ok: false };
  if (capped || !read) return { results: [], messages: capped ? [capped] : [], ok: false };
  const refs: ServerRefs = read;
  const { value, symrefs, heads } = refs;

  const pb = await serverPolicyBranch(cwd);
  const pbRef = pb ? HEADS + pb.branch : undefined;
  const pbTip = pbRef ? value.get(pbRef) : undefined;
  const state = await policyState(cwd, pb?.branch, pb?.recorded ?? false, pbTip);

  // The keys that may add statements to the approvals ref: the policy branch's (the last readable one while it is broken).
  const keysFrom = state.kind === 'ok' ? state.source.policy : state.kind === 'closed' ? state.last : undefined;
  // Only a push of a notes ref other than the approvals asks which commits have landed (notesRefGuard.ts).
  const notesOfCommits = updates.some((u) => u.ref.startsWith('refs/notes/') && u.ref !== REVIEW_NOTES_REF);
  const landedTips: LandedTips = keysFrom && notesOfCommits ? await landedTipsOf(keysFrom) : { branches: [], tags: [] };
  /**
   * The commits whose new or changed provenance notes are judged (landedAiNotes.ts: attack12 L6, attack13 M2/M3):
   * those the protected branches hold, and the protected tags (attack13 M4: a reviewed commit released only as a
   * tag is as landed as one on main), and the commits this push itself puts on protected refs (M5: landed tips read
   * before the push let one atomic push rewrite a note and land its commit). Pushing main with the hooks' notes of
   * the commits it brings passes: each agrees with its commit's AI-Provenance trailer.
   */
  async function landedTipsOf(policy: Policy): Promise<LandedTips> {
    const branches = new Set(protectedTipsOf(policy, heads, ''));
    const tags = new Set(await refs.protectedTagCommits(policy));
    for (const u of updates) {
      const v = oid(u.new);
      const ref = resolveSymref(symrefs, u.ref);
      if (v === undefined || !isProtected(policy, ref)) continue;
      if (ref.startsWith(HEADS)) branches.add(v);
      else if (ref.startsWith(TAG_PREFIX)) tags.add(v); // an annotated tag's id: rev-list peels it
    }
    return { branches: [...branches], tags: [...tags] };
  }
  const messages: string[] = [];
  for (const u of updates) {
    const refusal = await notesRefRefusal(cwd, { ref: u.ref, old: oid(u.old), new: oid(u.new) }, keysFrom, landedTips);
    if (refusal) messages.push(refusal);
  }
  const notesPush = updates.find((u) => u.ref === REVIEW_NOTES_REF && oid(u.new) !== undefined);
  // A refused notes update fails the push anyway; its branches are still judged (with the union) to say why.
  const approvals =
    notesPush && messages.length === 0
      ? { approvalRefs: [], approvalCommits: [notesPush.new] }
      : { approvalRefs: [REVIEW_NOTES_REF], approvalCommits: notesPush ? [notesPush.new] : [] };

  /** The branches once this push is in, and (read when asked) the tags `wanted` keeps (refsAfterPush.ts). */
  function afterPush(commitOf: (v: string) => string | undefined) {
    const moved = updates.map((u) => ({ ref: resolveSymref(symrefs, u.ref), new: oid(u.new) }));
    const branches = refsAfterPush({ heads, tags: [] }, moved, commitOf).branches;
    const tags = async (wanted: (ref: string) => boolean) =>
      refsAfterPush({ heads: [], tags: await refs.tags(wanted) }, moved, commitOf).tags.filter((t) => wanted(t.ref));
    return { branches, tags };
  }

  // Verdicts that rely on another command of the push (landTogether.ts, issue 10): those refs land together or not
  // at all, as git applies a push without --atomic ref by ref after this gate passed it.
  const together = new LandTogether();
  const commands = updates.map((u) => ({
    ref: u.ref,
    target: resolveSymref(symrefs, u.ref),
    old: oid(u.old),
    new: oid(u.new),
  }));
  let added: AddedApprovals | undefined;
  let readsAll = false; // a verdict read every branch and tag as they will be (a policy change)
  const results = await judgeUpdates();
  const ok = messages.length === 0 && results.every((r) => r.ok);
  if (!ok) return { results, messages, ok };
  // The policy this push leaves on the policy branch is the last readable one once git moves the ref, not from the
  // next read (remembered by the reference-transaction hook: serverPolicyState.ts acceptedPolicy).
  const toPolicyBranch = commands.find((c) => c.target === pbRef && c.new !== undefined);
  const accepted = pb && toPolicyBranch?.new ? await acceptedPolicy(cwd, pb.branch, toPolicyBranch.new) : undefined;
  // What the verdicts read, so that only a change of that refuses this push at the ref update (attack23 03).
  const policy = state.kind === 'ok' ? state.source.policy : undefined;
  const reads = verdictReads({ commands, policy, policyRef: pbRef, readsAll });
  return { results, messages, ok, landTogether: together.list(), verdictReads: reads, acceptedPolicy: accepted };

  async function judgeUpdates(): Promise<GateResult[]> {
    // Read once for every ref (G9): what each value names, which of those commits the protected branches hold,
    // the approvals. A ref that brings nothing new to judge then costs no git process of its own.
    const values = updates.flatMap((u) => {
      const v = oid(u.new);
      return v !== undefined && !u.ref.startsWith(REPLACE_PREFIX) ? [v] : [];
    });
    const facts = await PushFacts.read(
      cwd,
      values,
      state.kind === 'ok' ? protectedTipsOf(state.source.policy, heads, '') : [],
      approvals,
    );

    if (approvals.approvalRefs.length === 0) added = new AddedApprovals(cwd, () => facts.approvals());
    const results: GateResult[] = [];
    const judged = new Set<string>();
    // Names git's lookup would take for a protected branch (attack14 N5) or a tag (P1), once a policy is in force.
    const shadowPolicy =
      state.kind === 'ok' ? state.source.policy : state.kind === 'closed' ? state.protects : undefined;
    // Refs the push does not name that its names collide with: tags' case twins, what shadows a new protected branch.
    const alike =
      state.kind === 'ok' || state.kind === 'closed'
        ? await refsNamedAlike(cwd, {
            tags: updates.filter((u) => oid(u.new) !== undefined).map((u) => resolveSymref(symrefs, u.ref)),
            branches: updates
              .filter((u) => oid(u.old) === undefined && oid(u.new) !== undefined && !symrefs.has(u.ref))
              .filter((u) => u.ref === pbRef || (shadowPolicy && isProtected(shadowPolicy, u.ref) !== undefined))
              .map((u) => u.ref),
          })
        : undefined;
    const shadow = alike && {
      policy: shadowPolicy,
      branches: new Set(afterPush(() => undefined).branches.map((b) => b.branch)),
      tags: tagsAfterPush(
        updates,
        (n) => refs.hadTagNamed(n),
        (r) => resolveSymref(symrefs, r),
        alike.twinTags,
      ),
      shadowedBy: alike.shadowedBy,
      allowed: updates.some((u) => outsideNamespaces(u.ref)) ? await allowedRefPrefixes(cwd) : [],
    };
    if (shadow) for (const [ref, deletion] of namesFreedByDeletion(commands)) together.relyOn(ref, [deletion]);
    // Branches and tags named like a commit id (attack P2): one git process for the whole push at most.
    const created = updates.filter((u) => oid(u.old) === undefined && oid(u.new) !== undefined).map((u) => u.ref);
    const idNamed = await objectIdRefNames(cwd, created);
    for (const u of updates) {
      if (u.ref.startsWith(REPLACE_PREFIX) && oid(u.new) !== undefined) {
        results.push(
          refused(
            u.ref,
            `pushing ${u.ref} is not allowed: a replace ref makes git show another object in place of ${u.ref.slice(REPLACE_PREFIX.length, REPLACE_PREFIX.length + 12)}, which could stand in for a commit or policy the gate judges; replace refs are made by an administrator on the server, if at all`,
          ),
        );
        continue;
      }
      const confusing =
        oid(u.new) === undefined
          ? undefined
          : ((oid(u.old) === undefined
              ? (confusingRefName(u.ref) ?? idNamed.get(u.ref) ?? squatsProtectedBranch(u.ref, shadowPolicy))
              : undefined) ?? (shadow && !symrefs.has(u.ref) ? shadowingRefName(u.ref, shadow) : undefined));
      if (confusing) {
        results.push(refused(u.ref, confusing));
        continue;
      }
      // A symbolic ref moves the ref it points to: judge that ref, from its value (docs/design.md: "judged as the
      // branch it points to"), wherever the symbolic ref lives. git itself refuses a push that gives the two
      // different values.
      const ref = resolveSymref(symrefs, u.ref);
      if (!ref.startsWith(HEADS) && !ref.startsWith(TAG_PREFIX)) continue;
      const update = { old: ref === u.ref ? oid(u.old) : value.get(ref), new: oid(u.new) };
      const key = `${ref} ${update.new ?? ''}`;
      if (judged.has(key)) continue;
      judged.add(key);
      const name = ref.startsWith(HEADS) ? ref.slice(HEADS.length) : ref;
      const shown = ref === u.ref ? name : `${name} (through the symbolic ref ${u.ref})`;
      const toPolicyBranch = ref === pbRef;

      if (toPolicyBranch && update.new) {
        // Once a policy is in force here (read now, or remembered while the branch is broken), it may not go.
        const inForce = state.kind === 'ok' || (state.kind === 'closed' && state.last !== undefined);
        const refusal = await policyBranchRefusal(cwd, { branch: name, rev: update.new, old: update.old, inForce });
        if (refusal) {
          results.push(refused(shown, refusal));
          continue;
        }
      }

      let policy: PolicySource;
      if (state.kind === 'ok' || state.kind === 'none') {
        policy = state.source;
      } else if (state.kind === 'bootstrap') {
        if (toPolicyBranch) {
          results.push(
            passing(
              shown,
              `${name} is the policy branch and is being created; from now on its ${POLICY_FILE} judges every protected ref.`,
            ),
          );
        } else {
          results.push(refused(shown, state.message));
        }
        continue;
      } else {
        const grant =
          toPolicyBranch && update.new !== undefined && (await policyTextAt(cwd, update.new)) !== undefined
            ? await recoveryGrant(cwd, name, pbTip)
            : undefined;
        if (toPolicyBranch && state.missing && state.last && update.new !== undefined) {
          // Recreating a missing policy branch is what the fix says to do: judged under the last readable
          // policy, as a push onto the value the server last read it from.
          policy = {
            kind: 'ok',
            policy: protectingPolicyBranch(state.last, name),
            from: `the last readable ${POLICY_FILE} (${name} is being recreated)`,
          };
          const known = await runGit(['cat-file', '-e', `${state.missing.lastCommit}^{commit}`], {
            cwd,
            okCodes: [1, 128],
          });
          if (known.code === 0) update.old = state.missing.lastCommit;
        } else if (grant && state.last) {
          policy = {
            kind: 'ok',
            policy: protectingPolicyBranch(state.last, name),
            from: `the last readable ${POLICY_FILE} (recovery granted by an administrator at ${grant.grantedAt})`,
          };
        } else if (grant) {
          results.push(
            passing(
              shown,
              `recovery granted by an administrator at ${grant.grantedAt}: the corrected policy on ${name} is accepted.`,
            ),
          );
          continue;
        } else if (closedWhileUnreadable(state.protects, ref, toPolicyBranch)) {
          results.push({ ...refused(shown, `${state.message}.\n${state.fix}`), policyError: true });
          continue;
        } else {
          results.push(
            passing(
              shown,
              `${name} is not protected by the last readable policy; not held back while the policy branch is broken (${state.message}).`,
            ),
          );
          continue;
        }
      }

      const tagged = ref.startsWith(TAG_PREFIX) && update.new ? facts.commitOf(update.new) : undefined;
      if (ref.startsWith(TAG_PREFIX) && update.new && tagged === undefined) {
        const refusedTag = nonCommitTagVerdict(policy, ref, shown, facts.whyNoCommit(update.new));
        if (refusedTag) {
          results.push(refusedTag);
          continue;
        }
      }
      const input = await gatherGateInput(cwd, {
        update: {
          branch: ref.startsWith(HEADS) ? name : ref,
          old: update.old,
          new: tagged ?? update.new,
        },
        policy,
        ...(pbTip ? { policyTip: pbTip } : {}),
        ...(toPolicyBranch ? { policyBranch: name } : {}),
        otherBranches: heads,
        ...(toPolicyBranch ? { afterPush: afterPush((v) => facts.commitOf(v)) } : {}),
        ...approvals,
        pushFacts: facts,
      });
      const result = evaluateGate(input);
      // A policy change judged with the other refs as they will be (and the approvals those judgements counted).
      readsAll ||= input.judgedAfterPush === true;
      if (input.judgedAfterPush) together.relyOn(u.ref, refsReadAfterPush(u.ref, commands));
      if (added && (input.judgedAfterPush || (await added.reliedOnBy(result))))
        together.relyOn(u.ref, [REVIEW_NOTES_REF]);
      if (shown !== name) result.branch = shown;
      results.push(result);
    }
    return results;
  }
}
