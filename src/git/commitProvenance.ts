import * as fs from 'fs';
import * as path from 'path';
import { withAgentHooks } from '../core/agents/agentHooksNote';
import { formatAuthorshipNote } from '../core/authorshipNote';
import { commitMessageIsEmpty } from '../core/emptyCommitMessage';
import type { RemovalContext } from '../core/ledger/agentRemovals';
import type { Logger } from '../core/logger';
import {
  AI_PROVENANCE,
  ASSISTED_BY,
  assistedByToAdd,
  formatAiProvenance,
  parseTrailers,
  type ProvenanceCounts,
  type Trailer,
} from '../core/trailers';
import { writeFileAtomic } from './atomicFile';
import type { FileAdditions } from './commitDiff';
import { detectCommitContext, type CommitContext } from './commitContext';
import { agentHookStates } from './connectedAgents';
import { runGit } from './gitRunner';
import { INDEX_TREE_ARGS, SETTINGS_ARGS } from './hookPrelude';
import type { Attribution } from './ledger';
import { computeProvenance } from './provenanceCompute';
import { resolveRepo, type RepoPaths } from './repository';
import { prepareSettlement, removalsAtCommit, type RemovalsAtCommit } from './settledRemovals';
import { refuseSymlinkedPath } from './symlinkGuard';

/**
 * prepare-commit-msg — the one Node start per commit: compute the staged change's provenance, write the
 * trailers into the message and leave the note (and the tree and parent it describes) in the worktree's
 * `countersign/pending/` for the shell-only commit-msg and post-commit/post-merge steps.
 */
export interface PrepareArgs {
  messageFile: string;
  source?: string;
  sha?: string;
  /** The git process running the hook (the shim's $PPID): its command line tells an amend apart. */
  gitPid?: number;
  env?: NodeJS.ProcessEnv;
  /** Working-tree labels of a file (the working ledger); absent: every line is untracked unless a note vouches for it. */
  labelsFor?: (path: string, storedAs?: string) => Promise<Attribution | undefined>;
  /**
   * What agents' tool calls removed, standing or settled by a commit (the working ledger): an agent whose removal
   * the commit carries gets Assisted-by (a settled one only when its commit is not in this one's history).
   */
  removalContext?: () => Promise<RemovalContext>;
  /** The working ledger's folder: what the commit carries of those removals is settled there once it is made. */
  ledgerDir?: string;
  logger?: Logger;
  /** Already resolved by the caller (saves a git call on every commit). */
  repo?: RepoPaths;
  /** HEAD as the caller resolved it with the repository (undefined: unborn); absent: read here. */
  head?: string | undefined;
  /**
   * The shim finishes (src/git/shell/clientHook.sh, after Node exits): the note's text goes to `pending/note`
   * and the `interpret-trailers` arguments, one a line, to `pending/trailer-args`, for the shell to run the
   * two git processes, which cost several times more spawned by Node.
   */
  shimFinishes?: boolean;
}

export interface PrepareResult {
  context: CommitContext;
  counts: ProvenanceCounts;
  trailers: Trailer[];
  /** Whether the trailers went into the message now (false: the editor opens; commit-msg adds them). */
  written: boolean;
  /** The files the commit adds or changes, as diffed for its provenance (the staged-policy check reuses them). */
  files: FileAdditions[];
}

/** Per worktree: two worktrees committing at once must not take each other's pending note. */
export function pendingDir(repo: RepoPaths): string {
  return path.join(repo.gitDir, 'countersign', 'pending');
}

export async function addTrailers(cwd: string, messageFile: string, trailers: Trailer[]): Promise<void> {
  if (trailers.length === 0) return;
  endWithNewline(messageFile);
  await runGit(['interpret-trailers', '--in-place', '--no-divider', ...trailerOptions(trailers), messageFile], { cwd });
}

/**
 * interpret-trailers glues trailers onto the last line of a message without a final newline (git merge hands
 * prepare-commit-msg "Merge branch 'x'" like that), so the subject would swallow them.
 */
function endWithNewline(messageFile: string): void {
  const text = fs.readFileSync(messageFile, 'utf8');
  if (text.length > 0 && !text.endsWith('\n')) fs.appendFileSync(messageFile, '\n');
}

