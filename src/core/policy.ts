import * as z from 'zod/mini';
import './zodMessages';
import { CountersignError } from './errors';
import { globProblem, matchGlob } from './glob';
import { formatJsonPath, jsonLocator, jsonSyntaxError, type JsonPath } from './jsonLocation';
import { DEFAULT_UNTRACKED_THRESHOLD } from './untrackedReview';
import { personKey } from './person';
import { SUPPORTED_KEY_TYPES, isSupportedKeyType } from './sshKeyTypes';

/**
 * `.countersign.json`: who may approve what before it lands on a protected branch. The gate reads it from
 * the protected branch as the remote has it, never from the commits being pushed (src/git/gateInput.ts).
 * The JSON Schema contributed to VS Code (media/countersign.schema.json) is generated from this zod schema
 * by scripts/generatePolicySchema.ts, so the two never disagree.
 */
export { POLICY_FILE } from './policyFile';

/** Why an OpenSSH public key line is unusable, or undefined when it looks right (type, base64 blob agreeing with it). */
export function publicKeyProblem(line: string): string | undefined {
  const words = line.trim().split(/\s+/);
  const [type, blob] = words;
  if (!type || !blob) return 'expected an OpenSSH public key line: "<type> <base64> [comment]"';
  if (!isSupportedKeyType(type)) {
    if (/PRIVATE KEY/.test(line)) return 'this is a PRIVATE key: use the .pub file';
    return `unsupported key type '${type}' (expected one of ${SUPPORTED_KEY_TYPES.join(', ')})`;
  }
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(blob)) return 'the key data is not base64';
  const bytes = Buffer.from(blob, 'base64');
  if (bytes.length < 4) return 'the key data is truncated';
  const len = bytes.readUInt32BE(0);
  const inner = bytes.subarray(4, 4 + len).toString('latin1');
  if (inner !== type) return `the key data says '${inner}' but the line says '${type}'`;
  return undefined;
}

const glob = z.string().check(
  z.superRefine((p, ctx) => {
    const problem = globProblem(p);
    if (problem) ctx.addIssue({ code: 'custom', message: `bad pattern ${JSON.stringify(p)}: ${problem}` });
  }),
);

/** zod/mini spells `.describe(text)` as a check; the text ends up in the generated JSON Schema. */
const about = z.describe;
const positiveInt = () => z.int().check(z.minimum(1));

const reviewerSchema = z
  .strictObject({
    name: z.string().check(z.minLength(1), about("The reviewer's name, as in git's user.name.")),
    email: z
      .string()
      .check(
        z.regex(/^[^\s@<>]+@[^\s@<>]+$/, 'expected an email address like "bob@example.com"'),
        about(
          "The reviewer's email (git user.email); approvals name their reviewer by it, compared case-insensitively.",
        ),
      ),
    key: z.string().check(
      z.superRefine((k, ctx) => {
        const problem = publicKeyProblem(k);
        if (problem) ctx.addIssue({ code: 'custom', message: problem });
      }),
      about(
        "The reviewer's SSH public key, one OpenSSH line (the contents of ~/.ssh/id_ed25519.pub). Approvals must be signed with it.",
      ),
    ),
    role: z
      .optional(z.string().check(z.minLength(1)))
      .check(about('Optional role (e.g. "sre", "security") that tiers can require.')),
  })
  .check(about('A person allowed to approve. A reviewer never counts for a commit they authored or committed.'));

/** `review.untracked` (src/core/untrackedReview.ts): thresholds for lines nobody was seen writing; false turns it off. */
const untrackedThresholdSchema = z
  .strictObject({
    lines: z
      ._default(positiveInt(), DEFAULT_UNTRACKED_THRESHOLD.lines)
      .check(
        about(
          `A commit with at least this many untracked added lines needs review (default ${DEFAULT_UNTRACKED_THRESHOLD.lines}).`,
        ),
      ),
    share: z
      ._default(z.number().check(z.minimum(0), z.maximum(1)), DEFAULT_UNTRACKED_THRESHOLD.share)
      .check(
        about(
          `…and at least this share of its added lines untracked, 0 to 1 (default ${DEFAULT_UNTRACKED_THRESHOLD.share}). Both thresholds must be met.`,
        ),
      ),
  })
  .check(
    about(
      'Untracked lines were written by something Countersign did not observe: an agent without hooks (or one that removed them), another editor, a script. They are not presumed human.',
    ),
  );

