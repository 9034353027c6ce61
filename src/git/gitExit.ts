import type { ChildProcess } from 'child_process';
import { CountersignError } from '../core/errors';
import { gitErrorReason } from './gitRunner';

/**
 * How a git process whose stdout is read as it streams (cat-file --batch, a NUL-split log) settles: a spawn
 * failure is `git`'s error; a parse failure the reader recorded (`failed()`, after which it killed git) wins over
 * the exit code it caused; a non-zero exit names the command and git's last lines of stderr; on success
 * `finish` checks or flushes what the reader still holds and may throw, which rejects.
 */
export function settleGitStream(
  child: ChildProcess,
  what: string,
  failed: () => unknown,
  finish: () => void,
  resolve: () => void,
  reject: (e: unknown) => void,
): void {
  const err: Buffer[] = [];
  child.stderr?.on('data', (d: Buffer) => err.push(d));
  child.on('error', (e) =>
    reject(new CountersignError('git', `could not run git: ${e.message}`, undefined, { cause: e })),
  );
  child.on('close', (code) => {
    const failure = failed();
    if (failure) {
      reject(failure);
      return;
    }
    const stderr = Buffer.concat(err).toString('utf8');
    if (code !== 0) {
      reject(
        new CountersignError(gitErrorReason(stderr), `${what} failed (exit ${code}): ${lastLines(stderr)}`, stderr),
      );
      return;
    }
    try {
      finish();
    } catch (e) {
      reject(e);
      return;
    }
    resolve();
  });
}

/** The last three lines of git's stderr on one line: what a failure message quotes. */
export function lastLines(stderr: string): string {
  return stderr.trim().split('\n').slice(-3).join(' ');
}
