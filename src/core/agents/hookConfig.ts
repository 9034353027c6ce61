import { CountersignError } from '../errors';
import type { HookAgent } from './hookAgents';
import { nothingOfTheUsersLeft, withoutOurHooks } from './hookRemoval';

/**
 * The project-level hook configuration `countersign agents connect` writes for each agent, merged into
 * what is already there: other hooks and settings are kept as they are, our own entries (recognised by
 * their command) are replaced in place, and running it twice changes nothing.
 *
 * Every hook runs the stable copy of the CLI that `countersign install` keeps in the repository's common
 * git dir, so it works when `countersign` is not on PATH (GUI-launched editors, other worktrees); if
 * that copy is gone it tries `countersign` on PATH, and otherwise drains stdin and exits 0 — a missing
 * Countersign never blocks an agent.
 */
export type Phase = 'before' | 'after';

/** Seconds an agent waits for the hook; the CLI bounds itself well under this (COUNTERSIGN_HOOK_TIMEOUT_MS). */
export const HOOK_TIMEOUT_SECONDS = 15;

/**
 * Where the hook finds Countersign (issue 16, class 4): the repository `agents connect` ran in and its CLI
 * copy, both absolute. Resolving them from the hook's cwd (`git rev-parse --git-common-dir`) let an
 * embedded or fake repository supply its own countersign.js and its own git configuration.
 */
export interface HookPin {
  /** Absolute path of the CLI copy (.git/countersign/bin/countersign.js). */
  cli: string;
  /** Absolute path of the work tree the hooks record into. */
  repo: string;
}

/** A word for POSIX sh inside double quotes (any path, spaces and quotes included). */
function shDouble(s: string): string {
  return `"${s.replace(/[\\"$`]/g, '\\$&')}"`;
}

function shSingle(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

export function hookShellCommand(agent: HookAgent, phase: Phase, pin: HookPin): string {
  const args = `checkpoint --from ${agent} --phase ${phase} --repo ${shDouble(pin.repo)}`;
  // Cursor and Gemini CLI read stdout as JSON even when the hook has nothing to say.
  const neutral = agent === 'cursor' || agent === 'gemini' ? `echo '{}'; ` : '';
  return `sh -c ${shSingle(
    `f=${shDouble(pin.cli)}; ` +
      `if [ -f "$f" ] && command -v node >/dev/null 2>&1; then exec node "$f" ${args}; fi; ` +
      `if command -v countersign >/dev/null 2>&1; then exec countersign ${args}; fi; ` +
      `cat >/dev/null; ${neutral}exit 0`,
  )}`;
}

/** Whether a hook command is one `connect` wrote for this agent (any version of it). */
export function isOurCommand(command: unknown, agent: HookAgent): boolean {
  return (
    typeof command === 'string' && command.includes('countersign') && command.includes(`checkpoint --from ${agent}`)
  );
}

/**
 * Where `connect` writes an agent's hooks. `project`: the agent's project settings file (docs/design.md: project-level
 * files). `local`: where the agent reads personal, uncommitted project settings (Claude Code's
 * `.claude/settings.local.json`); for agents without one, the project file, kept out of commits by the
 * command when git does not track it yet. The hooks name this clone's paths, so `local` is what a team uses.
 */
export type HookPlacement = 'project' | 'local';

/** Undo shSingle/shDouble on a fragment of a hook command. */
function unquote(s: string): string {
  return s.replace(/\\(.)/g, '$1');
}

/**
 * The pin a hook command `connect` wrote names (the CLI copy and the repository), undefined for a command in
 * another form. Used to tell "pinned to another clone or machine" apart from "changed".
 */
export function pinOfCommand(command: string): HookPin | undefined {
  const text = command.replace(/'\\''/g, "'");
  const cli = /\bf="((?:[^"\\]|\\.)*)";/.exec(text);
  const repo = /--repo "((?:[^"\\]|\\.)*)"/.exec(text);
  return cli && repo ? { cli: unquote(cli[1]), repo: unquote(repo[1]) } : undefined;
}

/** Every command string in a JSON settings text that is one of `agent`'s Countersign hooks. */
export function ourCommandsIn(text: string | undefined, agent: HookAgent): string[] {
  if (text === undefined) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return [];
  }
  const out: string[] = [];
  const walk = (v: unknown): void => {
    if (typeof v === 'string') {
      if (isOurCommand(v, agent)) out.push(v);
    } else if (Array.isArray(v)) {
      v.forEach(walk);
    } else if (isObject(v)) {
      Object.values(v).forEach(walk);
    }
  };
  walk(parsed);
  return out;
}

