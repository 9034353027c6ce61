import * as fs from 'fs';
import * as path from 'path';
import { HOOK_AGENTS, type HookAgent } from '../core/agents/hookAgents';
import type { HookPin } from '../core/agents/hookCommand';
import { allAgentHookStates, type AgentHookState } from '../core/agents/hookHealth';
import { writeFileAtomic } from './atomicFile';
import { readWorkTreeText } from './regularFile';
import { cliCopyPath, countersignDir, type RepoPaths } from './repository';

/**
 * `.git/countersign/agents.json`: which agents `agents connect` connected in this repository, so that hooks
 * an agent later removes are told apart from hooks that were never there. Local (not committed): the hook
 * files themselves are committed, and a clone whose files carry intact hooks reads as connected anyway.
 */
interface ConnectedRecord {
  version: 1;
  /** `local`: connected with --local (personal settings files), so a reconnect writes there again. */
  agents: Partial<Record<HookAgent, ConnectedAgent>>;
}

interface ConnectedAgent {
  connectedAt: string;
  local?: true;
  /**
   * The work trees it was connected in (absolute roots). This file is shared by every linked worktree, the settings
   * files are not (`.claude/settings.local.json` is one worktree's), so "connected" is per work tree (newuser20
   * F12). Written by older versions without it: the main work tree's.
   */
  worktrees?: string[];
}

function recordFile(repo: RepoPaths): string {
  return path.join(countersignDir(repo), 'agents.json');
}

function readRecord(repo: RepoPaths): ConnectedRecord {
  try {
    const parsed = JSON.parse(fs.readFileSync(recordFile(repo), 'utf8')) as ConnectedRecord;
    if (parsed && parsed.version === 1 && typeof parsed.agents === 'object' && parsed.agents !== null) return parsed;
  } catch {
    // missing or unreadable: nothing recorded (the files still speak for themselves)
  }
  return { version: 1, agents: {} };
}

/** The agents `agents connect` connected in this work tree. */
export function connectedAgents(repo: RepoPaths): Set<HookAgent> {
  const record = readRecord(repo).agents;
  return new Set(HOOK_AGENTS.filter((a) => record[a] !== undefined && connectedHere(record[a], repo)));
}

/** The agents connected in another work tree of this repository but never in this one. */
export function connectedInOtherWorktrees(repo: RepoPaths): Set<HookAgent> {
  const record = readRecord(repo).agents;
  return new Set(HOOK_AGENTS.filter((a) => record[a] !== undefined && !connectedHere(record[a], repo)));
}

function connectedHere(entry: ConnectedAgent, repo: RepoPaths): boolean {
  if (!Array.isArray(entry.worktrees)) return path.resolve(repo.gitDir) === path.resolve(repo.commonDir);
  return repo.root !== undefined && entry.worktrees.includes(repo.root);
}

export function recordConnected(repo: RepoPaths, agents: readonly HookAgent[], now = new Date(), local = false): void {
  const record = readRecord(repo);
  const here = repo.root === undefined ? [] : [repo.root];
  for (const a of agents) {
    const before = record.agents[a];
    // Connected before anywhere without a list: that was the main work tree (connectedHere).
    const earlier = Array.isArray(before?.worktrees)
      ? before.worktrees
      : before && path.resolve(repo.gitDir) !== path.resolve(repo.commonDir)
        ? [mainWorktreeRoot(repo)]
        : [];
    record.agents[a] = {
      connectedAt: now.toISOString(),
      ...(local ? { local: true as const } : {}),
      worktrees: [...new Set([...earlier, ...here])],
    };
  }
  fs.mkdirSync(countersignDir(repo), { recursive: true });
  writeFileAtomic(recordFile(repo), JSON.stringify(record, null, 2) + '\n');
}

/** Whether `agent` was last connected with --local here (a reconnect then writes the personal files again). */
export function connectedLocally(repo: RepoPaths, agent: HookAgent): boolean {
  return readRecord(repo).agents[agent]?.local === true;
}

export function recordDisconnected(repo: RepoPaths, agents: readonly HookAgent[]): void {
  const record = readRecord(repo);
  if (!agents.some((a) => record.agents[a])) return;
  for (const a of agents) delete record.agents[a];
  writeFileAtomic(recordFile(repo), JSON.stringify(record, null, 2) + '\n');
}

/**
 * Where agents' hooks find Countersign for the work tree `root`: its CLI copy and the work tree, both
 * absolute, never what a hook's cwd resolves to. `agents connect` writes it; health checks compare with it.
 */
export function hookPinOf(repo: RepoPaths, root: string): HookPin {
  return { cli: cliCopyPath(repo), repo: root };
}

/** Every hook agent's state in this working tree (empty for a bare repository). */
export function agentHookStates(repo: RepoPaths): AgentHookState[] {
  const root = repo.root;
  if (!root) return [];
  // The same pin `agents connect` writes: hooks naming another repository's CLI copy are not current.
  const record = readRecord(repo).agents;
  const local = new Set(HOOK_AGENTS.filter((a) => record[a]?.local === true));
  // Each file is read once: the planner asks for the same files several times per agent.
  const texts = new Map<string, string | undefined>();
  const read = (file: string): string | undefined => {
    if (!texts.has(file)) texts.set(file, readWorkTreeText(root, file));
    return texts.get(file);
  };
  return allAgentHookStates(read, connectedAgents(repo), hookPinOf(repo, root), local, connectedInOtherWorktrees(repo));
}

/** The main work tree's root: the folder holding the common git directory (`.git`). */
function mainWorktreeRoot(repo: RepoPaths): string {
  return path.dirname(path.resolve(repo.commonDir));
}
