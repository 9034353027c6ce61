import { CountersignError } from '../errors';
import type { HookAgent } from './hookAgents';
import { hookShellCommand, ourCommandsIn, isOurCommand, type HookPin } from './hookCommand';
import { AGENT_LAYOUTS } from './hookLayouts';
import { nothingOfTheUsersLeft, withoutOurHooks } from './hookRemoval';
import { isObject, type JsonObject } from './settingsJson';

/**
 * The project-level hook configuration `countersign agents connect` writes for each agent (and what
 * `agents disconnect` leaves), merged into what is already there: other hooks and settings are kept as they
 * are, our own entries (recognised by their command, hookCommand.ts) are replaced in place, and running it
 * twice changes nothing. Each agent's file shapes are in hookLayouts.ts.
 */
/**
 * Where `connect` writes an agent's hooks. `project`: the agent's project settings file (docs/design.md: project-level
 * files). `local`: where the agent reads personal, uncommitted project settings (Claude Code's
 * `.claude/settings.local.json`); for agents without one, the project file, kept out of commits by the
 * command when git does not track it yet. The hooks name this clone's paths, so `local` is what a team uses.
 */
export type HookPlacement = 'project' | 'local';

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

function parseSettings(file: string, existing: string | undefined, initial: () => JsonObject): JsonObject {
  if (existing === undefined || existing.trim() === '') return initial();
  let parsed: unknown;
  try {
    parsed = JSON.parse(existing);
  } catch (e) {
    throw new CountersignError('config', `${file} is not valid JSON (${(e as Error).message}); it was left untouched`);
  }
  if (!isObject(parsed)) {
    throw new CountersignError('config', `${file} does not hold a JSON object; it was left untouched`);
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
  const rerun = `countersign agents connect ${agent}${placement === 'local' ? ' --local' : ''}`;
  return withRerun(rerun, () =>
    AGENT_LAYOUTS[agent].files.flatMap((layout) => {
      const target = placement === 'local' && layout.localFile ? layout.localFile : layout.file;
      const existing = read(target);
      const root = parseSettings(target, existing, layout.initial);
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
        const cleaned = layout.remove(parseSettings(other, otherText, layout.initial));
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
    }),
  );
}

/**
 * A malformed settings file names the command that retries with the user's own flags: run without `--local`,
 * a retry would write the shared, committed file instead of the personal one.
 */
function withRerun<T>(command: string, plan: () => T): T {
  try {
    return plan();
  } catch (e) {
    if (CountersignError.is(e, 'config'))
      throw new CountersignError('config', `${e.message} — fix it and run \`${command}\` again`, e.detail, {
        cause: e,
      });
    throw e;
  }
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
  return withRerun(`countersign agents disconnect ${agent}`, () =>
    AGENT_LAYOUTS[agent].files.flatMap((layout) =>
      (layout.localFile ? [layout.file, layout.localFile] : [layout.file]).flatMap((file) => {
        const existing = read(file);
        if (ourCommandsIn(existing, agent).length === 0) return [];
        const root = parseSettings(file, existing, layout.initial);
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
    ),
  );
}
