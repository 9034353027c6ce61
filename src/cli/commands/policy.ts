import { gatePolicyDifference, policyRepoWarnings } from '../../git/policyRepoWarnings';
import * as fs from 'fs';
import * as path from 'path';
import { didYouMean } from '../../core/didYouMean';
import { CountersignError, usageError } from '../../core/errors';
import {
  addReviewer,
  parseReviewerSpec,
  reviewerSpecProblem,
  publicKeyLine,
  writeNewPolicy,
  tierNotesAt,
  type ReviewerEntry,
} from '../../app/policySetup';
import { checkPolicy, POLICY_FILE } from '../../core/policy';
import { formatProblem } from '../../core/policyProblems';
import { policyBranchWarning } from '../../core/policyBranchProtection';
import { describeUntrackedThreshold } from '../../core/untrackedReview';
import { clientPolicyBranch, DEFAULT_PROTECTED_BRANCH_RULE, defaultProtectedBranch } from '../../git/policyBranch';
import { readRegularFile, SETTINGS_FILE_MAX_BYTES } from '../../git/regularFile';
import { resolveRepo } from '../../git/repository';
import { revParse } from '../../git/revision';
import { gitConfig } from '../../git/gitRunner';
import { policyAt } from '../../git/historyStatements';
import { eligibleReviewers } from '../../core/approvalRules';

import { EXIT_BLOCKED, EXIT_OK, parseCommandArgs, writeJson, type Command } from '../command';

/** The largest work-tree policy `policy check` reads (a real one is a few KB). */
const POLICY_MAX_BYTES = SETTINGS_FILE_MAX_BYTES;

const USAGE = `Usage: countersign policy init [--protect PATTERN]...
           [--reviewer "Name <email>" --key PUBKEY_FILE [--role ROLE]]... [--force] [--json]
       countersign policy add-reviewer "Name <email>" --key PUBKEY_FILE [--role ROLE] [--replace] [--json]
       countersign policy check [FILE] [--json]

init   writes .countersign.json at the repository root: the protected branch patterns (default:
       ${DEFAULT_PROTECTED_BRANCH_RULE}), the
       reviewers (each --reviewer takes the --key and optional --role that follow it; --key is the
       reviewer's SSH public key file, e.g. bob.pub), and the defaults: any AI-written line, every
       unattested commit, and a commit with 20+ untracked added lines making up half or more of its added
       lines (written by something Countersign did not observe: review.untracked) need one approval;
       the "infrastructure" tier (Terraform, Kubernetes/Helm, CI pipelines, deployment manifests,
       migrations, Dockerfiles, CODEOWNERS) and the "mass-deletion" tier (5+ files or 500+ lines
       deleted) need two. Refuses to overwrite an existing file without --force.
add-reviewer
       adds a reviewer to the existing .countersign.json, keeping the rest of the file; refused when the
       result would not be valid (the same person or key listed twice, a malformed key). A reviewer
       already listed is refused; --replace gives them the new key in place (a lost or rotated key),
       keeping their name and role (or the --role given).
check  validates a policy file (default: .countersign.json at the repository root) and explains each
       problem with file:line:column, the JSON path, what was expected and the fix; also warns about
       requirements nobody listed can meet, and says which commits the review.untracked thresholds catch.

Commit the file and push it through review: the gate reads the policy from the protected branch as the
remote has it, so a change to it is judged by the policy it replaces.

Options:
  --json   init, add-reviewer: {"file", "policy", "warnings"} (add-reviewer also "replaced");
           check: {"file", "ok", "problems", "warnings", "notes"}

Examples:
  countersign policy init --protect main --protect 'release/*' --reviewer "Bo Reviewer <bo@example.com>" --key bo.pub
  countersign policy add-reviewer "Cy Reviewer <cy@example.com>" --key cy.pub --role sre
  countersign policy add-reviewer "Bo Reviewer <bo@example.com>" --key bo-new.pub --replace
  countersign policy check
  countersign policy check --json | jq '.problems'

Exit codes: 0 written / valid; 1 check found problems; 2 usage error, unreadable key file, the file
exists (init without --force), cannot be read (check, add-reviewer) or would become invalid (add-reviewer).
`;

