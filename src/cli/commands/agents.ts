import * as path from 'path';
import { runningCliFile } from '../cliFile';
import { connectAgents } from '../../app/agentsConnect';
import { HOOK_AGENTS, isHookAgent, unknownHookAgentMessage, type HookAgent } from '../../core/agents/hookAgents';
import { didYouMean } from '../../core/didYouMean';
import { usageError } from '../../core/errors';
import { parseCommandArgs, writeJson, type Command } from '../command';
import { resolveRepo } from '../../git/repository';
import { detectAgents } from '../agentDetection';
import { runDisconnect } from './agentsDisconnect';

const USAGE = `Usage: countersign agents connect [${HOOK_AGENTS.join('|')}]... [--local [--all]] [--json]
       countersign agents disconnect [AGENT...|--all] [--local] [--json]

Writes each agent's project-level hook configuration so that its before/after tool-call hooks run
\`countersign checkpoint --from AGENT\`, which records what the agent writes in the working ledger.
Without AGENT, connects all of them into the shared project files; with --local (personal settings), only
the agents found on this machine or in this repository (a program on PATH such as \`claude\`, a folder such
as ~/.claude, or the agent's project files such as .claude/ or CLAUDE.md), and it says which; --all connects
every agent:

  claude    .claude/settings.json          PreToolUse / PostToolUse / PostToolUseFailure (Write, Edit, MultiEdit,
                                           NotebookEdit, Bash)
  codex     .codex/hooks.json              PreToolUse / PostToolUse (Bash, apply_patch, Edit, Write)
  gemini    .gemini/settings.json          BeforeTool / AfterTool (write_file, replace, run_shell_command)
  cursor    .cursor/hooks.json             beforeShellExecution / afterShellExecution / afterFileEdit
  copilot   .github/hooks/countersign.json preToolUse / postToolUse / postToolUseFailure
  kiro      .kiro/hooks/countersign-{before,after}-tool.kiro.hook
  vscode    .github/hooks/countersign-vscode.json PreToolUse / PostToolUse (VS Code's agent hooks: Copilot
                                           agent mode, and VS Code's Claude and Codex harnesses)

Existing hooks and settings are kept; Countersign's own entries are updated in place, so running it again
changes nothing. A file that is not valid JSON is left untouched and the command exits 2 naming it
(nothing is written then). The hooks run the copy of the CLI kept in .git/countersign/bin (written by
\`countersign install\`, or here if missing), so they work when countersign is not on PATH; without it they
do nothing and never block the agent. The hook commands name this repository and that copy by absolute
path (an embedded or fake repository under the agent's cwd cannot substitute its own), so each clone runs
\`agents connect\` for itself. A symlinked .claude, .github/hooks… is refused: nothing is written through it.

Because the hooks name this clone's paths, a settings file that is committed and shared carries one
person's paths to everyone: \`status\` and \`doctor\` then say the hooks are "pinned to another clone or
machine" and how to re-pin them. Teams use --local:

  --local  write each agent's hooks where the agent reads personal, uncommitted settings: Claude Code's
           .claude/settings.local.json (Countersign's entries move there from .claude/settings.json). Files
           git does not track yet (.github/hooks/countersign.json, .kiro/hooks/countersign-*, a new
           .gemini/settings.json…) are listed in .git/info/exclude so they stay out of commits; a file git
           already tracks is named with the fix (git rm --cached FILE). Without AGENT, only the agents
           found here (none found: nothing is written, and it says how to name one). These files are each
           worktree's own: run it again in every linked worktree (git worktree add) where an agent runs.
  --all    with --local and no AGENT: every agent, found or not
  --json   print what was written as JSON (with --local and no AGENT, also "detected": [{"agent", "why"}])

disconnect takes out what connect added, and nothing of yours: Countersign's entries in each agent's
settings (your own hooks and settings in the same file stay), a file connect created that holds nothing
else, and the .git/info/exclude lines connect wrote. Without AGENT (or with --all), every agent.
  --local  leave committed files alone (they are the team's): only the personal settings files and files
           git does not track (what \`connect --local\` writes). \`countersign uninstall\` does the same.
  --json   print {"files": [{"agent", "file", "status": "deleted"|"updated"|"kept", "unexcluded"}], "agents"}

Examples:
  countersign agents connect --local            # the agents found here, pinned to this clone, nothing to commit
  countersign agents connect --local --all      # every agent, found or not
  countersign agents disconnect claude          # Claude Code's hooks out again; your own hooks stay
  countersign agents connect claude codex
  countersign agents connect --json | jq '.files[] | select(.status != "unchanged") | .file'

Exit codes: 0 written or removed (or unchanged); 2 unknown agent, a malformed settings file (connect: nothing
written), a symlinked settings directory, or not in a working tree.
`;

