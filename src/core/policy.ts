import type * as z from 'zod/mini';
import { CountersignError } from './errors';
import { matchGlob } from './glob';
import { duplicateKeys, formatJsonPath, jsonSyntaxError } from './jsonLocation';
import { jsonDepthProblem, MAX_JSON_DEPTH } from './jsonDepth';
import { policySchema } from './policySchema';
import { problemsFromZod, formatProblem, type PolicyProblem } from './policyProblems';

/**
 * `.countersign.json`: who may approve what before it lands on a protected branch. The gate reads it from
 * the protected branch as the remote has it, never from the commits being pushed (src/git/gateInput.ts).
 * Its shape is the zod schema in policySchema.ts; problems are worded by policyProblems.ts; the default tiers
 * are in defaultTiers.ts. Here: the types, reading and checking a policy, and which refs it protects.
 */
export { POLICY_FILE } from './policyFile';

export type Policy = z.output<typeof policySchema>;
export type PolicyInput = z.input<typeof policySchema>;
export type Reviewer = Policy['reviewers'][number];
export type Tier = Policy['tiers'][number];

export interface PolicyCheck {
  policy?: Policy;
  problems: PolicyProblem[];
  warnings: string[];
}

/**
 * A policy blob as read from git (src/git/policyBlob.ts): its text, or only its size when that is over
 * MAX_POLICY_BYTES — such a blob is never read (attack21 01), and every reader refuses it as checkPolicy does.
 */
export type PolicyText = string | { unreadBytes: number };

/** Parses and validates, collecting every problem with its location (for `policy check`). */
export function checkPolicy(text: PolicyText, file: string): PolicyCheck {
  // Before anything recursive reads it (attack17 Q7): a policy is a few kilobytes, a few levels deep.
  const whole = (p: { message: string; fix: string }) => ({
    problems: [{ file, path: '(top level)', ...p }],
    warnings: [],
  });
  if (typeof text !== 'string') return whole(policySizeProblem(text.unreadBytes));
  const tooBig = policyShapeProblem(text);
  if (tooBig) return whole(tooBig);
  try {
    return checkPolicyText(text, file);
  } catch (e) {
    // Belt and braces for the bound above: a reader running out of stack is an unreadable policy, never a crash.
    if (!(e instanceof RangeError)) throw e;
    return {
      problems: [{ file, path: '(top level)', message: `the policy cannot be read (${e.message})`, fix: RESTORE }],
      warnings: [],
    };
  }
}

function checkPolicyText(text: string, file: string): PolicyCheck {
  let data: unknown;
  try {
    data = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (e) {
    const found = jsonSyntaxError(text);
    return {
      problems: [
        {
          file,
          path: '(syntax)',
          ...found?.position,
          message: `not valid JSON: ${found?.message ?? (e as Error).message}`,
          fix: 'fix the JSON syntax at that position (JSON has no comments or trailing commas; strings use double quotes)',
        },
      ],
      warnings: [],
    };
  }
  // JSON.parse keeps the last of two equal keys; a reviewer reads the first. Refused, wherever the policy is read.
  const dups = duplicateKeys(text.replace(/^\uFEFF/, ''));
  if (dups.length > 0)
    return {
      problems: dups.map((d) => ({
        file,
        path: formatJsonPath([...d.path, d.key]),
        ...d.position,
        message: `the key "${d.key}" appears twice in the same object (first at line ${d.first.line}); JSON keeps only the last one, while a reader sees the first`,
        fix: `keep one "${d.key}" and delete the other`,
      })),
      warnings: [],
    };
  const r = policySchema.safeParse(data);
  if (!r.success) return { problems: problemsFromZod(r.error, text, file, data), warnings: [] };
  return { policy: r.data, problems: [], warnings: policyWarnings(r.data) };
}

/** A policy is read whole and located recursively: these bounds keep both cheap and the stack intact. */
export const MAX_POLICY_BYTES = 1024 * 1024;
const RESTORE = 'restore it from its last good revision (`git log -p -- .countersign.json`)';

/** The one size rule, for a policy read (policyShapeProblem) or left unread by its size (src/git/policyBlob.ts). */
function policySizeProblem(bytes: number): { message: string; fix: string } {
  return {
    message: `the policy is ${bytes} bytes long, more than the ${MAX_POLICY_BYTES} a policy may have`,
    fix: `a policy lists branches, reviewers and tiers: ${RESTORE}`,
  };
}

function policyShapeProblem(text: string): { message: string; fix: string } | undefined {
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > MAX_POLICY_BYTES) return policySizeProblem(bytes);
  const deep = jsonDepthProblem(text, 'the policy');
  if (deep)
    return {
      message: deep,
      fix: `a policy nests ${MAX_JSON_DEPTH} levels at most (its own fields need 4): remove the deep nesting, or ${RESTORE}`,
    };
  return undefined;
}

