import * as fs from 'fs';
import * as path from 'path';
import { childProcess } from './childProcess';
import { runGit } from './gitRunner';
import type { RepoPaths } from './repository';
import { resolveCommit } from './stagedDiff';

/**
 * What kind of commit prepare-commit-msg is looking at, and which existing commits' notes can vouch for
 * its lines by content. git tells a hook little (`message`, `template`, `merge`, `squash`, `commit <sha>`),
 * so the rest is read from the repository's state files (CHERRY_PICK_HEAD, MERGE_HEAD, SQUASH_MSG,
 * rebase-merge/done) and from the command line of the git process that runs the hook — the only way to
 * tell `git commit --amend -m msg` from a new commit (git passes `message` for both).
 */
export type CommitKind = 'commit' | 'amend' | 'merge' | 'squash-merge' | 'cherry-pick' | 'rebase' | 'revert';

export interface CommitContext {
  kind: CommitKind;
  /** The new commit's first parent, which its change is measured from (undefined: a root commit). */
  base: string | undefined;
  /** Commits whose notes may vouch for lines by content, oldest first (later ones win a line). */
  donors: string[];
  /** Other parents of a merge: lines that come from them are the merged branch's, not the merge's. */
  mergeParents: string[];
  /** The commit `git revert` undoes (its removed lines come back; their origin is found by blame). */
  reverts?: string;
  /** The editor will open on an empty message: trailers must wait for commit-msg, or an abandoned message would no longer be empty. */
  editorPending: boolean;
}

export interface ContextInput {
  source?: string;
  sha?: string;
  /** The message as git prepared it (for `(cherry picked from commit …)` and `This reverts commit …`). */
  message: string;
  /** Pid of the git process running the hook (the shim passes its $PPID). */
  gitPid?: number;
  env: NodeJS.ProcessEnv;
  /** HEAD when the caller read it already (null: unborn), saving a git process on every commit. */
  head?: string | null;
}

export async function detectCommitContext(cwd: string, repo: RepoPaths, input: ContextInput): Promise<CommitContext> {
  const head = input.head === undefined ? await resolveCommit(cwd, 'HEAD') : (input.head ?? undefined);
  const state = (name: string) => readState(repo.gitDir, name);
  const argv = input.gitPid ? await gitCommandLine(cwd, input.gitPid) : undefined;
  const editorPending = input.source === undefined || input.source === '' || input.source === 'template';

  const rebaseStep = lastRebaseStep(repo.gitDir);
  const cherryPickHead = firstSha(state('CHERRY_PICK_HEAD'));
  const mergeHeads = shas(state('MERGE_HEAD'));
  const squashMsg = state('SQUASH_MSG');

  let amend = false;
  if (argv) amend = argv.sub === 'commit' && argv.args.includes('--amend');
  else if (input.source === 'commit' && head && input.sha && (await resolveCommit(cwd, input.sha)) === head)
    amend = true;
  // A rebase squash/fixup step amends the commit before it in-process (no CHERRY_PICK_HEAD, git's argv is `rebase`).
  const squashStep =
    rebaseStep && (rebaseStep.command === 'squash' || rebaseStep.command === 'fixup') && !cherryPickHead
      ? rebaseStep.sha
      : undefined;
  if (squashStep) amend = true;
  if (!argv && !amend && head && !cherryPickHead && mergeHeads.length === 0)
    amend = await looksLikeAmend(cwd, head, input.env);

  const base = amend ? (head ? await resolveCommit(cwd, 'HEAD^') : undefined) : head;
  const ctx: CommitContext = { kind: 'commit', base, donors: [], mergeParents: [], editorPending };

  if (amend && head) {
    ctx.kind = 'amend';
    ctx.donors.push(head);
    // A squash/fixup step: the originals of the whole chain (the picked commit has no note yet — rebase copies
    // notes at the end — so HEAD alone would not vouch for the lines the chain's first commit wrote).
    if (rebaseStep && (rebaseStep.command === 'squash' || rebaseStep.command === 'fixup')) {
      for (const c of rebaseChain(repo.gitDir)) {
        const full = c.length >= 40 ? c : await resolveCommit(cwd, c);
        if (full) ctx.donors.push(full);
      }
    }
    return ctx;
  }
  if (mergeHeads.length > 0) {
    ctx.kind = 'merge';
    ctx.mergeParents = mergeHeads;
    return ctx;
  }
  if (cherryPickHead) {
    ctx.kind = rebaseStep ? 'rebase' : 'cherry-pick';
    ctx.donors.push(cherryPickHead);
    return ctx;
  }
  const pickedFrom = /\(cherry picked from commit ([0-9a-f]{40})\)/.exec(input.message);
  if (pickedFrom && (await resolveCommit(cwd, pickedFrom[1]))) {
    ctx.kind = 'cherry-pick';
    ctx.donors.push(pickedFrom[1]);
    return ctx;
  }
  if (squashMsg !== undefined && (input.source === 'squash' || /^Squashed commit of the following:/.test(squashMsg))) {
    ctx.kind = 'squash-merge';
    // SQUASH_MSG lists the squashed commits newest first.
    const listed = [...squashMsg.matchAll(/^commit ([0-9a-f]{40})$/gm)].map((m) => m[1]).reverse();
    for (const c of listed) if (await resolveCommit(cwd, c)) ctx.donors.push(c);
    return ctx;
  }
  const reverted = shas(state('REVERT_HEAD'))[0] ?? /This reverts commit ([0-9a-f]{40})\./.exec(input.message)?.[1];
  if (
    reverted &&
    (argv?.sub === 'revert' || state('REVERT_HEAD') !== undefined) &&
    (await resolveCommit(cwd, reverted))
  ) {
    ctx.kind = 'revert';
    ctx.reverts = reverted;
  }
  return ctx;
}

