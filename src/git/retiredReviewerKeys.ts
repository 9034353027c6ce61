import type { SignedStatement } from '../core/approvalStatement';
import { ReviewerKeys } from '../core/reviewerKeys';
import { parsePolicy, POLICY_FILE, type Policy } from '../core/policy';
import { retiredFrom, retiredReviewersOf, setRetiredReviewers } from '../core/retiredReviewers';
import { readObjects } from './catFileBatch';
import { runGit } from './gitRunner';
import { noLazyFetchEnv } from './missingObjects';

/**
 * Where each policy object was read (policyRead.ts): the commit whose `.countersign.json` it is, so the keys its
 * earlier revisions listed can be found when a rejection needs them (core/retiredReviewers.ts).
 */
const origins = new WeakMap<Policy, { cwd: string; commit: string }>();

export function notePolicyOrigin(policy: Policy, cwd: string, commit: string): void {
  origins.set(policy, { cwd, commit });
}

/**
 * How many earlier revisions of the policy are searched for retired keys. A bound, so a long-lived policy branch
 * costs one bounded walk; a key retired more than this many policy changes ago no longer holds its rejections.
 */
export const RETIRED_KEY_REVISIONS = 200;

/**
 * Attaches the retired reviewer keys to `policy` when some rejection among `statements` is not signed with a key
 * the policy lists today — only then, so the common push pays nothing: one `git rev-list` over the policy file's
 * history and one `cat-file --batch` of its earlier revisions. Earlier revisions that do not parse are skipped
 * (they vouched for nothing then either). Quietly does nothing for a policy of unknown origin.
 */
export async function attachRetiredKeysFor(
  policy: Policy,
  statements: Iterable<{ signed: SignedStatement }>,
): Promise<void> {
  if (retiredReviewersOf(policy)) return;
  const origin = origins.get(policy);
  if (!origin) return;
  const listed = new ReviewerKeys(policy, undefined, { retired: false });
  let needed = false;
  for (const { signed: s } of statements) {
    if (s.statement.decision === 'reject' && !listed.plausible(s)) {
      needed = true;
      break;
    }
  }
  if (!needed) return;
  setRetiredReviewers(policy, retiredFrom(policy, await earlierPolicies(origin.cwd, origin.commit)));
}

/** The policy as it was before each change to it reachable from `commit`, newest first, up to the bound. */
async function earlierPolicies(cwd: string, commit: string): Promise<Policy[]> {
  const r = await runGit(['rev-list', `--max-count=${RETIRED_KEY_REVISIONS + 1}`, commit, '--', POLICY_FILE], {
    cwd,
    okCodes: [128],
    env: noLazyFetchEnv(),
  });
  if (r.code !== 0) return [];
  const revisions = r.stdout.split('\n').filter(Boolean);
  const texts = new Map<string, string>();
  await readObjects(
    cwd,
    revisions.map((c) => `${c}:${POLICY_FILE}`),
    (name, content) => {
      if (content) texts.set(name, content.toString('utf8'));
    },
    { maxBytes: 1 << 20 },
  ).catch(() => undefined);
  const out: Policy[] = [];
  for (const c of revisions) {
    const text = texts.get(`${c}:${POLICY_FILE}`);
    if (text === undefined) continue;
    try {
      out.push(parsePolicy(text, `${c}:${POLICY_FILE}`));
    } catch {
      // An unreadable revision listed no usable key.
    }
  }
  return out;
}
