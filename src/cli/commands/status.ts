import { CountersignError } from '../../core/errors';
import { openLedger } from '../../git/ledger';
import { resolveRepo } from '../../git/repository';
import { uncommittedAttribution } from '../../git/uncommittedAttribution';
import { parseCommandArgs, writeJson, type Command } from '../command';

export const statusCommand: Command = {
  name: 'status',
  summary: 'uncommitted attribution per file: AI, human and untracked lines',
  usage: `Usage: countersign status [--json]

For every file with uncommitted changes (and any file the working ledger tracks that differs from HEAD),
counts the lines of the working-tree file by who wrote them: an AI agent, a human, or untracked (written
before Countersign watched, or while nothing did).

Options:
  --json   print {"files": {PATH: {"ai": N, "human": N, "untracked": N, "agents": [..]}}}
`,
  async run(argv, ctx) {
    const { values } = parseCommandArgs('status', argv, { json: { type: 'boolean' } }, false);
    const repo = await resolveRepo(ctx.cwd);
    if (!repo.root) throw new CountersignError('config', `${repo.commonDir} is a bare repository: it has no working tree`);
    const files = await uncommittedAttribution(await openLedger(repo.root));
    if (values.json) {
      writeJson(ctx, { files });
      return 0;
    }
    const paths = Object.keys(files);
    if (paths.length === 0) {
      ctx.stdout('No uncommitted changes.\n');
      return 0;
    }
    const width = Math.min(60, Math.max(4, ...paths.map((p) => p.length)));
    ctx.stdout(`${'file'.padEnd(width)}  ${'ai'.padStart(6)} ${'human'.padStart(6)} ${'untracked'.padStart(9)}  agents\n`);
    let ai = 0, human = 0, untracked = 0;
    for (const p of paths) {
      const f = files[p];
      ai += f.ai; human += f.human; untracked += f.untracked;
      ctx.stdout(`${p.padEnd(width)}  ${String(f.ai).padStart(6)} ${String(f.human).padStart(6)} ${String(f.untracked).padStart(9)}  ${f.agents.join(', ')}\n`);
    }
    ctx.stdout(`${'total'.padEnd(width)}  ${String(ai).padStart(6)} ${String(human).padStart(6)} ${String(untracked).padStart(9)}\n`);
    return 0;
  },
};
