import { parseStatementNote } from '../core/approvalStatement';
import { AddedLineJudge } from '../core/addedStatementLine';
import { ReviewerKeys } from '../core/approvalRules';
import { MAX_NOTE_BYTES, pushedNoteBytes } from '../core/noteBounds';
import type { Policy } from '../core/policy';
import { readObjects } from './catFileBatch';
import { runGit } from './gitRunner';
import { noteBlobsOf } from './notesLookup';
import { REVIEW_NOTES_REF } from './notesConfig';
import { notePaths, noteTarget } from './notePath';
import { oidHexLength } from './objectFormat';
import { shortSha } from '../core/shortSha';
import { isNullObjectId } from '../core/nullObjectId';

/**
 * What the server lets into refs/notes/countersign (docs/threat-model.md, "Notes flood"). The append-only
 * rule (notesRefGuard.ts) keeps every readable statement forever, and every later judgement reads them all,
 * so anything let in is a cost every push pays from then on. Only what a reviewer could have written gets in:
 * each line a push ADDS must be a statement signed by a key the policy on the policy branch lists, added to the
 * note on the very commit the statement names (its `tip`), and a new note must sit on a commit this repository has — or, for an approval recorded before its commit was
 * pushed, on the tip its statements name (so one blob cannot be fanned out under made-up object ids).
 * Lines the server already had are not judged again: a reviewer later removed from the policy keeps the
 * statements they signed while listed.
 */

/**
 * More added lines than this in one push (copies counted) are refused unjudged: a signature check per distinct
 * line and a read per line on every later judgement, bounded per push. A note may not gain a second copy of a line.
 */
export const MAX_ADDED_STATEMENTS = 2000;
/** More new notes than this in one push are refused unread. */
export const MAX_ADDED_NOTES = 5000;
export { MAX_NOTE_BYTES } from '../core/noteBounds';

export interface ChangedNote {
  target: string;
  oldBlob: string | undefined;
  newBlob: string;
  added: boolean;
}

/** Notes that `newCommit` adds or changes against `oldCommit` (all of them when the ref is new). */
export async function changedNotes(
  cwd: string,
  oldCommit: string | undefined,
  newCommit: string,
): Promise<ChangedNote[]> {
  return (await notesTreeChanges(cwd, oldCommit, newCommit)).changed;
}

/** An entry a notes tree gives an object that already has one at `other` (git reads the two as one note). */
export interface SecondEntry {
  target: string;
  path: string;
  other: string;
}

/**
 * The notes `newCommit` adds or changes against `oldCommit`, the objects whose note it drops (a note that only
 * moved to another fan-out path is not dropped), and the second entries it gives an object (attack13 M9/M1/M10):
 * a new path for an object with an entry at another path of the new tree. git folds the two into one
 * concatenated note on the next `git notes add`, and readers disagree on which one counts, so such a path is
 * reported as a change of the note already there (its blob the old one: judged as a rewrite, merged by intake)
 * and the server refuses the tree (notesRefGuard.ts).
 */
export async function notesTreeChanges(
  cwd: string,
  oldCommit: string | undefined,
  newCommit: string,
): Promise<{ changed: ChangedNote[]; removed: string[]; seconds: SecondEntry[] }> {
  const out: Array<ChangedNote & { path: string }> = [];
  const removed = new Map<string, string>();
  const hexLength = await oidHexLength(cwd);
  if (oldCommit === undefined) {
    const ls = await runGit(['ls-tree', '-r', '-z', newCommit], { cwd });
    for (const entry of ls.stdout.split('\0')) {
      const m = /^\d+ blob ([0-9a-f]+)\t(.+)$/.exec(entry);
      const target = m ? noteTarget(m[2], hexLength) : undefined;
      if (m && target) out.push({ target, oldBlob: undefined, newBlob: m[1], added: true, path: m[2] });
    }
  } else {
    const diff = await runGit(['diff-tree', '-r', '-z', '--no-renames', oldCommit, newCommit], { cwd });
    const fields = diff.stdout.split('\0');
    for (let i = 0; i + 1 < fields.length; i += 2) {
      const m = /^:\d+ \d+ ([0-9a-f]+) ([0-9a-f]+) ([A-Z])/.exec(fields[i]);
      const target = noteTarget(fields[i + 1], hexLength);
      if (!m || target === undefined) continue; // stray paths: strayEntries
      if (isNullObjectId(m[2]))
        removed.set(target, m[1]); // what it held: droppedStatements
      else
        out.push({
          target,
          oldBlob: isNullObjectId(m[1]) ? undefined : m[1],
          newBlob: m[2],
          added: isNullObjectId(m[1]),
          path: fields[i + 1],
        });
    }
  }
  const seconds = await secondEntries(cwd, newCommit, out, removed, oldCommit !== undefined);
  const secondAt = new Map(seconds.map((e) => [e.path, e]));
  // A note that only changed path (git re-lays the whole tree out in deeper fan-out folders as it grows) is the
  // same note: its old blob is what the server had there, not an addition. A second entry is a change of the first.
  for (const c of out) {
    const was = c.added ? (removed.get(c.target) ?? secondAt.get(c.path)?.blob) : undefined;
    if (was) Object.assign(c, { oldBlob: was, added: false });
  }
  const kept = new Set(out.map((c) => c.target));
  return {
    changed: out.filter((c) => c.oldBlob !== c.newBlob).map(({ path: _path, ...c }) => c),
    removed: [...removed.keys()].filter((t) => !kept.has(t)),
    seconds: seconds.map(({ blob: _blob, ...e }) => e),
  };
}

