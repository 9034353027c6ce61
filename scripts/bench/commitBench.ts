/**
 * What the hooks add to a commit: a repository of 1,000 files, a 1,000-line staged change written by an agent
 * (recorded with `countersign checkpoint`, so the working ledger has labels to read), committed with the hooks
 * on and with them off (`-c core.hooksPath=` an empty folder), alternating, against `node -e 0` timed in the same
 * rounds. Also counts the git processes one commit starts (trace2 `start` events) (the Node start itself happens inside a hook's shell, which trace2 does not see).
 */
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { median } from './stats';

export interface CommitFigures {
  overheadMs: number;
  nodeStartupMs: number;
  overheadVsNodeStartup: number;
  hooksOnMs: number;
  hooksOffMs: number;
  gitProcesses: number;
  rounds: number;
}

export function commitBench(cli: string, rounds: number): CommitFigures {
  const tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'cs-bench-commit-')));
  const repo = path.join(tmp, 'repo');
  const noHooks = path.join(tmp, 'no-hooks');
  fs.mkdirSync(noHooks);
  const env: NodeJS.ProcessEnv = {
    ...process.env, HOME: tmp, GIT_CONFIG_NOSYSTEM: '1', GIT_AUTHOR_NAME: 'Ada', GIT_AUTHOR_EMAIL: 'ada@example.com',
    GIT_COMMITTER_NAME: 'Ada', GIT_COMMITTER_EMAIL: 'ada@example.com', COUNTERSIGN_SKIP: '', COUNTERSIGN_TRACE: '',
  };
  const git = (...args: string[]) => execFileSync('git', args, { cwd: repo, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const cs = (...args: string[]) => execFileSync(process.execPath, [cli, ...args], { cwd: repo, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    fs.mkdirSync(repo);
    git('init', '-q', '-b', 'main');
    for (let i = 0; i < 1_000; i++) {
      const dir = path.join(repo, 'src', `m${i % 20}`);
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(path.join(dir, `f${i}.ts`), Array.from({ length: 10 }, (_, k) => `export const f${i}_${k} = ${k};`).join('\n') + '\n');
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
      fs.writeFileSync(path.join(repo, 'big.ts'), Array.from({ length: 1_000 }, (_, k) => `export const big${sample}_${k} = ${k};`).join('\n') + '\n');
      cs('checkpoint', '--phase', 'after', '--agent', 'claude-code', '--session', `s${sample}`, 'big.ts');
      git('add', 'big.ts');
    };
    const commit = (hooks: boolean, extraEnv: NodeJS.ProcessEnv = {}): number => {
      const args = [...(hooks ? [] : ['-c', `core.hooksPath=${noHooks}`]), 'commit', '-q', '-m', `change ${sample}`];
      const t = process.hrtime.bigint();
      const r = spawnSync('git', args, { cwd: repo, env: { ...env, ...extraEnv }, encoding: 'utf8' });
      const ms = Number(process.hrtime.bigint() - t) / 1e6;
      if (r.status !== 0) throw new Error(`git commit (hooks ${hooks ? 'on' : 'off'}) failed: ${r.stderr}`);
      if (r.stderr.trim()) throw new Error(`git commit (hooks ${hooks ? 'on' : 'off'}) printed: ${r.stderr}`);
      return ms;
    };
    const nodeStart = (): number => {
      const t = process.hrtime.bigint();
      spawnSync(process.execPath, ['-e', '0']);
      return Number(process.hrtime.bigint() - t) / 1e6;
    };

    // One traced commit: how many git and node processes the hooks start.
    stageChange();
    const trace = path.join(tmp, 'trace2.json');
    commit(true, { GIT_TRACE2_EVENT: trace });
    const events = fs.readFileSync(trace, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { event: string });
    const gitProcesses = events.filter((e) => e.event === 'start').length - 1;
    if (!/^AI-Provenance: v1 ai=1000 /m.test(git('log', '-1', '--format=%B'))) throw new Error(`the traced commit lacks AI-Provenance ai=1000:\n${git('log', '-1', '--format=%B')}`);

    const on: number[] = [], off: number[] = [], node: number[] = [];
    nodeStart(); // the first start pays for reading node's binary from disk
    for (let r = 0; r < rounds; r++) {
      node.push(nodeStart());
      stageChange();
      off.push(commit(false));
      stageChange();
      on.push(commit(true));
    }
    const overheadMs = median(on) - median(off);
    const nodeStartupMs = median(node);
    return {
      overheadMs, nodeStartupMs, overheadVsNodeStartup: overheadMs / nodeStartupMs, hooksOnMs: median(on), hooksOffMs: median(off),
      gitProcesses, rounds,
    };
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}
