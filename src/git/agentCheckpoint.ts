import * as fs from 'fs';
import * as path from 'path';
import { randomBytes } from 'crypto';
import { isBelow, transcriptRoots } from '../core/agents/transcriptLocations';
import { undoReplacements, type TextReplacement } from '../core/agents/undoEdits';
import { safeName } from '../core/provenanceStrings';
import { openLedger, type Ledger } from './ledger';
import { MAX_NESTED_REPOSITORIES, nestedRepositories, pathOwners } from './pathOwners';
import { physicalPath } from './physicalPath';
import { readRegularFile } from './regularFile';
import { changedPaths, isAttributable, readSnapshot, SNAPSHOT_LIMITS } from './workingFiles';

/**
 * Turns one agent tool-call checkpoint (from a hook payload or `countersign checkpoint` by hand) into
 * agent observations in the ledger:
 *
 * - before: the content of every file the tool will touch, as it is now (a file that does not exist yet
 *   is recorded as empty, so everything the tool writes into it counts);
 * - after: their content now; files gone are recorded as deleted.
 *
 * A shell tool names no files, so both phases also snapshot what git reports as modified or untracked:
 * whatever the command writes is compared with the before snapshot (or, for a file clean before, with
 * HEAD), and edits made through a shell are not missed.
 */
export interface CheckpointRequest {
  phase: 'before' | 'after';
  agent: string;
  model?: string;
  session?: string;
  callId?: string;
  /** Files the tool names: absolute, or relative to `cwd`. */
  files: string[];
  shell: boolean;
  cwd: string;
  /** Cursor's afterFileEdit: the replacements just made, to rebuild the before snapshot. */
  edits?: TextReplacement[];
  gitTimeoutMs?: number;
}

export interface CheckpointResult {
  phase: 'before' | 'after';
  files: string[];
  deleted: string[];
  skipped: string[];
  /** Cursor: a before snapshot was rebuilt from the edits and recorded too. */
  rebuiltBefore: boolean;
  /** Files recorded in a submodule's own ledger (pathOwners.ts), relative to this work tree. */
  inSubmodules: string[];
}

export async function recordCheckpoint(ledger: Ledger, req: CheckpointRequest): Promise<CheckpointResult> {
  // Named paths by their physical name in the work tree, as git knows them (attack29 F5: a link in the clone, or a
  // checkout opened through a link); what resolves outside the clone or into .git is dropped as before.
  const root = physicalPath(ledger.root) ?? ledger.root;
  const named = unique(
    req.files
      .map((f) => physicalPath(path.resolve(req.cwd, f)))
      .map((real) => (real === undefined ? '' : path.relative(root, real).split(path.sep).join('/')))
      .filter(isAttributable),
  );
  // A path in a submodule is that repository's to record: its commits read its own ledger (attack29 F5, third
  // shape). Each gets the same call, naming its files; the file-count bound is shared by all.
  const owners = await pathOwners(root, named);
  const { result, read, submodules } = await recordIn(ledger, req, owners.here, SNAPSHOT_LIMITS, true);
  result.skipped.push(...owners.refused);
  // A shell tool names no files: the submodules git says it changed get a shell checkpoint of their own, in both
  // phases (attack29 F5: `sed -i lib/auth.js` run in the app was committed `untracked` in lib). One clean when the
  // call began has no before there; its after is then judged against what its ledger knew (HEAD's content).
  const nested = new Map(owners.nested.map((n) => [n.folder, { repo: n.repo, paths: n.paths }]));
  const shellOnly = submodules.filter((f) => !nested.has(f));
  const found = await nestedRepositories(root, shellOnly.slice(0, MAX_NESTED_REPOSITORIES));
  for (const f of shellOnly) {
    const repo = found.get(f);
    if (repo && nested.size < MAX_NESTED_REPOSITORIES) nested.set(f, { repo, paths: [] });
    else result.skipped.push(f);
  }
  let left = SNAPSHOT_LIMITS.maxFiles - read;
  for (const [folder, n] of nested) {
    const own = await openLedger(n.repo.root, { repo: n.repo });
    const limits = { ...SNAPSHOT_LIMITS, maxFiles: Math.max(0, left) };
    const shell = req.shell && submodules.includes(folder);
    const { result: r, read: alsoRead } = await recordIn(own, { ...req, shell }, n.paths, limits, false);
    left -= alsoRead;
    const outer = (p: string) => `${folder}/${p}`;
    result.inSubmodules.push(...r.files.map(outer));
    result.deleted.push(...r.deleted.map(outer));
    result.skipped.push(...r.skipped.map(outer));
    result.rebuiltBefore ||= r.rebuiltBefore;
  }
  return result;
}

