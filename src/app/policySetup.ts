import * as fs from 'fs';
import * as path from 'path';
import { CountersignError } from '../core/errors';
import { samePerson } from '../core/person';
import { keyIdentity } from '../core/sshKeyIdentity';
import { checkPolicy, POLICY_FILE, type Policy, type PolicyInput } from '../core/policy';
import { DEFAULT_TIERS } from '../core/defaultTiers';
import { tierCoverage, tierCoverageLines } from '../core/tierCoverage';
import { formatProblem } from '../core/policyProblems';
import { publicKeyProblem } from '../core/policySchema';
import { DEFAULT_UNTRACKED_THRESHOLD } from '../core/untrackedReview';
import { writeFileAtomic } from '../git/atomicFile';
import { runGit } from '../git/gitRunner';
import { refuseSymlinkedPath } from '../git/symlinkGuard';
import { readWorkTreePolicy } from '../git/workTreePolicy';
import { parseShallowJson } from '../core/jsonDepth';

/**
 * Writing and editing `.countersign.json`: the one implementation behind `policy init`, `policy add-reviewer`,
 * `init` and the editor's "Create Policy" / "Add Reviewer's SSH Key", so each writes the same defaults,
 * validates the same way and refuses a symlinked path alike.
 */
export interface ReviewerEntry {
  name: string;
  email: string;
  /** One SSH public key line (`ssh-ed25519 AAAA… comment`). */
  key: string;
  role?: string;
}

export interface WrittenPolicy {
  file: string;
  policy: Policy;
  warnings: string[];
}

/** `Name <email>` as people write it (and git prints it), or undefined. */
export function parseReviewerSpec(text: string): { name: string; email: string } | undefined {
  const m = /^\s*(.*?)\s*<([^<>\s]+@[^<>\s]+)>\s*$/.exec(text);
  return m && m[1] ? { name: m[1], email: m[2] } : undefined;
}

/**
 * What is wrong with a reviewer written other than `Name <email>`, in words (newuser14 S33: every mistake got
 * the one hint "give the reviewer as one argument", although it was one).
 */
export function reviewerSpecProblem(text: string): string {
  const shown = JSON.stringify(text);
  const bracketed = /<([^<>]*)>/.exec(text);
  if (!bracketed) {
    const email = text.trim();
    return /^[^<>\s]+@[^<>\s]+$/.test(email)
      ? `${shown} has no name: write "Name <${email}>"`
      : `${shown} is not "Name <email>" (no <email> in it)`;
  }
  const inside = bracketed[1].trim();
  if (!/^[^<>\s]+@[^<>\s]+$/.test(inside)) return `${JSON.stringify(inside)} in ${shown} is not an email address`;
  if (!text.slice(0, bracketed.index).trim())
    return `${shown} has no name before <${inside}>: write "Name <${inside}>"`;
  return `${shown} is not "Name <email>" (text after the closing >?)`;
}

/** The first key line of a public key file's text, checked; throws naming `source` and what is wrong. */
export function publicKeyLine(text: string, source: string): string {
  const line =
    text
      .split('\n')
      .map((l) => l.trim())
      .find((l) => l && !l.startsWith('#')) ?? '';
  const problem = publicKeyProblem(line);
  if (problem) throw new CountersignError('usage', `${source}: ${problem}`);
  return line;
}

/** A new policy: the given branches and reviewers, and the defaults every new repository starts from. */
export function newPolicy(protect: string[], reviewers: ReviewerEntry[]): PolicyInput {
  return {
    version: 1,
    protectedBranches: protect,
    reviewers: reviewers.map((r) => ({
      name: r.name,
      email: r.email,
      key: r.key,
      ...(r.role ? { role: r.role } : {}),
    })),
    approvals: 1,
    review: { aiLines: 1, aiShare: 0, unattested: true, untracked: { ...DEFAULT_UNTRACKED_THRESHOLD }, paths: [] },
    tiers: DEFAULT_TIERS.map((t) => ({ ...t })),
  };
}

/** Validates `text` as the policy at `file` and writes it atomically (never through a symlink). */
function writeChecked(root: string, file: string, text: string, what: string): WrittenPolicy {
  const checked = checkPolicy(text, POLICY_FILE);
  if (!checked.policy) {
    throw new CountersignError(
      'config',
      `${what} would make ${POLICY_FILE} invalid:\n${checked.problems.map(formatProblem).join('\n')}`,
    );
  }
  refuseSymlinkedPath(root, file, 'write the policy');
  writeFileAtomic(file, text);
  return { file, policy: checked.policy, warnings: checked.warnings };
}

/** Writes `.countersign.json` at `root`; an existing one is replaced only with `force`. */
export function writeNewPolicy(
  root: string,
  o: { protect: string[]; reviewers: ReviewerEntry[]; force?: boolean },
): WrittenPolicy {
  const file = path.join(root, POLICY_FILE);
  if (!o.force && fs.existsSync(file)) {
    throw new CountersignError('usage', `${file} already exists; edit it, or pass --force to replace it`);
  }
  return writeChecked(root, file, JSON.stringify(newPolicy(o.protect, o.reviewers), null, 2) + '\n', 'the new policy');
}

