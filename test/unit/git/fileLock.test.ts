import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CountersignError } from '../../../src/core/errors';
import { FileLock } from '../../../src/git/fileLock';
import { tempDir } from '../helpers/tempDirs';

describe('file lock', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = tempDir('cs-lock-');
    file = path.join(dir, 'lock');
  });

  it('is exclusive until released', async () => {
    const a = await FileLock.acquire(file);
    assert.strictEqual(FileLock.tryAcquire(file), undefined);
    assert.ok(a.held);
    a.release();
    assert.ok(!a.held);
    const b = FileLock.tryAcquire(file);
    assert.ok(b);
    b.release();
    assert.ok(!fs.existsSync(file));
  });

  it('takes over a lock whose owner died (kill -9 leaves the file behind)', () => {
    // A pid that surely ran and is gone: a child that has exited.
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], {
      encoding: 'utf8',
    }).stdout;
    fs.writeFileSync(
      file,
      JSON.stringify({ pid: Number(dead), host: os.hostname(), token: 'dead', since: Date.now() }),
    );
    const lock = FileLock.tryAcquire(file);
    assert.ok(lock, "the dead owner's lock was taken over");
    lock.release();
  });

  it('takes over a lock not refreshed for staleMs even if its pid looks alive (pid reuse)', () => {
    fs.writeFileSync(file, JSON.stringify({ pid: process.pid, host: os.hostname(), token: 'old', since: 0 }));
    const old = new Date(Date.now() - 120_000);
    fs.utimesSync(file, old, old);
    assert.strictEqual(FileLock.tryAcquire(file, { staleMs: 300_000 }), undefined);
    const lock = FileLock.tryAcquire(file, { staleMs: 60_000 });
    assert.ok(lock);
    lock.release();
  });

  it('gives up after the bounded wait with an error naming the lock file and its owner', async () => {
    // The lock is held throughout: without the bound the wait never ends and the test times out.
    const held = await FileLock.acquire(file);
    await assert.rejects(FileLock.acquire(file, { timeoutMs: 150 }), (e: unknown) => {
      assert.ok(CountersignError.is(e, 'io'));
      assert.match(
        (e as Error).message,
        new RegExp(`${file.replace(/[/\\.]/g, '\\$&')} is held by process ${process.pid}`),
      );
      assert.match((e as Error).message, /delete that file/);
      return true;
    });
    held.release();
  });

  it('does not release a lock that was taken over from it', () => {
    const a = FileLock.tryAcquire(file)!;
    fs.rmSync(file); // judged stale and removed by another process...
    const b = FileLock.tryAcquire(file)!; // ...which now owns it
    a.release();
    assert.ok(b.held, 'the new owner keeps its lock');
    b.release();
  });
});
