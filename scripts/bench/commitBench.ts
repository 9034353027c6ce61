/**
 * What the hooks add to a commit: a repository of 1,000 files, a 1,000-line staged change written by an agent
 * (recorded with `countersign checkpoint`, so the working ledger has labels to read), committed with the hooks
 * on and with them off (`-c core.hooksPath=` an empty folder), alternating, against `node -e 0` timed in the same
 * rounds. The same again in a second repository where nothing was ever observed (no checkpoint, no agent hooks:
 * a terminal commit of a change no one recorded, which the shim counts without Node; `unobserved`). Also counts the git processes one commit starts (trace2 `start` events) (the Node start itself happens inside a hook's shell, which trace2 does not see).
 * `node -e 0` is also timed without NODE_EXTRA_CA_CERTS: Node 20 parses that file at start-up, which can be most
 * of a start (the system CA bundle: ~35 ms CPU) and which the hooks' Node skips, so where the variable is set the
 * ratio against the environment's `node -e 0` flatters the hooks; the clean start's ratio is printed beside it.
 */
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { median } from './stats';
import { benchGitEnv } from './gitEnv';

export interface CommitFigures {
  overheadMs: number;
  nodeStartupMs: number;
  overheadVsNodeStartup: number;
  hooksOnMs: number;
  hooksOffMs: number;
  gitProcesses: number;
  /** CPU time (user + system) of the whole process tree, hooks on minus off, over `node -e 0`'s: barely moved by load. */
  cpuOverheadVsNodeStartup: number;
  /** `node -e 0` without NODE_EXTRA_CA_CERTS, same rounds, and the ratios against it. */
  nodeStartupCleanMs: number;
  overheadVsCleanNodeStartup: number;
  cpuOverheadVsCleanNodeStartup: number;
  /** Whether this environment sets NODE_EXTRA_CA_CERTS (then the two baselines differ). */
  nodeExtraCaCerts: boolean;
  rounds: number;
  /** The same figures for a 1,000-line change nothing observed (hooks on vs off in their own repository). */
  unobserved: {
    overheadMs: number;
    overheadVsNodeStartup: number;
    cpuOverheadVsNodeStartup: number;
    overheadVsCleanNodeStartup: number;
    cpuOverheadVsCleanNodeStartup: number;
    gitProcesses: number;
    /** Node processes one such commit starts (a logging `node` first on PATH). */
    nodeStarts: number;
  };
}

/**
 * CPU time (ms) this process's waited-for children used so far: /proc/self/stat's cutime + cstime, which include
 * their own waited-for children (a commit's hooks, Node, every git process). Linux only; NaN elsewhere.
 */
function childrenCpuMs(): number {
  try {
    const fields = fs
      .readFileSync('/proc/self/stat', 'utf8')
      .replace(/^.*\) /, '')
      .split(' ');
    // After the command name: state is field 3, so cutime (16) and cstime (17) are at 13 and 14 here.
    return ((Number(fields[13]) + Number(fields[14])) * 1000) / 100;
  } catch {
    return NaN;
  }
}

/** Runs `f`, returning wall-clock and children's CPU milliseconds. */
function timed(f: () => void): { wall: number; cpu: number } {
  const cpu0 = childrenCpuMs();
  const t = process.hrtime.bigint();
  f();
  return { wall: Number(process.hrtime.bigint() - t) / 1e6, cpu: childrenCpuMs() - cpu0 };
}

type Timing = { wall: number; cpu: number };

/** A repository of 1,000 ten-line files and an empty big.ts, committed, with the hooks installed. */
class BenchRepo {
  readonly dir: string;
  private sample = 0;
  constructor(
    tmp: string,
    name: string,
    private readonly cli: string,
    private readonly env: NodeJS.ProcessEnv,
    private readonly noHooks: string,
    private readonly agent: boolean,
  ) {
    this.dir = path.join(tmp, name);
    fs.mkdirSync(this.dir);
    this.git('init', '-q', '-b', 'main');
    for (let i = 0; i < 1_000; i++) {
      const dir = path.join(this.dir, 'src', `m${i % 20}`);
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(
        path.join(dir, `f${i}.ts`),
        Array.from({ length: 10 }, (_, k) => `export const f${i}_${k} = ${k};`).join('\n') + '\n',
      );
    }
    fs.writeFileSync(path.join(this.dir, 'big.ts'), '');
    this.git('add', '-A');
    this.git('-c', `core.hooksPath=${noHooks}`, 'commit', '-q', '-m', 'initial');
    this.cs('install');
  }

