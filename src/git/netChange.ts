import type { ChangedFile, GateCommit } from '../core/gate';
import { decodePath } from '../core/commitObject';
import { CountersignError } from '../core/errors';
import { deletesFile, parseRawEntry, type RawEntry } from '../core/fileDeletion';
import { restoredLineCount } from '../core/restoredLines';
import { MAX_DIFF_BLOB_BYTES } from '../core/textLines';
import { blobLineCounts, countUncountedLines } from './binaryFiles';
import { readObjects } from './catFileBatch';
import { gateDiffView } from './gateDiffView';
import { markStubs, type StubEdit } from './stubFiles';
import { runGit } from './gitRunner';
import { isNullObjectId } from '../core/nullObjectId';

/**
 * Files changed from `from` to `to` as the gate's tiers read deletions: each path with the lines it loses
 * (`deleted`; none counted as added) and `D` when core/fileDeletion.ts says the file is destroyed (gone, emptied,
 * or replaced by a symlink or gitlink). The same reader options as every diff the gate judges (--no-renames, no
 * external diff or textconv), so a rename is a deletion plus an addition; its lines counted as the gate counts
 * them (git/binaryFiles.ts: a file over the bound by its newlines, never diffed).
 */
export async function lossBetween(cwd: string, from: string, to: string): Promise<ChangedFile[]> {
  return changeBetween(cwd, from, to, false);
}

/**
 * lossBetween, and with `both` the lines `to` has that `from` lacks too (`added`; `A` for a file `from` lacks):
 * the whole change, as an allowed rewind is judged (rewind.ts). One diff-tree either way.
 */
export async function changeBetween(cwd: string, from: string, to: string, both: boolean): Promise<ChangedFile[]> {
  const view = await gateDiffView(cwd, 'content');
  const r = await runGit([...view.args, 'diff-tree', '-r', '-z', '--raw', '--numstat', ...LOSS_OPTIONS, from, to], {
    cwd: view.dir,
    bytes: true,
  });
  const tokens = r.stdout.split('\0');
  const files: ChangedFile[] = [];
  const stubs: StubEdit[] = [];
  const next = readLoss(tokens, 0, files, stubs, both);
  if (tokens.slice(next).some((t) => t.replace(/^\n/, '') !== ''))
    throw new CountersignError('git', `unexpected git diff-tree output ${JSON.stringify(tokens[next].slice(0, 80))}`);
  return (await countLosses(cwd, from, new Map([[to, files]]), stubs, both)).get(to) as ChangedFile[];
}

/**
 * The uncounted (`- -`) files of each diff `from` → TO counted (git/binaryFiles.ts), edits that leave a stub
 * marked deleted (git/stubFiles.ts: it needs the added lines too); then only losses (0 added), unless `both`
 * (changeBetween's whole change).
 */
async function countLosses(
  cwd: string,
  from: string,
  diffs: Map<string, ChangedFile[]>,
  stubs: StubEdit[],
  both = false,
): Promise<Map<string, ChangedFile[]>> {
  await countUncountedLines(
    cwd,
    [...diffs].map(([to, files]) => ({ sha: to, parents: [from], files })),
  );
  await markStubs(cwd, stubs);
  if (!both) for (const files of diffs.values()) for (const f of files) f.added = 0;
  return diffs;
}

const LOSS_OPTIONS = ['--text', '--no-renames', '--no-ext-diff', '--no-textconv'];

/**
 * Reads one diff's `--raw` entries (":modes oids STATUS", the path as the next token: read by position, never
 * by its look) and numstat records ("ADDED\tDELETED\tPATH"; "-" for binary counts) from `tokens[i]` on into
 * `files`, up to the first token that is neither; returns its index. Each edit that may leave a stub goes to
 * `stubs` with git's status, mode and new blob (countLosses marks it). Raw entries come before the numstat
 * records of the same diff. Paths decoded as the commit reader decodes them, so a path that is not valid UTF-8
 * is the same path in both (a lossy decode made five such deleted files look untouched by their commit).
 */
