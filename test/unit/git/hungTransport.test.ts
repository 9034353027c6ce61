import * as assert from 'assert';
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { fetchApprovals } from '../../../src/git/approvalsStore';
import { inRepoEnv } from '../helpers/inProcess';
import { tempDir } from '../helpers/tempDirs';
import { CLI, TempRepo } from '../helpers/tempRepo';

/**
 * A transport that hangs (a black-holed network, an ssh waiting for a security key's touch) must not hold
 * Countersign past its own bound (newuser22 F-timeout): killing `git fetch` at the bound left the ssh it started
 * alive, holding the pipes Countersign waited on, so `verify` printed "timed out after 10000 ms" and then waited
 * for the transport's own end. The fake ssh below records its pid and sleeps for 10 minutes: without the bound
 * each test runs into mocha's timeout. No wall-clock assertions (they flake under load).
 */
describe('a hung transport: fetches end at their bound and take the transport with them', function () {
  this.timeout(90_000);
  let repo: TempRepo;
  let pidFile: string;

  beforeEach(() => {
    const server = TempRepo.create({ bare: true });
    const seed = TempRepo.create();
    seed.write('a.txt', 'one\n');
    seed.git('add', '.');
    seed.commit('one');
    seed.git('push', '-q', server.dir, 'main');
    const dir = tempDir('cs-hang-');
    pidFile = path.join(dir, 'ssh.pid');
    const ssh = path.join(dir, 'fake-ssh.sh');
    // git runs it as `fake-ssh.sh host git-upload-pack '/x'`; the shell waits on its sleep as a real ssh waits on the network.
    // Its pid and process group: the transport must stay in Countersign's group, where the terminal's Ctrl-C and its
    // passphrase prompts reach it (attack28 03, 04: a `detached` git was setsid, and its ssh lost the terminal).
    fs.writeFileSync(ssh, `#!/bin/sh\necho $$ $(cut -d' ' -f5 /proc/$$/stat) > '${pidFile}'\nsleep 600\nexit 1\n`, {
      mode: 0o755,
    });
    repo = TempRepo.create({ env: { GIT_SSH_COMMAND: ssh } });
    repo.git('remote', 'add', 'origin', server.dir);
    repo.git('fetch', '-q', 'origin');
    repo.git('checkout', '-q', '-B', 'main', 'origin/main');
    repo.git('remote', 'add', 'hang', 'ssh://countersign.invalid/repo.git');
  });

  afterEach(() => {
    const pid = transportPid();
    if (pid && alive(pid)) process.kill(pid, 'SIGKILL');
  });

  function transportPid(): number | undefined {
    return fs.existsSync(pidFile) ? Number(fs.readFileSync(pidFile, 'utf8').trim().split(' ')[0]) : undefined;
  }

  /** The transport kept the process group of the process that started Countersign (here, mocha's). */
  function assertSameGroup(): void {
    const group = fs.readFileSync(pidFile, 'utf8').trim().split(' ')[1];
    const own = fs.readFileSync('/proc/self/stat', 'latin1');
    assert.strictEqual(group, own.slice(own.lastIndexOf(')') + 2).split(' ')[2], 'the transport left our group');
  }

  /** Running: a killed process whose parent died stays a zombie until init reaps it (this machine's is slow to). */
  function alive(pid: number): boolean {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'latin1');
      return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
    } catch {
      return false;
    }
  }

  it('fetchApprovals rejects at its bound and the transport is gone', async () => {
    await assert.rejects(
      inRepoEnv(repo, () => fetchApprovals(repo.dir, 'hang', 1_500)),
      (e: unknown) => (e as { reason?: string }).reason === 'remoteUnreachable',
    );
    const pid = transportPid();
    assert.ok(pid, 'the fake ssh ran');
    // The kill is sent at the bound; the kernel ends the process a moment later (a CI check saw it still running
    // right after the rejection, once): give it a second, far below the hang the test is about.
    for (let waited = 0; alive(pid) && waited < 1_000; waited += 50) await new Promise((r) => setTimeout(r, 50));
    assert.strictEqual(alive(pid), false, `the transport (pid ${pid}) outlived the fetch's bound`);
    assertSameGroup();
  });

  it('verify falls back to the approvals here, says so, and exits without waiting for the transport', async () => {
    const r = await new Promise<{ status: number | null; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [CLI, 'verify', '--remote', 'hang', '--branch', 'main'], {
        cwd: repo.dir,
        env: repo.env,
      });
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d));
      child.on('close', (status) => resolve({ status, stderr }));
    });
    assert.match(r.stderr, /could not fetch approvals from hang \(git fetch timed out after \d+ ms\)/);
    const pid = transportPid();
    assert.ok(pid, 'the fake ssh ran');
    assert.strictEqual(alive(pid), false, `the transport (pid ${pid}) outlived verify`);
  });
});