  git(...args: string[]): string {
    return execFileSync('git', args, {
      cwd: this.dir,
      env: this.env,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  }

  private cs(...args: string[]): string {
    return execFileSync(process.execPath, [this.cli, ...args], {
      cwd: this.dir,
      env: this.env,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  }

  /** A fresh 1,000-line change to big.ts, staged: an agent's (recorded with checkpoints) or nobody's. */
  stageChange(): void {
    const s = ++this.sample;
    const session = ['--agent', 'claude-code', '--session', `s${s}`, 'big.ts'];
    if (this.agent) this.cs('checkpoint', '--phase', 'before', ...session);
    fs.writeFileSync(
      path.join(this.dir, 'big.ts'),
      Array.from({ length: 1_000 }, (_, k) => `export const big${s}_${k} = ${k};`).join('\n') + '\n',
    );
    if (this.agent) this.cs('checkpoint', '--phase', 'after', ...session);
    this.git('add', 'big.ts');
  }

  commit(hooks: boolean, extraEnv: NodeJS.ProcessEnv = {}): Timing {
    const args = [
      ...(hooks ? [] : ['-c', `core.hooksPath=${this.noHooks}`]),
      'commit',
      '-q',
      '-m',
      `change ${this.sample}`,
    ];
    let r: ReturnType<typeof spawnSync> | undefined;
    const t = timed(() => {
      r = spawnSync('git', args, { cwd: this.dir, env: { ...this.env, ...extraEnv }, encoding: 'utf8' });
    });
    if (r?.status !== 0) throw new Error(`git commit (hooks ${hooks ? 'on' : 'off'}) failed: ${String(r?.stderr)}`);
    if (String(r.stderr).trim())
      throw new Error(`git commit (hooks ${hooks ? 'on' : 'off'}) printed: ${String(r.stderr)}`);
    return t;
  }

  /** One traced commit: the git processes it starts (trace2), and the Node processes (a logging `node` on PATH). */
  tracedCommit(tmp: string, expect: RegExp): { gitProcesses: number; nodeStarts: number } {
    this.stageChange();
    const trace = path.join(tmp, `trace2-${path.basename(this.dir)}.json`);
    const shimDir = path.join(tmp, `node-log-${path.basename(this.dir)}`);
    const log = path.join(shimDir, 'starts');
    fs.mkdirSync(shimDir);
    fs.writeFileSync(path.join(shimDir, 'node'), `#!/bin/sh\necho x >> '${log}'\nexec '${process.execPath}' "$@"\n`, {
      mode: 0o755,
    });
    this.commit(true, { GIT_TRACE2_EVENT: trace, PATH: `${shimDir}${path.delimiter}${this.env.PATH ?? ''}` });
    const events = fs
      .readFileSync(trace, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { event: string });
    const message = this.git('log', '-1', '--format=%B');
    if (!expect.test(message)) throw new Error(`the traced commit's trailers are not ${String(expect)}:\n${message}`);
    const nodeStarts = fs.existsSync(log) ? fs.readFileSync(log, 'utf8').split('\n').filter(Boolean).length : 0;
    return { gitProcesses: events.filter((e) => e.event === 'start').length - 1, nodeStarts };
  }
}

export function commitBench(cli: string, rounds: number): CommitFigures {
  const tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'cs-bench-commit-')));
  const noHooks = path.join(tmp, 'no-hooks');
  fs.mkdirSync(noHooks);
  const env: NodeJS.ProcessEnv = benchGitEnv(tmp, {
    COUNTERSIGN_SKIP: '',
    COUNTERSIGN_TRACE: '',
    COUNTERSIGN_NODE_HOOK: '',
  });
  try {
    const agentRepo = new BenchRepo(tmp, 'repo', cli, env, noHooks, true);
    const plainRepo = new BenchRepo(tmp, 'unobserved', cli, env, noHooks, false);
    const nodeStart = () => timed(() => spawnSync(process.execPath, ['-e', '0']));
    const cleanEnv = { ...process.env };
    delete cleanEnv.NODE_EXTRA_CA_CERTS;
    const cleanNodeStart = () => timed(() => spawnSync(process.execPath, ['-e', '0'], { env: cleanEnv }));

    const traced = agentRepo.tracedCommit(tmp, /^AI-Provenance: v1 ai=1000 /m);
    const plainTraced = plainRepo.tracedCommit(tmp, /^AI-Provenance: v1 ai=0 human=0 untracked=1000$/m);

    const series = () => ({ wall: [] as number[], cpu: [] as number[] });
    const on = series(),
      off = series(),
      plainOn = series(),
      plainOff = series(),
      node = series(),
      cleanNode = series();
    const keep = (s: { wall: number[]; cpu: number[] }, t: Timing) => {
      s.wall.push(t.wall);
      s.cpu.push(t.cpu);
    };
    nodeStart(); // the first start pays for reading node's binary from disk
    for (let r = 0; r < rounds; r++) {
      keep(node, nodeStart());
      keep(cleanNode, cleanNodeStart());
      for (const [repo, hooksOn, hooksOff] of [
        [agentRepo, on, off],
        [plainRepo, plainOn, plainOff],
      ] as const) {
        repo.stageChange();
        keep(hooksOff, repo.commit(false));
        repo.stageChange();
        keep(hooksOn, repo.commit(true));
      }
    }
    const overheadMs = median(on.wall) - median(off.wall);
    const cpuOverhead = median(on.cpu) - median(off.cpu);
    const plainOverheadMs = median(plainOn.wall) - median(plainOff.wall);
    const plainCpuOverhead = median(plainOn.cpu) - median(plainOff.cpu);
    const nodeStartupMs = median(node.wall);
    return {
      overheadMs,
      nodeStartupMs,
      overheadVsNodeStartup: overheadMs / nodeStartupMs,
      hooksOnMs: median(on.wall),
      hooksOffMs: median(off.wall),
      gitProcesses: traced.gitProcesses,
      cpuOverheadVsNodeStartup: cpuOverhead / median(node.cpu),
      nodeStartupCleanMs: median(cleanNode.wall),
      overheadVsCleanNodeStartup: overheadMs / median(cleanNode.wall),
      cpuOverheadVsCleanNodeStartup: cpuOverhead / median(cleanNode.cpu),
      nodeExtraCaCerts: !!process.env.NODE_EXTRA_CA_CERTS,
      rounds,
      unobserved: {
        overheadMs: plainOverheadMs,
        overheadVsNodeStartup: plainOverheadMs / nodeStartupMs,
        cpuOverheadVsNodeStartup: plainCpuOverhead / median(node.cpu),
        overheadVsCleanNodeStartup: plainOverheadMs / median(cleanNode.wall),
        cpuOverheadVsCleanNodeStartup: plainCpuOverhead / median(cleanNode.cpu),
        gitProcesses: plainTraced.gitProcesses,
        nodeStarts: plainTraced.nodeStarts,
      },
    };
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}
