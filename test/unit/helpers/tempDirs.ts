import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { processAlive } from '../../../src/git/fileLock';

/**
 * Every temporary folder of a test run lives under one folder per run, removed when the run's process exits.
 * Tests make thousands of repositories, homes, keys and servers (46,000 were once found left in /tmp); removing
 * each after its own test would need an `after` in every describe that keeps one for the whole describe, so the
 * run's root goes instead. Loading this module points TMPDIR at that root, so os.tmpdir() in the tests, and in
 * everything they start (git, the CLI, the hooks' mktemp), lands inside it.
 *
 * The suite is bundled one test file at a time, so several copies of this module load into one process: the
 * first makes the root and names it in the environment, the others (and test processes started by tests, which
 * inherit the environment) reuse it. COUNTERSIGN_KEEP_TEST_TMP=1 keeps it, for looking at a failure.
 *
 * Under `mocha --parallel` the .mocharc files `--require` this module, so the main process makes the root before
 * it starts its workers; each worker (MOCHA_WORKER_ID) then makes a folder of its own inside it, and only the main
 * process removes anything: a worker is given one second to exit before it is killed, too little to remove
 * thousands of repositories.
 */
const MARK = 'COUNTERSIGN_TEST_TMP';
const PREFIX = 'cs-run-';

export function testTmpRoot(): string {
  const current = process.env[MARK];
  const inherited = current && process.env.TMPDIR === current && fs.existsSync(current) ? current : undefined;
  const worker = process.env.MOCHA_WORKER_ID;
  if (inherited && (worker === undefined || path.basename(inherited).startsWith(`worker-${worker}-`))) return inherited;
  // A mocha worker whose main process made the run's root: a folder of its own inside it, removed with the root.
  if (inherited) return useRoot(fs.mkdtempSync(path.join(inherited, `worker-${worker}-`)));
  const base = fs.realpathSync(process.env.TMPDIR || os.tmpdir());
  sweepAbandoned(base);
  const root = useRoot(fs.mkdtempSync(path.join(base, `${PREFIX}${process.pid}-`)));
  if (process.env.COUNTERSIGN_KEEP_TEST_TMP !== '1')
    process.on('exit', () => fs.rmSync(root, { recursive: true, force: true, maxRetries: 2 }));
  return root;
}

/**
 * Node 20 parses the whole NODE_EXTRA_CA_CERTS file at start-up (about 70 ms of CPU where it names the system's CA
 * bundle, as on the CI machine), and the suite starts Node thousands of times (the CLI, the server's pre-receive
 * gate, the hooks). Nothing the tests run makes a TLS connection, so the run goes without it; the tests about the
 * variable itself (hookPrelude.test.ts) set it for the processes they start. Removed here, before mocha forks its
 * workers, so they inherit the environment without it too.
 */
function withoutExtraCaCerts(): void {
  delete process.env.NODE_EXTRA_CA_CERTS;
}

function useRoot(root: string): string {
  process.env[MARK] = root;
  process.env.TMPDIR = root;
  return root;
}

/** A fresh folder (real path) under the run's root. */
export function tempDir(prefix = 'cs-tmp-'): string {
  return fs.realpathSync(fs.mkdtempSync(path.join(testTmpRoot(), prefix)));
}

/**
 * Roots of runs killed before their exit handler ran: the owning process is gone and nothing was made in the
 * root for an hour (a live run makes folders in it all the time; the hour guards against a process id seen from
 * another pid namespace). Another live run's root stays.
 */
function sweepAbandoned(base: string): void {
  let names: string[];
  try {
    names = fs.readdirSync(base).filter((n) => n.startsWith(PREFIX));
  } catch {
    return;
  }
  for (const name of names) {
    const pid = Number(/^cs-run-(\d+)-/.exec(name)?.[1]);
    const dir = path.join(base, name);
    if (!pid || processAlive(pid) || Date.now() - mtimeMs(dir) < 3_600_000) continue;
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function mtimeMs(dir: string): number {
  try {
    return fs.statSync(dir).mtimeMs;
  } catch {
    return Date.now();
  }
}

withoutExtraCaCerts();
testTmpRoot();
