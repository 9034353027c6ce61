import { decodePath } from '../core/commitObject';
import { CountersignError } from '../core/errors';
import type { GateCommit } from '../core/gate';
import { mergeReadable } from '../core/mergeView';
import { POLICY_FILE } from '../core/policy';
import { gateDiffView } from './gateDiffView';
import { runGit } from './gitRunner';
import { lossesFrom } from './netChange';
import { streamSeparated } from './nulStream';
import { oversizedDiffs } from './oversizedDiffs';
import { literalPathspec } from './pathspec';
import { isNullObjectId } from '../core/nullObjectId';

/**
 * A merge's own lines: those of its tree found in none of its parents, as git's combined diff aligns them (a
 * line with `+` in every parent's column). They are what the merge itself writes — a conflict resolution, or an
 * evil merge's new file — and what its AI-Provenance trailer counts, so core/reviewNeed.ts holds them against
 * that trailer as it holds an ordinary commit's added lines (outside tester, session 7, G10: a merge adding a
 * 60-line file found in neither parent with `ai=0 human=0 untracked=0` landed). Lines a merge takes from any
 * parent are not its own: an ordinary merge has none.
 *
 * One `git diff-tree --stdin -c -p` for every merge of the push; none when it has no merge. Read in the gate's
 * diff view (every file as text). The patch is parsed by position, never by what a line looks like: a commit
 * id line or `diff ` header ends a file, `@@…` starts a hunk, and inside a hunk every line begins with a
 * parent column (` `, `+`, `-`) or `\`, so a file's content (`+++ b/x`) cannot pass for a header.
 */
export async function markMergeOwnLines(cwd: string, commits: GateCommit[]): Promise<void> {
  const all = commits.filter((c) => c.parents.length > 1);
  if (all.length === 0) return;
  // A merge whose combined diff would read a version over the bound (attack22 01), or that names a parent twice
  // or too many parents (attack26 03: git's combined diff costs lines x parents), is not diffed: its own lines
  // are taken to be all it adds over its first parent, more than it can own (it fails closed).
  const readable = all.filter((c) => mergeReadable(c.parents));
  const over = await oversizedDiffs(
    cwd,
    readable.map((c) => c.sha),
    true,
  );
  const merges = readable.filter((c) => !over.has(c.sha));
  const diffed = new Set(merges);
  for (const c of all) if (!diffed.has(c)) c.mergeOwnAdded = c.files.reduce((n, f) => n + (f.added ?? 0), 0);
  if (merges.length === 0) return;
  const byId = new Map(merges.map((c) => [c.sha, c]));
  for (const c of merges) c.mergeOwnAdded = 0;
  let current: GateCommit | undefined;
  /** The number of parent columns while inside a hunk; undefined in headers. */
  let columns: number | undefined;
  const view = await gateDiffView(cwd);
  await streamSeparated(
    [
      ...view.args,
      'diff-tree',
      '--stdin',
      '-r',
      '-c',
      '-p',
      '--text',
      '--no-renames',
      '--no-ext-diff',
      '--no-textconv',
      '--no-color',
    ],
    view.dir,
    0x0a,
    (token) => {
      if (token.length === 0 && columns === undefined) return;
      const first = token[0];
      if (columns !== undefined && (first === 0x20 || first === 0x2b || first === 0x2d || first === 0x5c)) {
        if (current && first === 0x2b && token.length >= columns && allPlus(token, columns))
          current.mergeOwnAdded = (current.mergeOwnAdded ?? 0) + 1;
        return;
      }
      if (first === 0x40 /* '@' */ && current) {
        let n = 0;
        while (token[n] === 0x40) n++;
        columns = n - 1;
        return;
      }
      const text = token.toString('latin1');
      const commit = byId.get(text);
      if (commit) {
        current = commit;
        columns = undefined;
        return;
      }
      if (columns !== undefined && !text.startsWith('diff '))
        throw new CountersignError(
          'git',
          `unexpected git diff-tree -c output ${JSON.stringify(text.slice(0, 80))}; the gate reads nothing it cannot place`,
        );
      if (!current)
        throw new CountersignError(
          'git',
          `git diff-tree -c printed ${JSON.stringify(text.slice(0, 80))} before a commit id`,
        );
      columns = undefined;
    },
    merges.map((c) => c.sha).join('\n') + '\n',
  );
}

function allPlus(line: Buffer, columns: number): boolean {
  for (let i = 0; i < columns; i++) if (line[i] !== 0x2b) return false;
  return true;
}

/**
 * For each merge: the paths of its first-parent diff whose content it leaves exactly as `reviewBase` has it
 * (`sameAsBase`, core/mergeView.ts): a branch that merged the protected branch in carries the branch's own,
 * already judged changes in that diff. Only those paths are compared: `reviewBase`'s entries for them are read
 * with one `git ls-tree` (more only past ARGS_BYTES of paths), and a path is the same when both have the same
 * mode and object there, or neither has a file there — as `git diff-tree -r` between the two would leave it out.
 * Diffing each merge against the base whole, as this did, listed N^2/2 paths for a push of N merges of one-commit
 * topics (bounds22: 2 million for 2,000 merges); the paths compared here are the merges' own, which the changed
 * paths' bound (core/changedPaths.ts) already caps. A merge with a path git cannot be given as an argument (not
 * UTF-8) is diffed against the base whole, as before. None without a base or merge.
 */