/**
 * The options that write a new policy, `policy init`'s and `init`'s alike (`init` adds its own): --reviewer,
 * --key and --role are read again in order by reviewerArgs.
 */
export const POLICY_INIT_OPTIONS = {
  protect: { type: 'string', multiple: true },
  reviewer: { type: 'string', multiple: true },
  key: { type: 'string', multiple: true },
  role: { type: 'string', multiple: true },
  force: { type: 'boolean' },
  json: { type: 'boolean' },
} as const;

/** --reviewer, --key and --role in command-line order: each --key/--role belongs to the --reviewer before it. */
export function reviewerArgs(argv: string[], cwd: string, command = 'policy init'): ReviewerEntry[] {
  const out: Array<Partial<ReviewerEntry> & { name: string; email: string }> = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const eq = a.indexOf('=');
    const flag = a.startsWith('--') && eq > 0 ? a.slice(0, eq) : a;
    if (!['--reviewer', '--key', '--role'].includes(flag)) continue;
    const value = eq > 0 && a.startsWith('--') ? a.slice(eq + 1) : argv[++i];
    if (value === undefined) throw usageError(`${command}: ${flag} needs a value`);
    if (flag === '--reviewer') {
      const who = parseReviewerSpec(value);
      if (!who) throw usageError(`${command}: --reviewer must look like "Name <email>": ${reviewerSpecProblem(value)}`);
      out.push(who);
      continue;
    }
    const last = out[out.length - 1];
    if (!last) throw usageError(`${command}: ${flag} must follow the --reviewer it belongs to`);
    if (flag === '--role') last.role = value;
    else last.key = readKeyFile(path.resolve(cwd, value), command);
  }
  for (const r of out)
    if (!r.key) throw usageError(`${command}: --reviewer "${r.name} <${r.email}>" needs a --key PUBKEY_FILE after it`);
  return out as ReviewerEntry[];
}

function readKeyFile(file: string, command: string): string {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new CountersignError(
      'usage',
      `${command}: cannot read the key file ${file} (${(e as Error).message}); pass the reviewer's public key file, e.g. ~/.ssh/id_ed25519.pub`,
    );
  }
  return publicKeyLine(text, `${command}: ${file}`);
}

async function init(argv: string[], ctx: Parameters<Command['run']>[1]): Promise<0 | 1 | 2> {
  const { values } = parseCommandArgs('policy init', argv, POLICY_INIT_OPTIONS, false);
  const root = await workingRoot(ctx.cwd, 'policy init');
  const reviewers = reviewerArgs(argv, ctx.cwd);
  const protect = values.protect && values.protect.length > 0 ? values.protect : [await defaultProtectedBranch(root)];
  const written = writeNewPolicy(root, { protect, reviewers, force: values.force === true });
  if (values.json) writeJson(ctx, written);
  else {
    ctx.stdout(`Wrote ${written.file}: protects ${protect.join(', ')}; ${reviewers.length} reviewer(s).\n`);
    for (const w of written.warnings) ctx.stdout(`  warning: ${w}\n`);
    for (const n of await tierNotesAt(root, written.policy)) ctx.stdout(`  note: ${n}\n`);
    ctx.stdout('Commit it and get it onto the protected branch; from then on the gate reads it from there.\n');
  }
  return EXIT_OK;
}

async function workingRoot(cwd: string, command: string): Promise<string> {
  const repo = await resolveRepo(cwd);
  if (!repo.root) throw new CountersignError('usage', `${command}: run it in a working repository (this one is bare)`);
  return repo.root;
}