function readLoss(tokens: string[], i: number, files: ChangedFile[], stubs: StubEdit[], both = false): number {
  const path = (latin1: string) => decodePath(Buffer.from(latin1, 'latin1'));
  const gone = new Set<string>();
  const oids = new Map<string, { old: string; new: string }>();
  const edits = new Map<string, RawEntry>();
  const created = new Set<string>();
  for (; i < tokens.length; i++) {
    const t = tokens[i].startsWith('\n') ? tokens[i].slice(1) : tokens[i];
    if (t === '') continue;
    if (t.startsWith(':')) {
      const entry = parseRawEntry(t);
      if (!entry)
        throw new CountersignError('git', `unexpected git diff-tree output ${JSON.stringify(t.slice(0, 80))}`);
      if (deletesFile(entry)) gone.add(path(tokens[i + 1] ?? ''));
      else if (entry.status === 'A') created.add(path(tokens[i + 1] ?? ''));
      else edits.set(path(tokens[i + 1] ?? ''), entry);
      oids.set(path(tokens[i + 1] ?? ''), { old: entry.oldOid, new: entry.newOid });
      i++;
      continue;
    }
    const m = /^(\d+|-)\t(\d+|-)\t([\s\S]+)$/.exec(t);
    if (!m) break;
    const p = path(m[3]);
    const uncounted = m[2] === '-';
    const file: ChangedFile = {
      path: p,
      // Left undefined for countLosses to find, with the objects it counts them from; the added lines of a loss
      // are kept until countLosses has asked whether the edit left a stub.
      added: uncounted ? undefined : Number(m[1]),
      deleted: uncounted ? undefined : Number(m[2]),
      status: gone.has(p) ? 'D' : both && created.has(p) ? 'A' : 'M',
      ...(uncounted && oids.has(p) ? { oids: oids.get(p) } : {}),
    };
    files.push(file);
    const edit = edits.get(p);
    if (edit && !gone.has(p)) stubs.push({ file, status: edit.status, mode: edit.newMode, blob: edit.newOid });
  }
  return i;
}

/**
 * lossBetween from one commit to each of the commits `tos` (full ids: the review panel asks it for every
 * branch against one base), from one `git diff-tree --stdin -r -z --raw --numstat` instead of one process per
 * branch; the test "lossesFrom agrees with lossBetween" holds the two to the same answer. Per line `TO FROM`
 * git prints TO's id, then that diff's entries (readLoss). A diff with no entry prints nothing.
 */
export async function lossesFrom(cwd: string, from: string, tos: string[]): Promise<Map<string, ChangedFile[]>> {
  const unique = [...new Set(tos)];
  const out = new Map<string, ChangedFile[]>(unique.map((t) => [t, []]));
  if (unique.length === 0) return out;
  const view = await gateDiffView(cwd, 'content');
  const r = await runGit([...view.args, 'diff-tree', '--stdin', '-r', '-z', '--raw', '--numstat', ...LOSS_OPTIONS], {
    cwd: view.dir,
    bytes: true,
    input: unique.map((t) => `${t} ${from}\n`).join(''),
  });
  const tokens = r.stdout.split('\0');
  const stubs: StubEdit[] = [];
  for (let i = 0; i < tokens.length;) {
    const t = tokens[i].startsWith('\n') ? tokens[i].slice(1) : tokens[i];
    if (t === '') {
      i++;
      continue;
    }
    const files = out.get(t);
    if (!files) throw new CountersignError('git', `unexpected git diff-tree output ${JSON.stringify(t.slice(0, 80))}`);
    i = readLoss(tokens, i + 1, files, stubs);
  }
  return countLosses(cwd, from, out, stubs);
}

/**
 * What the update `from` → `head` changes that none of its commits' own (first-parent) diffs shows. A merge
 * made with `-s ours` on an old ancestor takes that ancestor's tree: each commit's diff is harmless, yet the
 * branch loses files (outside tester, session 4). Those paths are charged to the head commit, as a rewind's
 * dropped files are, so tiers and review.paths judge them; a plain fast-forward or an ordinary merge changes
 * no path its commits do not, so nothing is charged twice.
 *
 * When the head's first-parent chain leaves the push elsewhere than `from` (`chainLeavesElsewhere`), a path
 * the commits do touch can still lose more than they delete: a side commit on the old ancestor rewrites an
 * 800-line file as one line (deleting nothing of the ancestor's), and `-s ours` makes that the branch's file
 * (outside tester, session 6). The net lines lost beyond the commits' own deletions of the path are charged
 * too, and a file gone that no commit deletes is a deleted file. On a chain that starts at `from`, its diffs
 * compose to the net change, so they always account for it.
 */
export async function unexplainedNetChange(
  cwd: string,
  from: string,
  head: string,
  commits: readonly GateCommit[],
  chainLeavesElsewhere = false,
  /** Losses read ahead for many heads at once (the review panel's BranchReadAhead), when it has this one. */
  ahead?: { loss(from: string, head: string): Promise<ChangedFile[] | undefined> },
  /** firstParentExit(head, commits), when the caller has it. */
  headExit: string | undefined = firstParentExit(head, commits),
): Promise<ChangedFile[]> {
  // The head's first-parent chain runs from `from` itself: the net change is its diffs composed, so every path the
  // diff-tree below lists is one a commit of the chain touched, and all are passed over. Not asked: over a long
  // push that diff and its parse were a tenth of `verify`'s CPU (10,000 commits: 1.4 MB of output, all dropped).
  if (!chainLeavesElsewhere && headExit === from) return [];
  const ownDeleted = new Map<string, number>();
  const ownGone = new Set<string>();
  for (const c of commits) {
    for (const f of c.files) {
      ownDeleted.set(f.path, (ownDeleted.get(f.path) ?? 0) + (f.deleted ?? 0));
      if (f.status === 'D') ownGone.add(f.path);
    }
  }
  const out: ChangedFile[] = [];
  for (const f of (await ahead?.loss(from, head)) ?? (await lossBetween(cwd, from, head))) {
    const own = ownDeleted.get(f.path);
    if (own === undefined) {
      out.push(f);
      continue;
    }
    if (!chainLeavesElsewhere) continue;
    const beyond = (f.deleted ?? 0) - own;
    const gone = f.status === 'D' && !ownGone.has(f.path);
    if (beyond > 0 || gone) out.push({ ...f, deleted: Math.max(0, beyond), status: gone ? 'D' : 'M' });
  }
  return out;
}

