import { closest } from './didYouMean';
import type * as z from 'zod/mini';
import { policySchema, reviewerSchema, reviewSchema, untrackedThresholdSchema } from './policySchema';
import { formatJsonPath, jsonLocator, type JsonPath } from './jsonLocation';
import { DEFAULT_UNTRACKED_THRESHOLD } from './untrackedReview';

/**
 * Problems in a policy file as `policy check` and every error name them: the place (JSON path, line, column),
 * what was wrong, and an example or the key that was probably meant.
 */
export interface PolicyProblem {
  file: string;
  /** JSON path of the offending value, e.g. `reviewers[1].key`. */
  path: string;
  line?: number;
  column?: number;
  message: string;
  fix: string;
}

export function formatProblem(p: PolicyProblem): string {
  const where = p.line !== undefined ? `${p.file}:${p.line}:${p.column}` : p.file;
  return `${where}: ${p.path}: ${p.message}\n    fix: ${p.fix}`;
}

const EXAMPLES: Record<string, string> = {
  protectedBranches: '"protectedBranches": ["main", "release/*"]',
  reviewers: '"reviewers": [{"name": "Bob", "email": "bob@example.com", "key": "ssh-ed25519 AAAA… bob@laptop"}]',
  name: '"name": "Bob Reviewer"',
  email: '"email": "bob@example.com"',
  key: '"key": "<the single line in the reviewer\'s ~/.ssh/id_ed25519.pub>" (or run `countersign policy init --reviewer "Name <email>" --key FILE.pub`)',
  role: '"role": "sre"',
  approvals: '"approvals": 1 (a whole number, at least 1)',
  aiLines: '"aiLines": 1',
  aiShare: '"aiShare": 0.2 (a number from 0 to 1)',
  unattested: '"unattested": true',
  untracked: `"untracked": {"lines": ${DEFAULT_UNTRACKED_THRESHOLD.lines}, "share": ${DEFAULT_UNTRACKED_THRESHOLD.share}} (or false to turn it off)`,
  lines: `"lines": ${DEFAULT_UNTRACKED_THRESHOLD.lines} (a whole number, at least 1)`,
  share: `"share": ${DEFAULT_UNTRACKED_THRESHOLD.share} (a number from 0 to 1)`,
  paths: '"paths": ["src/auth/**", "*.tf"]',
  deletedFiles: '"deletedFiles": 5',
  deletedLines: '"deletedLines": 500',
  roles: '"roles": ["sre"]',
  scope: '"scope": "all" or "review"',
  tiers: '"tiers": [{"name": "infrastructure", "paths": ["*.tf"], "approvals": 2}]',
  version: '"version": 1',
  protectedTags: '"protectedTags": ["v*", "release-*"]',
  allowForcePushes: '"allowForcePushes": false',
  allowTagMoves: '"allowTagMoves": false',
};

const ALIASES: Record<string, string> = {
  protected: 'protectedBranches',
  protect: 'protectedBranches',
  branches: 'protectedBranches',
  protectedBranch: 'protectedBranches',
  publicKey: 'key',
  sshKey: 'key',
  pubkey: 'key',
  public_key: 'key',
  roles: 'role',
  reviewer: 'reviewers',
  approvers: 'reviewers',
  protectedTag: 'protectedTags',
  tags: 'protectedTags',
  allowForcePush: 'allowForcePushes',
  forcePush: 'allowForcePushes',
  allowTagMove: 'allowTagMoves',
  mutableTags: 'allowTagMoves',
  requiredApprovals: 'approvals',
  minApprovals: 'approvals',
  tier: 'tiers',
  requireReview: 'review',
  needsReview: 'review',
};

function closestKey(unknown: string, known: readonly string[]): string | undefined {
  if (ALIASES[unknown] && known.includes(ALIASES[unknown])) return ALIASES[unknown];
  const lower = unknown.toLowerCase();
  // A prefix either way first (`protected` → protectedBranches), then a typo's edit distance (newuser12 P13:
  // `protectedBranchs` got only the list of allowed fields), as the CLI's "did you mean" does for commands.
  return (
    known.find(
      (k) => k.toLowerCase() === lower || k.toLowerCase().startsWith(lower) || lower.startsWith(k.toLowerCase()),
    ) ?? closest(unknown, known)
  );
}