/** `interpret-trailers` options adding `trailers`, before the message file. */
export function trailerOptions(trailers: Trailer[]): string[] {
  const args: string[] = [];
  // Assisted-by lines are added beside any the message has; AI-Provenance is ours alone and replaced.
  const assisted = trailers.filter((t) => t.key === ASSISTED_BY);
  const others = trailers.filter((t) => t.key !== ASSISTED_BY);
  if (assisted.length > 0)
    args.push('--if-exists', 'addIfDifferent', ...assisted.flatMap((t) => ['--trailer', `${t.key}: ${t.value}`]));
  if (others.length > 0)
    args.push('--if-exists', 'replace', ...others.flatMap((t) => ['--trailer', `${t.key}: ${t.value}`]));
  return args;
}

/** What git's own config and identity say about the commit being made: read with one `git var -l`. */
interface CommitSettings {
  /** `Name <email>` of whoever is committing: human lines typed in this clone's editor are theirs. */
  committer: string | undefined;
  commentChar: string;
  /** commit.cleanup=verbatim or whitespace: comment lines stay in the commit. */
  keepsComments: boolean;
  /** commit.cleanup as configured: what git's clean-up keeps decides whether a message is empty. */
  cleanup: string | undefined;
}

/**
 * One process for three answers (this hook is on every commit's path): `git var -l` lists the config as git
 * resolves it (later entries win, as in git) and the committer identity.
 */
export async function commitSettings(cwd: string): Promise<CommitSettings> {
  const r = await runGit(SETTINGS_ARGS, { cwd, okCodes: [128] });
  const values = new Map<string, string>();
  for (const line of r.stdout.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) values.set(line.slice(0, eq).toLowerCase(), line.slice(eq + 1));
  }
  const ident = /^(.*<[^>]*>)/.exec(values.get('git_committer_ident') ?? '');
  const cc = values.get('core.commentchar');
  return {
    committer: r.code === 0 && ident ? ident[1] : undefined,
    commentChar: cc !== undefined && cc.length === 1 ? cc : '#',
    keepsComments: /^(verbatim|whitespace)$/.test(values.get('commit.cleanup') ?? ''),
    cleanup: values.get('commit.cleanup'),
  };
}

