import * as z from 'zod/mini';
import './zodMessages';
import { globProblem, patternTotalProblem } from './glob';
import { DEFAULT_UNTRACKED_THRESHOLD } from './untrackedReview';
import { personKey } from './person';
import { keyIdentity, publicKeyProblem } from './sshKeyIdentity';
import { DEFAULT_TIERS } from './defaultTiers';

/**
 * The zod schema of `.countersign.json` (the types and reading are in policy.ts). The JSON Schema contributed
 * to VS Code (media/countersign.schema.json) is generated from it by scripts/generatePolicySchema.ts, so the
 * two never disagree.
 */

// The key rules (canonical spelling, and "the same key" by its bytes) live in ./sshKeyIdentity.
export { publicKeyProblem };

const glob = z.string().check(
  z.superRefine((p, ctx) => {
    const problem = globProblem(p);
    if (problem) ctx.addIssue({ code: 'custom', message: `bad pattern ${JSON.stringify(p)}: ${problem}` });
  }),
);

/** zod/mini spells `.describe(text)` as a check; the text ends up in the generated JSON Schema. */
const about = z.describe;
const positiveInt = () => z.int().check(z.minimum(1));

export const reviewerSchema = z
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
export const untrackedThresholdSchema = z
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

export const reviewSchema = z
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
          'Commits touching any of these paths (matched in any letter case) always need review, whoever wrote them. .countersign.json itself always needs review.',
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
          'Tag patterns the gate protects, e.g. ["v*"]. Omitted: every tag is protected. A protected tag may only name the tip of a protected branch, a commit from before the gate, one that passes the gate judged from the last approved commit before it (an intermediate step of an approved range does not), or one that passes as a push to the policy branch; it may not be deleted.',
        ),
      ),
    allowForcePushes: z
      ._default(z.boolean(), false)
      .check(
        about(
          'false (default): a non-fast-forward update of a protected branch is refused. true: it is judged as one change from the old value, whose approvals must be of the new value from base old (countersign approve NEW --base OLD --rewind): what the rewind drops counts as deleted files and lines for the tiers, what it brings back as AI lines, and the paths it touches for tiers and review.paths.',
        ),
      ),
    allowTagMoves: z
      ._default(z.boolean(), false)
      .check(
        about(
          'false (default): a protected tag that exists may not be moved, like a published release (attack17 Q3). true: a move is judged like a new tag at its new commit, and a move back also needs allowForcePushes.',
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
      const patterns = [p.protectedBranches, p.protectedTags, p.review.paths, ...p.tiers.map((t) => t.paths)];
      const tooMany = patternTotalProblem(patterns);
      if (tooMany !== undefined)
        ctx.addIssue({
          code: 'custom',
          message: tooMany,
          params: {
            fix: 'list folders rather than the files in them ("infra/" matches every file under infra) and join alternatives ("*.{tf,tfvars}"), or remove patterns',
          },
        });
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
            params: { fix: `remove one of reviewers[${dupe}] and reviewers[${i}]` },
          });
        else emails.set(email, i);
        // By the key's bytes, not its text: one key has several base64 spellings (attack17 Q2).
        const id = keyIdentity(r.key);
        const dupeKey = id === undefined ? undefined : keys.get(id);
        if (dupeKey !== undefined)
          ctx.addIssue({
            code: 'custom',
            path: ['reviewers', i, 'key'],
            message: `the same key as reviewers[${dupeKey}] (${id}): each reviewer needs their own key, or one person's approval would count as two`,
            params: {
              fix: `give reviewers[${i}] their own key (the single line of their ~/.ssh/id_ed25519.pub) or, if reviewers[${dupeKey}] and reviewers[${i}] are one person, keep one entry and remove the other`,
            },
          });
        else if (id !== undefined) keys.set(id, i);
      });
    }),
    about('Countersign policy: which branches are protected, who may approve, and which commits need how much review.'),
  );
