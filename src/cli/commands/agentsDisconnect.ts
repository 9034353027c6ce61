import { HOOK_AGENTS, isHookAgent, unknownHookAgentMessage, type HookAgent } from '../../core/agents/hookAgents';
import { CountersignError, usageError } from '../../core/errors';
import { disconnectAgents, type DisconnectResult } from '../../git/agentDisconnect';
import { resolveRepo } from '../../git/repository';
import { parseCommandArgs, writeJson, type CliContext, type ExitCode } from '../command';

/** `countersign agents disconnect [AGENT...|--all] [--local] [--json]`: the undo of `agents connect`. */
export async function runDisconnect(argv: string[], ctx: CliContext): Promise<ExitCode> {
  const { values, positionals } = parseCommandArgs('agents disconnect', argv, {
    json: { type: 'boolean' },
    local: { type: 'boolean' },
    all: { type: 'boolean' },
  });
  const unknown = positionals.filter((a) => !isHookAgent(a));
  if (unknown.length > 0)
    throw usageError(
      `agents disconnect: ${unknownHookAgentMessage(unknown[0], `${HOOK_AGENTS.join(', ')}, or --all`)}`,
    );
  if (values.all && positionals.length > 0) throw usageError('agents disconnect: name agents or pass --all, not both');
  const agents: HookAgent[] = positionals.length > 0 ? [...new Set(positionals as HookAgent[])] : [...HOOK_AGENTS];
  const repo = await resolveRepo(ctx.cwd);
  if (!repo.root)
    throw new CountersignError(
      'config',
      `${repo.commonDir} is a bare repository: agent hooks belong in a working tree`,
    );
  const r = await disconnectAgents(repo, agents, { localOnly: values.local === true });
  if (values.json) {
    writeJson(ctx, r);
    return 0;
  }
  ctx.stdout(formatDisconnect(r));
  return 0;
}

/** One line per file, as `agents connect` prints them; also what `uninstall` says about agents. */
export function formatDisconnect(r: DisconnectResult): string {
  if (r.files.length === 0) return "No agent hooks of Countersign's were found; nothing to remove.\n";
  const lines = r.files.map((f) => {
    const what = f.status === 'deleted' ? 'deleted  ' : f.status === 'updated' ? 'updated  ' : 'kept     ';
    const why =
      f.status === 'deleted'
        ? "only Countersign's hooks were in it"
        : f.status === 'updated'
          ? "Countersign's hooks taken out; your own entries kept"
          : 'committed: `countersign agents disconnect` without --local takes its entries out (then commit it)';
    return `${what} ${f.file.padEnd(48)} ${why}${f.unexcluded ? '; its .git/info/exclude line removed' : ''}\n`;
  });
  return lines.join('');
}
