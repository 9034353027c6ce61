import { shCommand } from '../../core/shellQuote';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { describeBrokenHook, hookAgentName, reconnectCommand } from '../../core/agents/hookHealth';
import { MODEL_UNKNOWN, TRANSCRIPT_FIX } from '../../core/agents/transcriptLocations';
import { agentHookStates } from '../connectedAgents';
import { hookLogLines } from '../hookLog';
import { runGit } from '../gitRunner';
import { readManifest } from '../hookManifest';
import { companionsBeside, HOOK_ENTRY, LEDGER_CLI_BUNDLE, scopeFileCurrent, GATE_CLI_BUNDLE } from '../cliBundle';
import { hookTakeover, recipeManager } from '../hookTakeover';
import { NODE_HOOKS, SHIM_MARKER } from '../hookNames';
import { AI_NOTES_REF, notesFetchRefspecs } from '../notesConfig';
import { cliCopyPath, countersignDir } from '../repository';
import { listRemotes } from '../remotes';
import { finding, type DoctorCheck, type DoctorFinding } from './doctorCheck';

/**
 * The doctor's checks of what `countersign install` and `agents connect` set up in a working repository: the
 * hooks' shims and that git still runs them, the CLI copy they run, agents' hooks, the notes refspecs.
 */

const INSTALL = 'run `countersign install` (it chains whatever hooks the repository has now)';

