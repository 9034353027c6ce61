import * as path from 'path';
import { CountersignError } from '../core/errors';
import { runGit } from './gitRunner';

/** The folders of one repository, resolved once: hooks and the ledger live in the common git dir. */
export interface RepoPaths {
  /** Working tree root (undefined for a bare repository). */
  root: string | undefined;
  /** `git rev-parse --git-common-dir`, absolute: shared by all worktrees. */
  commonDir: string;
  /** `git rev-parse --git-dir`, absolute: this worktree's own. */
  gitDir: string;
  bare: boolean;
}

const REPO_ARGS = ['rev-parse', '--is-bare-repository', '--absolute-git-dir', '--git-common-dir', '--show-toplevel'];

/** resolveRepoAndHead's query (the commit hook's shim asks it ahead of Node: src/git/hookPrelude.ts). */
export const REPO_AND_HEAD_ARGS = [...REPO_ARGS, '--verify', '-q', 'HEAD^{commit}'];

export async function resolveRepo(cwd: string): Promise<RepoPaths> {
  return parseRepo(cwd, await revParse(cwd, REPO_ARGS));
}

/**
 * The repository and its HEAD commit (undefined: unborn) in one git process, for the commit hook, where every
 * process start counts. `--verify -q` applies to the one revision only: an unborn HEAD prints nothing (exit 1).
 */
export async function resolveRepoAndHead(cwd: string): Promise<{ repo: RepoPaths; head: string | undefined }> {
  const out = await revParse(cwd, REPO_AND_HEAD_ARGS);
  const repo = parseRepo(cwd, out);
  const head = out.split('\n').filter((l) => l.length > 0)[repo.bare ? 3 : 4];
  return { repo, head: head && /^[0-9a-f]{40,64}$/.test(head) ? head : undefined };
}

async function revParse(cwd: string, args: string[]): Promise<string> {
  try {
    return (await runGit(args, { cwd, okCodes: [1, 128] })).stdout;
  } catch (e) {
    throw new CountersignError(
      'notARepository',
      `${cwd} is not inside a git repository (run \`git init\` or cd into one)`,
      undefined,
      { cause: e },
    );
  }
}

function parseRepo(cwd: string, out: string): RepoPaths {
  const lines = out.split('\n').filter((l) => l.length > 0);
  if (lines.length < 3 || lines[0].startsWith('fatal')) {
    throw new CountersignError(
      'notARepository',
      `${cwd} is not inside a git repository (run \`git init\` or cd into one)`,
    );
  }
  const bare = lines[0] === 'true';
  const gitDir = lines[1];
  const commonDir = path.resolve(cwd, lines[2]);
  return {
    bare,
    gitDir,
    commonDir: path.isAbsolute(lines[2]) ? lines[2] : commonDir,
    root: bare ? undefined : lines[3],
  };
}

/** `.git/countersign`: the working ledger, installed shims and the stable CLI copy. */
export function countersignDir(repo: RepoPaths): string {
  return path.join(repo.commonDir, 'countersign');
}

/**
 * `.git/countersign/bin/countersign.js`: the repository's copy of the CLI (with its companions beside it,
 * src/git/cliBundle.ts), which git's hooks, a server's pre-receive and agents' hooks run.
 */
export function cliCopyPath(repo: RepoPaths): string {
  return path.join(countersignDir(repo), 'bin', 'countersign.js');
}