/** Per path the blob each side has (`undefined`: absent), from one `git diff-tree --raw -z` of `from` → `to`. */
async function changedBlobs(
  cwd: string,
  from: string,
  to: string,
): Promise<Map<string, { from?: string; to?: string; gitlink: boolean }>> {
  const r = await runGit(['diff-tree', '-r', '-z', '--no-renames', from, to], { cwd, bytes: true });
  const out = new Map<string, { from?: string; to?: string; gitlink: boolean }>();
  const fields = r.stdout.split('\0');
  // ":OLDMODE NEWMODE OLDOID NEWOID STATUS\0PATH\0" per file.
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const m = /^:(\d+) (\d+) ([0-9a-f]+) ([0-9a-f]+) [A-Z]\d*$/.exec(fields[i]);
    if (!m) continue;
    const present = (oid: string) => (isNullObjectId(oid) ? undefined : oid);
    out.set(decodePath(Buffer.from(fields[i + 1], 'latin1')), {
      from: present(m[3]),
      to: present(m[4]),
      gitlink: m[1] === '160000' || m[2] === '160000',
    });
  }
  return out;
}

/**
 * The lines `head` has that are new against `base` yet come from `exit`, a commit where a chain of the push
 * leaves it (core/restoredLines.ts): nothing unless exit's tree differs from base's. `toHead` is base → head
 * (changedBlobs); one more diff-tree and one cat-file --batch, reading only the files all three differ on, one
 * file at a time.
 */
async function restoredLines(
  cwd: string,
  base: string,
  exit: string,
  toHead: Map<string, { from?: string; to?: string; gitlink: boolean }>,
): Promise<NonNullable<GateCommit['restored']>> {
  const toExit = await changedBlobs(cwd, base, exit);
  const candidates: Array<{ path: string; base?: string; exit: string; head: string }> = [];
  for (const [path, h] of toHead) {
    const e = toExit.get(path);
    // Exit has its own version of the file, and head keeps one: only then can exit's lines be new against base.
    if (h.to === undefined || h.gitlink || e?.to === undefined || e.gitlink) continue;
    candidates.push({ path, ...(h.from ? { base: h.from } : {}), exit: e.to, head: h.to });
  }
  const files: Array<{ path: string; lines: number }> = [];
  const names = candidates.flatMap((c) => [c.base ?? c.head, c.exit, c.head]);
  let texts: Array<string | undefined> = [];
  // A version over the bound is not read (attack22 01): the file counts as bringing back all its head's lines.
  let oversized = false;
  const whole: Array<{ at: number; head: string }> = [];
  await readObjects(
    cwd,
    names,
    (_name, content, _type, over) => {
      texts.push(content?.toString('latin1'));
      if (over !== undefined) oversized = true;
      if (texts.length < 3) return;
      const c = candidates[files.length];
      const [b, e, h] = texts;
      texts = [];
      const big = oversized;
      oversized = false;
      if (big) whole.push({ at: files.length, head: c.head });
      files.push({
        path: c.path,
        lines: big ? 0 : restoredLineCount(c.base === undefined ? undefined : b, e, h ?? ''),
      });
    },
    { maxBytes: MAX_DIFF_BLOB_BYTES },
  );
  if (whole.length > 0) {
    const tallies = await blobLineCounts(
      cwd,
      whole.map((w) => w.head),
    );
    for (const w of whole) files[w.at].lines = tallies.get(w.head)?.count ?? 0;
  }
  const counted = files.filter((f) => f.lines > 0);
  return { from: exit, lines: counted.reduce((n, f) => n + f.lines, 0), files: counted };
}

/**
 * Where lines can enter the update without a pushed commit writing them: where `head`'s first-parent chain
 * leaves the push, and where each merge's other parents' first-parent chains leave it. A merge into main that
 * keeps an old side branch's copy of a file main removed writes no line of its own against its first parent,
 * and the side's commits never touched the file: the lines come from the side's exit (outside tester, session 6).
 * `except`: exits the caller accounts for otherwise (the base; an allowed rewind's point, judged by rewind.ts).
 */
