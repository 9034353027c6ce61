import type { UninstallResult } from './uninstallHooks';

/**
 * The one sentence that says what `uninstall` did, for the editor's "Uninstall Hooks" message: the hooks, and
 * the agents' files it took Countersign's hooks out of (personal and uncommitted ones), and the committed ones it
 * left for `agents disconnect`. Nothing removed goes unmentioned. (The CLI prints a line per agent file instead,
 * agentsDisconnect.formatDisconnect, which suits a terminal.)
 */
export function uninstallSummary(r: Pick<UninstallResult, 'wasInstalled' | 'restoredHooksPath' | 'agents'>): string {
  const hooks = r.wasInstalled
    ? `Countersign hooks removed; ${r.restoredHooksPath ? `core.hooksPath is ${r.restoredHooksPath} again` : 'the previous hooks are active again'}.`
    : 'Countersign hooks were not installed in this repository.';
  const files = r.agents.files;
  const of = (status: string) => files.filter((f) => f.status === status).map((f) => f.file);
  const deleted = of('deleted');
  const updated = of('updated');
  const kept = of('kept');
  const parts: string[] = [];
  if (deleted.length > 0) parts.push(`deleted ${deleted.join(', ')}`);
  if (updated.length > 0) parts.push(`took Countersign's hooks out of ${updated.join(', ')} (your own entries kept)`);
  const unexcluded = files.filter((f) => f.unexcluded).length;
  const agents =
    parts.length > 0
      ? ` Agents' hooks: ${parts.join('; ')}${unexcluded > 0 ? `; ${unexcluded} .git/info/exclude line${unexcluded === 1 ? '' : 's'} removed` : ''}.`
      : '';
  const left =
    kept.length > 0
      ? ` Left ${kept.join(', ')} (committed: \`countersign agents disconnect\` takes Countersign's entries out, then commit it).`
      : '';
  return hooks + agents + left;
}
