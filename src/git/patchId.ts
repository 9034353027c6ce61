import { spawn } from 'child_process';
import * as path from 'path';
import { EMPTY_PATCH_ID } from '../core/approvalStatement';
import { CountersignError } from '../core/errors';
import { gitEnv, gitErrorReason, runGit, withGitConfig } from './gitRunner';
import { oversizedDiffs } from './oversizedDiffs';
import { literalPathspec } from './pathspec';
import { openReplayScratch } from './replayScratch';
import { isNullObjectId } from '../core/nullObjectId';

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
 *
 * Only content decides (attack28 F7): both git processes run in contentOnly's throwaway repository, where no
 * attributes apply. In a clone, diff-tree read the checked-out .gitattributes (`auth.js -diff`, `*.pbxproj binary`)
 * and hashed a binary patch where the bare server hashed the text one, so an honest rebase of an approved change was
 * refused by the server while the author's verify passed. A file that is binary by its content is still a binary
 * patch everywhere, hashed by its blob ids, so other bytes are another patch-id.
 */
export const PATCH_DIFF_ARGS = [
  'diff-tree',
  '-p',
  '--binary',
  '--full-index',
  '--no-renames',
  '--no-ext-diff',
  '--no-textconv',
  '-U3',
  '--diff-algorithm=myers',
  '--src-prefix=a/',
  '--dst-prefix=b/',
  '--no-relative',
];
/** The second of the two processes: the diff's stable patch-id, whitespace kept. */
export const PATCH_ID_ARGS = ['patch-id', '--verbatim'];

/**
 * Configuration of the patch-id's git processes over every inherited `git -c` and GIT_CONFIG (gitEnv.ts pins the
 * diff.* keys that shape a patch for every git process): core.quotePath=false writes a non-ASCII path unquoted in
 * the `diff --git`, `---` and `+++` lines git patch-id hashes, so a clone so configured had other patch-ids for
 * changes to such files; core.bigFileThreshold at git's default, as newer git treats files over it as binary.
 */
const PATCH_ID_GIT_CONFIG: ReadonlyArray<[key: string, value: string]> = [
  ['core.quotePath', 'true'],
  ['core.bigFileThreshold', '512m'],
];

/**
 * Runs `fn` with the environment of git processes that read this repository's objects (the push's quarantine on a
 * server) from a throwaway bare repository (replayScratch.ts): no work tree or index, so no .gitattributes checked
 * out or staged; no `$GIT_DIR/info/attributes` (a bare server may have one: GitLab copied the default branch's
 * .gitattributes there), no core.attributesFile, no system or global attributes or config; PATCH_ID_GIT_CONFIG.
 * The same bytes in a clone, on a bare server and in CI. git 2.39 has no --attr-source. The repository's facts come
 * from one `git rev-parse` that a snapshot (gitRunner.withGitReadCache) answers from the facts it already has.
 */
async function contentOnly<T>(cwd: string, fn: (env: NodeJS.ProcessEnv) => Promise<T>): Promise<T> {
  const scratch = openContentOnly(cwd, (await runGit(CONTENT_FACTS_ARGS, { cwd })).stdout);
  try {
    return await fn(scratch.env);
  } finally {
    scratch.close();
  }
}

/** The repository's facts contentOnly reads: its object format and common folder. */
export const CONTENT_FACTS_ARGS = ['rev-parse', '--show-object-format', '--git-common-dir'];

/**
 * contentOnly's throwaway repository, made synchronously from what CONTENT_FACTS_ARGS printed (`facts`): for test
 * set-up (test/unit/helpers/approvals.ts patchIdOf), so its patch-ids are this module's. `close()` removes it.
 */
export function openContentOnly(cwd: string, facts: string): { env: NodeJS.ProcessEnv; close: () => void } {
  const [format, common] = facts.split('\n');
  const quarantine = process.env.GIT_OBJECT_DIRECTORY;
  const objects = quarantine ? path.resolve(cwd, quarantine) : path.resolve(cwd, common, 'objects');
  const scratch = openReplayScratch(objects, format === 'sha256' ? 'sha256' : 'sha1');
  return { env: withGitConfig(scratch.env, PATCH_ID_GIT_CONFIG), close: scratch.close };
}

