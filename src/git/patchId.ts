import { spawn } from 'child_process';
import { EMPTY_PATCH_ID } from '../core/approvalStatement';
import { CountersignError } from '../core/errors';
import { runGit } from './gitRunner';

/**
 * The stable patch-id of the change base..tip, as recorded in approval statements and recomputed by the gate.
 * Both sides must compute it identically whatever the user's configuration, so the diff is plumbing
 * (`git diff-tree`, which ignores diff.external, textconv, color, diff.renames and diff.algorithm) with every
 * option that shapes the patch spelled out:
 *
 *   git diff-tree -p --binary --full-index --no-renames --no-ext-diff --no-textconv -U3 --diff-algorithm=myers
 *       --src-prefix=a/ --dst-prefix=b/ --no-relative BASE TIP | git patch-id --verbatim
 *
 * Why these: `--binary` puts binary content into the hash (without it two different binary edits of one
 * file can look alike); `--no-renames` keeps the patch independent of rename detection limits; `--verbatim`
 * (stable patch-id without stripping whitespace) because whitespace is meaning in Python, YAML or Makefiles —
 * a rebase that changes indentation is a different change and needs a new review. Line numbers are not
 * hashed, so the same change rebased onto a moved base keeps its patch-id.
 * An empty diff gives EMPTY_PATCH_ID (git patch-id prints nothing for it).
 */
export const PATCH_DIFF_ARGS = [
  'diff-tree', '-p', '--binary', '--full-index', '--no-renames', '--no-ext-diff', '--no-textconv', '-U3',
  '--diff-algorithm=myers', '--src-prefix=a/', '--dst-prefix=b/', '--no-relative',
];

/** `base` may be a commit or a tree (the empty tree for a root commit's span). */
export async function stablePatchId(cwd: string, base: string, tip: string): Promise<string> {
  // Resolve first so a bad revision is a clear git error, not an empty patch.
  for (const rev of [base, tip]) {
    const r = await runGit(['rev-parse', '--verify', '--quiet', '--end-of-options', `${rev}^{tree}`], { cwd, okCodes: [1, 128] });
    if (r.code !== 0) throw new CountersignError('git', `cannot compute the patch-id of ${base}..${tip}: ${rev} is not a commit or tree in this repository`);
  }
  const out = await pipeDiffIntoPatchId(cwd, [...PATCH_DIFF_ARGS, base, tip, '--']);
  const id = out.split(/\s+/)[0] ?? '';
  return id.length > 0 ? id : EMPTY_PATCH_ID;
}

/**
 * Streams the diff's bytes straight into `git patch-id`: decoding them as UTF-8 on the way would map
 * different invalid byte sequences to the same replacement character, and so to the same patch-id.
 */
function pipeDiffIntoPatchId(cwd: string, diffArgs: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const env = { ...process.env, GIT_TERMINAL_PROMPT: '0' };
    const diff = spawn('git', diffArgs, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const pid = spawn('git', ['patch-id', '--verbatim'], { cwd, env, stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const errs: Buffer[] = [];
    let pending = 2;
    let diffCode = 0;
    let pidCode = 0;
    const failed = (e: Error) => reject(new CountersignError('git', `could not compute the patch-id: ${e.message}`, undefined, { cause: e }));
    diff.on('error', failed);
    pid.on('error', failed);
    diff.stdout.pipe(pid.stdin);
    pid.stdin.on('error', () => undefined);
    diff.stderr.on('data', (d: Buffer) => errs.push(d));
    pid.stderr.on('data', (d: Buffer) => errs.push(d));
    pid.stdout.on('data', (d: Buffer) => out.push(d));
    const done = () => {
      if (--pending > 0) return;
      if (diffCode !== 0 || pidCode !== 0) {
        const stderr = Buffer.concat(errs).toString('utf8');
        reject(new CountersignError('git', `git ${diffArgs.slice(-3, -1).join('..')} patch-id failed (exit ${diffCode || pidCode}): ${stderr.trim()}`, stderr));
        return;
      }
      resolve(Buffer.concat(out).toString('utf8'));
    };
    diff.on('close', (code) => { diffCode = code ?? 128; done(); });
    pid.on('close', (code) => { pidCode = code ?? 128; done(); });
  });
}
