import { errorMessage } from '../errors';
import { agentDisplayName } from './agentIdentity';
import { agentOfHook, HOOK_AGENTS, type HookAgent } from './hookAgents';
import { agentConfigFiles } from './hookLayouts';
import { ourCommandsIn, pinOfCommand, type HookPin } from './hookCommand';
import { planAgentConfig } from './hookConfig';

/**
 * Whether the hook configuration `countersign agents connect` wrote is still there as written. An agent can
 * edit its own settings (`.claude/settings.json`, `.github/hooks/*.json`), and one that removes
 * Countersign's hooks writes untracked lines from then on: `status`, `doctor` and the editor say so, and
 * each commit's note records which agents were connected (src/core/agents/connectedAgents.ts).
 *
 * "Intact" is decided by the same planner `connect` uses: if connecting again would change nothing, the
 * hooks are as Countersign wrote them.
 */
export type AgentHookStatus =
  /** connect would write nothing: every hook entry is as connect wrote it */
  | 'connected'
  /** no trace of Countersign's hooks, and it was never connected here */
  | 'notConnected'
  /** it was connected here (recorded by connect) but its hook entries are gone */
  | 'removed'
  /** some of Countersign's entries remain but differ from what connect writes (or the file is unreadable/disabled) */
  | 'altered'
  /**
   * never connected in this work tree, but in another worktree of the repository (agents.json is shared, the
   * settings files are each work tree's): not a removal (newuser20 F12)
   */
  | 'notInWorktree'
  /**
   * Countersign's entries are intact but pinned to another clone or machine (a teammate's committed settings
   * file names their CLI copy and work tree): they record nothing here until `agents connect` re-pins them.
   */
  | 'elsewhere';

export interface AgentHookState {
  agent: HookAgent;
  /** Canonical agent name (`claude-code`). */
  canonical: string;
  status: AgentHookStatus;
  /** Repository-relative files connect writes for this agent. */
  files: string[];
  /** What is wrong, in a phrase ("the file is not valid JSON", "entries were changed"). */
  detail?: string;
  /** With `elsewhere`: the work tree the entries are pinned to. */
  pinnedTo?: string;
  /** With `elsewhere`: the agent has a personal settings file (`connect --local` moves the hooks there). */
  localFile?: string;
  /** Connected here with `agents connect --local` (agents.json): mending it connects with --local again. */
  connectedLocally?: true;
  /** With `connected`: the files of `files` that hold Countersign's hooks (doctor names only these: F3). */
  holding?: string[];
}

/** "Claude Code", for sentences like "Claude Code was running without Countersign's hooks" (the agent-identity table's name). */
export function hookAgentName(agent: HookAgent): string {
  return agentDisplayName(agentOfHook(agent));
}

function mentionsOurHook(text: string | undefined, agent: HookAgent): boolean {
  return text !== undefined && text.includes('countersign') && text.includes(`checkpoint --from ${agent}`);
}

/** Kiro hook files carry an `enabled` switch: a disabled hook is configured but does not run. */
function disabledFile(
  agent: HookAgent,
  files: string[],
  read: (file: string) => string | undefined,
): string | undefined {
  for (const f of files) {
    const text = read(f);
    if (!mentionsOurHook(text, agent)) continue;
    try {
      const parsed = JSON.parse(text as string) as { enabled?: unknown };
      if (parsed && parsed.enabled === false) return f;
    } catch {
      // unreadable: planAgentConfig reports it
    }
  }
  return undefined;
}

/**
 * The state of one agent's hooks, from the files as they are now (`read` returns undefined for a missing
 * file) and whether `agents connect` recorded connecting it in this repository.
 */
