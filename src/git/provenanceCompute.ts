import { createHash } from 'crypto';
import * as path from 'path';
import { splitLines } from '../core/attribution/lines';
import type { AuthorshipNote } from '../core/authorshipNote';
import {
  alignOwners,
  buildCommitAttribution,
  fileOwners,
  mapLabelsOnto,
  type CommitAttribution,
  type FileEvidence,
  type LineEvidence,
} from '../core/commitAttribution';
import { errorMessage } from '../core/errors';
import type { Logger } from '../core/logger';
import { readObjects } from './catFileBatch';
import type { Attribution } from './ledger';
import {
  deletionAssistedBy,
  agentDeletionsAtCommit,
  carriedRemovals,
  donorDeletions,
  matchAgentDeletions,
  unreadWriters,
  withAgentDeletions,
  type AgentDeletion,
} from '../core/agents/agentDeletionsNote';
import type { AgentRemovals } from '../core/ledger/agentRemovals';
import { changedFilesAndPatch, removedLinesIn, type FileAdditions, type DiffTarget } from './commitDiff';
import { readRegularFile, WORKING_FILE_MAX_BYTES } from './regularFile';
import { lineOrigins, readParsedNotes } from './lineOrigins';
import { labelsFollowingRename, renamesFrom } from './renames';

/**
 * Provenance of one commit (being prepared from the index, or already made), from every source that can
 * vouch for a line, lowest precedence first:
 *   1. notes of donor commits whose content it carries (amend, cherry-pick, rebase, squash), by content;
 *   2. for a revert, the notes of the commits that first wrote the lines it brings back (found by blame);
 *   3. the target's own note, when it was computed for exactly this commit (post-rewrite);
 *   4. the working ledger's labels mapped onto the committed content (not `untracked`).
 * A file renamed between a donor and the target (or, for the ledger, between HEAD and the index) is looked
 * up under its old path too, as git's rename detection pairs them.
 */

export interface ProvenanceInputs {
  base: string | undefined;
  target: DiffTarget;
  donors?: string[];
  /** Other parents of a merge: lines the merge takes from them are theirs, not the merge's. */
  mergeParents?: string[];
  reverts?: string;
  ownNote?: AuthorshipNote;
  /** The work tree's root: staged files whose working copy is the staged blob are read from there (no cat-file). */
  workTree?: string;
  /** The working ledger's labels of `path`; with `storedAs`, the labels it holds for that (old) path, mapped onto `path`'s working file. */
  labelsFor?: (path: string, storedAs?: string) => Promise<Attribution | undefined>;
  defaultHuman?: string;
  logger?: Logger;
  /** `base` is HEAD itself (every commit but an amend): the staged diff is then the one rename detection would read. */
  baseIsHead?: boolean;
  /** What agents' tool calls removed (the working ledger): the agents whose removals this commit carries are named. */
  agentRemovals?: () => Promise<AgentRemovals>;
}

export interface ComputedProvenance extends CommitAttribution {
  files: FileAdditions[];
  /** Agents whose recorded removals the commit carries (their Assisted-by and the note's record are in already). */
  deletions: AgentDeletion[];
  /** The part of the ledger's removals the commit carries, settled once it is made (git/settledRemovals.ts). */
  carried: AgentRemovals;
}

/** Renamed files per commit whose lines are looked up by blame (one git blame each): a commit hook stays bounded. */
const MAX_MOVED = 20;