const untrackedSchema = z
  ._default(z.union([z.literal(false), untrackedThresholdSchema]), { ...DEFAULT_UNTRACKED_THRESHOLD })
  .check(
    about(
      `Commits whose untracked added lines reach both thresholds need review like AI-attributed ones (default ${DEFAULT_UNTRACKED_THRESHOLD.lines} lines and ${DEFAULT_UNTRACKED_THRESHOLD.share * 100}% of the commit's added lines, so small edits made in another editor pass). false turns it off.`,
    ),
  );

const reviewSchema = z
  .strictObject({
    aiLines: z
      ._default(positiveInt(), 1)
      .check(about('A commit with at least this many AI-written added lines needs review (default 1: any).')),
    aiShare: z
      ._default(z.number().check(z.minimum(0), z.maximum(1)), 0)
      .check(
        about(
          '…and at least this share of its added lines written by AI, 0 to 1 (default 0). Both thresholds must be met. Commits that name an AI co-author or are authored by an AI bot need review regardless.',
        ),
      ),
    unattested: z
      ._default(z.boolean(), true)
      .check(
        about('Commits without an AI-Provenance trailer (hooks bypassed or not installed) need review (default true).'),
      ),
    untracked: untrackedSchema,
    paths: z
      ._default(z.array(glob), [])
      .check(
        about(
          'Commits touching any of these paths always need review, whoever wrote them. .countersign.json itself always needs review.',
        ),
      ),
  })
  .check(about("Which commits need a reviewer's approval."));

const tierSchema = z
  .strictObject({
    name: z.string().check(z.minLength(1), about('Shown in blocked messages, e.g. "infrastructure".')),
    description: z.optional(z.string()),
    paths: z._default(z.array(glob), []).check(about('The tier applies when a commit touches any of these paths.')),
    ignoreCase: z
      .optional(z.boolean())
      .check(
        about(
          'Match "paths" in any letter case (the default infrastructure tier does: dockerfile, CONTAINERFILE, Chart.YAML).',
        ),
      ),
    deletedFiles: z.optional(positiveInt()).check(about('…or deletes at least this many files.')),
    deletedLines: z.optional(positiveInt()).check(about('…or deletes at least this many lines.')),
    approvals: z
      ._default(positiveInt(), 1)
      .check(
        about(
          "Approvals needed from distinct reviewers (the highest of all matching tiers and the policy's own count wins).",
        ),
      ),
    roles: z
      ._default(z.array(z.string().check(z.minLength(1))), [])
      .check(about('Each role listed needs an approval from a reviewer with that role.')),
    scope: z
      ._default(z.enum(['all', 'review']), 'all')
      .check(
        about(
          '"all": every matching commit needs review, even human-written ones (two-person control); "review": only raises the bar for commits that already need review.',
        ),
      ),
  })
  .check(
    z.superRefine((t, ctx) => {
      if (t.paths.length === 0 && t.deletedFiles === undefined && t.deletedLines === undefined) {
        ctx.addIssue({
          code: 'custom',
          message: `tier '${t.name}' has no condition: give it "paths", "deletedFiles" or "deletedLines"`,
        });
      }
    }),
    about('A blast-radius tier: commits that touch these paths or delete this much need more approvals or a role.'),
  );

/**
 * Infrastructure: what an agent must not change (or "delete and recreate") without a second person. The
 * default tier matches these names whatever their case (`dockerfile`, `DOCKERFILE`, `containerfile`,
 * `CHART.YAML`, tier field `ignoreCase`): a repository chooses its file names, and the tier must not be
 * dodged by a capital letter. Other patterns are case-sensitive, as git is.
 */
