import { didYouMean } from '../../core/didYouMean';
import * as fs from 'fs';
import * as path from 'path';
import { createInterface } from 'readline';
import { keptPolicyReason, tierNotesAt, writeNewPolicy, type ReviewerEntry } from '../../app/policySetup';
import { HOOK_AGENTS, isHookAgent, unknownHookAgentMessage, type HookAgent } from '../../core/agents/hookAgents';
import { samePerson } from '../../core/approvalRules';
import { CountersignError, errorMessage, usageError } from '../../core/errors';
import { checkPolicy, POLICY_FILE } from '../../core/policy';
import { formatProblem } from '../../core/policyProblems';
import { gitConfig, runGit } from '../../git/gitRunner';
import { HOOK_MANAGERS, readManifest, type HookManager } from '../../git/hookManifest';
import {
  DEFAULT_PROTECTED_BRANCH_RULE,
  defaultProtectedBranch,
  policyTextAt,
  remoteDefaultBranch,
} from '../../git/policyBranch';
import { resolveRepo } from '../../git/repository';
import { defaultRemote, listRemotes, remoteUrl } from '../../git/remotes';
import { signingKeyInfo, standardPublicKey } from '../../git/signingKeyInfo';
import { readWorkTreeText } from '../../git/regularFile';
import { readWorkTreePolicy } from '../../git/workTreePolicy';
import { detectAgents } from '../agentDetection';
import { ciArtefactSteps, ciEditLater, FORGES, forgeOfRemoteUrl, SHA256_PLACEHOLDER, type Forge } from '../ciTemplates';
import { writeCi } from '../ciFile';
import { parseCommandArgs, writeJson, type CliContext, type Command } from '../command';
import { formatNextSteps, nextSteps } from '../nextSteps';
import { VERSION as CLI_VERSION } from '../version';
import { agentsCommand } from './agents';
import { installHere } from './install';
import { POLICY_INIT_OPTIONS, reviewerArgs } from './policy';

const USAGE = `Usage: countersign init [--protect PATTERN]... [--reviewer "Name <email>" --key PUBKEY_FILE [--role ROLE]]...
                        [--agents LIST|none] [--ci github|gitlab|none] [--hook-manager husky|lefthook|pre-commit]
                        [--force] [--yes] [--json]

Sets up a team repository in one go, then prints the next steps:
  1. the git hooks and the notes refspecs (as \`countersign install\`; --hook-manager as there);
  2. ${POLICY_FILE}: the protected branches (default:
     ${DEFAULT_PROTECTED_BRANCH_RULE}) and you as the
     reviewer, with the public half of git's user.signingkey (plus any --reviewer/--key given; with those, it is
     written even when you cannot be listed, and says so). An existing policy is kept unless --force;
  3. the AI agents found on this machine (a program on PATH or their settings folder in your home), connected
     with \`agents connect --local\`: their hooks name this clone's paths and stay out of commits (they are
     this worktree's: run \`agents connect --local\` again in a linked worktree where an agent runs);
  4. the CI template for the remote's forge (github: .github/workflows/countersign.yml; gitlab: .gitlab-ci.yml,
     or .gitlab/countersign.yml to include when one exists); none for another host (use install --server).
It commits nothing. Run it again at any time: what is already set up is kept.

When stdin is a terminal it asks only what it must (the key to sign approvals with, when user.signingkey is
unset); otherwise, and with --yes, it never asks: what it cannot do is said, with the command to do it.

Options:
  --protect PATTERN   a protected branch pattern (repeatable)
  --reviewer "Name <email>" --key PUBKEY_FILE [--role ROLE]
                      another reviewer (repeatable; as \`policy init\`)
  --agents LIST       comma-separated agents to connect (${HOOK_AGENTS.join(', ')}) or none
  --ci FORGE          github, gitlab or none (default: from the remote's URL)
  --hook-manager M    husky, lefthook or pre-commit calls \`countersign hook NAME\` (docs/hook-managers.md)
  --force             replace an existing ${POLICY_FILE} and CI file
  --yes               never ask
  --json              print what was done as JSON (never asks)

Examples:
  countersign init
  countersign init --protect main --protect 'release/*' --agents claude,codex --ci github --yes
  countersign init --json | jq .nextSteps

Exit codes: 0 set up (next steps may remain); 2 not a working repository, or a bad option or key file.
`;

