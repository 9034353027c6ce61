/**
 * What the hooks add to a commit: a repository of 1,000 files, a 1,000-line staged change written by an agent
 * (recorded with `countersign checkpoint`, so the working ledger has labels to read), committed with the hooks
 * on and with them off (`-c core.hooksPath=` an empty folder), alternating, against `node -e 0` timed in the same
 * rounds. Also counts the git processes one commit starts (trace2 `start` events) (the Node start itself happens inside a hook's shell, which trace2 does not see).
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

export function commitBench(cli: string, rounds: number): CommitFigures {
  const tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'cs-bench-commit-')));
  const repo = path.join(tmp, 'repo');
  const noHooks = path.join(tmp, 'no-hooks');
  fs.mkdirSync(noHooks);
  const env: NodeJS.ProcessEnv = benchGitEnv(tmp, { COUNTERSIGN_SKIP: '', COUNTERSIGN_TRACE: '' });
  const git = (...args: string[]) =>
    execFileSync('git', args, { cwd: repo, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const cs = (...args: string[]) =>
    execFileSync(process.execPath, [cli, ...args], {
      cwd: repo,
      env,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  try {
    fs.mkdirSync(repo);
    git('init', '-q', '-b', 'main');
    for (let i = 0; i < 1_000; i++) {
      const dir = path.join(repo, 'src', `m${i % 20}`);
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(
        path.join(dir, `f${i}.ts`),
        Array.from({ length: 10 }, (_, k) => `export const f${i}_${k} = ${k};`).join('\n') + '\n',
      );
    }
    fs.writeFileSync(path.join(repo, 'big.ts'), '');
    git('add', '-A');
    git('-c', `core.hooksPath=${noHooks}`, 'commit', '-q', '-m', 'initial');
    cs('install');

    let sample = 0;
    /** A fresh 1,000-line change by an agent, staged; returns the commit's argv prefix. */
    const stageChange = () => {
      sample++;
      cs('checkpoint', '--phase', 'before', '--agent', 'claude-code', '--session', `s${sample}`, 'big.ts');
      fs.writeFileSync(
        path.join(repo, 'big.ts'),
        Array.from({ length: 1_000 }, (_, k) => `export const big${sample}_${k} = ${k};`).join('\n') + '\n',
      );
      cs('checkpoint', '--phase', 'after', '--agent', 'claude-code', '--session', `s${sample}`, 'big.ts');
      git('add', 'big.ts');
    };
    const commit = (hooks: boolean, extraEnv: NodeJS.ProcessEnv = {}): { wall: number; cpu: number } => {
      const args = [...(hooks ? [] : ['-c', `core.hooksPath=${noHooks}`]), 'commit', '-q', '-m', `change ${sample}`];
      let r: ReturnType<typeof spawnSync> | undefined;
      const t = timed(() => {
        r = spawnSync('git', args, { cwd: repo, env: { ...env, ...extraEnv }, encoding: 'utf8' });
      });
      if (r?.status !== 0) throw new Error(`git commit (hooks ${hooks ? 'on' : 'off'}) failed: ${String(r?.stderr)}`);
      if (String(r.stderr).trim())
        throw new Error(`git commit (hooks ${hooks ? 'on' : 'off'}) printed: ${String(r.stderr)}`);
      return t;
    };
    const nodeStart = () => timed(() => spawnSync(process.execPath, ['-e', '0']));
    const cleanEnv = { ...process.env };
    delete cleanEnv.NODE_EXTRA_CA_CERTS;
    const cleanNodeStart = () => timed(() => spawnSync(process.execPath, ['-e', '0'], { env: cleanEnv }));

    // One traced commit: how many git and node processes the hooks start.
    stageChange();
    const trace = path.join(tmp, 'trace2.json');
    commit(true, { GIT_TRACE2_EVENT: trace });
    const events = fs
      .readFileSync(trace, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { event: string });
    const gitProcesses = events.filter((e) => e.event === 'start').length - 1;
    if (!/^AI-Provenance: v1 ai=1000 /m.test(git('log', '-1', '--format=%B')))
      throw new Error(`the traced commit lacks AI-Provenance ai=1000:\n${git('log', '-1', '--format=%B')}`);

    const on: number[] = [],
      off: number[] = [],
      node: number[] = [],
      cleanNode: number[] = [];
    const onCpu: number[] = [],
      offCpu: number[] = [],
      nodeCpu: number[] = [],
      cleanNodeCpu: number[] = [];
    const keep = (walls: number[], cpus: number[], t: { wall: number; cpu: number }) => {
      walls.push(t.wall);
      cpus.push(t.cpu);
    };
    nodeStart(); // the first start pays for reading node's binary from disk
    for (let r = 0; r < rounds; r++) {
      keep(node, nodeCpu, nodeStart());
      keep(cleanNode, cleanNodeCpu, cleanNodeStart());
      stageChange();
      keep(off, offCpu, commit(false));
      stageChange();
      keep(on, onCpu, commit(true));
    }
    const overheadMs = median(on) - median(off);
    const nodeStartupMs = median(node);
    return {
      overheadMs,
      nodeStartupMs,
      overheadVsNodeStartup: overheadMs / nodeStartupMs,
      hooksOnMs: median(on),
      hooksOffMs: median(off),
      gitProcesses,
      cpuOverheadVsNodeStartup: (median(onCpu) - median(offCpu)) / median(nodeCpu),
      nodeStartupCleanMs: median(cleanNode),
      overheadVsCleanNodeStartup: overheadMs / median(cleanNode),
      cpuOverheadVsCleanNodeStartup: (median(onCpu) - median(offCpu)) / median(cleanNodeCpu),
      nodeExtraCaCerts: !!process.env.NODE_EXTRA_CA_CERTS,
      rounds,
    };
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}