/** One repository's part of a checkpoint (`named`: its own repository-relative paths), and how many files it read. */
async function recordIn(
  ledger: Ledger,
  req: CheckpointRequest,
  named: string[],
  limits: typeof SNAPSHOT_LIMITS,
  withSubmodules: boolean,
): Promise<{ result: CheckpointResult; read: number; submodules: string[] }> {
  let paths = unique(named);
  let gitDeleted: string[] | undefined;
  let submodules: string[] = [];
  if (req.shell) {
    const changed = await changedPaths(ledger.root, req.gitTimeoutMs, { submodules: withSubmodules });
    paths = unique([...paths, ...changed.present]);
    gitDeleted = changed.deleted;
    submodules = changed.submodules;
  }
  // Every file is read whatever its bytes (a binary file has lines too), in both phases alike: a before that
  // snapshots a file its after then skipped left the call open for it (newuser20 F13).
  const snap = await readSnapshot(ledger.root, paths, limits, req.gitTimeoutMs);
  const meta = {
    agent: req.agent,
    ...(req.model ? { model: req.model } : {}),
    ...(req.session ? { session: req.session } : {}),
  };
  const read = Object.keys(snap.files).length;
  const result: CheckpointResult = {
    phase: req.phase,
    files: Object.keys(snap.files),
    deleted: [],
    skipped: snap.skipped,
    rebuiltBefore: false,
    inSubmodules: [],
  };

  if (req.phase === 'before') {
    // Files the tool is about to create: empty before, so all their lines become the agent's.
    const isNamed = new Set(named);
    for (const m of snap.missing) if (isNamed.has(m)) snap.files[m] = '';
    result.files = Object.keys(snap.files);
    // A shell before says its snapshot holds every changed file (so any other was as in HEAD: core/ledger/fold.ts),
    // which is not so when the file-count limit cut it short.
    const cut = result.files.length >= limits.maxFiles && snap.skipped.length > 0;
    await ledger.record(
      { type: 'agent', phase: 'before', ...meta, files: snap.files },
      // What git listed that the snapshot does not hold (deleted, too big, not a regular file): the after credits the call only
      // with files deleted since, and any file in neither list was clean (core/ledger/fold.ts).
      {
        callId: req.callId,
        shell: req.shell && !cut,
        ...(gitDeleted ? { absent: unique([...gitDeleted, ...snap.skipped]) } : {}),
        stamps: snap.stamps,
      },
    );
    return { result, read, submodules };
  }

  const deleted = unique([...snap.missing, ...(gitDeleted ?? [])].filter(isAttributable));
  result.deleted = deleted;
  let callId = req.callId;
  if (req.edits && req.edits.length > 0) {
    // No hook ran before the edit: undo the reported replacements to get the before content, and record both
    // under one call id so they pair up.
    const before: Record<string, string> = {};
    for (const [file, content] of Object.entries(snap.files)) {
      const rebuilt = undoReplacements(content, req.edits);
      if (rebuilt !== undefined) before[file] = rebuilt;
    }
    if (Object.keys(before).length > 0) {
      callId = callId ?? `rebuilt-${randomBytes(6).toString('hex')}`;
      await ledger.record({ type: 'agent', phase: 'before', ...meta, files: before }, { callId });
      result.rebuiltBefore = true;
    }
  }
  // Files it could not read (over the size bound, not a regular file) still end the call: core/ledger/fold.ts.
  // Their stamps, against the before's, say whether the call changed one it could not read (newuser22 F-nul).
  const unread = snap.skipped.filter(isAttributable);
  await ledger.record(
    { type: 'agent', phase: 'after', ...meta, files: snap.files },
    { callId, deleted, shell: req.shell, unread, stamps: snap.stamps },
  );
  return { result, read, submodules };
}

/**
 * Claude Code's payload names no model, nor do VS Code's; their transcripts (JSONL) record one on every
 * assistant message (`"model"`; Copilot's also `"modelId"`, and `"newModel"` when the user switches).
 * Only the tail is read, so a long session costs nothing. Placeholders are not models: Claude writes
 * "<synthetic>" for messages it made up itself, Copilot "auto" when it picks per request.
 *
 * The path comes from the payload, so it is read only below the folders where `agent` keeps transcripts
 * (core/agents/transcriptLocations, after resolving symlinks), only as a regular file, and only a valid
 * model name is taken from it (issue 16, class 7): anything else reads as no model.
 */
export function modelFromTranscript(
  transcriptPath: string | undefined,
  where: { agent: 'claude' | 'vscode'; home: string; env: NodeJS.ProcessEnv },
  tailBytes = 256 * 1024,
): string | undefined {
  return transcriptModel(transcriptPath, where, tailBytes).model;
}

/**
 * modelFromTranscript, and when an existing transcript was not read because it lies outside the agent's folders,
 * those folders (`outside`): the hook then says why the model is unknown (newuser10 N4), which it otherwise
 * could not tell from a transcript not written yet.
 */
export function transcriptModel(
  transcriptPath: string | undefined,
  where: { agent: 'claude' | 'vscode'; home: string; env: NodeJS.ProcessEnv },
  tailBytes = 256 * 1024,
): { model?: string; outside?: string[] } {
  if (!transcriptPath || !path.isAbsolute(transcriptPath)) return {};
  let real: string;
  try {
    real = fs.realpathSync(transcriptPath);
  } catch {
    return {};
  }
  const named = transcriptRoots(where.agent, where.home, where.env);
  const roots = named.map((r) => {
    try {
      return fs.realpathSync(r);
    } catch {
      return r;
    }
  });
  if (!isBelow(real, roots)) return { outside: named };
  const read = readRegularFile(real, { maxBytes: tailBytes, tail: true });
  if (read.kind !== 'ok') return {};
  let model: string | undefined;
  for (const m of read.content.toString('utf8').matchAll(/"(?:model|modelId|newModel)"\s*:\s*"([^"\\]{1,200})"/g)) {
    if (!m[1].startsWith('<') && !/^(?:copilot\/)?auto$/i.test(m[1]) && m[1] !== 'unknown')
      model = safeName(m[1]) ?? model;
  }
  return model ? { model } : {};
}

function unique(items: string[]): string[] {
  return [...new Set(items)];
}