/**
 * The patch-ids of the spans from the empty tree `root` to each of `tips` (a range with no review base), one
 * stablePatchId each; none when a commit of the range changes a file version over core/textLines.ts
 * MAX_DIFF_BLOB_BYTES (its tips' trees may hold it: see stablePatchIdsOfSpans).
 */
export async function stablePatchIdsFromRoot(
  cwd: string,
  root: string,
  tips: string[],
  commits: ReadonlyArray<{ files: ReadonlyArray<{ oversized?: number }> }>,
): Promise<Map<string, string>> {
  if (commits.some((c) => c.files.some((f) => f.oversized !== undefined))) return new Map();
  return new Map(await Promise.all(tips.map(async (t) => [t, await stablePatchId(cwd, root, t)] as const)));
}

/** `base` may be a commit or a tree (the empty tree for a root commit's span). */
export async function stablePatchId(cwd: string, base: string, tip: string): Promise<string> {
  // Resolved here, so a bad revision is a clear git error, not an empty patch; the throwaway repository has no refs.
  const trees: string[] = [];
  for (const rev of [base, tip]) {
    const r = await runGit(['rev-parse', '--verify', '--quiet', '--end-of-options', `${rev}^{tree}`], {
      cwd,
      okCodes: [1, 128],
    });
    if (r.code !== 0)
      throw new CountersignError(
        'git',
        `cannot compute the patch-id of ${base}..${tip}: ${rev} is not a commit or tree in this repository`,
      );
    trees.push(r.stdout.trim());
  }
  const diff = () => contentOnly(cwd, (env) => pipeDiffIntoPatchId(cwd, env, [...PATCH_DIFF_ARGS, ...trees, '--']));
  const out = await diff().catch(async (err: unknown) => {
    if (!CountersignError.is(err, 'missingObject')) throw err;
    // The throwaway repository fetches nothing: a partial clone fetches the blobs git would have, then again.
    await fetchBlobs(cwd, trees[0], trees[1]);
    return diff();
  });
  const id = out.split(/\s+/)[0] ?? '';
  return id.length > 0 ? id : EMPTY_PATCH_ID;
}

/**
 * Has this repository read the blobs of the diff of two trees, as git's diff-tree in it would: a partial clone lazily
 * fetches each it lacks (git 2.39). One `git diff-tree --raw` (tree entries only, no blob read) and one `git cat-file
 * --batch-check`, only after a patch-id found a blob missing.
 */
async function fetchBlobs(cwd: string, a: string, b: string): Promise<void> {
  const raw = await runGit(['diff-tree', '-r', '-z', '--raw', '--no-abbrev', '--no-renames', a, b, '--'], { cwd });
  const oids = new Set<string>();
  for (const token of raw.stdout.split('\0'))
    if (token.startsWith(':')) for (const w of token.split(' ')) if (OID.test(w) && !isNullObjectId(w)) oids.add(w);
  // Its own environment: git itself answers (a snapshot's object answers would fetch nothing).
  if (oids.size > 0) await runGit(['cat-file', '--batch-check'], { cwd, env: {}, input: [...oids].join('\n') + '\n' });
}

/**
 * Streams the diff's bytes straight into `git patch-id`: decoding them as UTF-8 on the way would map
 * different invalid byte sequences to the same replacement character, and so to the same patch-id.
 */
function pipeDiffIntoPatchId(cwd: string, scratchEnv: NodeJS.ProcessEnv, diffArgs: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const env = gitEnv(scratchEnv);
    const diff = spawn('git', diffArgs, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const pid = spawn('git', PATCH_ID_ARGS, { cwd, env, stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const errs: Buffer[] = [];
    let pending = 2;
    let diffCode = 0;
    let pidCode = 0;
    const failed = (e: Error) =>
      reject(new CountersignError('git', `could not compute the patch-id: ${e.message}`, undefined, { cause: e }));
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
        reject(
          new CountersignError(
            gitErrorReason(stderr),
            `git ${diffArgs.slice(-3, -1).join('..')} patch-id failed (exit ${diffCode || pidCode}): ${stderr.trim()}`,
            stderr,
          ),
        );
        return;
      }
      resolve(Buffer.concat(out).toString('utf8'));
    };
    diff.on('close', (code) => {
      diffCode = code ?? 128;
      done();
    });
    pid.on('close', (code) => {
      pidCode = code ?? 128;
      done();
    });
  });
}

