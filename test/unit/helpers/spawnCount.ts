import { childProcess } from '../../../src/git/childProcess';

/** What a counting run sees: the processes started so far, and a way to start the count again mid-run. */
export interface SpawnCounter {
  count(): number;
  reset(): void;
}

/**
 * Runs `fn` with every process Countersign starts (src/git/childProcess.ts: each git and Node child goes through
 * it) counted, and puts the real spawn back whatever fn does — the tests of the batched readers assert how many git
 * processes a set of questions costs.
 */
export async function countSpawns<T>(
  fn: (counter: SpawnCounter) => Promise<T>,
): Promise<{ result: T; spawned: number }> {
  let spawned = 0;
  const cp = childProcess();
  const spawn = cp.spawn;
  cp.spawn = ((...a: Parameters<typeof spawn>) => {
    spawned++;
    return spawn(...a);
  }) as typeof spawn;
  try {
    const result = await fn({ count: () => spawned, reset: () => (spawned = 0) });
    return { result, spawned };
  } finally {
    cp.spawn = spawn;
  }
}
