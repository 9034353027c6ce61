import type { GateResult, PolicySource } from '../core/gate';
import { isProtected } from '../core/policy';
import { shortSha } from '../core/shortSha';
import { runGit } from './gitRunner';

/**
 * The commit a tag's value names (through annotated tags), or why it names none. The server's pre-receive,
 * the client's pre-push and `verify` judge a tag as the commit it names (docs/design.md, `protectedTags`).
 */
export async function peelTag(cwd: string, oidValue: string): Promise<{ commit: string } | { error: string }> {
  const r = await runGit(['rev-parse', '--verify', '--quiet', `${oidValue}^{commit}`], { cwd, okCodes: [1, 128] });
  if (r.code === 0) return { commit: r.stdout.trim() };
  return { error: notACommit(oidValue) };
}

/** Why a tag whose value names no commit is refused (also for values peeled in a batch, pushFacts.ts). */
export function notACommit(oidValue: string): string {
  return `the tag names ${shortSha(oidValue)}, which is not a commit: a protected tag must name a reviewed commit`;
}

/**
 * The verdict on a push of `ref` whose value names no commit (`why`, from notACommit): where the policy protects
 * `ref` it is refused outright, before any commit is judged; elsewhere undefined, and the ref is judged as any
 * other. One decision for the server's pre-receive, the client's pre-push and `verify`, so that they agree.
 */
export function nonCommitTagVerdict(
  policy: PolicySource,
  ref: string,
  shown: string,
  why: string,
): GateResult | undefined {
  if (policy.kind !== 'ok' || isProtected(policy.policy, ref) === undefined) return undefined;
  return {
    ok: false,
    branch: shown,
    protected: true,
    commits: [],
    errors: [why],
    notices: [],
    policyFrom: policy.from,
  };
}