export const INFRASTRUCTURE_PATHS: readonly string[] = [
  // Terraform / OpenTofu, HCL tools (Nomad, Packer, Terragrunt), Bicep, Pulumi, CDK, CloudFormation
  '*.tf',
  '*.tfvars',
  '*.tf.json',
  '*.tofu',
  '*.tofu.json',
  '*.hcl',
  '*.nomad',
  '*.bicep',
  'Pulumi.yaml',
  'Pulumi.yml',
  'Pulumi.*.yaml',
  'Pulumi.*.yml',
  'cdk.json',
  'cloudformation/',
  '*.cfn.yaml',
  '*.cfn.yml',
  '*.cfn.json',
  // Kubernetes, Helm, Helmfile, Kustomize, Skaffold
  'k8s/',
  'kubernetes/',
  'manifests/',
  'helm/',
  'charts/',
  'Chart.yaml',
  'Chart.yml',
  'kustomization.yaml',
  'kustomization.yml',
  'skaffold.yaml',
  'skaffold.yml',
  'helmfile.yaml',
  'helmfile.yml',
  'helmfile.yaml.gotmpl',
  'helmfile.d/',
  'nomad/',
  // CI/CD
  '.github/workflows/',
  '.github/actions/',
  '.gitlab-ci.yml',
  '.gitlab/ci/',
  '.circleci/',
  'Jenkinsfile',
  'azure-pipelines.yml',
  '.buildkite/',
  // Databases
  'migrations/',
  'migrate/',
  'db/schema.rb',
  '*.sql',
  // Containers: Docker, Podman (Containerfile, quadlets), Compose
  'Dockerfile',
  'Dockerfile.*',
  '*.dockerfile',
  'Containerfile',
  'Containerfile.*',
  '*.containerfile',
  'docker-compose*.yml',
  'docker-compose*.yaml',
  'compose.yaml',
  'compose.yml',
  'podman-compose*.yml',
  'podman-compose*.yaml',
  '*.container',
  '*.pod',
  '*.kube',
  '*.network',
  '*.volume',
  // Ansible: playbooks, inventories, roles and variables
  'ansible/',
  'playbooks/',
  'playbook*.yml',
  'playbook*.yaml',
  'site.yml',
  'site.yaml',
  'ansible.cfg',
  'inventory/',
  'inventories/',
  'inventory*.ini',
  'inventory*.yml',
  'inventory*.yaml',
  'hosts.ini',
  'group_vars/',
  'host_vars/',
  // Serverless, Vagrant
  'serverless.yml',
  'serverless.yaml',
  'Vagrantfile',
];

export const DEFAULT_TIERS = [
  {
    name: 'infrastructure',
    description:
      'Terraform, Kubernetes/Helm, CI workflows, migrations, Dockerfiles: changes that can take production down need two people.',
    paths: [...INFRASTRUCTURE_PATHS],
    ignoreCase: true,
    approvals: 2,
    roles: [] as string[],
    scope: 'all' as const,
  },
  {
    name: 'mass-deletion',
    description: 'A commit that deletes many files or lines ("delete and recreate the environment") needs two people.',
    paths: [] as string[],
    deletedFiles: 5,
    deletedLines: 500,
    approvals: 2,
    roles: [] as string[],
    scope: 'all' as const,
  },
];

