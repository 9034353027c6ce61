import { uninstall } from '../../git/hookInstaller';
import { parseCommandArgs, type Command } from '../command';

export const uninstallCommand: Command = {
  name: 'uninstall',
  summary: 'remove exactly what install added, leaving chained hooks as they were',
  usage: `Usage: countersign uninstall

Restores core.hooksPath to its value before \`countersign install\` (or unsets it), removes the config
entries install added and the shims in .git/countersign/hooks. The ledger and notes are kept.
`,
  async run(argv, ctx) {
    parseCommandArgs('uninstall', argv, {}, false);
    const r = await uninstall(ctx.cwd);
    if (!r.wasInstalled) {
      ctx.stdout('Countersign hooks were not installed here; nothing to do.\n');
      return 0;
    }
    ctx.stdout(`Removed Countersign hooks; core.hooksPath ${r.restoredHooksPath ? `restored to ${r.restoredHooksPath}` : 'unset'}; removed ${r.removedConfig} config entr${r.removedConfig === 1 ? 'y' : 'ies'}.\n`);
    return 0;
  },
};