async function addReviewerCommand(argv: string[], ctx: Parameters<Command['run']>[1]): Promise<0 | 1 | 2> {
  const { values, positionals } = parseCommandArgs('policy add-reviewer', argv, {
    key: { type: 'string' },
    role: { type: 'string' },
    replace: { type: 'boolean' },
    json: { type: 'boolean' },
  });
  if (positionals.length !== 1)
    throw usageError('policy add-reviewer: give the reviewer as one argument, quoted: "Name <email>"');
  const who = parseReviewerSpec(positionals[0]);
  if (!who) throw usageError(`policy add-reviewer: ${reviewerSpecProblem(positionals[0])}`);
  if (!values.key)
    throw usageError(`policy add-reviewer: --key PUBKEY_FILE is required (${who.name}'s SSH public key, e.g. bo.pub)`);
  const root = await workingRoot(ctx.cwd, 'policy add-reviewer');
  const reviewer: ReviewerEntry = {
    ...who,
    key: readKeyFile(path.resolve(ctx.cwd, values.key), 'policy add-reviewer'),
    ...(values.role ? { role: values.role } : {}),
  };
  const written = addReviewer(root, reviewer, { replace: values.replace === true });
  if (values.json) writeJson(ctx, written);
  else {
    ctx.stdout(
      written.replaced
        ? `Replaced the key of ${written.keptName ?? who.name} <${who.email}> in ${written.file}; ${written.policy.reviewers.length} reviewer(s).${written.keptName !== undefined ? ` The entry keeps its name "${written.keptName}" (not "${who.name}"): edit ${POLICY_FILE} to rename it.` : ''}\n`
        : `Added ${who.name} <${who.email}> to ${written.file}; ${written.policy.reviewers.length} reviewer(s).\n`,
    );
    for (const w of written.warnings) ctx.stdout(`  warning: ${w}\n`);
    // The first policy has no policy before it to be reviewed under (newuser14 S21), as init and policy init say.
    const first = (await revParse(root, `HEAD:${POLICY_FILE}`)) === undefined;
    const alone = first ? undefined : await onlyReviewerIsYou(root, reviewer);
    ctx.stdout(
      first
        ? `Commit it and push it to the protected branch: this first ${POLICY_FILE} needs no Countersign approval, since no policy is in force before it; every later change to it does.\n`
        : (alone ?? 'Commit it and push it through review: the change counts once it is on the protected branch.\n'),
    );
  }
  return EXIT_OK;
}

/**
 * The way out when the committed policy lists no reviewer but the user (newuser19 F11): their own change adding a
 * reviewer can never be approved (nobody approves their own change: approvalRules.eligibleReviewers), which only
 * the push used to say. The reviewer being added makes the change instead, and the user approves it.
 */
async function onlyReviewerIsYou(root: string, added: ReviewerEntry): Promise<string | undefined> {
  const email = await gitConfig(root, 'user.email');
  if (!email) return undefined;
  const { policy } = await policyAt(root, 'HEAD');
  if (!policy || eligibleReviewers(policy, { author: { email }, committer: { email } }).length > 0) return undefined;
  return (
    `You cannot get this change approved: the ${POLICY_FILE} in force lists no reviewer but you (${email}), and ` +
    `nobody approves their own change. Have ${added.name} make it instead — in their clone: countersign policy ` +
    `add-reviewer "${added.name} <${added.email}>" --key THEIR_KEY.pub, then commit and push it; you approve it ` +
    `(docs/rollout.md). Undo yours: git checkout -- ${POLICY_FILE}\n`
  );
}

/**
 * Why FILE cannot be checked, and the fix, by the error's code: a raw "ENOENT: no such file or directory, open …"
 * named neither the mistake nor the way out (newuser16 F20). `policy init` writes the repository's own policy only.
 */
function unreadableFile(given: string, file: string, e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  const where = given === file ? file : `${given} (${file})`;
  const own = `with no FILE, \`countersign policy check\` checks this repository's ${POLICY_FILE}, which \`countersign policy init\` writes`;
  if (code === 'ENOENT') return `there is no file ${where}; check the path — ${own}`;
  if (code === 'EISDIR') return `${where} is a folder, not a policy file; name the file itself — ${own}`;
  if (code === 'EACCES' || code === 'EPERM')
    return `${where} cannot be read (permission denied); check its permissions`;
  return `cannot read ${where} (${(e as Error).message}); ${own}`;
}

