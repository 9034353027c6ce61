import * as os from 'os';
import { streamHistory, type HistoryCommit, type LogStreamOptions } from './historyStream';

/**
 * The log of a long range streamed by a few `git log` processes at once, each over its own window of the
 * same walk (`--skip` / `--max-count`). Computing the diff stats is most of a report's work and all of it is
 * git's; one process uses one core, and git walks the commits it skips without diffing them, so windows
 * split that work while the walk order (the same revisions and options, hence the same order) makes their
 * union exactly the one-process log.
 */

/** Commits below which one process is cheaper than starting more. */
const MIN_WINDOW = 1000;
const MAX_WINDOWS = 4;

/** How many windows a range of `count` commits is read in on this machine. */
export function windowCount(count: number): number {
  const cores = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  return Math.max(1, Math.min(MAX_WINDOWS, cores, Math.floor(count / MIN_WINDOW)));
}

/**
 * Streams the `count` commits of `opts.revs` (the count `git rev-list --count` gave for the same revisions)
 * through `windowCount(count)` concurrent `git log` processes. `onCommit` hears each commit with its window
 * as it arrives (windows interleave; within one, git's order); window 0 holds the first commits of the walk.
 */
export async function streamHistoryWindows(
  cwd: string,
  opts: LogStreamOptions,
  count: number,
  onCommit: (c: HistoryCommit, window: number) => void,
  /** How many windows, instead of what this machine and `count` call for (tests). */
  windows = windowCount(count),
): Promise<void> {
  const n = Math.max(1, Math.min(windows, count));
  if (n === 1) {
    await streamHistory(cwd, opts, (c) => onCommit(c, 0));
    return;
  }
  const size = Math.ceil(count / n);
  await Promise.all(
    Array.from({ length: n }, (_, w) =>
      streamHistory(
        cwd,
        {
          ...opts,
          // The last window takes whatever the walk has left, should the range have grown since it was counted.
          extra: [...(opts.extra ?? []), `--skip=${w * size}`, ...(w < n - 1 ? [`--max-count=${size}`] : [])],
        },
        (c) => onCommit(c, w),
      ),
    ),
  );
}