const KNOWN_KEYS: Record<string, readonly string[]> = {
  top: Object.keys(policySchema.shape),
  reviewers: Object.keys(reviewerSchema.shape),
  review: Object.keys(reviewSchema.shape),
  untracked: Object.keys(untrackedThresholdSchema.shape),
  tiers: ['name', 'description', 'paths', 'deletedFiles', 'deletedLines', 'approvals', 'roles', 'scope'],
};

function knownKeysAt(path: JsonPath): readonly string[] {
  const named = path.filter((s): s is string => typeof s === 'string');
  const last = named[named.length - 1];
  return (last !== undefined ? KNOWN_KEYS[last] : undefined) ?? KNOWN_KEYS.top;
}

function describeReceived(input: unknown): string {
  if (input === undefined) return 'nothing';
  if (input === null) return 'null';
  if (Array.isArray(input)) return 'a list';
  if (typeof input === 'string')
    return `the string ${JSON.stringify(input.length > 40 ? input.slice(0, 40) + '…' : input)}`;
  return `${typeof input === 'object' ? 'an object' : `${typeof input} ${JSON.stringify(input)}`}`;
}

function valueAt(root: unknown, path: JsonPath): unknown {
  let v: unknown = root;
  for (const seg of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string | number, unknown>)[seg];
  }
  return v;
}

function exampleFor(path: JsonPath): string | undefined {
  const named = path.filter((s): s is string => typeof s === 'string');
  return EXAMPLES[named[named.length - 1] ?? ''];
}

/** What each branch of a union wanted at its root ("false", "object"), for one readable sentence. */
function unionAlternatives(branches: z.core.$ZodIssue[][]): string[] {
  const out: string[] = [];
  for (const issues of branches) {
    for (const i of issues) {
      if (i.path.length > 0) continue;
      if (i.code === 'invalid_value') out.push(...i.values.map((v) => JSON.stringify(v)));
      else if (i.code === 'invalid_type') out.push(`${/^[aeiou]/.test(i.expected) ? 'an' : 'a'} ${i.expected}`);
    }
  }
  return out.length > 0 ? out : ['another value'];
}

export function problemsFromZod(error: z.core.$ZodError, text: string, file: string, data: unknown): PolicyProblem[] {
  const locate = jsonLocator(text);
  const out: PolicyProblem[] = [];
  for (const issue of error.issues) {
    const path = issue.path.filter((s): s is string | number => typeof s !== 'symbol');
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        const full = [...path, key];
        const known = knownKeysAt(path);
        const guess = closestKey(key, known);
        out.push({
          file,
          path: formatJsonPath(full),
          ...locate(full, true),
          message: `unknown field '${key}'`,
          fix: guess ? `did you mean '${guess}'? Rename it.` : `remove it; allowed here: ${known.join(', ')}`,
        });
      }
      continue;
    }
    const received = valueAt(data, path);
    const example = exampleFor(path);
    let message: string;
    if (issue.code === 'invalid_type') {
      message =
        received === undefined
          ? `missing required field '${String(path[path.length - 1] ?? '')}' (expected ${issue.expected})`
          : `expected ${issue.expected}, found ${describeReceived(received)}`;
    } else if (issue.code === 'invalid_value') {
      message = `expected ${issue.values.map((v) => JSON.stringify(v)).join(' or ')}, found ${describeReceived(received)}`;
    } else if (issue.code === 'invalid_union') {
      message = `expected ${unionAlternatives(issue.errors).join(' or ')}, found ${describeReceived(received)}`;
    } else if (issue.code === 'too_small' || issue.code === 'too_big') {
      message = `${issue.message.replace(/^Too (small|big): expected /, 'expected ')}, found ${describeReceived(received)}`;
    } else {
      message = issue.message;
    }
    out.push({
      file,
      path: formatJsonPath(path),
      ...locate(path, false),
      message,
      fix:
        customFix(issue) ??
        (example ? `write it like ${example}` : 'see the schema: countersign policy init writes a complete example'),
    });
  }
  return out;
}

/**
 * The fix a rule of the schema's own names for what it found (a duplicate reviewer or key): the generic "write it
 * like …" example is about a field's syntax, and a duplicate is well-formed (newuser22 F-dupkey-fix).
 */
function customFix(issue: { code?: string; params?: unknown }): string | undefined {
  if (issue.code !== 'custom' || typeof issue.params !== 'object' || issue.params === null) return undefined;
  const fix = (issue.params as { fix?: unknown }).fix;
  return typeof fix === 'string' ? fix : undefined;
}
