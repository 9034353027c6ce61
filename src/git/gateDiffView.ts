import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { MAX_DIFF_BLOB_BYTES } from '../core/textLines';
import { emptyTree } from './emptyTree';
import { runGit } from './gitRunner';

/**
 * Where and how to run the gate's diffs (git log --numstat, diff-tree --numstat) so that every file's lines
 * are counted as text, the same in `verify` and on the server, whatever the pushed commits say:
 * - inside the git directory: git reads a work tree's .gitattributes from where it runs, even with core.bare,
 *   and the pushed commits themselves can bring one (`big.dat -diff`); there is no work tree there;
 * - the attribute `diff` set on every path (`* diff`, from a file of our own as core.attributesFile, in place
 *   of the user's global one): numstat ignores `--text` and says `- -` (no lines) for a file with a NUL byte.
 *   Replacing a 600-line file with one NUL byte then deleted "0 lines" and skipped the mass-deletion tier, and
 *   AI lines in such a file went uncounted (an outside tester's bypasses, session 5, F3 and F5);
 * - attr.tree set to the empty tree: git 2.42+ reads a bare repository's attributes from HEAD's tree, where an
 *   in-tree `-diff` would win over ours (older git ignores the key).
 * The repository's own $GIT_DIR/info/attributes still applies: that file is the administrator's, not a pusher's.
 *
 * `content`: the same place, with no attributes file of ours, so that git judges binary by content alone (a NUL
 * byte among a file's first 8,000 bytes) — what core/textLines.ts calls binary, asked by src/git/binaryFiles.ts —
 * and calls binary without reading it (its size only) a file version over MAX_DIFF_BLOB_BYTES
 * (core.bigFileThreshold): git's diff of it would hold ~40 bytes a line (attack22 01). The text view's `* diff`
 * overrides that threshold: git/binaryFiles.ts counts the gate's and the report's lines in the content view.
 */
export async function gateDiffView(
  cwd: string,
  mode: 'text' | 'content' = 'text',
): Promise<{ dir: string; args: string[] }> {
  const [gitDir, empty] = await Promise.all([
    runGit(['rev-parse', '--absolute-git-dir'], { cwd }).then((r) => r.stdout.trim()),
    emptyTree(cwd),
  ]);
  const attributes = mode === 'text' ? allTextAttributes() : os.devNull;
  return {
    dir: gitDir,
    args: [
      '-c',
      `core.attributesFile=${attributes}`,
      '-c',
      `attr.tree=${empty}`,
      '-c',
      `core.bigFileThreshold=${MAX_DIFF_BLOB_BYTES}`,
    ],
  };
}

let attributesFile: string | undefined;

/** A private attributes file saying `* diff`, written once per process and removed when it exits. */
function allTextAttributes(): string {
  if (attributesFile !== undefined && fs.existsSync(attributesFile)) return attributesFile;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'countersign-attr-'));
  const file = path.join(dir, 'attributes');
  fs.writeFileSync(file, '* diff\n', { mode: 0o600 });
  process.once('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
  attributesFile = file;
  return file;
}
