import * as fs from 'fs';
import * as path from 'path';
import { TAG_PREFIX, type Policy } from '../core/policy';
import { foldRefName } from '../core/refNameCase';
import { allowedRefPrefixes, confusingRefName, shadowingRefName, squatsProtectedBranch } from './confusingRefName';
import { guardedNotesRefAbove } from './notesRefGuard';
import { runGit } from './gitRunner';
import { serverPolicyBranch } from './policyBranch';
import { policyState } from './serverPolicyState';

const HEADS = 'refs/heads/';
const REPLACE = 'refs/replace/';

/** One ref (or file) on the server that a push could not create today, and how an administrator removes it. */
export interface RefProblem {
  /** The ref's full name, or the file's path. */
  what: string;
  why: string;
  fix: string;
}

/**
 * What the server already holds that its push rules would refuse (attack24 5), for `install --server` and
 * `doctor`. The rules judge what is pushed, so refs made before the gate was installed stayed: a replace ref
 * (`refs/replace/X` → other content) made the server's `git archive main` and every mirror serve another tree than
 * the gate judged, and `refs/release/2.0` at unreviewed agent code stood in for the protected branch release/2.0
 * on the server once the team created it. Listed: every branch, tag or other ref whose creation the rules refuse
 * today (confusingRefName, shadowingRefName: one rule, in one place), every replace ref (pushing one is refused),
 * and an `info/grafts` file (git reads it as replacement parents). The shadowing rules need a policy in force (as
 * in the gate); without one only the first and the last two count. Names only: no object is read.
 */
export async function refusedServerRefs(gitDir: string): Promise<RefProblem[]> {
  const out: RefProblem[] = [];
  const listed = await runGit(['for-each-ref', '--format=%(refname)'], { cwd: gitDir });
  const refs = listed.stdout.split('\n').filter(Boolean);
  const policy = await policyInForce(gitDir);
  const allowed = refs.some((r) => !r.startsWith(HEADS) && !r.startsWith(TAG_PREFIX))
    ? await allowedRefPrefixes(gitDir)
    : [];
  // By lower-cased name, so each ref is compared with the few names it could collide with (a tag flood of 100,000
  // names would otherwise cost 100,000 comparisons per ref).
  const branches = byLowerName(refs, HEADS);
  const tags = byLowerName(refs, TAG_PREFIX);
  const near = (index: Map<string, string[]>, names: string[]) =>
    new Set(names.flatMap((n) => index.get(foldRefName(n)) ?? []));
  for (const ref of refs) {
    const deleteIt = `git update-ref -d ${ref}`;
    if (ref.startsWith(REPLACE)) {
      out.push({
        what: ref,
        why: `git shows another object in place of ${ref.slice(REPLACE.length)} wherever replace refs are honoured (git archive and deploy hooks here, mirrors), while the gate judges the real one; pushing a replace ref is refused`,
        fix: deleteIt,
      });
      continue;
    }
    const name = ref.startsWith(HEADS)
      ? ref.slice(HEADS.length)
      : ref.startsWith(TAG_PREFIX)
        ? ref.slice(TAG_PREFIX.length)
        : ref.replace(/^refs\//, '');
    const slash = name.indexOf('/');
    const names = slash > 0 ? [name, name.slice(slash + 1)] : [name];
    const above = guardedNotesRefAbove(ref);
    const why =
      confusingRefName(ref) ??
      (above
        ? `git keeps refs as files, so while it exists ${above} cannot be created: no approval or provenance note could be recorded here; creating such a ref is refused`
        : undefined) ??
      squatsProtectedBranch(ref, policy) ??
      (policy
        ? shadowingRefName(ref, { policy, branches: near(branches, names), tags: near(tags, names), allowed })
        : undefined);
    if (why) out.push({ what: ref, why, fix: deleteIt });
  }
  const grafts = path.join(gitDir, 'info', 'grafts');
  if (fs.existsSync(grafts))
    out.push({
      what: grafts,
      why: 'git reads it as other parents for the commits it names (deprecated grafts), so history here differs from what was pushed and judged',
      fix: `rm ${grafts}`,
    });
  return out;
}

/** The policy the gate would judge a push by now (the last readable one while the policy branch is broken). */
async function policyInForce(gitDir: string): Promise<Policy | undefined> {
  const pb = await serverPolicyBranch(gitDir);
  const tip = pb
    ? await runGit(['rev-parse', '--verify', '--quiet', `${HEADS}${pb.branch}`], { cwd: gitDir, okCodes: [1] })
    : undefined;
  const state = await policyState(
    gitDir,
    pb?.branch,
    pb?.recorded ?? false,
    tip?.code === 0 ? tip.stdout.trim() : undefined,
  );
  return state.kind === 'ok' ? state.source.policy : state.kind === 'closed' ? state.protects : undefined;
}

/** The short names of the refs under `prefix`, by their lower-cased name. */
function byLowerName(refs: readonly string[], prefix: string): Map<string, string[]> {
  const index = new Map<string, string[]>();
  for (const r of refs) {
    if (!r.startsWith(prefix)) continue;
    const n = r.slice(prefix.length);
    const k = foldRefName(n);
    index.set(k, [...(index.get(k) ?? []), n]);
  }
  return index;
}