function readState(gitDir: string, name: string): string | undefined {
  try {
    return fs.readFileSync(path.join(gitDir, name), 'utf8');
  } catch {
    return undefined;
  }
}

function shas(text: string | undefined): string[] {
  return text ? [...text.matchAll(/^([0-9a-f]{40,64})\b/gm)].map((m) => m[1]) : [];
}

function firstSha(text: string | undefined): string | undefined {
  return shas(text)[0];
}

/** The step an interactive (merge-backend) rebase is on: the last line of rebase-merge/done. */
function lastRebaseStep(gitDir: string): { command: string; sha: string } | undefined {
  const done = readState(gitDir, path.join('rebase-merge', 'done'));
  if (done === undefined) return undefined;
  const lines = done.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('#'));
  const m = /^(\w+)\s+(?:-[cC]\s+)?([0-9a-f]{7,64})\b/.exec(lines[lines.length - 1] ?? '');
  if (!m) return { command: 'other', sha: '' };
  const names: Record<string, string> = { p: 'pick', s: 'squash', f: 'fixup', e: 'edit', r: 'reword' };
  return { command: names[m[1]] ?? m[1], sha: m[2] };
}

/** The commits of the squash/fixup chain the rebase is on: from the last pick/edit/reword to the current step. */
function rebaseChain(gitDir: string): string[] {
  const done = readState(gitDir, path.join('rebase-merge', 'done')) ?? '';
  const steps = done
    .split('\n')
    .map((l) => /^(\w+)\s+(?:-[cC]\s+)?([0-9a-f]{7,64})\b/.exec(l))
    .filter((m): m is RegExpExecArray => m !== null);
  const chain: string[] = [];
  for (let i = steps.length - 1; i >= 0; i--) {
    chain.unshift(steps[i][2]);
    if (!['squash', 's', 'fixup', 'f'].includes(steps[i][1])) break;
  }
  return chain;
}

/**
 * Without the git command line (no /proc, no ps): an amend keeps HEAD's author and author date, which git
 * exports to hooks; a new commit gets the current time. Only trusted when the index also equals HEAD's tree
 * (an amend that changes only the message) — the case where guessing wrong would lose the provenance.
 */
async function looksLikeAmend(cwd: string, head: string, env: NodeJS.ProcessEnv): Promise<boolean> {
  const date = env.GIT_AUTHOR_DATE;
  if (!date) return false;
  const info = (await runGit(['log', '-1', '--format=%at %ae%x00%T', head], { cwd })).stdout.trim();
  const [whenWho, headTree] = info.split('\0');
  const [at, email] = whenWho.split(' ');
  const m = /^@?(\d+)/.exec(date);
  if (!m || m[1] !== at || (env.GIT_AUTHOR_EMAIL && env.GIT_AUTHOR_EMAIL !== email)) return false;
  const indexTree = (await runGit(['write-tree'], { cwd })).stdout.trim();
  return indexTree === headTree;
}

