import * as path from 'path';
import { runGit } from '../../git/gitRunner';
import { install } from '../../git/hookInstaller';
import { defaultInstallConfig } from '../../git/notesConfig';
import { usageError } from '../../core/errors';
import { grantServerRecovery, installServer } from '../../git/serverHookInstaller';
import { parseCommandArgs, writeJson, type Command } from '../command';

export const installCommand: Command = {
  name: 'install',
  summary: 'install the git hooks (chaining existing ones) and notes configuration',
  usage: `Usage: countersign install [--server [--policy-branch NAME] [--recover]]

In a working repository: point core.hooksPath at .git/countersign/hooks, whose shims run the hooks that
were active before (.git/hooks, or a core.hooksPath set by husky or lefthook) and then Countersign's part:
prepare-commit-msg adds the AI-Provenance trailers, post-commit attaches the refs/notes/ai note,
pre-push runs the review gate and pushes the notes. Also configures notes.rewriteRef and
notes.rewriteMode=ignore so notes follow amend and rebase, and per remote a fetch refspec that brings its
refs/notes/ai and refs/notes/countersign into refs/countersign/remotes/<remote>/ (merged into the local
notes, never overwriting them). Run it again after adding a remote.
Running it again refreshes the hooks and the stable copy of the CLI they call.

Options:
  --server   in a bare repository: install a pre-receive hook that runs the gate on every push
  --policy-branch NAME
             with --server: the branch whose .countersign.json judges every protected branch and tag
             (default: the one recorded before, else the branch HEAD names); recorded in the repository's
             config as countersign.policyBranch
  --recover  with --server: when the policy on the policy branch is unreadable or the branch is missing,
             allow one push that puts a valid policy there (judged under the last policy the server could
             read); spent once the branch moves
  --json     print what was done as JSON
`,
  async run(argv, ctx) {
    const { values } = parseCommandArgs('install', argv, {
      server: { type: 'boolean' }, json: { type: 'boolean' }, 'policy-branch': { type: 'string' }, recover: { type: 'boolean' },
    }, false);
    if (!values.server && (values['policy-branch'] !== undefined || values.recover)) throw usageError('install: --policy-branch and --recover go with --server');
    if (values.server && values.recover) {
      const g = await grantServerRecovery(ctx.cwd);
      if (values.json) {
        writeJson(ctx, { recover: true, policyBranch: g.branch, tip: g.tip ?? null, lastReadablePolicy: g.lastReadable });
        return 0;
      }
      ctx.stdout(`Recovery granted for the policy branch ${g.branch}${g.tip ? ` (now at ${g.tip.slice(0, 12)})` : ' (missing)'}: the next push that puts a valid .countersign.json on it is ${g.lastReadable ? 'judged under the last policy this server could read' : 'accepted (this server never read a valid policy)'}. The grant is spent once ${g.branch} moves.\n`);
      return 0;
    }
    if (values.server) {
      const s = await installServer(ctx.cwd, { cliSource: __filename, nodeBinary: process.execPath, ...(values['policy-branch'] ? { policyBranch: values['policy-branch'] } : {}) });
      if (values.json) {
        writeJson(ctx, { hook: s.hook, chained: s.chained ?? null, reinstalled: s.reinstalled, policyBranch: s.policyBranch ?? null, policyBranchExists: s.policyBranchExists });
        return 0;
      }
      ctx.stdout(`${s.reinstalled ? 'Refreshed' : 'Installed'} the Countersign pre-receive hook: ${s.hook}\n`);
      if (s.chained) ctx.stdout(`  the previous pre-receive hook runs first: ${s.chained}\n`);
      ctx.stdout(`  policy branch: ${s.policyBranch ?? '(none: HEAD names no branch; pass --policy-branch NAME)'} — its .countersign.json judges every protected branch and tag; approvals come from refs/notes/countersign\n`);
      if (s.policyBranch && !s.policyBranchExists) {
        ctx.stdout(`  ${s.policyBranch} does not exist here yet: until it is pushed, only a push creating it is accepted (wrong branch? run install --server --policy-branch NAME)\n`);
      }
      return 0;
    }
    // Outside a repository this lists nothing and install() below says so properly.
    const remotes = (await runGit(['remote'], { cwd: ctx.cwd, okCodes: [128] })).stdout.split('\n').filter((x) => x.trim() !== '');
    const r = await install(ctx.cwd, { cliSource: __filename, nodeBinary: process.execPath, config: defaultInstallConfig(remotes) });
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