/**
 * Adds a reviewer to the policy at `root`, keeping everything else in the file as it is. The result must
 * validate (the same person or key twice is refused by the policy's own rules). A reviewer already listed (the
 * gate's samePerson) is refused, or with `replace` gets the new key in place.
 */
export function addReviewer(
  root: string,
  reviewer: ReviewerEntry,
  o: { replace?: boolean } = {},
): WrittenPolicy & { replaced: boolean; keptName?: string } {
  const file = path.join(root, POLICY_FILE);
  refuseSymlinkedPath(root, file, 'read the policy');
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new CountersignError(
      'config',
      `cannot read ${file} (${(e as Error).message}); create it first with \`countersign policy init\``,
    );
  }
  let data: { reviewers?: unknown } & Record<string, unknown>;
  try {
    data = parseShallowJson(text.replace(/^\uFEFF/, ''), 'the policy') as typeof data;
  } catch (e) {
    throw new CountersignError(
      'config',
      `${file} is not valid JSON (${(e as Error).message}); fix it first (\`countersign policy check\` says where)`,
    );
  }
  const entry = {
    name: reviewer.name,
    email: reviewer.email,
    key: reviewer.key,
    ...(reviewer.role ? { role: reviewer.role } : {}),
  };
  const list: unknown[] = Array.isArray(data.reviewers) ? data.reviewers : [];
  const at = list.findIndex((r) => samePerson(emailOf(r), reviewer.email));
  if (at >= 0 && !o.replace) {
    const id = keyIdentity(keyOf(list[at]) ?? '');
    throw new CountersignError(
      'usage',
      `${reviewer.email} is already a reviewer (reviewers[${at}] in ${POLICY_FILE}${id ? `, key ${id}` : ''}); to give them a new key (a lost or rotated one), pass --replace, then commit the change through review`,
    );
  }
  // Key rotation (newuser16 F1): the entry keeps its place, name and role unless given; only the key must change.
  if (at >= 0)
    list[at] = { ...(list[at] as object), key: reviewer.key, ...(reviewer.role ? { role: reviewer.role } : {}) };
  data.reviewers = at >= 0 ? list : [...list, entry];
  const what = `${at >= 0 ? 'replacing the key of' : 'adding'} ${reviewer.name} <${reviewer.email}>`;
  // The name the entry keeps, when it is not the one given: saying the given one would misreport the file (newuser24 F10).
  const listed = at >= 0 ? nameOf(list[at]) : undefined;
  const keptName = listed !== undefined && listed !== reviewer.name ? listed : undefined;
  return {
    ...writeChecked(root, file, JSON.stringify(data, null, 2) + '\n', what),
    replaced: at >= 0,
    ...(keptName !== undefined ? { keptName } : {}),
  };
}

function emailOf(r: unknown): string | undefined {
  const e = (r as { email?: unknown } | null)?.email;
  return typeof e === 'string' ? e : undefined;
}

function nameOf(r: unknown): string | undefined {
  const n = (r as { name?: unknown } | null)?.name;
  return typeof n === 'string' ? n : undefined;
}

function keyOf(r: unknown): string | undefined {
  const k = (r as { key?: unknown } | null)?.key;
  return typeof k === 'string' ? k : undefined;
}

/** tierCoverageLines over the files git tracks at `root` (the work tree's index): what the policy's tiers already catch. */
export async function tierNotesAt(root: string, policy: Policy): Promise<string[]> {
  if (!policy.tiers.some((t) => t.paths.length > 0)) return [];
  const r = await runGit(['ls-files', '-z'], { cwd: root, okCodes: [128] });
  if (r.code !== 0) return [];
  return tierCoverageLines(tierCoverage(policy, r.stdout.split('\0').filter(Boolean)), POLICY_FILE);
}

/** What `init` says of the `.countersign.json` it keeps: how to replace it, and first whether it is broken. */
export function keptPolicyReason(root: string): string {
  const { problem, policy } = readWorkTreePolicy(root);
  if (problem)
    return `but ${problem}; \`countersign policy check\` lists every problem with its fix; fix it, or --force replaces it`;
  // newuser17 F7: every teammate runs init; for them --force (a new policy over the team's) is never the next step.
  if (!policy) return 'pass --force to replace it';
  const protects =
    policy.protectedBranches.length > 0 ? `protects ${policy.protectedBranches.join(', ')}` : 'protects nothing';
  const n = policy.reviewers.length;
  return `the team's policy (${protects}; ${n} reviewer${n === 1 ? '' : 's'}); change it with countersign policy add-reviewer or an edit, reviewed like any commit`;
}