/**
 * The new paths of `changes` that give their object a second entry in `newCommit`'s tree, with the blob of the
 * other entry: two new paths for one object, or a new path for an object that lost no path and has an entry at
 * another of its fan-out paths (notePaths), looked up for all of them in one walk — however many the push adds: the
 * walk reads each folder on the way once, so its cost follows the paths added and the folders they sit in, and a
 * skip past MAX_ADDED_NOTES let a push that MOVED 5,000 notes (counted by no caller, as moves change nothing) carry
 * one unlooked-at second entry (attack14 N7c). The paths of a whole new tree (`lookUp` false) need no walk: every
 * entry is new.
 */
async function secondEntries(
  cwd: string,
  newCommit: string,
  changes: Array<{ target: string; path: string; newBlob: string; added: boolean }>,
  removed: Map<string, string>,
  lookUp: boolean,
): Promise<Array<SecondEntry & { blob: string | undefined }>> {
  const added = changes.filter((c) => c.added);
  const byTarget = new Map<string, typeof added>();
  for (const c of added) byTarget.set(c.target, [...(byTarget.get(c.target) ?? []), c]);
  const out: Array<SecondEntry & { blob: string | undefined }> = [];
  for (const [target, paths] of byTarget) {
    // Two new paths at once: the first is the note, the others its second entries (a move keeps the old blob).
    for (const c of paths.slice(1)) out.push({ target, path: c.path, other: paths[0].path, blob: removed.get(target) });
  }
  const lone = [...byTarget].filter(([t, paths]) => paths.length === 1 && !removed.has(t)).map(([, p]) => p[0]);
  if (!lookUp || lone.length === 0) return out;
  // One `git cat-file --batch` walk of the folders on the way to them (notesLookup.ts), each tree read once: asking
  // git for every fan-out path of each (`commit:ab/cd…`) re-read the root tree per question: a 3000-note push ran past the tests' 90 s limit.
  const pathOf = new Map(lone.map((c) => [c.target, c.path]));
  const reported = new Set<string>();
  await noteBlobsOf(cwd, newCommit, pathOf.keys(), {
    onEntry: (target, depth, blob) => {
      const at = notePaths(target)[depth / 2];
      const path = pathOf.get(target) as string;
      if (at === path || reported.has(path)) return;
      reported.add(path);
      out.push({ target, path, other: at, blob });
    },
  });
  return out;
}

/** The type and size of each object id this repository has (the quarantined push included); absent ones are missing. */
export async function objectInfo(cwd: string, oids: string[]): Promise<Map<string, { type: string; size: string }>> {
  const info = new Map<string, { type: string; size: string }>();
  if (oids.length === 0) return info;
  const r = await runGit(['cat-file', '--batch-check=%(objectname) %(objecttype) %(objectsize)'], {
    cwd,
    input: oids.join('\n') + '\n',
  });
  for (const line of r.stdout.split('\n')) {
    const [name, type, size] = line.split(' ');
    if (type && type !== 'missing') info.set(name, { type, size });
  }
  return info;
}

/**
 * Why a note's new text is not in the form `approve` writes (and `git notes append` or cat_sort_uniq keep), or
 * undefined: it must end in a line break, and hold no run of blank lines and no padded line — except padded lines
 * it already held (a note from before this rule is judged only for what a push adds). Each added line's JSON is
 * checked for canonical form where it is parsed.
 */