export async function computeProvenance(cwd: string, inp: ProvenanceInputs): Promise<ComputedProvenance> {
  const { files, patch, oversized, deletes } = await changedFilesAndPatch(cwd, inp.base, inp.target);
  const donors = inp.donors ?? [];
  const donorNotes = await readParsedNotes(cwd, donors, inp.logger);
  const donorPaths = await donorSourcePaths(cwd, inp.target, donors, donorNotes, files, inp.logger);

  // Every blob needed, read through one cat-file process — except staged files whose working copy is that very
  // blob (the usual commit: git add, then commit), which are read from the work tree and known by their hash.
  const blobs =
    'index' in inp.target && inp.workTree ? stagedFromWorkTree(inp.workTree, files) : new Map<string, string | null>();
  const wanted = new Set<string>(files.map((f) => f.blob).filter((b) => !blobs.has(b)));
  for (const d of donors) {
    for (const f of files) for (const src of donorPaths.get(d)?.get(f.path) ?? []) wanted.add(`${d}:${src}`);
  }
  for (const p of inp.mergeParents ?? []) for (const f of files) wanted.add(`${p}:${f.path}`);
  await readObjects(cwd, [...wanted], (name, content) => {
    // A NUL byte does not make a file's lines any less lines (sh and node run such a script): attributed like any text.
    if (content !== undefined) blobs.set(name, content.toString('utf8'));
  });

  const revertSources = inp.reverts
    ? await lineOrigins(
        cwd,
        `${inp.reverts}^`,
        files.map((f) => ({ file: f, from: f.path })),
        blobs,
        inp.logger,
      )
    : new Map<string, Map<number, LineEvidence>>();

  const evidence: FileEvidence[] = [];
  let stagedRenames: Promise<Map<string, string>> | undefined;
  // Staged against HEAD with no file deleted (the usual commit, and the whole-file rewrite the benchmark makes):
  // git's rename detection from HEAD has no old name to pair, so its process is not started (issue 11).
  const renamesFromHead = (target: DiffTarget) =>
    (stagedRenames ??= (
      inp.baseIsHead && !deletes ? Promise.resolve(new Map<string, string>()) : renamesFrom(cwd, 'HEAD', target)
    ).catch((e: unknown) => {
      inp.logger?.debug(`[provenance] no rename detection against HEAD: ${errorMessage(e)}`);
      return new Map<string, string>();
    }));
  // Files moved with git mv that the ledger vouches for nowhere: their lines are looked up where HEAD had them.
  const moved: Array<{ file: FileAdditions; from: string; sources: Map<number, LineEvidence> }> = [];
  for (const f of files) {
    const text = blobs.get(f.blob) ?? undefined;
    if (text === undefined) continue; // unreadable (a missing object)
    const lines = splitLines(text);
    let added = f.added.filter((l) => l <= lines.length);
    for (const p of inp.mergeParents ?? []) {
      const theirs = blobs.get(`${p}:${f.path}`) ?? undefined;
      if (theirs === undefined) continue;
      const fromTheirs = alignedTargetLines(splitLines(theirs), lines);
      added = added.filter((l) => !fromTheirs.has(l));
    }
    const addedSet = new Set(added);
    const sources = new Map<number, LineEvidence>();
    for (const d of donors) {
      const note = donorNotes.get(d);
      if (!note) continue;
      for (const src of donorPaths.get(d)?.get(f.path) ?? []) {
        const donorText = blobs.get(`${d}:${src}`) ?? undefined;
        if (donorText === undefined) continue;
        for (const [line, key] of alignOwners(
          splitLines(donorText),
          fileOwners(note, src, splitLines(donorText).length),
          lines,
        )) {
          if (addedSet.has(line)) sources.set(line, { kind: 'note', key, note });
        }
      }
    }
    for (const [line, src] of revertSources.get(f.path) ?? []) if (addedSet.has(line)) sources.set(line, src);
    if (inp.ownNote) {
      for (const [line, key] of fileOwners(inp.ownNote, f.path, lines.length))
        if (addedSet.has(line)) sources.set(line, { kind: 'note', key, note: inp.ownNote });
    }
    if (inp.labelsFor) {
      let att: Attribution | undefined;
      try {
        // A file new to the commit that the ledger does not know may have been renamed (git mv) since the
        // ledger stored its labels under the old path; HEAD to the index pairs the two names.
        const target = inp.target;
        att =
          'index' in target && added.length === lines.length
            ? await labelsFollowingRename(inp.labelsFor, f.path, () => renamesFromHead(target))
            : await inp.labelsFor(f.path);
      } catch (e) {
        inp.logger?.warn(
          `[provenance] could not read the working ledger for ${f.path}: ${errorMessage(e)}; its lines count as untracked`,
        );
      }
      if (att) {
        const mapped = mapLabelsOnto(splitLines(att.content), att.labels, lines);
        for (const line of added) {
          const label = mapped[line - 1];
          if (label && label.kind !== 'untracked') sources.set(line, { kind: 'label', label });
        }
      }
    }
    // newuser22 F-rename: a plain `git mv` re-adds every line; where the ledger vouched for none of them (a fresh
    // clone, a ledger that let the file go), the lines HEAD had under the old name keep their notes' provenance,
    // as the ledger gives it where it remembers — the same rename attested alike in every clone.
    const target = inp.target;
    if ('index' in target && added.length === lines.length && sources.size === 0 && moved.length < MAX_MOVED) {
      const from = (await renamesFromHead(target)).get(f.path);
      if (from !== undefined) moved.push({ file: f, from, sources });
    }
    evidence.push({ path: f.path, added, sources });
  }
  if (moved.length > 0) {
    const origins = await lineOrigins(cwd, 'HEAD', moved, blobs, inp.logger);
    for (const m of moved) for (const [line, ev] of origins.get(m.file.path) ?? []) m.sources.set(line, ev);
  }
  const built = buildCommitAttribution(evidence, { baseCommit: inp.base, defaultHuman: inp.defaultHuman });
  const { deletions, unread, carried } = await agentDeletions(patch, [...files, ...oversized], inp, donorNotes);
  // A file over the diff bound is never diffed nor read: its lines, counted by newlines, are untracked
  // (core/textLines.ts), and the gate holds the commit for them (oversizedFilesReason).
  for (const f of oversized) built.counts.untracked += f.lines;
  return {
    ...built,
    assistedBy: [...new Set([...built.assistedBy, ...deletionAssistedBy([...deletions, ...unread])])],
    // The note says why an unread writer is named (its file, marked unread), beside what agents deleted.
    note: withAgentDeletions(built.note, [...deletions, ...unread]),
    files,
    deletions,
    carried,
  };
}