const HEX40 = /^[0-9a-fA-F]{40}/;
const OID = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;

/**
 * The stable patch-ids of base..tip for many tips, with one `git diff-tree --stdin` and one `git patch-id`
 * (instead of four processes per tip): each input line `TIP BASE` makes diff-tree print the line `TIP` and
 * the diff from BASE to TIP, exactly the diff stablePatchId hashes, and patch-id names each result by that
 * line. git patch-id takes ANY line that starts with 40 hex digits for such a name, and a binary patch's
 * base85 lines can; so the stream is checked on its way through: unless the names are exactly the expected
 * ones, in order, the ids are computed one by one (stablePatchId), never attributed to the wrong commit.
 * `base` must be a commit (the empty tree is not: use stablePatchId).
 */
export async function stablePatchIds(cwd: string, base: string, tips: string[]): Promise<Map<string, string>> {
  return stablePatchIdsOfSpans(
    cwd,
    tips.map((tip) => ({ base, tip })),
  );
}

/**
 * The stable patch-ids of many spans base..tip with different bases (a commit's own change: its parent..it),
 * batched the same way; named by tip, so the tips must be distinct. Each `base` must be a commit. A span whose
 * diff has a version over core/textLines.ts MAX_DIFF_BLOB_BYTES gets none (git's patch of it holds ~40 bytes a
 * line, core.bigFileThreshold or not: attack22 01): no approval is carried to it by patch-id, only by its tip.
 */
export async function stablePatchIdsOfSpans(
  cwd: string,
  all: Array<{ base: string; tip: string }>,
): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  if (all.length === 0) return out;
  if (new Set(all.map((s) => s.tip)).size !== all.length)
    throw new CountersignError('git', "stablePatchIdsOfSpans: the spans' tips must be distinct");
  const over = await oversizedDiffs(
    cwd,
    all.map((s) => `${s.tip} ${s.base}`),
  );
  // Object ids only in the batch: the throwaway repository it runs in has no refs (callers pass commit ids).
  const named = (s: { base: string; tip: string }) => !OID.test(s.base) || !OID.test(s.tip);
  const spans = all.filter((s) => !over.has(s.tip) && !named(s));
  for (const { base, tip } of all.filter((s) => !over.has(s.tip) && named(s)))
    out.set(tip, await stablePatchId(cwd, base, tip));
  if (spans.length === 0) return out;
  const batched = await stablePatchIdsInOrder(cwd, spans);
  if (batched) return new Map([...out, ...spans.map((s, i) => [s.tip, batched[i]] as const)]);
  for (const { base, tip } of spans) out.set(tip, await stablePatchId(cwd, base, tip));
  return out;
}

/**
 * The stable patch-ids of many spans base..tip in input order — tips may repeat (the spans of one commit back to
 * each of several bases) — with one `git diff-tree --stdin --always` and one `git patch-id`; `paths`, when given,
 * limits each diff to them (a literal pathspec): the change a span makes to those paths only. `--always` prints
 * each span's name line even when its diff is empty, so the stream's name lines must be the tips exactly, in
 * order (else, as in stablePatchIdsOfSpans, a binary patch's line looked like a name: undefined, nothing is
 * attributed to the wrong span). Each base and tip must be a commit id (contentOnly's repository has no refs). An
 * empty diff gives EMPTY_PATCH_ID.
 */
export async function stablePatchIdsInOrder(
  cwd: string,
  spans: ReadonlyArray<{ base: string; tip: string }>,
  paths?: readonly string[],
): Promise<string[] | undefined> {
  if (spans.length === 0) return [];
  return contentOnly(cwd, (env) => inOrder(cwd, env, spans, paths));
}

