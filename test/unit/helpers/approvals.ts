import { execFileSync } from 'child_process';
import * as path from 'path';
import {
  canonicalStatementBytes,
  EMPTY_PATCH_ID,
  formatStatementLine,
  type ApprovalStatement,
  type SignedStatement,
} from '../../../src/core/approvalStatement';
import { gitEnv } from '../../../src/git/gitRunner';
import { CONTENT_FACTS_ARGS, openContentOnly, PATCH_DIFF_ARGS, PATCH_ID_ARGS } from '../../../src/git/patchId';
import { sshSign, type TestKey } from './reviewerKeys';
import { TempRepo } from './tempRepo';

/**
 * Builds and records approval statements the way `countersign approve` does, but signed directly with
 * `ssh-keygen -Y sign`, so gate tests do not depend on the approve command and can forge on purpose.
 */
function git(dir: string, args: string[], input?: string): string {
  return execFileSync('git', args, {
    cwd: dir,
    encoding: 'utf8',
    input,
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1' },
  }).replace(/\n$/, '');
}

/**
 * The stable patch-id of base..tip as src/git/patchId.ts stablePatchId computes it, synchronously for test set-up:
 * its two git processes in its throwaway repository (openContentOnly), so only content decides, as in the product
 * (attack28 F7: a checked-out `-diff` attribute once made this helper hash a binary patch the gate never computes).
 */
export function patchIdOf(dir: string, base: string, tip: string): string {
  const trees = [base, tip].map((rev) => git(dir, ['rev-parse', '--verify', '--end-of-options', `${rev}^{tree}`]));
  const scratch = openContentOnly(dir, execFileSync('git', CONTENT_FACTS_ARGS, { cwd: dir, encoding: 'utf8' }));
  try {
    const env = gitEnv(scratch.env);
    // Bytes, not text: decoding would map different invalid byte sequences to one patch.
    const diff = execFileSync('git', [...PATCH_DIFF_ARGS, ...trees, '--'], { cwd: dir, env, maxBuffer: 1 << 30 });
    if (diff.length === 0) return EMPTY_PATCH_ID;
    const out = execFileSync('git', PATCH_ID_ARGS, { cwd: dir, env, input: diff, encoding: 'utf8' });
    return out.split(/\s+/)[0] || EMPTY_PATCH_ID;
  } finally {
    scratch.close();
  }
}

export function statementFor(
  dir: string,
  o: {
    email: string;
    name?: string;
    tip: string;
    base: string;
    decision?: 'approve' | 'reject';
    time?: string;
    comment?: string;
  },
): ApprovalStatement {
  const tip = git(dir, ['rev-parse', `${o.tip}^{commit}`]);
  const base = git(dir, ['rev-parse', `${o.base}^{commit}`]);
  return {
    v: 1,
    decision: o.decision ?? 'approve',
    reviewer: { ...(o.name ? { name: o.name } : {}), email: o.email },
    tip,
    tree: git(dir, ['rev-parse', `${tip}^{tree}`]),
    base,
    patchId: patchIdOf(dir, base, tip),
    time: o.time ?? new Date().toISOString(),
    ...(o.comment ? { comment: o.comment } : {}),
  };
}

export function sign(key: TestKey, statement: ApprovalStatement): SignedStatement {
  return { statement, signature: sshSign(key, canonicalStatementBytes(statement)) };
}

/** Appends the statement's line to the refs/notes/countersign note on `on` (default: its own tip). */
export function attach(dir: string, signed: SignedStatement, on = signed.statement.tip, env?: NodeJS.ProcessEnv): void {
  execFileSync('git', ['notes', '--ref=refs/notes/countersign', 'append', '-m', formatStatementLine(signed), on], {
    cwd: dir,
    env: env ?? process.env,
    stdio: 'pipe',
  });
}

/** `key`'s decision on base..tip, signed and appended to the note on the tip in `clone`, as `approve`/`reject` record it. */
export function recordDecision(
  clone: { dir: string; env?: NodeJS.ProcessEnv },
  key: TestKey,
  o: Parameters<typeof statementFor>[1],
): SignedStatement {
  const signed = sign(key, statementFor(clone.dir, o));
  attach(clone.dir, signed, signed.statement.tip, clone.env);
  return signed;
}

/** A bare fork of the server `serverDir` beside it (no hook, as a forge's fork) and NAME <EMAIL>'s clone of the fork. */
export function forkAs(serverDir: string, name: string, email: string): { fork: string; clone: TempRepo } {
  const fork = path.join(path.dirname(serverDir), 'fork.git');
  execFileSync('git', ['clone', '-q', '--bare', serverDir, fork]);
  return { fork, clone: cloneAs(fork, name, email) };
}

/** A clone of `remoteDir` as NAME <EMAIL>, main checked out and origin/HEAD set, as `git clone` leaves it. */
export function cloneAs(remoteDir: string, name: string, email: string, signingKeyFile?: string): TempRepo {
  const r = TempRepo.create();
  r.git('config', 'user.name', name);
  r.git('config', 'user.email', email);
  if (signingKeyFile) r.git('config', 'user.signingkey', signingKeyFile);
  r.git('remote', 'add', 'origin', remoteDir);
  r.git('fetch', '-q', 'origin');
  r.git('remote', 'set-head', 'origin', 'main');
  r.git('checkout', '-q', '-B', 'main', 'origin/main');
  return r;
}

/**
 * The usual review fixture: `files` committed as base on main and pushed to `remoteDir`, then a branch
 * `feature` of two commits to src/app.ts, pushed. Returns the base and the feature's tip.
 */
export function pushFeature(
  author: TempRepo,
  remoteDir: string,
  files: Record<string, string>,
  subjects = ['feature 1', 'feature 2'],
): { base: string; tip: string } {
  for (const [p, text] of Object.entries(files)) author.write(p, text);
  author.git('add', '.');
  const base = author.commit('base');
  author.git('remote', 'add', 'origin', remoteDir);
  author.git('push', '-q', 'origin', 'main');
  author.git('checkout', '-q', '-b', 'feature');
  author.write('src/app.ts', 'export const x = 1;\n');
  author.git('add', '.');
  author.commit(subjects[0]);
  author.write('src/app.ts', 'export const x = 2;\n');
  const tip = author.commit(subjects[1], '-a');
  author.git('push', '-q', 'origin', 'feature');
  return { base, tip };
}