export async function prepareCommitMessage(cwd: string, args: PrepareArgs): Promise<PrepareResult> {
  const repo = args.repo ?? (await resolveRepo(cwd));
  const messageFile = path.resolve(cwd, args.messageFile);
  const message = fs.readFileSync(messageFile, 'utf8');
  // Independent git calls run side by side: each costs a process start, and this hook is on every commit's path.
  const [context, settings, tree] = await Promise.all([
    detectCommitContext(cwd, repo, {
      source: args.source,
      sha: args.sha,
      message,
      gitPid: args.gitPid,
      env: args.env ?? process.env,
      ...('head' in args ? { head: args.head ?? null } : {}),
    }),
    commitSettings(cwd),
    runGit(INDEX_TREE_ARGS, { cwd }).then((r) => r.stdout.trim()),
  ]);
  const cc = settings.commentChar;
  // The commit's parents: a settlement by a commit out of their history (undone) counts as standing (attack31 F1).
  const parents = [...(context.base ? [context.base] : []), ...context.mergeParents];
  const removalContext = args.removalContext;
  let at: RemovalsAtCommit | undefined;
  const prov = await computeProvenance(cwd, {
    base: context.base,
    baseIsHead: context.kind !== 'amend',
    target: { index: true },
    donors: context.donors,
    mergeParents: context.mergeParents,
    reverts: context.reverts,
    ...(repo.root ? { workTree: repo.root } : {}),
    labelsFor: args.labelsFor,
    agentRemovals:
      removalContext &&
      (async () => (at = await removalsAtCommit(cwd, await removalContext(), parents, args.logger)).removals),
    defaultHuman: settings.committer,
    logger: args.logger,
  });

  const existing = parseTrailers(message, cc);
  const trailers: Trailer[] = [
    ...assistedByToAdd(existing, prov.assistedBy).map((value) => ({ key: ASSISTED_BY, value })),
    { key: AI_PROVENANCE, value: formatAiProvenance(prov.counts) },
  ];
  // An editor opening on an empty message or a template: with the trailers in it already, quitting the editor
  // without writing would commit them (git aborts only on an empty or untouched message). Show them as
  // comments; commit-msg adds them to what was written.
  // (Git writes its comments into the message only when an editor opens.)
  const hasGitComments = message.split('\n').some((l) => l.startsWith(cc));
  const forEditor = context.editorPending && hasGitComments;
  // A message git will abort as empty (`git commit --no-edit` with none given) gets no trailers either: written
  // into it they would become the commit's subject, and git would commit it (newuser17 F2).
  const empty = commitMessageIsEmpty(message, { commentChar: cc, cleanup: settings.cleanup, editor: forEditor });
  const written = !forEditor && !empty;
  // With commit.cleanup=verbatim or whitespace comment lines are kept in the commit, so show no hint there; nor
  // where no editor opens (git keeps comment lines then, and an empty message must stay empty).
  const hint = forEditor && !settings.keepsComments;
  // The note goes into the object store now so post-commit attaches it verbatim (`notes add -C`), untouched by
  // the whitespace clean-up `notes add -F` applies, with one git call.
  // Which agents' hooks were connected as this commit is made: so `explain` can say an agent ran without them.
  const note = withAgentHooks(prov.note, agentHookStates(repo));
  const noteText = formatAuthorshipNote(note, (p) =>
    args.logger?.warn(
      `the note leaves out ${JSON.stringify(p)}: a path with a line break cannot be written in a refs/notes/ai note (the trailers still count its lines)`,
    ),
  );
  const pending = pendingDir(repo);
  // The hook shim refuses a linked pending folder before Node starts; a hook manager calling `countersign hook`
  // reaches here without it (attack23: the hooks' files written and removed where the link points).
  refuseSymlinkedPath(repo.gitDir, path.join(pending, 'note'), 'write the pending note to');
  fs.mkdirSync(pending, { recursive: true });
  // A shim that attaches a note file (COUNTERSIGN_NOTE_FILE=1) is handed a note `notes add -F` stores byte for
  // byte: no `hash-object` on the commit's path (issue 11). Any other note goes into the object store as it is.
  const noteFile =
    args.shimFinishes && (args.env ?? process.env).COUNTERSIGN_NOTE_FILE === '1' && survivesStripspace(noteText);
  const noteBlob = noteFile
    ? writeFileAtomic(path.join(pending, 'note-file'), noteText, 0o644, false)
    : args.shimFinishes
      ? writeFileAtomic(path.join(pending, 'note'), noteText, 0o644, false)
      : runGit(['hash-object', '-w', '--stdin'], { cwd, input: noteText }).then((r) => r.stdout.trim());
  const options = trailerOptions(trailers);
  // One argument a line: trailer values are trailer words (core/trailers), so a line break here is a bug, and
  // then Node passes the arguments itself.
  if (written && args.shimFinishes && !options.some((o) => /[\r\n]/.test(o))) {
    endWithNewline(messageFile);
    writeFileAtomic(path.join(pending, 'trailer-args'), options.join('\n') + '\n', 0o644, false);
  } else if (written) {
    await addTrailers(cwd, messageFile, trailers);
  } else if (hint) {
    const text = [
      `${cc} Countersign will add these trailers when you save a message:`,
      ...trailers.map((t) => `${cc}   ${t.key}: ${t.value}`),
    ].join('\n');
    const lines = message.split('\n');
    const at = lines.findIndex((l) => l.startsWith(cc));
    lines.splice(at < 0 ? lines.length : at, 0, text);
    writeFileAtomic(messageFile, lines.join('\n'));
  }

  const blob = await noteBlob;
  if (typeof blob === 'string') writeFileAtomic(path.join(pending, 'note-blob'), blob + '\n', 0o644, false);
  writeFileAtomic(path.join(pending, 'parent'), (context.base ?? 'none') + '\n', 0o644, false);
  writeFileAtomic(path.join(pending, 'tree'), tree + '\n', 0o644, false);
  prepareSettlement(pending, args.ledgerDir, prov.carried, at?.from);
  // Written last: commit-msg and post-commit treat its presence as "prepare-commit-msg finished".
  writeFileAtomic(
    path.join(pending, 'trailers'),
    trailers.map((t) => `${t.key}: ${t.value}`).join('\n') + '\n',
    0o644,
    false,
  );
  return { context, counts: prov.counts, trailers, written, files: prov.files };
}

/**
 * Whether git's whitespace clean-up of a note given with `notes add -F` (strbuf_stripspace, comments kept) leaves
 * `text` as it is: it ends in a line break, no line ends in whitespace (or is only whitespace), and no empty line
 * starts or ends it or follows another. Stricter than git where that is simpler (\v, \f and NUL refuse too).
 */
export function survivesStripspace(text: string): boolean {
  if (!text.endsWith('\n') || text.startsWith('\n') || text.endsWith('\n\n') || text.includes('\n\n\n')) return false;
  return !/[ \t\r\v\f]\n|\0/.test(text);
}
