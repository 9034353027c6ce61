import * as path from 'path';
import { install } from '../../git/hookInstaller';
import { defaultInstallConfig } from '../../git/notesConfig';
import { parseCommandArgs, type Command } from '../command';

export const installCommand: Command = {
  name: 'install',
  summary: 'install the git hooks (chaining existing ones) and notes configuration',
  usage: `Usage: countersign install [--server]

In a working repository: point core.hooksPath at .git/countersign/hooks, whose shims run the hooks that
were active before (.git/hooks, or a core.hooksPath set by husky or lefthook) and then Countersign's part:
prepare-commit-msg adds the AI-Provenance trailers, post-commit attaches the refs/notes/ai note,
pre-push runs the review gate. Also configures notes.rewriteRef so notes follow amend and rebase.
Running it again refreshes the hooks and the stable copy of the CLI they call.

Options:
  --server   in a bare repository: install a pre-receive hook that runs the gate on every push
  --json     print what was done as JSON
`,
  async run(argv, ctx) {
    const { values } = parseCommandArgs('install', argv, { server: { type: 'boolean' }, json: { type: 'boolean' } }, false);
    if (values.server) {
      ctx.stderr('countersign install --server: the server-side gate is not built yet (see the gate issue).\n');
      return 2;
    }
    const r = await install(ctx.cwd, { cliSource: __filename, nodeBinary: process.execPath, config: defaultInstallConfig() });
    if (values.json) {
      ctx.stdout(JSON.stringify({ hooksDir: r.hooksDir, chainedDir: r.chainedDir, previousHooksPath: r.previousHooksPath, reinstalled: r.reinstalled }, null, 2) + '\n');
      return 0;
    }
    const where = r.repo.root ?? r.repo.commonDir;
    ctx.stdout(`${r.reinstalled ? 'Refreshed' : 'Installed'} Countersign hooks in ${path.relative(where, r.hooksDir) || r.hooksDir}\n`);
    ctx.stdout(`  chaining the hooks in ${r.chainedDir}${r.previousHooksPath ? ' (core.hooksPath before install)' : ''}\n`);
    ctx.stdout('  commits now carry AI-Provenance trailers; `countersign uninstall` restores the previous set-up\n');
    return 0;
  },
};