async function check(argv: string[], ctx: Parameters<Command['run']>[1]): Promise<0 | 1 | 2> {
  const { values, positionals } = parseCommandArgs('policy check', argv, { json: { type: 'boolean' } });
  if (positionals.length > 1) throw usageError('policy check: give at most one FILE');
  let file: string;
  let text: string;
  /** The repository whose own policy is checked (no FILE): its tracked files are matched against the tiers. */
  let root: string | undefined;
  if (positionals[0]) {
    file = path.resolve(ctx.cwd, positionals[0]);
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (e) {
      throw new CountersignError('config', `policy check: ${unreadableFile(positionals[0], file, e)}`);
    }
  } else {
    // The work tree's policy is the clone's choice: a committed symlink to /dev/zero must not hang the check
    // (outside tester, session 7), so it is read only as a regular file (the FILE argument is the user's own).
    const repo = await resolveRepo(ctx.cwd);
    root = repo.root ?? undefined;
    file = path.join(repo.root ?? ctx.cwd, POLICY_FILE);
    const r = readRegularFile(file, { maxBytes: POLICY_MAX_BYTES });
    if (r.kind !== 'ok')
      throw new CountersignError(
        'config',
        r.kind === 'missing'
          ? `policy check: there is no ${file}; create one with \`countersign policy init\``
          : r.why === 'too large'
            ? `policy check: ${file} is larger than ${POLICY_MAX_BYTES / 1024 / 1024} MB, which no policy is; replace it with a real policy (\`countersign policy init --force\`)`
            : `policy check: ${file} is not a regular file (a symlink, FIFO or device); a policy is a plain file committed at the repository root — replace it with one (\`countersign policy init --force\`)`,
      );
    text = r.content.toString('utf8');
  }
  const shown = positionals[0] ?? POLICY_FILE;
  const r = checkPolicy(text, shown);
  const pb = r.policy ? await clientPolicyBranch(ctx.cwd) : undefined;
  const unnamed = r.policy && pb ? policyBranchWarning(r.policy, pb) : undefined;
  if (unnamed) r.warnings.push(unnamed);
  if (r.policy) r.warnings.push(...(await policyRepoWarnings(ctx.cwd, r.policy)));
  const differs = r.policy ? await gatePolicyDifference(ctx.cwd, text) : undefined;
  if (differs) r.warnings.push(differs);
  // The tiers' notes (what they match in this checkout), in the JSON too (newuser25 N12: it printed them only).
  const notes = root && r.policy ? await tierNotesAt(root, r.policy) : [];
  if (values.json) {
    writeJson(ctx, { file: shown, ok: r.policy !== undefined, problems: r.problems, warnings: r.warnings, notes });
    return r.policy ? EXIT_OK : EXIT_BLOCKED;
  }
  if (!r.policy) {
    ctx.stderr(`${shown}: ${r.problems.length} problem(s):\n${r.problems.map((p) => formatProblem(p)).join('\n')}\n`);
    return EXIT_BLOCKED;
  }
  ctx.stdout(
    `${shown} is valid: protects ${r.policy.protectedBranches.join(', ') || 'nothing'}; ${r.policy.reviewers.length} reviewer(s); ${r.policy.tiers.length} tier(s).\n`,
  );
  ctx.stdout(`  untracked lines: ${describeUntrackedThreshold(r.policy.review.untracked)}.\n`);
  for (const w of r.warnings) ctx.stdout(`  warning: ${w}\n`);
  for (const n of notes) ctx.stdout(`  note: ${n}\n`);
  return EXIT_OK;
}

/** An error from the shared policy writer (policySetup.ts) names the subcommand, as the command's own do. */
async function withSubcommandPrefix<T>(command: string, f: () => Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (e) {
    if (!(e instanceof CountersignError) || e.message.startsWith(`${command}: `)) throw e;
    throw new CountersignError(e.reason, `${command}: ${e.message}`, e.detail, { cause: e });
  }
}

export const policyCommand: Command = {
  name: 'policy',
  summary: 'write (init, add-reviewer) or validate (check) the .countersign.json policy',
  usage: USAGE,
  async run(argv, ctx) {
    const [sub, ...rest] = argv;
    const run =
      sub === 'init' ? init : sub === 'check' ? check : sub === 'add-reviewer' ? addReviewerCommand : undefined;
    if (run) return withSubcommandPrefix(`policy ${sub}`, () => run(rest, ctx));
    throw usageError(
      `policy: expected 'init', 'add-reviewer' or 'check'${sub ? `, not '${sub}'.${didYouMean(sub, ['init', 'add-reviewer', 'check'])}` : ''}\nRun \`countersign policy --help\` for usage.`,
    );
  },
};
