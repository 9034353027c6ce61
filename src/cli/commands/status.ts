import { NEVER_SEEN_REASON, UNOBSERVED_REASON } from '../../core/attribution/labels';
import { brokenAgentHooks, describeBrokenHook } from '../../core/agents/hookHealth';
import { CountersignError } from '../../core/errors';
import { agentHookStates } from '../../git/connectedAgents';
import { hookTakeover } from '../../git/hookTakeover';
import { openLedger } from '../../git/ledger';
import { resolveRepo } from '../../git/repository';
import { uncommittedAttribution, type FileCounts } from '../../git/uncommittedAttribution';
import { parseCommandArgs, writeJson, type Command } from '../command';

export const statusCommand: Command = {
  name: 'status',
  summary: 'uncommitted attribution per file: AI, human and untracked lines',
  usage: `Usage: countersign status [--json]

For every file with uncommitted changes (and any file the working ledger tracks that differs from HEAD),
binary files included, counts the lines of the working-tree file by who wrote them: an AI agent, a human, or
untracked. Untracked lines are split by why: "unobserved" lines changed while Countersign watched the file but
saw no writer (typed outside VS Code, written by a tool or agent without hooks, or by git itself: checkout,
merge, pull); "never seen" lines were never seen being written (from before Countersign watched the file, or
created by a shell or tool it does not see).

It also warns when an agent's hooks that \`countersign agents connect\` wrote were removed or changed
(an agent can edit its own settings): that agent's edits are untracked until it is connected again.

When another tool has switched Countersign's hooks off (husky's \`npm install\`, \`lefthook install\`,
\`pre-commit install\`), it says so first, with the fix (on stderr, also with --json; \`doctor --json\` reports it).

Options:
  --json   print exactly {"files": {PATH: {"ai": N, "human": N, "untracked": N, "agents": [..]}}}; a deleted
           file has "deleted": true, no lines, and as agents those whose tool call deleted it (warnings: stderr)

Examples:
  countersign status
  countersign status --json | jq '.files | to_entries[] | select(.value.ai > 0) | .key'

Exit codes: 0 shown; 2 not a repository, or a bare one.
`,
  async run(argv, ctx) {
    const { values } = parseCommandArgs('status', argv, { json: { type: 'boolean' } }, false);
    const repo = await resolveRepo(ctx.cwd);
    if (!repo.root)
      throw new CountersignError('config', `${repo.commonDir} is a bare repository: it has no working tree`);
    const takeover = await hookTakeover(ctx.cwd);
    const ledger = await openLedger(repo.root);
    const detail = await uncommittedAttribution(ledger);
    const warnings = [
      ...(await ledger.lostLabels()),
      ...brokenAgentHooks(agentHookStates(repo)).map((s) => describeBrokenHook(s)),
    ].map((w) => `warning: ${w}\n`);
    if (values.json) {
      const files: Record<string, FileCounts> = {};
      for (const [p, { ai, human, untracked, agents, deleted }] of Object.entries(detail))
        files[p] = { ai, human, untracked, agents, ...(deleted ? { deleted } : {}) };
      writeJson(ctx, { files });
      if (takeover) ctx.stderr(`warning: ${takeover.message}\n`);
      for (const w of warnings) ctx.stderr(w);
      return 0;
    }
    if (takeover) ctx.stderr(`warning: ${takeover.message}\n`);
    const paths = Object.keys(detail);
    const shown = (p: string) => (detail[p].deleted ? `${p} (deleted)` : p);
    if (paths.length === 0) ctx.stdout('No uncommitted changes.\n');
    else {
      const width = Math.min(60, Math.max(4, ...paths.map((p) => shown(p).length)));
      ctx.stdout(
        `${'file'.padEnd(width)}  ${'ai'.padStart(6)} ${'human'.padStart(6)} ${'untracked'.padStart(9)}  agents\n`,
      );
      let ai = 0,
        human = 0,
        untracked = 0,
        unobserved = 0;
      for (const p of paths) {
        const f = detail[p];
        ai += f.ai;
        human += f.human;
        untracked += f.untracked;
        unobserved += f.unobserved;
        ctx.stdout(
          `${shown(p).padEnd(width)}  ${String(f.ai).padStart(6)} ${String(f.human).padStart(6)} ${String(f.untracked).padStart(9)}  ${f.agents.join(', ')}\n`,
        );
      }
      ctx.stdout(
        `${'total'.padEnd(width)}  ${String(ai).padStart(6)} ${String(human).padStart(6)} ${String(untracked).padStart(9)}\n`,
      );
      if (untracked > 0) {
        ctx.stdout(`untracked: ${unobserved} ${UNOBSERVED_REASON}, ${untracked - unobserved} ${NEVER_SEEN_REASON}\n`);
      }
    }
    for (const w of warnings) ctx.stdout(w);
    return 0;
  },
};
