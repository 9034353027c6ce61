import { receiveFsckProblem } from '../../git/serverFsck';
import * as path from 'path';
import { runningCliFile } from '../cliFile';
import { installHooks } from '../../app/installHooks';
import { HOOK_MANAGERS, type HookManager } from '../../git/hookManifest';
import { usageError } from '../../core/errors';
import { grantServerRecovery, installServer } from '../../git/serverHookInstaller';
import { unreadablePolicyText } from '../../git/policyBranch';
import { refusedServerRefs } from '../../git/serverRefAudit';
import { parseCommandArgs, writeJson, type CliContext, type Command } from '../command';
import { hookManagerRecipe } from '../hookRecipes';
import { nextStepsAfterInstall } from '../nextSteps';
import { shortSha } from '../../core/shortSha';

export const installCommand: Command = {
  name: 'install',
  summary: 'install the git hooks (chaining existing ones) and notes configuration',
  usage: `Usage: countersign install [--hook-manager husky|lefthook|pre-commit] [--json]
       countersign install --server [--policy-branch NAME] [--recover] [--json]

In a working repository: point core.hooksPath at .git/countersign/hooks, whose shims run the hooks that
were active before (.git/hooks, or a core.hooksPath set by husky or lefthook) and then Countersign's part:
prepare-commit-msg adds the AI-Provenance trailers, post-commit attaches the refs/notes/ai note,
pre-push runs the review gate and pushes the notes. Also configures notes.rewriteRef and
notes.rewriteMode=ignore so notes follow amend and rebase, and per remote a fetch refspec that brings its
refs/notes/ai and refs/notes/countersign into refs/countersign/remotes/<remote>/ (merged into the local
notes, never overwriting them), and copies the CLI to .git/countersign/bin/countersign.js (what the hooks
run). Run it again after adding a remote, or after upgrading Countersign: it refreshes hooks and the copy.

Options:
  --hook-manager M
             husky, lefthook or pre-commit owns the hooks: configure notes, copy the CLI and write the
             hook scripts into .git/countersign/hooks, chaining nothing, and leave core.hooksPath alone;
             prints the recipe, whose lines run those scripts (Node starts once per commit), or
             \`countersign hook NAME\` where they are missing (see docs/hook-managers.md)
  --server   in a bare repository: install a pre-receive hook that runs the gate on every push
  --policy-branch NAME
             with --server: the branch whose .countersign.json judges every protected branch and tag
             (default: the one recorded before, else the branch HEAD names); recorded in the repository's
             config as countersign.policyBranch
  --recover  with --server: when the policy on the policy branch is unreadable or the branch is missing,
             allow one push that puts a valid policy there (judged under the last policy the server could
             read); spent once the branch moves
  --json     print what was done as JSON

Examples:
  countersign install
  countersign install --hook-manager husky
  cd /srv/git/app.git && countersign install --server --policy-branch main    # on a self-hosted git server

With --server, when the policy branch's .countersign.json cannot be read, the gate is installed all the same
(exit 0) and a WARNING on stderr says what it refuses until the policy is fixed: the policy branch and what
the last readable policy protected (the newest readable one in the branch's first-parent history is
remembered when the server remembers none), or every branch and tag when there is none. It also warns about
refs already there that a push could not create today (replace refs, refs named like a protected branch, case
twins, info/grafts), each with the command that removes it; \`countersign doctor\` lists them as fixes.

Exit codes: 0 installed; 2 not a repository (or a bare one without --server), or a bad option.
`,
  async run(argv, ctx) {
    const { values } = parseCommandArgs(
      'install',
      argv,
      {
        server: { type: 'boolean' },
        json: { type: 'boolean' },
        'policy-branch': { type: 'string' },
        recover: { type: 'boolean' },
        'hook-manager': { type: 'string' },
      },
      false,
    );
    if (!values.server && (values['policy-branch'] !== undefined || values.recover))
      throw usageError('install: --policy-branch and --recover go with --server');
    if (values.server && values.recover) {
      const g = await grantServerRecovery(ctx.cwd);
      if (values.json) {
        writeJson(ctx, {
          recover: true,
          policyBranch: g.branch,
          tip: g.tip ?? null,
          lastReadablePolicy: g.lastReadable,
        });
        return 0;
      }
      ctx.stdout(
        `Recovery granted for the policy branch ${g.branch}${g.tip ? ` (now at ${shortSha(g.tip)})` : ' (missing)'}: the next push that puts a valid .countersign.json on it is ${g.lastReadable ? 'judged under the last policy this server could read' : 'accepted (this server never read a valid policy)'}. The grant is spent once ${g.branch} moves.\n`,
      );
      return 0;
    }
    if (values.server) {
      const s = await installServer(ctx.cwd, {
        cliSource: runningCliFile(),
        nodeBinary: process.execPath,
        ...(values['policy-branch'] ? { policyBranch: values['policy-branch'] } : {}),
      });
      // Installed all the same (exit 0, DESIGN): the gate is in place and fails closed; the warning says how far.
      if (s.unreadable && s.policyBranch) {
        const said = unreadablePolicyText(s.policyBranch, s.unreadable);
        ctx.stderr(`WARNING: ${said.message}.\n${s.unreadable.problem}\nfix: ${said.fix}\n`);
      }
      const fsck = s.fsck.state === 'turnedOn' ? undefined : receiveFsckProblem(s.fsck);
      if (fsck) ctx.stderr(`WARNING: ${fsck.message} (attack26 11; kept as set).\nfix: ${fsck.fix}\n`);
      // What was here before the gate that its rules would refuse (attack24 5): named, not removed.
      const planted = await refusedServerRefs(s.repo.commonDir);
      if (planted.length > 0)
        ctx.stderr(
          `WARNING: ${planted.length} ref(s) or file(s) here that a push could not create today (made before the gate, or by hand); each stands in for or beside what the gate judges until removed:\n${planted.map((p) => `  ${p.what}: ${p.why}\n    fix: ${p.fix}\n`).join('')}`,
        );
      if (values.json) {
        writeJson(ctx, {
          hook: s.hook,
          chained: s.chained ?? null,
          referenceTransactionHook: s.refTransaction.hook,
          referenceTransactionChained: s.refTransaction.chained ?? null,
          reinstalled: s.reinstalled,
          policyBranch: s.policyBranch ?? null,
          policyBranchExists: s.policyBranchExists,
          refusedRefs: planted,
          receiveFsckObjects: s.fsck.state,
          ...(s.headWas ? { headWas: s.headWas } : {}),
          ...(s.unreadable
            ? {
                policyReadable: false,
                rememberedPolicy: s.unreadable.remembered
                  ? { commit: s.unreadable.remembered.commit, seeded: s.unreadable.remembered.seeded === true }
                  : null,
                refusedUntilFixed: s.unreadable.refused,
              }
            : {}),
        });
        return 0;
      }
      ctx.stdout(`${s.reinstalled ? 'Refreshed' : 'Installed'} the Countersign pre-receive hook: ${s.hook}\n`);
      if (s.chained) ctx.stdout(`  the previous pre-receive hook runs first: ${s.chained}\n`);
      // An administrator auditing hooks (or with one of their own) learns of the second hook here (newuser15 #12).
      ctx.stdout(
        `  and the reference-transaction hook: ${s.refTransaction.hook} — it refuses a push's ref update when another push moved refs after the gate judged it, so two concurrent pushes are never both judged against the same server state\n`,
      );
      if (s.refTransaction.chained)
        ctx.stdout(`  the previous reference-transaction hook runs first: ${s.refTransaction.chained}\n`);
      ctx.stdout(
        `  policy branch: ${s.policyBranch ?? '(none: HEAD names no branch; pass --policy-branch NAME)'} — its .countersign.json judges every protected branch and tag; approvals come from refs/notes/countersign\n`,
      );
      if (s.fsck.state === 'turnedOn')
        ctx.stdout(
          `  receive.fsckObjects: turned on — git refuses malformed objects (a tree listing a path twice, which the review panel and a checkout read differently) before the gate runs\n`,
        );
      if (s.headWas && s.policyBranch)
        ctx.stdout(
          `  HEAD now names ${s.policyBranch} (it named ${s.headWas}, which does not exist here), so clones check out ${s.policyBranch}\n`,
        );
      if (s.policyBranch && !s.policyBranchExists) {
        ctx.stdout(
          `  ${s.policyBranch} does not exist here yet: until it is pushed, only a push creating it is accepted (wrong branch? run install --server --policy-branch NAME)\n`,
        );
      }
      return 0;
    }
    const manager = values['hook-manager'];
    if (manager !== undefined && !(HOOK_MANAGERS as readonly string[]).includes(manager)) {
      throw usageError(`install: --hook-manager takes ${HOOK_MANAGERS.join(', ')}, not '${manager}'`);
    }
    return installHere(ctx, {
      json: values.json === true,
      ...(manager ? { hookManager: manager as HookManager } : {}),
    });
  },
};

