import * as path from 'path';
import { uninstallHooks } from '../../app/uninstallHooks';
import { uninstallServer } from '../../git/serverHookInstaller';
import { parseCommandArgs, writeJson, type Command } from '../command';
import { formatDisconnect } from './agentsDisconnect';

export const uninstallCommand: Command = {
  name: 'uninstall',
  summary: 'remove exactly what install added, leaving chained hooks as they were',
  usage: `Usage: countersign uninstall [--json]
       countersign uninstall --server [--json]

Restores core.hooksPath to its value before \`countersign install\` (or unsets it), removes the config
entries install added (notes.rewriteRef, notes.rewriteMode, the notes fetch refspecs per remote), the shims
in .git/countersign/hooks and the CLI copy in .git/countersign/bin, and what \`agents connect\` added to
files that are not committed (its hooks in the agents' personal settings and in files git does not track,
and its .git/info/exclude lines; as \`agents disconnect --local\`) — never your own hooks or settings.
Committed agent settings are the team's and are left (\`agents disconnect\` takes Countersign's entries out
of them). The working ledger and the notes are kept (they are your provenance), and so are the fetched copies
of the remotes' notes under refs/countersign/remotes/ (verify, approve and review fetch into them too); it
says how to delete them. Hooks that install chained stay as they were.
With --server, in a bare repository: removes the pre-receive and reference-transaction hooks (putting back
any hook they chained), the CLI copy, the remembered policy and countersign.policyBranch, and names each
(JSON: removed, removedItems). It keeps receive.fsckObjects=true and HEAD naming the policy branch, which
install may have set, and says how to undo each (JSON: keptItems).

Options:
  --server   remove the server's pre-receive gate
  --json     print what was removed as JSON

Examples:
  countersign uninstall
  cd /srv/git/app.git && countersign uninstall --server

Exit codes: 0 removed (or nothing was installed); 2 not a repository.
`,
  async run(argv, ctx) {
    const { values } = parseCommandArgs(
      'uninstall',
      argv,
      { server: { type: 'boolean' }, json: { type: 'boolean' } },
      false,
    );
    if (values.server) {
      const r = await uninstallServer(ctx.cwd);
      if (values.json)
        writeJson(ctx, {
          server: true,
          removed: r !== undefined,
          removedItems: r?.removed ?? [],
          keptItems: r?.kept ?? [],
        });
      else
        ctx.stdout(
          r
            ? `Removed the Countersign gate; pushes are no longer checked on this server. Removed:\n${r.removed.map((x) => `  ${x}\n`).join('')}` +
                (r.kept.length > 0 ? `Kept:\n${r.kept.map((x) => `  ${x}\n`).join('')}` : '')
            : 'No Countersign pre-receive gate was installed here; nothing to do.\n',
        );
      return 0;
    }
    const r = await uninstallHooks(ctx.cwd);
    if (values.json) {
      writeJson(ctx, {
        wasInstalled: r.wasInstalled,
        restoredHooksPath: r.restoredHooksPath,
        removedConfig: r.removedConfig,
        agents: r.agents,
        kept: r.kept,
        keptRefs: r.keptRefs,
      });
      return 0;
    }
    const kept =
      (r.kept.length > 0
        ? `Kept ${r.kept.join(', ')} (the working ledger: labels of uncommitted lines, reused by a later install) and the notes (your provenance); to delete the ledger too: rm -r ${path.dirname(r.kept[0])}\n`
        : '') +
      (r.keptRefs.length > 0
        ? `Kept ${r.keptRefs.join(', ')} (the remotes' notes as last fetched; verify, approve and review fetch into them too); to delete them: git for-each-ref --format='delete %(refname)' refs/countersign/remotes/ | git update-ref --stdin\n`
        : '');
    if (r.agents.files.length > 0) ctx.stdout(formatDisconnect(r.agents));
    if (!r.wasInstalled) {
      ctx.stdout(
        `Countersign hooks were not installed here${r.agents.files.length > 0 || kept ? '' : '; nothing to do'}.\n${kept}`,
      );
      return 0;
    }
    ctx.stdout(
      `Removed Countersign hooks and the CLI copy; core.hooksPath ${r.restoredHooksPath ? `restored to ${r.restoredHooksPath}` : 'unset'}; removed ${r.removedConfig} config entr${r.removedConfig === 1 ? 'y' : 'ies'}.\n${kept}`,
    );
    return 0;
  },
};