export function agentHookState(
  agent: HookAgent,
  read: (file: string) => string | undefined,
  wasConnected: boolean,
  pin: HookPin,
  wasLocal = false,
  inOtherWorktree = false,
): AgentHookState {
  const files = agentConfigFiles(agent);
  const base = {
    agent,
    canonical: agentOfHook(agent),
    files,
    ...(wasLocal ? { connectedLocally: true as const } : {}),
  };
  const mentioned = files.some((f) => mentionsOurHook(read(f), agent));
  let plans;
  try {
    // Connected as `connect` or `connect --local` writes it: either is current.
    const project = planAgentConfig(agent, read, pin, 'project');
    const local = planAgentConfig(agent, read, pin, 'local');
    const changes = (ps: typeof project) => ps.filter((p) => p.text !== undefined).length;
    // On a tie (the hooks are gone from both) the placement they were connected with, or the personal file
    // when only it is there, is where they belong — not a shared file that does not even exist.
    const present = files.filter((f) => read(f) !== undefined);
    const preferLocal = wasLocal || (present.length > 0 && present.every((f) => f.endsWith('.local.json')));
    plans = changes(local) < changes(project) || (preferLocal && changes(local) === changes(project)) ? local : project;
  } catch (e) {
    if (!mentioned && !wasConnected) return { ...base, status: 'notConnected' };
    return { ...base, status: 'altered', detail: errorMessage(e).replace(/; it was left untouched.*$/, '') };
  }
  const changed = plans.filter((p) => p.text !== undefined).map((p) => p.file);
  if (changed.length === 0) {
    const disabled = disabledFile(agent, files, read);
    return disabled
      ? { ...base, status: 'altered', detail: `${disabled} is disabled ("enabled": false)` }
      : { ...base, status: 'connected', holding: files.filter((f) => mentionsOurHook(read(f), agent)) };
  }
  const foreign = foreignPin(agent, files, read, pin);
  if (foreign) {
    const localFile = files.find((f) => f.endsWith('.local.json'));
    return {
      ...base,
      status: 'elsewhere',
      detail: `${foreign.files.join(', ')} ${foreign.files.length === 1 ? 'names' : 'name'} the CLI copy and work tree of another clone or machine (${foreign.repo})`,
      pinnedTo: foreign.repo,
      ...(localFile ? { localFile } : {}),
    };
  }
  // Where the hooks belong under the placement that comes closest (not the file they would be moved out of).
  const targets = plans.filter((p) => !p.removing).map((p) => p.file);
  if (mentioned)
    return {
      ...base,
      status: 'altered',
      detail: `Countersign's hook entries in ${targets.filter((f) => changed.includes(f)).join(', ') || changed.join(', ')} were changed`,
    };
  if (wasConnected)
    return { ...base, status: 'removed', detail: `Countersign's hooks are gone from ${targets.join(', ')}` };
  if (inOtherWorktree)
    return {
      ...base,
      status: 'notInWorktree',
      detail: `${targets.join(', ')} ${targets.length === 1 ? 'is' : 'are'} this work tree's own, and hold none of them`,
    };
  return { ...base, status: 'notConnected' };
}

/** Files whose Countersign entries are pinned to a work tree or CLI copy other than this clone's. */
function foreignPin(
  agent: HookAgent,
  files: string[],
  read: (file: string) => string | undefined,
  pin: HookPin,
): { repo: string; files: string[] } | undefined {
  let repo: string | undefined;
  const where: string[] = [];
  for (const f of files) {
    const pins = ourCommandsIn(read(f), agent).map(pinOfCommand);
    const other = pins.find((p) => p !== undefined && (p.repo !== pin.repo || p.cli !== pin.cli));
    if (!other) continue;
    repo ??= other.repo;
    where.push(f);
  }
  return repo === undefined ? undefined : { repo, files: where };
}

export function allAgentHookStates(
  read: (file: string) => string | undefined,
  connected: ReadonlySet<HookAgent>,
  pin: HookPin,
  connectedLocally: ReadonlySet<HookAgent> = new Set(),
  otherWorktrees: ReadonlySet<HookAgent> = new Set(),
): AgentHookState[] {
  return HOOK_AGENTS.map((a) => {
    const wasConnected = connected.has(a);
    const wasLocal = connectedLocally.has(a);
    const elsewhere = otherWorktrees.has(a);
    // Never connected here and none of its files exist: what agentHookState answers, without planning a connect
    // for each agent on every commit (the note only lists agents that were connected; issue 11).
    if (!wasConnected && !wasLocal && !elsewhere) {
      const files = agentConfigFiles(a);
      if (files.every((f) => read(f) === undefined))
        return { agent: a, canonical: agentOfHook(a), files, status: 'notConnected' };
    }
    return agentHookState(a, read, wasConnected, pin, wasLocal, elsewhere);
  });
}

/** The states that need someone to run `agents connect` again. */
export function brokenAgentHooks(states: readonly AgentHookState[]): AgentHookState[] {
  return states.filter(
    (s) => s.status === 'removed' || s.status === 'altered' || s.status === 'elsewhere' || s.status === 'notInWorktree',
  );
}

/** The command that mends `s`: pinned elsewhere, an agent with a personal settings file moves the hooks there. */
export function reconnectCommand(s: AgentHookState): string {
  return `countersign agents connect ${s.connectedLocally || (s.status === 'elsewhere' && s.localFile) ? '--local ' : ''}${s.agent}`;
}

/** One sentence per broken agent, with the fix. */
export function describeBrokenHook(s: AgentHookState): string {
  if (s.status === 'elsewhere') {
    const keep = s.localFile
      ? ` (it puts them in ${s.localFile}, which is not committed, and takes the other clone's out of the shared file)`
      : " (that rewrites a shared settings file with this clone's paths: keep the change out of your commits)";
    return `${hookAgentName(s.agent)}'s Countersign hooks are pinned to another clone or machine: ${s.detail}. Its edits here are recorded as untracked until you run \`${reconnectCommand(s)}\` to pin them to this clone${keep}`;
  }
  if (s.status === 'notInWorktree')
    return `${hookAgentName(s.agent)}'s Countersign hooks are not connected in this worktree (they were connected in another worktree of this repository; ${s.detail ?? s.files.join(', ')}): its edits here are recorded as untracked until you run \`${reconnectCommand(s)}\` here`;
  const what = s.status === 'removed' ? 'hooks were removed' : 'hooks were changed';
  return `${hookAgentName(s.agent)}'s Countersign ${what} (${s.detail ?? s.files.join(', ')}): its edits are recorded as untracked until you run \`${reconnectCommand(s)}\``;
}
