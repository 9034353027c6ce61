import type { HookAgent } from './hookAgents';
import { HOOK_TIMEOUT_SECONDS, isOurCommand, type Phase } from './hookCommand';
import { withoutOurHooks } from './hookRemoval';
import { arrayAt, isObject, objectAt, type Json, type JsonObject } from './settingsJson';

/**
 * Each agent's settings shape: which files hold its hooks, which events it fires, and how our entries are
 * merged into what is already there (other hooks and settings kept, ours replaced in place).
 */
export interface AgentLayout {
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

export const AGENT_LAYOUTS: Record<HookAgent, AgentLayout> = {
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
  return AGENT_LAYOUTS[agent].files.flatMap((f) => (f.localFile ? [f.file, f.localFile] : [f.file]));
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