interface Outcome {
  status: 'written' | 'kept' | 'skipped';
  file?: string;
  reason?: string;
  /** Why the person running init is not among the reviewers written (newuser14 S30). */
  notReviewer?: string;
  /** What `policy check` warns about the policy just written (a requirement its reviewers cannot meet). */
  warnings?: string[];
  /** Files already here that the policy's tiers catch (tierNotesAt). */
  tierNotes?: string[];
}

export const initCommand: Command = {
  name: 'init',
  summary: 'set up a team repository: hooks, notes, a policy with you as reviewer, agents, the CI template',
  usage: USAGE,
  async run(argv, ctx) {
    const { values } = parseCommandArgs(
      'init',
      argv,
      {
        ...POLICY_INIT_OPTIONS,
        agents: { type: 'string' },
        ci: { type: 'string' },
        'hook-manager': { type: 'string' },
        yes: { type: 'boolean' },
      },
      false,
    );
    const manager = values['hook-manager'];
    if (manager !== undefined && !(HOOK_MANAGERS as readonly string[]).includes(manager))
      throw usageError(
        `init: --hook-manager takes ${HOOK_MANAGERS.join(', ')}, not '${manager}'.${didYouMean(manager, HOOK_MANAGERS)}`,
      );
    if (values.ci !== undefined && values.ci !== 'none' && !(FORGES as readonly string[]).includes(values.ci))
      throw usageError(
        `init: --ci takes ${FORGES.join(', ')} or none, not '${values.ci}'.${didYouMean(values.ci, [...FORGES, 'none'])}`,
      );
    const agentList =
      values.agents === undefined
        ? undefined
        : values.agents === 'none'
          ? []
          : values.agents
              .split(',')
              .map((a) => a.trim())
              .filter(Boolean);
    const unknown = agentList?.find((a) => !isHookAgent(a));
    if (unknown)
      throw usageError(`init: --agents: ${unknownHookAgentMessage(unknown, `${HOOK_AGENTS.join(', ')}, or none`)}`);
    const repo = await resolveRepo(ctx.cwd);
    if (!repo.root)
      throw new CountersignError(
        'config',
        `${repo.commonDir} is a bare repository: run \`countersign install --server\` there, and \`init\` in a clone`,
      );
    const root = repo.root;
    const extraReviewers = reviewerArgs(argv, ctx.cwd); // validates --key files before anything is written
    const interactive = !values.json && !values.yes && process.stdin.isTTY === true && process.stderr.isTTY === true;
    const say = (t: string) => {
      if (!values.json) ctx.stdout(t);
    };

    // 1. Hooks and notes refspecs.
    say('Git hooks and notes\n');
    const sub = captured(ctx);
    // What is already set up is kept: a clone set up for a hook manager stays with it unless --hook-manager says otherwise.
    const recorded = manager === undefined ? recordedManager(repo) : undefined;
    const hookManager = (manager as HookManager | undefined) ?? recorded;
    await installHere(sub.ctx, { json: false, nextSteps: false, ...(hookManager ? { hookManager } : {}) });
    say(indent(sub.out()));
    const remotes = await listRemotes(root);
    const remote = remotes.length > 0 ? await defaultRemote(root) : undefined;

    // 2. The policy.
    say(`\nPolicy (${POLICY_FILE})\n`);
    const policy = await writePolicy(ctx, root, {
      protect: values.protect,
      extraReviewers,
      force: values.force === true,
      interactive,
      remote,
    });
    say(
      `  ${policy.status === 'written' ? `wrote ${POLICY_FILE}` : policy.status === 'kept' && policy.file ? `kept the existing ${POLICY_FILE}` : 'not written'}${policy.reason ? `: ${policy.reason}` : ''}\n`,
    );
    for (const w of [policy.notReviewer, ...(policy.warnings ?? [])]) if (w) say(`  warning: ${w}\n`);
    for (const n of policy.tierNotes ?? []) say(`  note: ${n}\n`);

    // 3. Agents.
    const detected = agentList === undefined ? detectAgents(ctx.env, root) : undefined;
    const agents = (agentList ?? detected?.map((d) => d.agent) ?? []) as HookAgent[];
    say(
      `\nAI agents${detected ? ` (found: ${detected.length > 0 ? detected.map((d) => `${d.agent}, ${d.why}`).join('; ') : 'none'})` : ''}\n`,
    );
    if (agents.length > 0) {
      const a = captured(ctx);
      await agentsCommand.run(['connect', '--local', ...agents], a.ctx);
      say(indent(a.out()));
    } else {
      say('  none connected (countersign agents connect --local AGENT when you start using one)\n');
    }

    // 4. CI.
    const url = (remote ? await remoteUrl(root, remote) : undefined) ?? '';
    const forge: Forge | undefined =
      values.ci === 'none' ? undefined : ((values.ci as Forge | undefined) ?? forgeOfRemoteUrl(url));
    say('\nCI\n');
    const ci = forge
      ? writeCi(root, forge, values.force === true)
      : {
          status: 'skipped' as const,
          reason:
            values.ci === 'none'
              ? '--ci none'
              : remote
                ? `${remote} (${url}) is not on GitHub or GitLab: on a self-hosted server, enforce it there with the \`countersign install --server --policy-branch …\` step under Next steps (docs/server-hook.md)`
                : 'no remote yet',
        };
    say(
      `  ${ci.status === 'written' ? `wrote ${ci.file}` : ci.status === 'kept' ? `kept the existing ${ci.file}` : 'no CI template'}${ci.reason ? `: ${ci.reason}` : ''}\n`,
    );
    // The template installs a tarball the team provides; until its checksum is filled in the check fails (closed).
    const ciFile = ci.status !== 'skipped' && ci.file ? ci.file : undefined;
    const provide =
      forge && ciFile && readWorkTreeText(root, ciFile)?.includes(SHA256_PLACEHOLDER)
        ? ciArtefactSteps(forge, CLI_VERSION, ciFile)
        : undefined;
    if (provide) {
      const box = `ACTION NEEDED before the CI check can pass: countersign is not on the npm registry, so ${ciFile} installs the tarball your team provides, checked against its sha256:\n${provide.map((p, i) => `  ${i + 1}. ${p}`).join('\n')}\nUntil then the check fails on every pull request, saying what is missing.\n`;
      if (values.json) ctx.stderr(`countersign: ${box}`);
      else say(`\n  ${box.split('\n').join('\n  ').trimEnd()}\n`);
    }

    // Next steps.
    const steps: string[] = [];
    // Before the first commit a reviewer is added for free; once the policy is on the branch, adding one is a
    // policy change that needs review by a reviewer other than its author (test/unit/cli/soleReviewer.test.ts).
    if (policy.warnings?.length)
      steps.push(
        `Add your teammates as reviewers before you commit the policy (nobody approves their own change, so with you alone your own commits can never pass): countersign policy add-reviewer "Name <email>" --key THEIR_KEY.pub`,
      );
    const toCommit = [
      policy.status === 'written' ? POLICY_FILE : undefined,
      ci.status === 'written' ? ci.file : undefined,
    ].filter((f): f is string => f !== undefined);
    // The checksum first: committed with the placeholder, the one edit that makes CI work comes under the policy's
    // tiers (newuser22 F-init-order: two approvals for the infrastructure tier).
    if (provide && ciFile)
      steps.push(
        `Provide the CI's countersign tarball (see ACTION NEEDED above) before you commit it: ${provide.join('; ')} — ${ciEditLater(readWorkTreePolicy(root).policy, ciFile)}`,
      );
    // newuser11 Q10: "through review" read as Countersign's review, which the first policy cannot get (none is in
    // force before it); and its lines show as untracked, which looked like a hole.
    if (toCommit.length > 0)
      steps.push(
        `Commit ${toCommit.join(' and ')} and push ${toCommit.length === 1 ? 'it' : 'them'} to the protected branch (through your usual pull request if the branch requires one): git add ${toCommit.join(' ')} && git commit -m "Countersign: policy and CI gate"` +
          (policy.status === 'written'
            ? `. This first ${POLICY_FILE} needs no Countersign approval, since no policy is in force before it; every later change to it does. Its lines show as untracked in that commit: Countersign saw no editor or agent write them`
            : ''),
      );
    if (ci.status === 'written' && forge)
      steps.push(
        forge === 'github'
          ? 'Make the "countersign / gate" check required for the protected branches (a ruleset; pin the workflow as a required workflow), and restrict who may create tags with a tag ruleset: the check judges pull requests, not tag pushes (docs/rollout.md). After a reviewer approves, someone re-runs the check on the pull request ("Re-run all jobs"): an approval is a note, not a commit, so nothing starts it'
          : "Require pipelines to succeed before merging, keep the CI configuration where merge requests cannot change it, and protect your release tags (Settings → Repository → Protected tags): the job judges merge requests, not tag pushes (docs/rollout.md). After a reviewer approves, someone runs the merge request's pipeline again: an approval is a note, not a commit, so nothing starts it",
      );
    // Not written: the reason says what init needs (the signing key, user.email) and then "run init again" —
    // one step in that order, instead of "run init" before "set your key" (newuser10 N2).
    const skipped = policy.status === 'skipped' ? policy.reason : undefined;
    // `--agents none` is a choice, not a step left undone (newuser19 F12).
    for (const s of await nextSteps(root, remotes, {
      agentsConnected: agents.length > 0 || values.agents === 'none',
    })) {
      if (/^Write the policy/.test(s) && policy.status === 'written') continue; // written just now, not yet on the branch: the commit step says so
      if (skipped && /^Write the policy/.test(s)) {
        steps.push(`Write the policy: ${skipped}`);
        continue;
      }
      if (skipped?.includes('user.signingkey') && /^Reviewers: choose the SSH key/.test(s)) continue;
      if (/^Enforce it where/.test(s) && ci.status === 'written') continue;
      steps.push(s);
    }
    if (values.json) {
      writeJson(ctx, {
        hooks: { hookManager: hookManager ?? null },
        policy,
        agents,
        ci: { forge: forge ?? null, ...ci, ...(provide ? { provide } : {}) },
        nextSteps: steps,
      });
      return 0;
    }
    ctx.stdout(formatNextSteps(steps));
    return 0;
  },
};