export const policySchema = z
  .strictObject({
    $schema: z.optional(z.string()).check(about('Editor hint; ignored by Countersign.')),
    version: z._default(z.literal(1), 1).check(about('Policy format version.')),
    protectedBranches: z
      .array(glob)
      .check(
        about(
          'Branch patterns the gate protects, e.g. ["main", "release/*"] (* stops at /, ** crosses it, {a,b} alternatives).',
        ),
      ),
    protectedTags: z
      .optional(z.array(glob))
      .check(
        about(
          'Tag patterns the gate protects, e.g. ["v*"]. Omitted: every tag is protected. A protected tag may only name a commit already on a protected branch, or one that passes the gate as a push to the policy branch; it may not be deleted.',
        ),
      ),
    allowForcePushes: z
      ._default(z.boolean(), false)
      .check(
        about(
          'false (default): a non-fast-forward update of a protected branch is refused. true: it is judged, and what the rewind drops counts as deleted files and lines for the tiers.',
        ),
      ),
    reviewers: z._default(z.array(reviewerSchema), []).check(about('Who may approve, with their SSH public keys.')),
    approvals: z
      ._default(positiveInt(), 1)
      .check(about('Approvals a commit that needs review must have (tiers can raise it).')),
    review: z._default(reviewSchema, {
      aiLines: 1,
      aiShare: 0,
      unattested: true,
      untracked: { ...DEFAULT_UNTRACKED_THRESHOLD },
      paths: [],
    }),
    tiers: z
      ._default(z.array(tierSchema), DEFAULT_TIERS)
      .check(
        about(
          'Blast-radius tiers. Omitted: the default infrastructure and mass-deletion tiers (2 approvals each). [] turns tiers off.',
        ),
      ),
  })
  .check(
    z.superRefine((p, ctx) => {
      const emails = new Map<string, number>();
      const keys = new Map<string, number>();
      p.reviewers.forEach((r, i) => {
        const email = personKey(r.email);
        const dupe = emails.get(email);
        if (dupe !== undefined)
          ctx.addIssue({
            code: 'custom',
            path: ['reviewers', i, 'email'],
            message: `${r.email} is already listed as reviewers[${dupe}]: list each reviewer once`,
          });
        else emails.set(email, i);
        const blob = r.key.trim().split(/\s+/)[1] ?? '';
        const dupeKey = keys.get(blob);
        if (dupeKey !== undefined && blob)
          ctx.addIssue({
            code: 'custom',
            path: ['reviewers', i, 'key'],
            message: `the same key is listed for reviewers[${dupeKey}]: each reviewer needs their own key, or an approval could not be told apart`,
          });
        else keys.set(blob, i);
      });
    }),
    about('Countersign policy: which branches are protected, who may approve, and which commits need how much review.'),
  );

export type Policy = z.output<typeof policySchema>;
export type PolicyInput = z.input<typeof policySchema>;
export type Reviewer = Policy['reviewers'][number];
export type Tier = Policy['tiers'][number];

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
  requiredApprovals: 'approvals',
  minApprovals: 'approvals',
  tier: 'tiers',
  requireReview: 'review',
  needsReview: 'review',
};

function closestKey(unknown: string, known: readonly string[]): string | undefined {
  if (ALIASES[unknown] && known.includes(ALIASES[unknown])) return ALIASES[unknown];
  const lower = unknown.toLowerCase();
  return known.find(
    (k) => k.toLowerCase() === lower || k.toLowerCase().startsWith(lower) || lower.startsWith(k.toLowerCase()),
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

function problemsFromZod(error: z.core.$ZodError, text: string, file: string, data: unknown): PolicyProblem[] {
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
      fix: example ? `write it like ${example}` : 'see the schema: countersign policy init writes a complete example',
    });
  }
  return out;
}

export interface PolicyCheck {
  policy?: Policy;
  problems: PolicyProblem[];
  warnings: string[];
}

/** Parses and validates, collecting every problem with its location (for `policy check`). */
export function checkPolicy(text: string, file: string): PolicyCheck {
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
  const r = policySchema.safeParse(data);
  if (!r.success) return { problems: problemsFromZod(r.error, text, file, data), warnings: [] };
  return { policy: r.data, problems: [], warnings: policyWarnings(r.data) };
}

/**
 * The policy in `text`, or a CountersignError('config') listing every problem with file:line:column, the
 * JSON path, what was expected and the fix. The gate treats that error as "blocked" (fail closed).
 */
export function parsePolicy(text: string, file: string): Policy {
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