/**
 * The policy in `text`, or a CountersignError('config') listing every problem with file:line:column, the
 * JSON path, what was expected and the fix. The gate treats that error as "blocked" (fail closed).
 */
export function parsePolicy(text: PolicyText, file: string): Policy {
  const r = checkPolicy(text, file);
  if (!r.policy) {
    const n = r.problems.length;
    throw new CountersignError(
      'config',
      `${file} is not a valid Countersign policy (${n} problem${n === 1 ? '' : 's'}):\n${r.problems.map((p) => '  ' + formatProblem(p)).join('\n')}`,
    );
  }
  return r.policy;
}

/** Valid but probably not what was meant: requirements nobody listed can meet. */
export function policyWarnings(p: Policy): string[] {
  const out: string[] = [];
  if (p.protectedBranches.length === 0)
    out.push('protectedBranches is empty: no branch is protected, so the gate lets every push through.');
  if (p.reviewers.length === 0 && p.protectedBranches.length > 0)
    out.push(
      'reviewers is empty: commits that need review can never be approved, so pushes to protected branches stay blocked.',
    );
  const roles = new Set(p.reviewers.map((r) => r.role).filter((r): r is string => r !== undefined));
  if (p.approvals > p.reviewers.length && p.reviewers.length > 0)
    out.push(`approvals is ${p.approvals} but only ${p.reviewers.length} reviewer(s) are listed.`);
  for (const t of p.tiers) {
    if (t.approvals > p.reviewers.length && p.reviewers.length > 0)
      out.push(
        `tier '${t.name}' needs ${t.approvals} approvals but only ${p.reviewers.length} reviewer(s) are listed: add reviewers or lower it.`,
      );
    for (const role of t.roles)
      if (!roles.has(role)) out.push(`tier '${t.name}' needs role '${role}' but no reviewer has it.`);
  }
  // Nobody approves their own change, so a reviewer's own commit is approvable only by the others (newuser8 F8/F9).
  const most = Math.max(p.approvals, ...p.tiers.map((t) => t.approvals));
  if (p.reviewers.length > 0 && p.reviewers.length <= most)
    out.push(
      `nobody approves their own change, so with ${p.reviewers.length} reviewer(s) a reviewer's own commit that needs ${most} approval(s) can never pass: list at least ${most + 1} reviewers.`,
    );
  return out;
}

export const TAG_PREFIX = 'refs/tags/';

/** Every tag is protected when the policy does not list `protectedTags`; this names that in messages. */
export const ALL_TAGS = '(every tag: protectedTags is not set)';

/**
 * The pattern that protects a ref, or undefined. A tag is named by its full ref (`refs/tags/v1.0`), a branch
 * by its short name or `refs/heads/…` — the gate's one notion of "protected" for both (docs/design.md, "The policy").
 */
export function isProtected(policy: Policy, ref: string): string | undefined {
  if (ref.startsWith(TAG_PREFIX)) {
    const tag = ref.slice(TAG_PREFIX.length);
    if (policy.protectedTags === undefined) return ALL_TAGS;
    return policy.protectedTags.find((p) => matchGlob(p, tag));
  }
  const name = ref.replace(/^refs\/heads\//, '');
  return policy.protectedBranches.find((p) => matchGlob(p, name));
}
