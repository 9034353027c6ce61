import * as fs from 'fs';
import * as path from 'path';
import { CountersignError } from '../core/errors';
import { writeFileAtomic } from './atomicFile';

/**
 * One of Countersign's server hooks in a hooks folder, with the hook that was there before kept running first:
 * renamed to `<name>.countersign-chained`, which Countersign's script calls (src/git/shell/). `marker` is the
 * line that tells Countersign's script from someone else's.
 */
export interface ServerHook {
  name: string;
  marker: string;
}

export const chainedPath = (hooks: string, hook: ServerHook) => path.join(hooks, `${hook.name}.countersign-chained`);

/** Writes the hook (chaining a foreign one); whether Countersign's was there already. */
export function installChainedHook(hooks: string, hook: ServerHook, script: string): { reinstalled: boolean } {
  const file = path.join(hooks, hook.name);
  const chained = chainedPath(hooks, hook);
  let reinstalled = false;
  if (fs.existsSync(file)) {
    if (fs.readFileSync(file, 'utf8').includes(hook.marker)) reinstalled = true;
    else if (fs.existsSync(chained)) {
      throw new CountersignError(
        'config',
        `both ${file} and ${chained} exist and neither is Countersign's: merge them by hand, then run install --server again`,
      );
    } else fs.renameSync(file, chained);
  }
  writeFileAtomic(file, script, 0o755);
  return { reinstalled };
}

/** Removes Countersign's hook and puts the chained one back; false when the hook there is not Countersign's. */
export function uninstallChainedHook(hooks: string, hook: ServerHook): 'removed' | 'restored' | false {
  const file = path.join(hooks, hook.name);
  if (!fs.existsSync(file) || !fs.readFileSync(file, 'utf8').includes(hook.marker)) return false;
  fs.rmSync(file);
  const chained = chainedPath(hooks, hook);
  if (!fs.existsSync(chained)) return 'removed';
  fs.renameSync(chained, file);
  return 'restored';
}