export async function markSameAsBase(
  cwd: string,
  commits: GateCommit[],
  reviewBase: string | undefined,
): Promise<void> {
  const merges = commits.filter((c) => c.parents.length > 1);
  if (merges.length === 0 || reviewBase === undefined) return;
  const unsayable = merges.filter((m) => m.files.some((f) => f.oids && !sayable(f.path)));
  const differs =
    unsayable.length > 0
      ? await lossesFrom(
          cwd,
          reviewBase,
          unsayable.map((m) => m.sha),
        )
      : undefined;
  const asked = new Set<string>();
  for (const m of merges) if (!differs?.has(m.sha)) for (const f of m.files) if (f.oids) asked.add(f.path);
  const base = await entriesAt(cwd, reviewBase, [...asked]);
  for (const m of merges) {
    const lost = differs?.get(m.sha);
    if (lost) {
      const changed = new Set(lost.map((f) => f.path));
      m.sameAsBase = m.files.filter((f) => f.oids && !changed.has(f.path)).map((f) => f.path);
    } else m.sameAsBase = m.files.filter((f) => f.oids && base.get(f.path) === entryAfter(f)).map((f) => f.path);
  }
  const adders = await policyAdders(cwd, merges);
  for (const m of merges) if (adders.has(m.sha)) m.sameAsBase = m.sameAsBase?.filter((p) => p !== POLICY_FILE);
}

/**
 * The merges that bring the policy file in: it is in the merge's tree and in none of its parents (an "adder",
 * src/git/gateStart.ts). Such a merge is never excused from the policy-change rule as "the same as the base"
 * (outside tester, session 12, N3): M = merge of two empty roots with main's tree was charged nothing, and
 * landing it on main added a second adder with no history in common with the first, so "where the gate started"
 * became nothing and every honest tag at a pre-adoption commit was judged over the whole old history and refused
 * — for good, since an adder in the policy branch's history never leaves it. An adder is a policy change: it
 * needs the review a change of the policy needs. A merge whose other parent has the policy (a pre-adoption
 * branch merging main in) is no adder and stays excused. One `cat-file --batch-check` for every candidate; a
 * parent entry git cannot answer counts as absent (fails closed: the merge is charged).
 */
async function policyAdders(cwd: string, merges: GateCommit[]): Promise<Set<string>> {
  const candidates = merges.filter((m) =>
    m.files.some((f) => f.path === POLICY_FILE && f.oids !== undefined && isNullObjectId(f.oids.old)),
  );
  const out = new Set<string>();
  if (candidates.length === 0) return out;
  const names = candidates.flatMap((m) => m.parents.slice(1).map((p) => `${p}:${POLICY_FILE}`));
  const r = await runGit(['cat-file', '--batch-check=%(objecttype)'], { cwd, input: names.join('\n') + '\n' });
  const types = r.stdout.split('\n');
  let i = 0;
  for (const m of candidates) {
    let anyParentHasIt = false;
    for (let k = 1; k < m.parents.length; k++) if (types[i++] === 'blob') anyParentHasIt = true;
    if (!anyParentHasIt) out.add(m.sha);
  }
  return out;
}

/** The entry a merge leaves at a path of its diff, as entriesAt gives the base's: `MODE OID`, undefined when gone. */
function entryAfter(f: GateCommit['files'][number]): string | undefined | null {
  if (f.mode === undefined || !f.oids) return null; // unknown: never the same as the base's
  return isNullObjectId(f.mode) ? undefined : `${f.mode} ${f.oids.new}`;
}

/** Whether a path (core/commitObject.ts decodePath's string) is valid UTF-8, so git can be given it as an argument. */
function sayable(path: string): boolean {
  return Buffer.from(path, 'utf8').toString('utf8') === path;
}

/** Bytes of paths given to one `git ls-tree` (Linux takes 2 MB of arguments and environment together). */
const ARGS_BYTES = 512 * 1024;

/**
 * `MODE OID` of the file, link or submodule `tree` holds at each of `paths` (folders are not entries, as for
 * `git diff-tree -r`); a path it lacks is absent. Literal paths (pathspec.ts: no magic or wildcard).
 */
async function entriesAt(cwd: string, tree: string, paths: string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const wanted = new Set(paths);
  for (let at = 0; at < paths.length;) {
    const chunk: string[] = [];
    for (let bytes = 0; at < paths.length && (chunk.length === 0 || bytes < ARGS_BYTES); at++) {
      chunk.push(literalPathspec(paths[at]));
      bytes += Buffer.byteLength(chunk[chunk.length - 1]) + 1;
    }
    const r = await runGit(['ls-tree', '-z', '--full-tree', tree, '--', ...chunk], {
      cwd,
      bytes: true,
    });
    for (const record of r.stdout.split('\0')) {
      const tab = record.indexOf('\t');
      if (tab < 0) continue;
      const [mode, type, oid] = record.slice(0, tab).split(' ');
      const path = decodePath(Buffer.from(record.slice(tab + 1), 'latin1'));
      if (type !== 'tree' && wanted.has(path)) out.set(path, `${mode} ${oid}`);
    }
  }
  return out;
}