function inOrder(
  cwd: string,
  scratchEnv: NodeJS.ProcessEnv,
  spans: ReadonlyArray<{ base: string; tip: string }>,
  paths?: readonly string[],
): Promise<string[] | undefined> {
  return new Promise((resolve, reject) => {
    const env = gitEnv(scratchEnv);
    const limit = paths ? ['--', ...paths.map(literalPathspec)] : [];
    const diffArgs = [...PATCH_DIFF_ARGS, '--stdin', '--always', ...limit];
    const diff = spawn('git', diffArgs, { cwd, env, stdio: ['pipe', 'pipe', 'pipe'] });
    const pid = spawn('git', PATCH_ID_ARGS, { cwd, env, stdio: ['pipe', 'pipe', 'pipe'] });
    /** Per span, whether its diff had a line (so patch-id prints an id for it); false until then. */
    const nonEmpty: boolean[] = [];
    let ambiguous = false;
    let line: Buffer[] = [];
    let lineLength = 0;
    const endLine = () => {
      const head = Buffer.concat(line).toString('latin1');
      if (HEX40.test(head)) {
        if (head !== spans[nonEmpty.length]?.tip) ambiguous = true;
        else nonEmpty.push(false);
      } else if (nonEmpty.length > 0) nonEmpty[nonEmpty.length - 1] = true;
      line = [];
      lineLength = 0;
    };
    let pidClosed = false;
    diff.stdout.on('data', (chunk: Buffer) => {
      let start = 0;
      for (let nl = chunk.indexOf(0x0a); nl >= 0; nl = chunk.indexOf(0x0a, start)) {
        if (lineLength < 70) line.push(chunk.subarray(start, Math.min(nl, start + 70)));
        lineLength += nl - start;
        endLine();
        start = nl + 1;
      }
      if (start < chunk.length && lineLength < 70) line.push(chunk.subarray(start, Math.min(chunk.length, start + 70)));
      lineLength += chunk.length - start;
      if (pidClosed) return;
      if (!pid.stdin.write(chunk)) {
        diff.stdout.pause();
        pid.stdin.once('drain', () => diff.stdout.resume());
      }
    });
    diff.stdout.on('end', () => pid.stdin.end());
    const results: Buffer[] = [];
    const errs: Buffer[] = [];
    let pending = 2;
    let code = 0;
    const failed = (e: Error) =>
      reject(new CountersignError('git', `could not compute patch-ids: ${e.message}`, undefined, { cause: e }));
    diff.on('error', failed);
    pid.on('error', failed);
    pid.stdin.on('error', () => undefined);
    diff.stdin.on('error', () => undefined);
    diff.stderr.on('data', (d: Buffer) => errs.push(d));
    pid.stderr.on('data', (d: Buffer) => errs.push(d));
    pid.stdout.on('data', (d: Buffer) => results.push(d));
    const done = () => {
      if (--pending > 0) return;
      if (code !== 0) {
        const stderr = Buffer.concat(errs).toString('utf8');
        reject(
          new CountersignError(
            'git',
            `git diff-tree --stdin | git patch-id failed (exit ${code}): ${stderr.trim()}`,
            stderr,
          ),
        );
        return;
      }
      if (line.length > 0) endLine();
      const ids = Buffer.concat(results)
        .toString('utf8')
        .split('\n')
        .map((l) => l.trim().split(/\s+/))
        .filter(([id, name]) => id && name);
      const want = spans.filter((_, i) => nonEmpty[i]);
      // patch-id names exactly the non-empty diffs, in the order diff-tree printed them.
      if (ambiguous || nonEmpty.length !== spans.length || ids.length !== want.length) return resolve(undefined);
      if (ids.some(([, name], i) => name !== want[i].tip)) return resolve(undefined);
      let next = 0;
      resolve(spans.map((_, i) => (nonEmpty[i] ? ids[next++][0] : EMPTY_PATCH_ID)));
    };
    diff.on('close', (c) => {
      code ||= c ?? 128;
      done();
    });
    pid.on('close', (c) => {
      pidClosed = true;
      diff.stdout.resume();
      code ||= c ?? 128;
      done();
    });
    diff.stdin.end(spans.map((sp) => `${sp.tip} ${sp.base}\n`).join(''));
  });
}