function captured(ctx: CliContext): { ctx: CliContext; out: () => string } {
  let text = '';
  return {
    ctx: {
      ...ctx,
      stdout: (t) => {
        text += t;
      },
      stderr: (t) => {
        text += t;
      },
    },
    out: () => text,
  };
}

function indent(text: string): string {
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => `  ${l.trimStart()}\n`)
    .join('');
}

async function ask(question: string): Promise<string> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return (await new Promise<string>((resolve) => rl.question(question, resolve))).trim();
  } finally {
    rl.close();
  }
}

async function writePolicy(
  ctx: CliContext,
  root: string,
  o: {
    protect: string[] | undefined;
    extraReviewers: ReviewerEntry[];
    force: boolean;
    interactive: boolean;
    remote: string | undefined;
  },
): Promise<Outcome> {
  const file = path.join(root, POLICY_FILE);
  if (fs.existsSync(file) && !o.force) return { status: 'kept', file: POLICY_FILE, reason: keptPolicyReason(root) };
  // newuser14 S2: a clone behind the policy branch (DESIGN: the remote's default branch) must not write a second,
  // one-reviewer policy and claim none is in force: the one there is kept, and the user told how to get it.
  const onBranch = !o.force && o.remote ? await remoteDefaultBranch(root, o.remote) : undefined;
  const there = onBranch ? await policyTextAt(root, `refs/remotes/${o.remote}/${onBranch}`) : undefined;
  if (onBranch && there !== undefined) {
    // One that cannot be read (invalid JSON, a link, too large: attack31's nit) is not "in force": the gate holds
    // what it protected until it is fixed there, which is what the user needs to hear.
    const problem = checkPolicy(there, `${POLICY_FILE} on ${o.remote}/${onBranch}`).problems[0];
    return {
      status: 'kept',
      reason: problem
        ? `${o.remote}/${onBranch} has a ${POLICY_FILE} that cannot be read (${formatProblem(problem).replace(/\n\s*/g, ' ')}), so the gate holds the branches it protects until it is fixed there: fix it on ${onBranch} and push; --force writes a new one here`
        : `a policy is already in force on ${o.remote}/${onBranch}: bring it here with git pull (or git merge ${o.remote}/${onBranch}); change it with countersign policy add-reviewer; --force writes a new one`,
    };
  }
  const email = await gitConfig(root, 'user.email');
  const name = (await gitConfig(root, 'user.name')) ?? email?.split('@')[0];
  const noEmail = 'git user.email is not set (git config user.email you@example.com), then run countersign init again';
  // newuser14 S30: reviewers named with --reviewer/--key are what the user asked for; the runner need not be one
  // (a team lead scripting the set-up), so their policy is written whether or not the runner can be listed.
  if (!email && o.extraReviewers.length === 0) return { status: 'skipped', reason: noEmail };
  let key: string | undefined;
  // Why the configured key cannot be used (a file that does not exist…): said instead of "not set" (newuser10 N1).
  let keyProblem: string | undefined;
  try {
    key = (await signingKeyInfo(root, undefined, ctx.env)).line;
  } catch (e) {
    if (await gitConfig(root, 'user.signingkey')) keyProblem = errorMessage(e);
  }
  const found = standardPublicKey(ctx.env.HOME);
  if (email && !key && o.interactive) {
    const guess = found?.file;
    const answer =
      (await ask(`The SSH public key you sign approvals with${guess ? ` [${guess}]` : ''}: `)) || guess || '';
    if (answer) {
      try {
        const pub = path.resolve(root, answer.replace(/^~(?=\/)/, ctx.env.HOME ?? '~'));
        key = (await signingKeyInfo(root, pub, ctx.env)).line;
        if (key) await runGit(['config', 'user.signingkey', pub], { cwd: root });
      } catch (e) {
        ctx.stderr(`init: ${errorMessage(e)}\n`);
      }
    }
  }
  const whyNotMe = !email
    ? noEmail
    : keyProblem
      ? `you cannot be listed as a reviewer: ${keyProblem}; then run countersign init again`
      : `git user.signingkey is not set, so you cannot be listed as a reviewer: git config user.signingkey ${found ? `${found.shown} (the key found in your ~/.ssh)` : '~/.ssh/id_ed25519.pub'}, then run countersign init again`;
  if ((!email || !key) && o.extraReviewers.length === 0) return { status: 'skipped', reason: whyNotMe };
  const me: ReviewerEntry | undefined = email && key ? { name: name ?? email, email, key } : undefined;
  const reviewers = me ? [me, ...o.extraReviewers.filter((r) => !samePerson(r.email, me.email))] : o.extraReviewers;
  const notReviewer =
    me || (email && o.extraReviewers.some((r) => samePerson(r.email, email)))
      ? undefined
      : `you${email ? ` (${email})` : ''} are not a reviewer in this policy (${whyNotMe.replace(/[,;] then run countersign init again$/, '')}); to be one: countersign policy add-reviewer "Name <email>" --key YOUR_KEY.pub`;
  const protect = o.protect && o.protect.length > 0 ? o.protect : [await defaultProtectedBranch(root, o.remote)];
  const { warnings, policy } = writeNewPolicy(root, { protect, reviewers, force: true });
  const tierNotes = await tierNotesAt(root, policy);
  return {
    status: 'written',
    file: POLICY_FILE,
    reason: `protects ${protect.join(', ')}; reviewers: ${reviewers.map((r) => `${r.name} <${r.email}>`).join(', ')}`,
    ...(notReviewer ? { notReviewer } : {}),
    ...(warnings.length > 0 ? { warnings } : {}),
    ...(tierNotes.length > 0 ? { tierNotes } : {}),
  };
}

/** The hook manager `install --hook-manager` recorded in this clone, if any (a broken manifest: none). */
function recordedManager(repo: Parameters<typeof readManifest>[0]): HookManager | undefined {
  try {
    return readManifest(repo)?.hookManager ?? undefined;
  } catch {
    return undefined;
  }
}