export const agentsCommand: Command = {
  name: 'agents',
  summary: "connect or disconnect AI agents' hooks: Claude Code, Codex, Gemini CLI, Cursor, Copilot, Kiro, VS Code",
  usage: USAGE,
  async run(argv, ctx) {
    const [sub, ...rest] = argv;
    if (sub === 'disconnect') return runDisconnect(rest, ctx);
    if (sub !== 'connect') {
      throw usageError(
        `agents: unknown subcommand '${sub ?? ''}'.${didYouMean(sub ?? '', ['connect', 'disconnect'])} (expected \`agents connect [AGENT...]\` or \`agents disconnect [AGENT...|--all]\`)\nRun \`countersign agents --help\` for usage.`,
      );
    }
    const { values, positionals } = parseCommandArgs('agents connect', rest, {
      json: { type: 'boolean' },
      local: { type: 'boolean' },
      all: { type: 'boolean' },
    });
    const unknown = positionals.filter((a) => !isHookAgent(a));
    if (unknown.length > 0) throw usageError(`agents connect: ${unknownHookAgentMessage(unknown[0])}`);
    if (values.all && positionals.length > 0)
      throw usageError(`agents connect: --all connects every agent; name agents (${positionals.join(' ')}) or --all`);
    // Personal settings are for the agents this person uses (newuser10 N13: `--local`, what install and doctor
    // suggest, wrote hooks for all seven); the shared project files stay for every agent a team may use.
    const detected =
      positionals.length === 0 && values.local && !values.all
        ? detectAgents(ctx.env, (await resolveRepo(ctx.cwd)).root)
        : undefined;
    const agents: HookAgent[] =
      positionals.length > 0
        ? [...new Set(positionals as HookAgent[])]
        : detected
          ? detected.map((d) => d.agent)
          : [...HOOK_AGENTS];
    const others = HOOK_AGENTS.filter((a) => !agents.includes(a));
    if (detected && detected.length === 0) {
      if (values.json) {
        writeJson(ctx, { files: [], detected: [] });
        return 0;
      }
      ctx.stdout(
        `No AI agent found on this machine or in this repository (no ${HOOK_AGENTS.join(', ')} program on PATH, settings folder in your home, or project files here): nothing connected.\n` +
          `  connect the one you use: countersign agents connect --local AGENT (${HOOK_AGENTS.join(', ')})\n` +
          '  or every agent:         countersign agents connect --local --all\n',
      );
      return 0;
    }

    const { root, plans, kept, cli } = await connectAgents(ctx.cwd, {
      agents,
      local: values.local === true,
      cliSource: runningCliFile(),
    });
    if (values.json) {
      writeJson(ctx, {
        files: plans.map((p) => ({
          agent: p.agent,
          file: p.file,
          status: p.text === undefined ? 'unchanged' : p.removing ? 'removed' : p.created ? 'created' : 'updated',
          events: p.events,
          ...(kept.has(p.file)
            ? { outOfCommits: kept.get(p.file) !== 'tracked', tracked: kept.get(p.file) === 'tracked' }
            : {}),
        })),
        cli: { path: cli.path, written: cli.written },
        ...(detected ? { detected } : {}),
      });
      return 0;
    }
    if (detected) ctx.stdout(`found: ${detected.map((d) => `${d.agent} (${d.why})`).join('; ')}\n`);
    for (const p of plans) {
      if (p.removing) {
        // Hooks leave one settings file because this connect put them in the other one: name where they went.
        const to = plans.find((q) => q.agent === p.agent && !q.removing)?.file;
        const where = `the agent's ${values.local ? 'local' : 'shared'} settings file`;
        ctx.stdout(
          `removed   ${p.file.padEnd(48)} Countersign's ${p.agent} hooks (they are in ${where}${to ? ` (${to})` : ''} now)\n`,
        );
        continue;
      }
      const status = p.text === undefined ? 'unchanged' : p.created ? 'created  ' : 'updated  ';
      const where = kept.get(p.file) === 'excluded' ? ' (kept out of commits: .git/info/exclude)' : '';
      ctx.stdout(
        `${status} ${p.file.padEnd(48)} ${p.events.join(', ')} -> countersign checkpoint --from ${p.agent}${where}\n`,
      );
    }
    const tracked = [...kept].filter(([, r]) => r === 'tracked').map(([f]) => f);
    if (tracked.length > 0) {
      ctx.stderr(
        `warning: ${tracked.join(', ')} ${tracked.length === 1 ? 'is' : 'are'} committed, and now name${tracked.length === 1 ? 's' : ''} this clone's paths: keep the change out of your commits, or untrack ${tracked.length === 1 ? 'it' : 'them'} (git rm --cached ${tracked.join(' ')}) so each teammate connects their own\n`,
      );
    } else if (!values.local && plans.some((p) => p.text !== undefined)) {
      ctx.stdout(
        "note: these hooks name this clone's paths; in a shared repository use `countersign agents connect --local` so they stay out of commits.\n",
      );
    }
    if (values.local && plans.length > 0)
      // Personal settings files are each worktree's own (newuser20 F12): a `git worktree add` starts without them.
      ctx.stdout(
        'note: personal settings are per worktree: run `countersign agents connect --local` in each linked worktree ' +
          '(git worktree add) where an agent runs.\n',
      );
    if (cli.written)
      ctx.stdout(`wrote     ${path.relative(root, cli.path) || cli.path} (the CLI copy the hooks run)\n`);
    if (agents.includes('codex'))
      ctx.stdout('note: Codex runs project hooks only once you have reviewed and trusted them.\n');
    if (detected && others.length > 0)
      ctx.stdout(`others (${others.join(', ')}): countersign agents connect --local AGENT, or --all for every agent\n`);
    return 0;
  },
};