/**
 * Deletions of the commit that agents' recorded tool calls made, and the agents whose calls changed a file the
 * commit changes where no snapshot could read it (core/agents/agentDeletionsNote.ts has both rules); then those
 * its donors' notes recorded that it carries again (an amend, a squash, a cherry-pick: donorDeletions).
 */
async function agentDeletions(
  patch: string,
  files: ReadonlyArray<{ path: string }>,
  inp: ProvenanceInputs,
  donorNotes: ReadonlyMap<string, AuthorshipNote>,
): Promise<{ deletions: AgentDeletion[]; unread: AgentDeletion[]; carried: AgentRemovals }> {
  const recorded = [...donorNotes.values()].flatMap((n) => agentDeletionsAtCommit(n.meta));
  let removals: AgentRemovals = {};
  try {
    removals = (await inp.agentRemovals?.()) ?? {};
  } catch (e) {
    inp.logger?.warn(`[provenance] could not read agents' deletions from the working ledger: ${errorMessage(e)}`);
  }
  const paths = new Set([...Object.keys(removals), ...recorded.map((r) => r.path)]);
  if (paths.size === 0) return { deletions: [], unread: [], carried: {} };
  const removed = removedLinesIn(patch, paths);
  const changed = new Set([...files.map((f) => f.path), ...removed.keys()]);
  const deletions = matchAgentDeletions(removals, removed);
  const unread = unreadWriters(removals, changed);
  return {
    deletions: [...deletions, ...donorDeletions(recorded, removed, changed, [...deletions, ...unread])],
    unread,
    carried: carriedRemovals(removals, removed, changed),
  };
}

/**
 * Staged blobs that the work tree holds byte for byte, by git's own object hash of the working file (a regular
 * file; a filter or line-ending conversion gives another hash, and cat-file reads those): blob -> text.
 */
function stagedFromWorkTree(root: string, files: FileAdditions[]): Map<string, string | null> {
  const out = new Map<string, string | null>();
  for (const f of files) {
    if (out.has(f.blob)) continue;
    const r = readRegularFile(path.join(root, f.path), { maxBytes: WORKING_FILE_MAX_BYTES });
    if (r.kind !== 'ok') continue;
    const hash = createHash(f.blob.length === 64 ? 'sha256' : 'sha1')
      .update(`blob ${r.content.length}\0`)
      .update(r.content)
      .digest('hex');
    if (hash === f.blob) out.set(f.blob, r.content.toString('utf8'));
  }
  return out;
}

/**
 * Per donor: target path → the donor paths whose note entries may vouch for it — the same path when the
 * donor's note lists it, and the old name of a file git sees as renamed between the donor and the target.
 * Rename detection runs only for a donor whose note lists a path the target does not change (the case a
 * rename leaves behind), limited to those paths and the target's changed ones.
 */
async function donorSourcePaths(
  cwd: string,
  target: DiffTarget,
  donors: string[],
  notes: Map<string, AuthorshipNote>,
  files: FileAdditions[],
  logger?: Logger,
): Promise<Map<string, Map<string, string[]>>> {
  const paths = new Set(files.map((f) => f.path));
  const out = new Map<string, Map<string, string[]>>();
  await Promise.all(
    donors.map(async (d) => {
      const note = notes.get(d);
      if (!note) return;
      const listed = new Set(note.files.map((f) => f.path));
      const byTarget = new Map<string, string[]>();
      for (const p of paths) if (listed.has(p)) byTarget.set(p, [p]);
      const orphans = [...listed].filter((p) => !paths.has(p));
      if (orphans.length > 0) {
        try {
          for (const [to, from] of await renamesFrom(cwd, d, target, [...orphans, ...paths])) {
            if (!paths.has(to) || !listed.has(from)) continue;
            byTarget.set(to, [...(byTarget.get(to) ?? []), from]);
          }
        } catch (e) {
          logger?.warn(
            `[provenance] rename detection against ${d} failed: ${errorMessage(e)}; renamed files keep no provenance from its note`,
          );
        }
      }
      out.set(d, byTarget);
    }),
  );
  return out;
}

/** 1-based target lines that the diff aligns with a line of `from`. */
function alignedTargetLines(from: string[], target: string[]): Set<number> {
  const owners = new Map<number, string>();
  for (let i = 1; i <= from.length; i++) owners.set(i, '');
  return new Set(alignOwners(from, owners, target).keys());
}
