import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { withGitConfig } from './gitEnv';

/**
 * Configuration of the replay's git processes (approvalReplay.ts), over every inherited `git -c`: no attributes file
 * and the built-in text merge for every path, so a `merge=union` (or any merge driver) a reader configured cannot
 * merge what the server finds in conflict (attack27 05); renames as git's defaults, so an administrator's or a
 * forge's `-c` cannot either.
 */
export const REPLAY_GIT_CONFIG: ReadonlyArray<[key: string, value: string]> = [
  ['core.attributesFile', '/dev/null'],
  ['merge.default', 'text'],
  ['merge.renormalize', 'false'],
  ['merge.renames', 'true'],
  ['merge.directoryRenames', 'conflict'],
];

/**
 * Also where patch-ids are computed (patchId.ts contentOnly, attack28 F7), so that attributes decide neither.
 * Runs `fn` against a throwaway empty bare repository in a temporary folder that reads the objects of the repository
 * at `cwd`, whose object folder is `objects` (and any alternates the caller's environment names), and writes its
 * own, removed afterwards. `git merge-tree` follows attributes and merge drivers: the work tree's .gitattributes,
 * `$GIT_DIR/info/attributes`, core.attributesFile and the system's attributes, merge.default and merge.<driver>
 * from any config file. A `* merge=union` in a clone made `verify` and `explain` say PASS where the server (bare,
 * none of them) refused (attack27 05); git 2.39 has no --attr-source to turn them off. Here there is no work tree, no
 * info/attributes, no global or system config or attributes (GIT_CONFIG_GLOBAL, GIT_CONFIG_NOSYSTEM,
 * GIT_ATTR_NOSYSTEM), and REPLAY_GIT_CONFIG. The throwaway replay commits no longer land in the reader's (or the
 * server's, from a push's quarantine) object store either. No git process is started to make or remove it.
 */
export async function inReplayScratch<T>(
  cwd: string,
  objects: string,
  objectFormat: 'sha1' | 'sha256',
  fn: (opts: { cwd: string; env: NodeJS.ProcessEnv }) => Promise<T>,
): Promise<T> {
  const scratch = openReplayScratch(objects, objectFormat);
  try {
    // Started in the caller's folder, as its other git processes are (a count of a repository's processes sees
    // them); GIT_DIR, core.bare and no GIT_WORK_TREE keep that folder's work tree and attributes out.
    return await fn({ cwd, env: scratch.env });
  } finally {
    scratch.close();
  }
}

/** inReplayScratch's repository, made synchronously (patchId.ts openContentOnly); `close()` removes it. */
export function openReplayScratch(
  objects: string,
  objectFormat: 'sha1' | 'sha256',
): { env: NodeJS.ProcessEnv; close: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'countersign-replay-'));
  const close = () => fs.rmSync(dir, { recursive: true, force: true });
  try {
    fs.mkdirSync(path.join(dir, 'objects'));
    fs.mkdirSync(path.join(dir, 'refs'));
    fs.writeFileSync(path.join(dir, 'HEAD'), 'ref: refs/heads/replay\n');
    fs.writeFileSync(
      path.join(dir, 'config'),
      objectFormat === 'sha256'
        ? '[core]\n\trepositoryformatversion = 1\n\tbare = true\n[extensions]\n\tobjectFormat = sha256\n'
        : '[core]\n\trepositoryformatversion = 0\n\tbare = true\n',
    );
    const inherited = process.env.GIT_ALTERNATE_OBJECT_DIRECTORIES;
    const env = withGitConfig(
      {
        ...process.env,
        GIT_DIR: dir,
        GIT_OBJECT_DIRECTORY: path.join(dir, 'objects'),
        GIT_ALTERNATE_OBJECT_DIRECTORIES: [quoteAlternate(objects), ...(inherited ? [inherited] : [])].join(
          path.delimiter,
        ),
        // Whatever the caller's git set for its own repository does not apply here (undefined: not passed on).
        GIT_WORK_TREE: undefined,
        GIT_INDEX_FILE: undefined,
        GIT_COMMON_DIR: undefined,
        GIT_ATTR_SOURCE: undefined,
        GIT_QUARANTINE_PATH: undefined,
        GIT_ATTR_NOSYSTEM: '1',
        GIT_CONFIG_NOSYSTEM: '1',
        GIT_CONFIG_GLOBAL: '/dev/null',
      },
      REPLAY_GIT_CONFIG,
    );
    return { env, close };
  } catch (e) {
    close();
    throw e;
  }
}

/** A folder as an entry of GIT_ALTERNATE_OBJECT_DIRECTORIES: C-quoted where git would split or unquote it. */
function quoteAlternate(dir: string): string {
  if (!dir.includes(path.delimiter) && !dir.startsWith('"')) return dir;
  return `"${dir.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}