export interface ConfigFilePlan {
  agent: HookAgent;
  /** Repository-relative path. */
  file: string;
  /** The text to write (undefined when unchanged). */
  text: string | undefined;
  created: boolean;
  /** Hook events configured in this file. */
  events: string[];
  /** This plan takes Countersign's entries out of the file (they moved to the agent's local settings file). */
  removing?: boolean;
  /** The agent reads this file as personal settings: it never belongs in a commit. */
  personal?: boolean;
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type JsonObject = { [k: string]: Json };

interface AgentLayout {
  files: Array<{
    file: string;
    /** The agent's personal (uncommitted) settings file of the same shape, used with placement `local`. */
    localFile?: string;
    events: string[];
    merge: (existing: JsonObject, file: string, command: (phase: Phase) => string) => JsonObject;
    /** Takes Countersign's entries out (the other of file/localFile); only layouts with a localFile need it. */
    remove?: (existing: JsonObject) => JsonObject;
    /** Starting content when the file does not exist. */
    initial: () => JsonObject;
  }>;
}

/** Claude Code and Codex share a settings shape: hooks.EVENT = [{ matcher, hooks: [{ type, command, timeout }] }]. */
function matcherGroupsLayout(
  agent: HookAgent,
  file: string,
  events: Array<[string, Phase]>,
  matcher: string,
  timeout: number,
  localFile?: string,
): AgentLayout['files'][number] {
  return {
    file,
    ...(localFile ? { localFile } : {}),
    events: events.map(([e]) => e),
    remove: (root) => withoutOurHooks(root, (c) => isOurCommand(c, agent)).root,
    initial: () => ({}),
    merge: (root, f, command) => {
      const hooks = objectAt(root, 'hooks', f);
      for (const [event, phase] of events) {
        const hook: JsonObject =
          agent === 'gemini'
            ? { type: 'command', name: `countersign-checkpoint-${phase}`, command: command(phase), timeout }
            : { type: 'command', command: command(phase), timeout };
        hooks[event] = mergeMatcherGroups(arrayAt(hooks, event, f), { matcher, hooks: [hook] }, agent);
      }
      return root;
    },
  };
}

/**
 * A group holding only our hook is replaced in place; our hook inside a group the user shares with their
 * own hooks is taken out of it (their hooks stay) and our group is added.
 */
function mergeMatcherGroups(list: Json[], ours: JsonObject, agent: HookAgent): Json[] {
  const out: Json[] = [];
  let placed = false;
  for (const group of list) {
    const hooks = isObject(group) && Array.isArray(group.hooks) ? group.hooks : undefined;
    const mine = hooks?.filter((h) => isObject(h) && isOurCommand(h.command, agent)) ?? [];
    if (!hooks || mine.length === 0) {
      out.push(group);
    } else if (mine.length === hooks.length) {
      if (!placed) out.push(ours);
      placed = true;
    } else {
      out.push({ ...(group as JsonObject), hooks: hooks.filter((h) => !mine.includes(h)) });
    }
  }
  if (!placed) out.push(ours);
  return out;
}

const LAYOUTS: Record<HookAgent, AgentLayout> = {
  // A failed tool call may still have written (a shell command that died half-way): its failure hook closes it.
  claude: {
    files: [
      matcherGroupsLayout(
        'claude',
        '.claude/settings.json',
        [
          ['PreToolUse', 'before'],
          ['PostToolUse', 'after'],
          ['PostToolUseFailure', 'after'],
        ],
        'Write|Edit|MultiEdit|NotebookEdit|Bash',
        HOOK_TIMEOUT_SECONDS,
        '.claude/settings.local.json',
      ),
    ],
  },
  codex: {
    files: [
      matcherGroupsLayout(
        'codex',
        '.codex/hooks.json',
        [
          ['PreToolUse', 'before'],
          ['PostToolUse', 'after'],
        ],
        'Bash|apply_patch|Edit|Write',
        HOOK_TIMEOUT_SECONDS,
      ),
    ],
  },
  // Gemini CLI's timeout is in milliseconds; its AfterTool fires for failed calls too.
  gemini: {
    files: [
      matcherGroupsLayout(
        'gemini',
        '.gemini/settings.json',
        [
          ['BeforeTool', 'before'],
          ['AfterTool', 'after'],
        ],
        'write_file|replace|run_shell_command',
        HOOK_TIMEOUT_SECONDS * 1000,
      ),
    ],
  },
  cursor: {
    files: [
      {
        file: '.cursor/hooks.json',
        events: ['beforeShellExecution', 'afterShellExecution', 'afterFileEdit'],
        initial: () => ({ version: 1 }),
        merge: (root, f, command) => {
          if (root.version === undefined) root.version = 1;
          const hooks = objectAt(root, 'hooks', f);
          const entries: Array<[string, Phase]> = [
            ['beforeShellExecution', 'before'],
            ['afterShellExecution', 'after'],
            ['afterFileEdit', 'after'],
          ];
          for (const [event, phase] of entries) {
            const entry: JsonObject = { command: command(phase), timeout: HOOK_TIMEOUT_SECONDS };
            hooks[event] = mergeEntries(
              arrayAt(hooks, event, f),
              entry,
              (e) => isObject(e) && isOurCommand(e.command, 'cursor'),
            );
          }
          return root;
        },
      },
    ],
  },
  copilot: {
    files: [
      {
        // Copilot loads every .github/hooks/*.json, so Countersign keeps to a file of its own.
        file: '.github/hooks/countersign.json',
        events: ['preToolUse', 'postToolUse', 'postToolUseFailure'],
        initial: () => ({ version: 1 }),
        merge: (root, f, command) => {
          if (root.version === undefined) root.version = 1;
          const hooks = objectAt(root, 'hooks', f);
          for (const [event, phase] of [
            ['preToolUse', 'before'],
            ['postToolUse', 'after'],
            ['postToolUseFailure', 'after'],
          ] as const) {
            const entry: JsonObject = { type: 'command', bash: command(phase), timeoutSec: HOOK_TIMEOUT_SECONDS };
            hooks[event] = mergeEntries(
              arrayAt(hooks, event, f),
              entry,
              (e) => isObject(e) && isOurCommand(e.bash, 'copilot'),
            );
          }
          return root;
        },
      },
    ],
  },
  vscode: {
    files: [
      {
        // VS Code loads every .github/hooks/*.json (in its own PascalCase format, beside Copilot CLI's files), so
        // Countersign keeps to a file of its own here too. VS Code has no failure event: PostToolUse only.
        file: '.github/hooks/countersign-vscode.json',
        events: ['PreToolUse', 'PostToolUse'],
        initial: () => ({}),
        merge: (root, f, command) => {
          const hooks = objectAt(root, 'hooks', f);
          for (const [event, phase] of [
            ['PreToolUse', 'before'],
            ['PostToolUse', 'after'],
          ] as const) {
            const entry: JsonObject = { type: 'command', command: command(phase), timeout: HOOK_TIMEOUT_SECONDS };
            hooks[event] = mergeEntries(
              arrayAt(hooks, event, f),
              entry,
              (e) => isObject(e) && isOurCommand(e.command, 'vscode'),
            );
          }
          return root;
        },
      },
    ],
  },
  kiro: {
    // Kiro's agent hooks are one file each in .kiro/hooks/.
    files: (['before', 'after'] as const).map((phase) => ({
      file: `.kiro/hooks/countersign-${phase}-tool.kiro.hook`,
      events: [phase === 'before' ? 'preToolUse' : 'postToolUse'],
      initial: () => ({ enabled: true }),
      merge: (root: JsonObject, _file: string, command: (phase: Phase) => string) => {
        root.name = `Countersign: record files ${phase} agent tool use`;
        root.description = `Runs \`countersign checkpoint --from kiro --phase ${phase}\` so lines the agent writes are attributed to it.`;
        root.version = '1';
        if (root.enabled === undefined) root.enabled = true;
        root.when = { type: phase === 'before' ? 'preToolUse' : 'postToolUse', toolTypes: ['write', 'shell'] };
        root.then = { type: 'runCommand', command: command(phase), timeout: HOOK_TIMEOUT_SECONDS };
        return root;
      },
    })),
  },
};

/** The repository-relative files `connect` may write for `agent` (its project files, and its local settings file where it has one). */
export function agentConfigFiles(agent: HookAgent): string[] {
  return LAYOUTS[agent].files.flatMap((f) => (f.localFile ? [f.file, f.localFile] : [f.file]));
}

function parseSettings(
  agent: HookAgent,
  file: string,
  existing: string | undefined,
  initial: () => JsonObject,
): JsonObject {
  if (existing === undefined || existing.trim() === '') return initial();
  let parsed: unknown;
  try {
    parsed = JSON.parse(existing);
  } catch (e) {
    throw new CountersignError(
      'config',
      `${file} is not valid JSON (${(e as Error).message}); it was left untouched — fix it and run \`countersign agents connect ${agent}\` again`,
    );
  }
  if (!isObject(parsed)) {
    throw new CountersignError(
      'config',
      `${file} does not hold a JSON object; it was left untouched — fix it and run \`countersign agents connect ${agent}\` again`,
    );
  }
  return parsed;
}

/**
 * What `connect` would write for `agent`, given each file's current text (undefined: absent). Throws on
 * malformed files. With placement `local`, an agent that has a personal settings file gets its hooks there
 * and they are taken out of the project file (and the other way round with `project`), so they never run twice.
 */
export function planAgentConfig(
  agent: HookAgent,
  read: (file: string) => string | undefined,
  pin: HookPin,
  placement: HookPlacement = 'project',
): ConfigFilePlan[] {
  return LAYOUTS[agent].files.flatMap((layout) => {
    const target = placement === 'local' && layout.localFile ? layout.localFile : layout.file;
    const existing = read(target);
    const root = parseSettings(agent, target, existing, layout.initial);
    const before = JSON.stringify(root);
    const merged = layout.merge(structuredClone(root), target, (phase) => hookShellCommand(agent, phase, pin));
    const unchanged = existing !== undefined && existing.trim() !== '' && JSON.stringify(merged) === before;
    const plans: ConfigFilePlan[] = [
      {
        agent,
        file: target,
        text: unchanged ? undefined : JSON.stringify(merged, null, 2) + '\n',
        created: existing === undefined,
        events: layout.events,
        ...(target === layout.localFile ? { personal: true } : {}),
      },
    ];
    const other = layout.localFile ? (target === layout.file ? layout.localFile : layout.file) : undefined;
    const otherText = other ? read(other) : undefined;
    if (other && layout.remove && ourCommandsIn(otherText, agent).length > 0) {
      const cleaned = layout.remove(parseSettings(agent, other, otherText, layout.initial));
      plans.push({
        agent,
        file: other,
        text: JSON.stringify(cleaned, null, 2) + '\n',
        created: false,
        events: [],
        removing: true,
      });
    }
    return plans;
  });
}

export interface DisconnectPlan {
  agent: HookAgent;
  /** Repository-relative path. */
  file: string;
  /** The file without Countersign's entries. */
  text: string;
  /** Nothing of the user's is left in it (only what connect writes into a file it creates): the file can go. */
  empty: boolean;
  /** The agent reads this file as personal settings (never committed). */
  personal: boolean;
}

/**
 * What `agents disconnect` (and `uninstall`) would leave in each file `connect` may write for `agent`: only
 * files holding Countersign's entries are listed. A file that is not valid JSON holds no entries we can
 * take out and is left alone (as connect leaves it).
 */
export function planAgentDisconnect(agent: HookAgent, read: (file: string) => string | undefined): DisconnectPlan[] {
  const isOurs = (c: unknown) => isOurCommand(c, agent);
  return LAYOUTS[agent].files.flatMap((layout) =>
    (layout.localFile ? [layout.file, layout.localFile] : [layout.file]).flatMap((file) => {
      const existing = read(file);
      if (ourCommandsIn(existing, agent).length === 0) return [];
      const root = parseSettings(agent, file, existing, layout.initial);
      const cleaned = withoutOurHooks(root, isOurs).root;
      return [
        {
          agent,
          file,
          text: JSON.stringify(cleaned, null, 2) + '\n',
          empty: nothingOfTheUsersLeft(cleaned, isOurs),
          personal: file === layout.localFile,
        },
      ];
    }),
  );
}

/** Replaces our entry in place (first one; drops duplicates) or appends it; other entries are kept untouched. */
function mergeEntries(list: Json[], ours: JsonObject, isOurs: (entry: Json) => boolean): Json[] {
  const out: Json[] = [];
  let placed = false;
  for (const entry of list) {
    if (!isOurs(entry)) {
      out.push(entry);
      continue;
    }
    if (!placed) {
      out.push(ours);
      placed = true;
    }
  }
  if (!placed) out.push(ours);
  return out;
}

function objectAt(parent: JsonObject, key: string, file: string): JsonObject {
  const v = parent[key];
  if (v === undefined || v === null) {
    const o: JsonObject = {};
    parent[key] = o;
    return o;
  }
  if (!isObject(v)) {
    throw new CountersignError(
      'config',
      `${file}: "${key}" is not an object; it was left untouched — fix it and run \`countersign agents connect\` again`,
    );
  }
  return v;
}

function arrayAt(parent: JsonObject, key: string, file: string): Json[] {
  const v = parent[key];
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) {
    throw new CountersignError(
      'config',
      `${file}: hooks "${key}" is not a list; it was left untouched — fix it and run \`countersign agents connect\` again`,
    );
  }
  return v;
}

function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
