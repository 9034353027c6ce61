/**
 * A separate process for the ledger's concurrency and crash tests (run with node, never loaded by mocha):
 *
 *   lock-counter LOCK COUNTER N      N times: take the lock, increment the number in COUNTER, release
 *   checkpoints REPO WORKER N        N agent tool calls, each appending one line to WORKER's own file and to
 *                                    a shared file, with folds and reads in between
 *   big-writer REPO                  records huge observations forever (the test kills it mid-write)
 *   hang-in-fold REPO STEP MARKER    folds the queue and, at STEP of the commit, writes MARKER and hangs
 */
import * as fs from 'fs';
import * as path from 'path';
import { FileLock } from '../../../src/git/fileLock';
import { openLedger } from '../../../src/git/ledger';

function hang(): never {
  const cell = new Int32Array(new SharedArrayBuffer(4));
  for (;;) Atomics.wait(cell, 0, 0, 60_000);
}

async function main(): Promise<void> {
  const [mode, ...args] = process.argv.slice(2);
  switch (mode) {
    case 'lock-counter': {
      const [lockFile, counterFile, n] = args;
      for (let i = 0; i < Number(n); i++) {
        const lock = await FileLock.acquire(lockFile, { timeoutMs: 30_000 });
        const value = Number(fs.readFileSync(counterFile, 'utf8') || '0');
        fs.writeFileSync(counterFile, String(value + 1));
        lock.release();
      }
      return;
    }
    case 'checkpoints': {
      const [repo, worker, n] = args;
      const ledger = await openLedger(repo, { lockTimeoutMs: 30_000 });
      const own = `w${worker}.txt`;
      for (let i = 0; i < Number(n); i++) {
        const before = lines(worker, i);
        const after = lines(worker, i + 1);
        const session = `session-${worker}`;
        await ledger.record(
          { type: 'agent', phase: 'before', agent: `agent-${worker}`, session, files: { [own]: before } },
          { callId: `${worker}-${i}` },
        );
        fs.writeFileSync(path.join(repo, own), after);
        await ledger.record(
          { type: 'agent', phase: 'after', agent: `agent-${worker}`, session, files: { [own]: after } },
          { callId: `${worker}-${i}` },
        );
        if (i % 3 === 0) await ledger.sync({ wait: false });
        if (i % 5 === 0) await ledger.fileAttribution(own);
      }
      return;
    }
    case 'big-writer': {
      const [repo] = args;
      const ledger = await openLedger(repo);
      // One 32 MB line per record: writing it takes long enough for the kill to land mid-write.
      const content = 'x'.repeat(32 << 20) + '\n';
      for (;;) await ledger.storeFile('big.txt', content, [{ kind: 'untracked' }]);
    }
    case 'hang-in-fold': {
      const [repo, step, marker] = args;
      const ledger = await openLedger(repo, {
        onFoldStep: (s) => {
          if (s !== step) return;
          fs.writeFileSync(marker, 'ready');
          hang();
        },
      });
      await ledger.sync();
      return;
    }
    default:
      throw new Error(`unknown mode ${mode}`);
  }
}

/** Worker w's file after i tool calls: line j written by call j. */
export function lines(worker: string, i: number): string {
  let s = '';
  for (let j = 0; j < i; j++) s += `worker ${worker} line ${j}\n`;
  return s;
}

if (require.main === module) {
  main().then(
    () => process.exit(0),
    (e: unknown) => {
      process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
      process.exit(1);
    },
  );
}