function notCanonical(text: string, old: string | undefined): string | undefined {
  if (text !== '' && !text.endsWith('\n')) return 'does not end in a line break';
  const had = old === undefined ? new Set<string>() : new Set(old.split('\n'));
  const lines = text.split('\n');
  lines.pop();
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i];
    // One blank line between statements is what `git notes append` writes; git collapses runs of them.
    if (raw === '' && (i === 0 || lines[i - 1] === '')) return `has a run of blank lines (line ${i + 1})`;
    if (raw !== '' && raw !== raw.trim() && !had.has(raw)) return `has a padded line (line ${i + 1})`;
  }
  return undefined;
}

/** How often each non-blank line occurs in a note. */
function lineCounts(text: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\r$/, '').trim();
    if (line !== '') counts.set(line, (counts.get(line) ?? 0) + 1);
  }
  return counts;
}

/**
 * Why a push of refs/notes/countersign from `oldCommit` to `newCommit` adds what the server does not take,
 * or undefined. `policy` is the one on the server's policy branch (the last readable one while it is
 * broken); without one no key can vouch for a statement, so none may be added.
 */
export async function unsignedAdditions(
  cwd: string,
  oldCommit: string | undefined,
  newCommit: string,
  policy: Policy | undefined,
): Promise<string | undefined> {
  const changed = await changedNotes(cwd, oldCommit, newCommit);
  if (changed.length === 0) return undefined;
  const fix = `only statements signed by a reviewer key listed in the policy, each in the note on the commit it names, may be added — the append-only rule would keep anything else for good; fix: remove those lines (\`git notes --ref=${REVIEW_NOTES_REF} edit COMMIT\`, or start from the server's ref: \`git fetch origin +${REVIEW_NOTES_REF}:${REVIEW_NOTES_REF}\`), record approvals with \`countersign approve\`, then push again`;
  const newNotes = changed.filter((c) => c.added).length;
  if (newNotes > MAX_ADDED_NOTES) {
    return `this push adds ${newNotes} notes to ${REVIEW_NOTES_REF}, more than the server judges in one push (${MAX_ADDED_NOTES}); push them in parts. ${fix}.`;
  }
  // Old blobs too: the guard reads what each changed note held, to judge only what the push adds.
  const blobs = [...new Set(changed.flatMap((c) => (c.oldBlob ? [c.oldBlob, c.newBlob] : [c.newBlob])))];
  const sizes = await objectInfo(cwd, blobs);
  const big = changed.filter((c) => Number(sizes.get(c.newBlob)?.size ?? 0) > MAX_NOTE_BYTES);
  if (big.length > 0) {
    const c = big[0];
    return `this push makes the note on ${shortSha(c.target)} in ${REVIEW_NOTES_REF} ${sizes.get(c.newBlob)?.size} bytes${big.length > 1 ? ` (and ${big.length - 1} more note(s) too)` : ''}, more than a note may hold (${MAX_NOTE_BYTES}): every later judgement would read it, for good. Fix: keep only the statement lines \`countersign approve\` writes (\`git notes --ref=${REVIEW_NOTES_REF} edit ${shortSha(c.target)}\`), then push again.`;
  }
  const tooMuch = pushedNoteBytes(REVIEW_NOTES_REF, blobs, (b) => Number(sizes.get(b)?.size ?? 0));
  if (tooMuch) return `${tooMuch} ${fix}.`;
  const texts = new Map<string, string>();
  await readObjects(cwd, blobs, (blob, content) => {
    if (content) texts.set(blob, content.toString('utf8'));
  });

  // Per note: its lines the server did not have there (as often as it had them). Each distinct line is judged
  // once, but every added line counts against the bound: a real statement copied thousands of times costs a
  // parse per copy on every later read and would verify with one signature check (outside tester, session 6).
  const padded = changed.flatMap((c) => {
    const why = texts.has(c.newBlob) ? notCanonical(texts.get(c.newBlob)!, texts.get(c.oldBlob ?? '')) : undefined;
    return why ? [`the note on ${shortSha(c.target)} ${why}`] : [];
  });
  if (padded.length > 0) {
    return `this push adds to ${REVIEW_NOTES_REF} notes not in the form \`countersign approve\` writes — ${padded.slice(0, 3).join('; ')}${padded.length > 3 ? '; …' : ''}: each line must be one statement exactly as written by \`approve\`, ending in a line break, with no padding or runs of blank lines (each would cost every later judgement a read, for good). Fix: \`git notes --ref=${REVIEW_NOTES_REF} edit COMMIT\` (or start from the server's ref: \`git fetch origin +${REVIEW_NOTES_REF}:${REVIEW_NOTES_REF}\`), record approvals with \`countersign approve\`, then push again.`;
  }
  const problems: string[] = [];
  const copies: string[] = [];
  // Every added line where it was added: each must be about the commit its note is on (issue 10, I3).
  const added: Array<{ target: string; line: string; n: number }> = [];
  let addedLines = 0;
  for (const c of changed) {
    const text = texts.get(c.newBlob);
    if (text === undefined) {
      problems.push(`the note on ${shortSha(c.target)} (blob ${shortSha(c.newBlob)}) is missing from the push`);
      continue;
    }
    const had = c.oldBlob ? lineCounts(texts.get(c.oldBlob) ?? '') : new Map<string, number>();
    const now = new Map<string, number>();
    let extra = 0;
    let firstExtra = 0;
    text.split('\n').forEach((raw, i) => {
      const line = raw.replace(/\r$/, '').trim();
      if (line === '') return;
      const count = (now.get(line) ?? 0) + 1;
      now.set(line, count);
      if (count <= (had.get(line) ?? 0)) return;
      addedLines++;
      if (count > 1) {
        extra++;
        firstExtra ||= i + 1;
      } else added.push({ target: c.target, line, n: i + 1 });
    });
    if (extra > 0) {
      copies.push(
        `the note on ${shortSha(c.target)} adds ${extra} more cop${extra === 1 ? 'y' : 'ies'} of a line it holds (line ${firstExtra})`,
      );
    }
  }
  if (copies.length > 0) {
    return `this push adds copies of lines to ${REVIEW_NOTES_REF} — ${copies.slice(0, 3).join('; ')}${copies.length > 3 ? '; …' : ''}: a statement counts once however often it is written, and every copy would cost every later push a read, for good. Fix: keep one copy of each line (\`git notes --ref=${REVIEW_NOTES_REF} merge -s cat_sort_uniq\` merges without copies; or \`git notes --ref=${REVIEW_NOTES_REF} edit COMMIT\`), then push again.`;
  }
  if (addedLines > MAX_ADDED_STATEMENTS) {
    return `this push adds ${addedLines} lines to ${REVIEW_NOTES_REF}, more than the server judges in one push (${MAX_ADDED_STATEMENTS}); push them in parts. ${fix}.`;
  }
  const judge = new AddedLineJudge(policy ? new ReviewerKeys(policy, undefined, { retired: false }) : undefined);
  const reported = new Set<string>();
  const elsewhere: string[] = [];
  for (const { target, line, n } of added) {
    const where = `the note on ${shortSha(target)} line ${n}`;
    const verdict = judge.judge(target, line);
    if (verdict?.kind === 'elsewhere') elsewhere.push(`${where} ${verdict.why}`);
    else if (verdict && !reported.has(line)) {
      reported.add(line);
      problems.push(`${where}: ${verdict.why}`);
    }
  }

  // A new note names a commit here, or is an approval recorded before its commit was pushed: on the tip it names.
  const placement: string[] = [];
  // The tips a blob's statements name, read once per blob (a blob under N paths is N notes, one parse).
  const tips = new Map<string, Set<string>>();
  const tipsOf = (blob: string) => {
    let set = tips.get(blob);
    if (!set) {
      set = new Set(parseStatementNote(texts.get(blob) ?? '').statements.map((s) => s.statement.tip));
      tips.set(blob, set);
    }
    return set;
  };
  const newOnes = changed.filter((c) => c.added);
  const types = await objectInfo(cwd, [...new Set(newOnes.map((c) => c.target))]);
  for (const c of newOnes) {
    const type = types.get(c.target)?.type;
    if (type === 'commit') continue;
    if (type === undefined && tipsOf(c.newBlob).size === 1 && tipsOf(c.newBlob).has(c.target)) continue;
    placement.push(
      `the note on ${shortSha(c.target)} names no commit in this repository${type ? ` (it is a ${type})` : ''}, and its statements approve another commit`,
    );
  }
  if (problems.length + elsewhere.length + placement.length === 0) return undefined;
  const shown = (list: string[], what: string) =>
    list.length === 0 ? [] : [`${list.length} ${what}: ${list.slice(0, 3).join('; ')}${list.length > 3 ? '; …' : ''}`];
  return `this push adds to ${REVIEW_NOTES_REF} what the server does not take — ${[...shown(problems, 'line(s) no listed reviewer signed'), ...shown(elsewhere, "statement(s) in another commit's note"), ...shown(placement, 'note(s) on no commit')].join(' — ')}. ${fix}.`;
}