export function sourceExits(head: string, commits: readonly GateCommit[], except: readonly string[] = []): string[] {
  const exits = new Set<string>();
  // One index for every walk (each walk indexing the push again made a push of many merges quadratic).
  const byId = new Map(commits.map((c) => [c.sha, c]));
  // And one memory of where each chain leaves: a side parent's chain is mostly the merge before's (bounds22: walking
  // each again made a push of 2,000 merges of one-commit topics cost 1.2 s of Node here, 10,000 about 30 s).
  const known = new Map<string, string | undefined>();
  const headExit = firstParentExit(head, commits, byId, known);
  if (headExit) exits.add(headExit);
  for (const c of commits) {
    for (const side of c.parents.slice(1)) {
      const exit = byId.has(side) ? firstParentExit(side, commits, byId, known) : side;
      if (exit) exits.add(exit);
    }
  }
  return [...exits].filter((e) => !except.includes(e));
}

/** `restoredLines` from each exit, per path the most any one brings back (they are one file's lines, not more). */
export async function restoredFromExits(
  cwd: string,
  base: string,
  exits: readonly string[],
  head: string,
): Promise<NonNullable<GateCommit['restored']> | undefined> {
  if (exits.length === 0) return undefined;
  // What the head changes against the base is the same question for every exit: asked once.
  const toHead = await changedBlobs(cwd, base, head);
  let best: NonNullable<GateCommit['restored']> | undefined;
  const perPath = new Map<string, number>();
  for (const exit of exits) {
    const r = await restoredLines(cwd, base, exit, toHead);
    for (const f of r.files) perPath.set(f.path, Math.max(perPath.get(f.path) ?? 0, f.lines));
    if (r.lines > (best?.lines ?? 0)) best = r;
  }
  if (!best) return undefined;
  const files = [...perPath].map(([path, lines]) => ({ path, lines }));
  return { from: best.from, lines: files.reduce((n, f) => n + f.lines, 0), files };
}

/**
 * Where `head`'s first-parent chain leaves `commits` (the push): the commit whose tree the chain's diffs are
 * applied to. Undefined when the chain ends at a root commit inside the push, or head is not in it. `known`: the
 * answers of earlier calls over the same push, by commit, filled in for every commit this walk passes.
 */
export function firstParentExit(
  head: string,
  commits: readonly GateCommit[],
  byId: ReadonlyMap<string, Pick<GateCommit, 'sha' | 'parents'>> = new Map(commits.map((c) => [c.sha, c])),
  known = new Map<string, string | undefined>(),
): string | undefined {
  let at = byId.get(head);
  const passed: string[] = [];
  let exit: string | undefined;
  while (at) {
    if (known.has(at.sha)) {
      exit = known.get(at.sha);
      break;
    }
    // A chain that comes back to itself (no git history can) ends nowhere, as a root does.
    known.set(at.sha, undefined);
    passed.push(at.sha);
    const parent = at.parents[0];
    if (parent === undefined) break;
    const next = byId.get(parent);
    if (!next) {
      exit = parent;
      break;
    }
    at = next;
  }
  for (const sha of passed) known.set(sha, exit);
  return exit;
}

/**
 * What the net change of an update is measured from. A push: the branch's old value. A pull request judged
 * before it merges (`verify --base/--head`, the review panel: `mergeOnly`): what merging it brings is its
 * change since it left the base's history, so a head that does not contain the base is measured from their
 * merge base — measured from the base itself, main's newer work came out reversed and was charged to the
 * pull request (outside tester, session 6). Several merge bases (criss-cross): the base, which fails closed.
 * It is also the range's review base (gateInput.ts): the base of the patch-ids that carry approvals and requests
 * for changes to rebased or amended copies, and of the suggested `approve --base`. From the base's tip, which the
 * head does not contain, every patch-id also undid main's newer work, so CI's `verify --base origin/main` lost a
 * request for changes that a merge push of the same commit kept at the server — whose patch-id of the merge from
 * that tip is this same change — and suggested a --base the head does not contain (newuser16 F6, F18).
 */
export async function netChangeBase(
  cwd: string,
  base: string | undefined,
  head: string,
  commits: readonly GateCommit[],
  mergeOnly: boolean,
): Promise<string | undefined> {
  if (!mergeOnly || base === undefined || head === base) return base;
  // The head contains the base exactly when some commit of the range has the base as a parent.
  if (commits.some((c) => c.parents.includes(base))) return base;
  const r = await runGit(['merge-base', '--all', base, head], { cwd, okCodes: [1] });
  const bases = r.code === 0 ? r.stdout.split('\n').filter(Boolean) : [];
  return bases.length === 1 ? bases[0] : base;
}