/** `install` in a working repository; `init` runs the same. */
export async function installHere(
  ctx: CliContext,
  o: { json: boolean; hookManager?: HookManager; nextSteps?: boolean },
): Promise<0> {
  const r = await installHooks(ctx.cwd, {
    cliSource: runningCliFile(),
    nodeBinary: process.execPath,
    ...(o.hookManager ? { hookManager: o.hookManager } : {}),
  });
  if (o.json) {
    writeJson(ctx, {
      hooksDir: r.hooksDir, // the hook scripts, with a hook manager too (its recipe runs them)
      hookManager: o.hookManager ?? null,
      chainedDir: r.chainedDir,
      previousHooksPath: r.previousHooksPath,
      reinstalled: r.reinstalled,
    });
    return 0;
  }
  const where = r.repo.root ?? r.repo.commonDir;
  if (o.hookManager) {
    ctx.stdout(
      `${r.reinstalled ? 'Refreshed' : 'Set up'} Countersign for ${o.hookManager}: notes configuration, the CLI copy and the hook scripts in ${path.relative(where, r.hooksDir) || r.hooksDir}; core.hooksPath left to ${o.hookManager}\n`,
    );
    if (r.huskyShim)
      ctx.stdout(
        `  added ${path.relative(r.repo.root ?? '', r.huskyShim)} (husky makes none for reference-transaction, which merges fetched notes)\n`,
      );
    ctx.stdout(hookManagerRecipe(o.hookManager));
  } else {
    ctx.stdout(
      `${r.reinstalled ? 'Refreshed' : 'Installed'} Countersign hooks in ${path.relative(where, r.hooksDir) || r.hooksDir}\n`,
    );
    ctx.stdout(
      `  chaining the hooks in ${r.chainedDir}${r.previousHooksPath ? ' (core.hooksPath before install)' : ''}\n`,
    );
    ctx.stdout('  commits now carry AI-Provenance trailers; `countersign uninstall` restores the previous set-up\n');
  }
  if (o.nextSteps !== false) ctx.stdout(await nextStepsAfterInstall(ctx.cwd, r.remotes, o.hookManager));
  return 0;
}
