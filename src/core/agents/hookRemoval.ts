import { isObject, type Json, type JsonObject } from './settingsJson';

/**
 * Taking Countersign's hook entries out of an agent's settings, whatever the agent's shape: `agents connect`
 * moving hooks between the project and the personal settings file, and `agents disconnect` / `uninstall`
 * removing them. Only entries whose command is ours go; the user's own hooks, groups and settings stay as
 * they were, and a container our removal left empty (a matcher group, an event's list, `hooks`) goes too,
 * as connect had created it.
 */

/** Whether a command string is one of ours (the caller knows the agent). */
export type IsOurCommand = (command: unknown) => boolean;

/** A hook entry (`{command}`, Copilot's `{bash}`, Kiro's `then: {command}`) that runs our command. */
export function isOurEntry(v: Json, isOurs: IsOurCommand): boolean {
  if (!isObject(v)) return false;
  return Object.values(v).some(
    (x) => (typeof x === 'string' && isOurs(x)) || (isObject(x) && typeof x.command === 'string' && isOurs(x.command)),
  );
}

/**
 * The value with our entries taken out; `removed` says whether anything was. Arrays lose our entries (and
 * groups whose `hooks` lost their last one); objects lose keys whose list or object we emptied.
 */
function prune(v: Json, isOurs: IsOurCommand): { value: Json; removed: boolean } {
  if (Array.isArray(v)) {
    let removed = false;
    const out: Json[] = [];
    for (const item of v) {
      if (isOurEntry(item, isOurs) && !(isObject(item) && Array.isArray(item.hooks))) {
        removed = true;
        continue;
      }
      const p = prune(item, isOurs);
      removed ||= p.removed;
      // A matcher group whose hooks were all ours goes with them.
      const hooksLeft = isObject(p.value) && Array.isArray(p.value.hooks) && p.value.hooks.length > 0;
      if (p.removed && isObject(item) && Array.isArray(item.hooks) && !hooksLeft) continue;
      out.push(p.value);
    }
    return { value: out, removed };
  }
  if (isObject(v)) {
    let removed = false;
    const out: JsonObject = {};
    for (const [k, x] of Object.entries(v)) {
      const p = prune(x, isOurs);
      removed ||= p.removed;
      const emptied =
        p.removed &&
        ((Array.isArray(p.value) && p.value.length === 0) || (isObject(p.value) && Object.keys(p.value).length === 0));
      if (!emptied) out[k] = p.value;
    }
    return { value: out, removed };
  }
  return { value: v, removed: false };
}

export function withoutOurHooks(root: JsonObject, isOurs: IsOurCommand): { root: JsonObject; removed: boolean } {
  const p = prune(root, isOurs);
  return { root: p.value as JsonObject, removed: p.removed };
}

/**
 * Whether what is left of a settings file is only what connect puts in a file it creates (`{}`, `{"version": 1}`)
 * — or the file is one of ours entirely (a Kiro hook file) — so the file itself can go.
 */
export function nothingOfTheUsersLeft(root: JsonObject, isOurs: IsOurCommand): boolean {
  if (isOurEntry(root, isOurs)) return true;
  const keys = Object.keys(root).filter((k) => !(k === 'version' && root.version === 1));
  return keys.length === 0;
}
