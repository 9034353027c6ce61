import type { HookAgent } from './hookAgents';
import { isObject } from './settingsJson';

/**
 * The shell command each agent hook runs, and how to recognise one of ours (any version of it) in an agent's
 * settings.
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
