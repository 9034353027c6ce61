import * as fs from 'fs';
import * as path from 'path';
import { HOOK_AGENTS, type HookAgent } from '../core/agents/hookAgents';
import { agentConfigFiles } from '../core/agents/hookLayouts';
import { planAgentDisconnect, type DisconnectPlan } from '../core/agents/hookConfig';
import { writeFileAtomic } from './atomicFile';
import { readWorkTreeText } from './regularFile';
import { recordDisconnected } from './connectedAgents';
import { runGit } from './gitRunner';
import { releaseFromExclude } from './localExclude';
import type { RepoPaths } from './repository';
import { refuseSymlinkedPath } from './symlinkGuard';

/**
 * `agents disconnect` and `uninstall`: take out what `agents connect` added — Countersign's hook entries,
 * files it created that hold nothing else, and its `.git/info/exclude` lines — and nothing of the user's:
 * their own hooks and settings in the same files stay as they were.
 */
export interface DisconnectedFile {
  agent: HookAgent;
  file: string;
  /** `deleted`: nothing else was in it; `updated`: our entries taken out; `kept`: committed, left (--local). */
  status: 'deleted' | 'updated' | 'kept';
  /** Its line in .git/info/exclude was taken out. */
  unexcluded: boolean;
}

export interface DisconnectResult {
  files: DisconnectedFile[];
  agents: HookAgent[];
}

async function isTracked(root: string, file: string): Promise<boolean> {
  return (await runGit(['ls-files', '--error-unmatch', '--', file], { cwd: root, okCodes: [1] })).code === 0;
}

/** Removes empty directories from `dir` up to (not including) `root`: those connect created for its files. */
function removeEmptyDirs(root: string, dir: string): void {
  for (let at = dir; at !== root && at.startsWith(root + path.sep); at = path.dirname(at)) {
    try {
      if (fs.readdirSync(at).length > 0) return;
      fs.rmdirSync(at);
    } catch {
      return;
    }
  }
}

/**
 * With `localOnly` (uninstall, `disconnect --local`) committed files are left as they are — they are the
 * team's, and changing them is a commit — and only the agent's personal settings file and files git does
 * not track are touched. Malformed files are left alone (they hold nothing we can take out).
 */
export async function disconnectAgents(
  repo: RepoPaths,
  agents: readonly HookAgent[] = HOOK_AGENTS,
  o: { localOnly?: boolean } = {},
): Promise<DisconnectResult> {
  const root = repo.root as string;
  const read = (file: string) => {
    refuseSymlinkedPath(root, path.join(root, file), 'remove the agent hook configuration from');
    return readWorkTreeText(root, file);
  };
  const plans: DisconnectPlan[] = agents.flatMap((a) => planAgentDisconnect(a, read));
  const files: DisconnectedFile[] = [];
  const released: string[] = [];
  for (const p of plans) {
    const tracked = await isTracked(root, p.file);
    if (tracked && o.localOnly && !p.personal) {
      files.push({ agent: p.agent, file: p.file, status: 'kept', unexcluded: false });
      continue;
    }
    const abs = path.join(root, p.file);
    if (p.empty && !tracked) {
      fs.rmSync(abs, { force: true });
      removeEmptyDirs(root, path.dirname(abs));
    } else {
      writeFileAtomic(abs, p.text);
    }
    if (!tracked) released.push(p.file);
    files.push({
      agent: p.agent,
      file: p.file,
      status: p.empty && !tracked ? 'deleted' : 'updated',
      unexcluded: false,
    });
  }
  // Lines for files that are gone already (deleted by hand) are Countersign's to take out too.
  for (const a of agents) released.push(...agentConfigFiles(a).filter((f) => !fs.existsSync(path.join(root, f))));
  const unexcluded = new Set(releaseFromExclude(repo, released));
  for (const f of files) f.unexcluded = unexcluded.has(f.file);
  // A disconnected agent is no longer expected to have hooks: status and doctor stop calling them removed.
  const done = agents.filter((a) => !files.some((f) => f.agent === a && f.status === 'kept'));
  recordDisconnected(repo, done);
  return { files, agents: done };
}
