import * as fs from 'fs';
import * as path from 'path';
import type { HookAgent } from '../core/agents/hookAgents';
import { planAgentConfig, type ConfigFilePlan } from '../core/agents/hookConfig';
import { CountersignError } from '../core/errors';
import { writeFileAtomic } from '../git/atomicFile';
import { hookPinOf, recordConnected } from '../git/connectedAgents';
import { writeCliCopy } from '../git/hookInstaller';
import { keepOutOfCommits, type ExcludeResult } from '../git/localExclude';
import { resolveRepo } from '../git/repository';
import { refuseSymlinkedPath } from '../git/symlinkGuard';

/**
 * `agents connect`: writes each agent's hook configuration so its tool calls run `checkpoint --from AGENT`.
 * The one implementation behind the CLI, the editor's "Connect AI Agents" and its "Reconnect".
 */
export interface ConnectOptions {
  agents: readonly HookAgent[];
  /** Personal settings files, and files git does not track kept out of commits (.git/info/exclude). */
  local: boolean;
  /** The CLI bundle to copy into .git/countersign/bin when no copy is there yet (the hooks run that copy). */
  cliSource: string;
}

export interface ConnectResult {
  root: string;
  plans: ConfigFilePlan[];
  /** For files kept out of commits: whether that worked (`excluded`) or git already tracks them. */
  kept: Map<string, ExcludeResult>;
  cli: { path: string; written: boolean };
}

export async function connectAgents(cwd: string, o: ConnectOptions): Promise<ConnectResult> {
  const repo = await resolveRepo(cwd);
  if (!repo.root)
    throw new CountersignError(
      'config',
      `${repo.commonDir} is a bare repository: agent hooks belong in a working tree`,
    );
  const root = repo.root;
  // A committed .claude (or .github/hooks…) symlink must not redirect this to the user's global settings.
  const guard = (file: string) =>
    refuseSymlinkedPath(root, path.join(root, file), 'write the agent hook configuration');
  const read = (file: string) => {
    guard(file);
    try {
      return fs.readFileSync(path.join(root, file), 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new CountersignError('config', `cannot read ${file}: ${(e as Error).message}`);
    }
  };
  // Plan everything first: one malformed file means nothing is written, so a retry starts from a known state.
  // The hooks name this repository and its CLI copy by absolute path, never what their cwd resolves to.
  const plans = o.agents.flatMap((a) => planAgentConfig(a, read, hookPinOf(repo, root), o.local ? 'local' : 'project'));
  for (const p of plans) guard(p.file);
  for (const p of plans) if (p.text !== undefined) writeFileAtomic(path.join(root, p.file), p.text);
  // With --local, what names this clone's paths stays out of commits (a personal settings file always).
  const kept = new Map<string, ExcludeResult>();
  for (const p of plans) {
    if (p.removing || (!o.local && !p.personal)) continue;
    kept.set(p.file, await keepOutOfCommits(repo, p.file));
  }
  // Remembered so that hooks an agent later removes are reported (status, doctor, the editor, the note).
  recordConnected(repo, [...o.agents], new Date(), o.local);
  // `install` keeps the copy current; connecting only fills a gap, with the bundle the caller ships.
  const copy = hookPinOf(repo, root).cli;
  const cli = fs.existsSync(copy)
    ? { path: copy, written: false }
    : { path: writeCliCopy(repo, o.cliSource), written: true };
  return { root, plans, kept, cli };
}

/** Whether the repository holding `cwd` has the CLI copy its agents' hooks would run (the editor asks first). */
export async function hookCliInstalled(cwd: string): Promise<boolean> {
  const repo = await resolveRepo(cwd);
  return fs.existsSync(hookPinOf(repo, repo.root ?? cwd).cli);
}