/** The hooks' shims are in `.git/countersign/hooks` and the install manifest says they were put there. */
export const hooksInstalled: DoctorCheck = {
  name: 'hooks-installed',
  about: "Countersign's git hooks are installed (countersign install)",
  async run({ repo }) {
    const manifest = readManifest(repo);
    // A clone of a repository whose hook manager's recipe calls Countersign (newuser26 N2): its hooks fall back to
    // `countersign hook`, so commits are stamped; what is missing is this clone's set-up, and plain `install` would
    // take core.hooksPath from the manager.
    const recipe = !manifest && repo.root ? recipeManager(repo.root) : undefined;
    if (recipe)
      return [
        finding(
          this.name,
          'fix',
          `${recipe}'s configuration here calls Countersign's hooks, but this clone was not set up for it: each hook falls back to \`countersign hook\` (Node every time, and only where \`countersign\` is on PATH)`,
          `run \`countersign install --hook-manager ${recipe}\` (plain \`install\` would take core.hooksPath from ${recipe})`,
        ),
      ];
    if (!manifest)
      return [
        finding(
          this.name,
          'fix',
          "Countersign's git hooks are not installed: commits get no AI-Provenance trailer (unattested) and pushes are not checked",
          INSTALL,
        ),
      ];
    // With a hook manager in charge the same shims are there for its recipe to run (managerHookLine.ts); whether the
    // manager calls them, and git runs the manager, is hooks-active's.
    const m = manifest.hookManager;
    const dir = path.join(countersignDir(repo), 'hooks');
    const missing = NODE_HOOKS.filter((h) => {
      try {
        return !fs.readFileSync(path.join(dir, h), 'utf8').includes(SHIM_MARKER);
      } catch {
        return true;
      }
    });
    const rel = path.relative(repo.root ?? repo.commonDir, dir) || dir;
    if (missing.length > 0)
      return [
        finding(
          this.name,
          'fix',
          `hook shims missing or replaced in ${dir}: ${missing.join(', ')}${m ? ` (${m}'s recipe then runs \`countersign hook NAME\`, which starts Node for every hook)` : ''}`,
          m ? `run \`countersign install --hook-manager ${m}\`` : INSTALL,
        ),
      ];
    return [
      finding(
        this.name,
        'ok',
        m
          ? `set up for ${m} (install --hook-manager): its recipe runs the hooks in ${rel}`
          : `hooks installed in ${rel}`,
      ),
    ];
  },
};

/**
 * Countersign's hooks still run: husky's `prepare`, lefthook or pre-commit may have taken core.hooksPath
 * over, or a manager set up with --hook-manager may not call `countersign hook`. hookTakeover.ts decides,
 * for the status bar, `status` and every CLI command alike.
 */
export const hooksStillActive: DoctorCheck = {
  name: 'hooks-active',
  about: 'core.hooksPath still points at them, or (--hook-manager) git runs the manager that calls them',
  async run({ cwd, repo }) {
    if (repo.bare || !readManifest(repo)) return [];
    const t = await hookTakeover(cwd);
    if (!t)
      return [
        finding(
          this.name,
          'ok',
          "Countersign's hooks run on commit and push (core.hooksPath or the hook manager calls them)",
        ),
      ];
    const message =
      t.kind !== 'hooksPath'
        ? t.message
        : `${t.hooksPath === null ? 'core.hooksPath is unset, so git runs .git/hooks' : `core.hooksPath is ${t.hooksPath}${t.by ? ` (${t.by})` : ''}`}: Countersign's hooks were taken over and no longer run`;
    return [
      finding(
        this.name,
        'fix',
        message,
        t.fix ??
          (t.by
            ? `run \`countersign install\`, or keep ${t.by} and add the recipe from docs/hook-managers.md`
            : INSTALL),
      ),
    ];
  },
};

function sha256(file: string): string | undefined {
  try {
    return createHash('sha256').update(fs.readFileSync(file)).digest('hex');
  } catch {
    return undefined;
  }
}

/** `.git/countersign/bin/countersign.js`, which hooks and agents' hooks run, is this Countersign. */
export const stableCliCurrent: DoctorCheck = {
  name: 'cli-copy',
  about: 'the copy of the CLI the hooks run (.git/countersign/bin) is this version',
  async run({ repo, cliSource }) {
    if (repo.bare) return [];
    const copy = cliCopyPath(repo);
    const have = sha256(copy);
    if (have === undefined) {
      if (!readManifest(repo)) return [];
      return [
        finding(
          this.name,
          'fix',
          `the CLI copy the hooks run is missing (${copy}): hooks skip with a warning`,
          'run `countersign install` to write it again',
        ),
      ];
    }
    const want = sha256(cliSource);
    if (want !== undefined && want !== have) {
      return [
        finding(
          this.name,
          'fix',
          `the CLI copy the hooks run (${copy}) differs from this countersign: hooks run an older or newer version`,
          'run `countersign install` to refresh it',
        ),
      ];
    }
    // The files install copies beside it: the commit hook's entry (prepare-commit-msg runs it on every commit)
    // and the bundles of commands the CLI loads on first use.
    for (const [name, shipped] of companionsBeside(cliSource)) {
      const companion = path.join(path.dirname(copy), name);
      if (sha256(shipped) !== sha256(companion)) {
        const what =
          name === HOOK_ENTRY
            ? "the commit hook's entry"
            : name === LEDGER_CLI_BUNDLE
              ? "the CLI's working-ledger bundle"
              : name === GATE_CLI_BUNDLE
                ? "the CLI's gate bundle"
                : "the CLI's second bundle";
        return [
          finding(
            this.name,
            'fix',
            `${what} (${companion}) is missing or differs from this countersign's`,
            'run `countersign install` to refresh it',
          ),
        ];
      }
    }
    if (!scopeFileCurrent(copy))
      return [
        finding(
          this.name,
          'fix',
          `the CLI copy the hooks run has no package.json of its own beside it (${path.dirname(copy)}): a package.json of the project's with "type": "module", or one that does not parse, makes every hook crash`,
          'run `countersign install` to refresh it',
        ),
      ];
    return [finding(this.name, 'ok', 'the CLI copy the hooks run is current')];
  },
};

/** Agents' hooks that `agents connect` wrote are still there as written. */
export const agentsConnected: DoctorCheck = {
  name: 'agents',
  about: "agents' hooks written by `agents connect` are still there as written",
  async run({ repo }) {
    const states = agentHookStates(repo);
    const unknownModel = unknownModelFinding(this.name, countersignDir(repo));
    if (states.length === 0) return unknownModel;
    const out: DoctorFinding[] = [];
    for (const s of states) {
      if (s.status === 'connected')
        out.push(
          finding(this.name, 'ok', `${hookAgentName(s.agent)}: hooks connected (${(s.holding ?? s.files).join(', ')})`),
        );
      else if (s.status !== 'notConnected')
        out.push(
          finding(
            this.name,
            'fix',
            describeBrokenHook(s),
            `run \`${reconnectCommand(s)}\`${s.status === 'notInWorktree' ? ' in this worktree' : ''}`,
          ),
        );
    }
    if (out.length === 0) {
      out.push(
        finding(
          this.name,
          'info',
          "no agent's hooks are connected: edits by Claude Code, Codex, Gemini CLI, Cursor, Copilot or Kiro are recorded as untracked",
          // --local: the shared files would name this clone's paths in a commit (newuser8 F2), as install/init say.
          'run `countersign agents connect --local` (or `agents connect --local claude` for one)',
        ),
      );
    }
    return [...out, ...unknownModel];
  },
};

/** The hook log's latest "model unknown" line (a transcript outside the agent's folders, newuser10 N4), as info. */
function unknownModelFinding(check: string, dir: string): DoctorFinding[] {
  const line = hookLogLines(dir)
    .filter((l) => l.includes(MODEL_UNKNOWN))
    .pop();
  if (!line) return [];
  const said = line.slice(line.indexOf(MODEL_UNKNOWN)).replace(/\s*Fix: .*$/, '');
  return [finding(check, 'info', `${said} (from .git/countersign/log)`, TRANSCRIPT_FIX.replace(/^Fix: /, ''))];
}

async function configValues(cwd: string, key: string): Promise<string[]> {
  const r = await runGit(['config', '--get-all', key], { cwd, okCodes: [1] });
  return r.code === 0 ? r.stdout.split('\n').filter(Boolean) : [];
}

/** Each remote fetches refs/notes/ai and refs/notes/countersign, and notes follow amend and rebase. */
export const notesRefspecs: DoctorCheck = {
  name: 'notes-refspecs',
  about: 'notes follow amend/rebase, and each remote fetches refs/notes/ai and refs/notes/countersign',
  async run({ cwd, repo }) {
    if (repo.bare) return [];
    const out: DoctorFinding[] = [];
    const rewrite = await configValues(cwd, 'notes.rewriteRef');
    if (!rewrite.some((v) => v === AI_NOTES_REF || v === 'refs/notes/*')) {
      out.push(
        finding(
          this.name,
          'fix',
          `notes.rewriteRef does not include ${AI_NOTES_REF}: amend and rebase drop provenance notes`,
          `run \`countersign install\` (it sets notes.rewriteRef), or alone: git config --add notes.rewriteRef ${AI_NOTES_REF}`,
        ),
      );
    }
    const names = await listRemotes(cwd);
    if (names.length === 0) {
      out.push(
        finding(
          this.name,
          'info',
          'no remote yet: notes and approvals are not shared',
          'after `git remote add`, run `countersign install` again',
        ),
      );
      return out;
    }
    for (const r of names) {
      const have = await configValues(cwd, `remote.${r}.fetch`);
      const missing = notesFetchRefspecs(r).filter((s) => !have.includes(s));
      out.push(
        missing.length === 0
          ? finding(this.name, 'ok', `${r} fetches refs/notes/ai and refs/notes/countersign`)
          : finding(
              this.name,
              'fix',
              `${r} does not fetch ${missing.map((s) => s.slice(1, s.indexOf(':'))).join(' and ')}: approvals and provenance from others are not seen`,
              `run \`countersign install\` (it adds the fetch refspecs), or alone: ${missing.map((s) => shCommand(['git', 'config', '--add', `remote.${r}.fetch`, s])).join(' && ')}`,
            ),
      );
    }
    return out;
  },
};