export interface GitArgv {
  /** The git subcommand after global options and alias expansion (`commit`, `rebase`, …). */
  sub: string;
  /** Its arguments, with option values (`-m text`) removed so a message saying `--amend` is not an amend. */
  args: string[];
}

/** Reads the command line of the git process that runs the hook: /proc where there is one, else `ps`. */
export async function gitCommandLine(cwd: string, pid: number): Promise<GitArgv | undefined> {
  let argv: string[] | undefined;
  try {
    argv = fs
      .readFileSync(`/proc/${pid}/cmdline`)
      .toString('utf8')
      .split('\0')
      .filter((a) => a.length > 0);
  } catch {
    const r = childProcess().spawnSync('ps', ['-o', 'args=', '-p', String(pid)], { encoding: 'utf8', timeout: 2000 });
    if (r.status === 0 && r.stdout.trim()) argv = r.stdout.trim().split(/\s+/);
  }
  if (!argv || argv.length === 0) return undefined;
  return interpretGitArgv(argv, async (name) => {
    const r = await runGit(['config', '--get', `alias.${name}`], { cwd, okCodes: [1] });
    return r.code === 0 ? r.stdout.trim() : undefined;
  });
}

const GLOBAL_WITH_VALUE = new Set([
  '-c',
  '-C',
  '--git-dir',
  '--work-tree',
  '--namespace',
  '--config-env',
  '--super-prefix',
  '--exec-path',
]);
const COMMIT_WITH_VALUE = new Set([
  '-m',
  '--message',
  '-F',
  '--file',
  '-C',
  '--reuse-message',
  '-c',
  '--reedit-message',
  '-t',
  '--template',
  '--author',
  '--date',
  '--fixup',
  '--squash',
  '--trailer',
  '--cleanup',
  '--pathspec-from-file',
  // Not --gpg-sign (nor -S): its key is attached (--gpg-sign=KEY) or absent, so `--gpg-sign --amend` amends (red26).
]);
/** git takes any unambiguous prefix of a long option: `--am` and `--amen` are `--amend` (red26). */
const longName = (a: string) => {
  const name = a.split('=')[0];
  return name.length >= 4 && '--amend'.startsWith(name) ? '--amend' : name;
};
/** Short options of `git commit` that take a value (attached, or the next argument). */
const COMMIT_SHORT_WITH_VALUE = 'mFCct';

export async function interpretGitArgv(
  argv: string[],
  alias: (name: string) => Promise<string | undefined>,
): Promise<GitArgv | undefined> {
  const prog = path.basename(argv[0]).replace(/\.exe$/i, '');
  let rest: string[];
  if (prog.startsWith('git-')) {
    rest = [prog.slice(4), ...argv.slice(1)];
  } else if (prog === 'git') {
    let i = 1;
    while (i < argv.length && argv[i].startsWith('-')) i += GLOBAL_WITH_VALUE.has(argv[i]) ? 2 : 1;
    rest = argv.slice(i);
  } else {
    return undefined;
  }
  if (rest.length === 0) return undefined;
  let [sub, ...args] = rest;
  const known = ['commit', 'rebase', 'merge', 'cherry-pick', 'revert', 'am', 'pull'];
  if (!known.includes(sub)) {
    const expansion = await alias(sub);
    if (expansion && !expansion.startsWith('!')) {
      const words = expansion.split(/\s+/).filter(Boolean);
      sub = words[0];
      args = [...words.slice(1), ...args];
    }
  }
  if (sub !== 'commit') return { sub, args };
  const kept: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--') break;
    if (a.startsWith('--')) {
      if (!a.includes('=') && COMMIT_WITH_VALUE.has(a)) i++;
      kept.push(longName(a));
      continue;
    }
    if (a.startsWith('-') && a.length > 1) {
      for (let j = 1; j < a.length; j++) {
        if (COMMIT_SHORT_WITH_VALUE.includes(a[j])) {
          if (j === a.length - 1) i++;
          break;
        }
      }
      kept.push(a);
    }
  }
  return { sub, args: kept };
}
