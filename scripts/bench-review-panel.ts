/**
 * How long the review panel takes to refresh (src/app/reviewSnapshot.ts: the developer's gate plus every
 * unmerged remote branch judged by verifyRange) as the number of fetched branches grows. A real bare origin
 * with a policy on main, N feature branches of C commits each, a reviewer clone that fetched them. Each round
 * times a cold refresh (nothing kept from an earlier one: the first, or the one after a fetch that moved every
 * branch; `refreshSeconds`) and then a warm one (the same refs again: what refreshCache.ts keeps is reused;
 * `warmRefreshSeconds`), with five `git rev-parse HEAD` starts as the baseline in the same round.
 * Usage: node dist/scripts/bench-review-panel.js [--branches N] [--commits C] [--rounds R] [--json] [--list-processes]
 */
import { execFileSync } from 'child_process';
import type * as ChildProcess from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { repoView } from '../src/core/panel/viewModel';
import { repoSnapshot } from '../src/app/reviewSnapshot';
import { forgetKeptAnswers } from '../src/git/refreshCache';
import { median } from './bench/stats';
import { benchGitEnv } from './bench/gitEnv';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const BRANCHES = arg('--branches', 30);
const COMMITS = arg('--commits', 5);
const ROUNDS = arg('--rounds', 3);
const json = process.argv.includes('--json');
const say = (line: string) => (json ? process.stderr : process.stdout).write(line + '\n');

/**
 * Counts the git processes a refresh starts: every module spawns through child_process.spawn (runGit, the
 * cat-file and log streams), looked up on the module object at each call, so wrapping it here sees them all.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const childProcess = require('child_process') as typeof ChildProcess;
let gitProcesses = 0;
/** `--list-processes`: print each git process a refresh starts (what to batch next). */
const listProcesses = process.argv.includes('--list-processes');
const realSpawn = childProcess.spawn;
/** When the refresh being listed started: each listed process says when it started and ended after it. */
let refreshStarted = process.hrtime.bigint();
const sinceRefresh = () => (Number(process.hrtime.bigint() - refreshStarted) / 1e6).toFixed(0).padStart(5);
childProcess.spawn = ((command: string, ...rest: unknown[]) => {
  if (command === 'git') gitProcesses++;
  const started = sinceRefresh();
  const child = (realSpawn as (...a: unknown[]) => ChildProcess.ChildProcess)(command, ...rest);
  if (command === 'git' && listProcesses)
    child.on('close', () =>
      say(`  ${started} → ${sinceRefresh()} ms  git ${(rest[0] as string[]).join(' ').slice(0, 140)}`),
    );
  return child;
}) as typeof childProcess.spawn;

const tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'cs-bench-panel-')));
const env = benchGitEnv(tmp);
process.env.HOME = tmp;
process.env.GIT_CONFIG_NOSYSTEM = '1';
const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', args, { cwd, env, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] }).trim();

const key = path.join(tmp, 'bo');
execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', key]);
const origin = path.join(tmp, 'origin.git');
const ada = path.join(tmp, 'ada');
const bo = path.join(tmp, 'bo-clone');
git(tmp, 'init', '-q', '--bare', '-b', 'main', origin);
git(tmp, 'clone', '-q', origin, ada);
fs.writeFileSync(
  path.join(ada, '.countersign.json'),
  JSON.stringify({
    protectedBranches: ['main'],
    reviewers: [{ name: 'Bo', email: 'bo@example.com', key: fs.readFileSync(`${key}.pub`, 'utf8').trim() }],
  }),
);
git(ada, 'add', '.');
git(ada, 'commit', '-q', '-m', 'policy');
git(ada, 'push', '-q', 'origin', 'main');
const setupStarted = Date.now();
for (let b = 0; b < BRANCHES; b++) {
  git(ada, 'checkout', '-q', '-b', `feature/${b}`, 'main');
  for (let c = 0; c < COMMITS; c++) {
    fs.writeFileSync(
      path.join(ada, `f${b}.ts`),
      Array.from({ length: (c + 1) * 10 }, (_, i) => `export const v${i} = ${b};`).join('\n') + '\n',
    );
    git(ada, 'add', '.');
    git(ada, 'commit', '-q', '-m', `change ${b}.${c}`, '-m', `AI-Provenance: v1 ai=${c * 3} human=7 untracked=0`);
  }
}
git(ada, 'push', '-q', 'origin', '--all');
git(tmp, 'clone', '-q', origin, bo);
git(bo, 'config', 'user.email', 'bo@example.com');
say(`set-up: ${BRANCHES} branches x ${COMMITS} commits in ${((Date.now() - setupStarted) / 1000).toFixed(1)} s`);

/** One `git rev-parse HEAD` from start to exit, in ms: the baseline every refresh is a multiple of. */
function gitStartMs(): Promise<number> {
  const t0 = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    const child = realSpawn('git', ['rev-parse', 'HEAD'], { cwd: bo, env, stdio: 'ignore' });
    child.on('error', reject);
    child.on('close', () => resolve(Number(process.hrtime.bigint() - t0) / 1e6));
  });
}

async function main(): Promise<void> {
  const times: number[] = [];
  const warm: number[] = [];
  const starts: number[] = [];
  let listed = 0;
  let processes = 0;
  let warmProcesses = 0;
  const refresh = async (into: number[]) => {
    const before = gitProcesses;
    const t0 = process.hrtime.bigint();
    refreshStarted = t0;
    const view = repoView(await repoSnapshot(bo, { maxBranches: BRANCHES }));
    into.push(Number(process.hrtime.bigint() - t0) / 1e6);
    const n = view.review.reduce((k, b) => k + b.commits.length, 0);
    if (into === times) listed = n;
    else if (n !== listed) throw new Error(`the warm refresh listed ${n} commits, the cold one ${listed}`);
    return gitProcesses - before;
  };
  for (let run = 0; run < ROUNDS; run++) {
    // The baseline, in the same rounds: a refresh is worth so many git process starts at this load.
    for (let i = 0; i < 5; i++) starts.push(await gitStartMs());
    forgetKeptAnswers();
    if (listProcesses) say('cold refresh:');
    processes = await refresh(times);
    if (listProcesses) say('warm refresh (the same refs):');
    warmProcesses = await refresh(warm);
  }
  times.sort((a, b) => a - b);
  warm.sort((a, b) => a - b);
  const med = median(times);
  const warmMed = median(warm);
  const start = median(starts);
  say(
    `baseline: one git process (rev-parse HEAD) ${start.toFixed(1)} ms, median of ${starts.length}; cold refresh = ${(med / start).toFixed(1)} of them, warm ${(warmMed / start).toFixed(1)}`,
  );
  say(
    `repoSnapshot: ${BRANCHES} branches, ${listed} commits awaiting review listed; cold median ${med.toFixed(0)} ms (min ${times[0].toFixed(0)}, max ${times[times.length - 1].toFixed(0)}), ${processes} git processes; warm (same refs) median ${warmMed.toFixed(0)} ms (min ${warm[0].toFixed(0)}, max ${warm[warm.length - 1].toFixed(0)}), ${warmProcesses} git processes; ${ROUNDS} rounds; load ${os.loadavg()[0].toFixed(1)}`,
  );
  // Each branch's first commit says ai=0 and needs no review; the others do.
  if (listed !== BRANCHES * (COMMITS - 1))
    throw new Error(`expected ${BRANCHES * (COMMITS - 1)} commits awaiting review, the panel listed ${listed}`);
  if (json)
    process.stdout.write(
      JSON.stringify({
        refreshSeconds: med / 1000,
        branches: BRANCHES,
        commits: listed,
        gitProcesses: processes,
        warmRefreshSeconds: warmMed / 1000,
        warmGitProcesses: warmProcesses,
        gitStartMs: start,
        refreshVsGitStart: med / start,
        warmRefreshVsGitStart: warmMed / start,
        load: os.loadavg()[0],
        runs: times.map((t) => t / 1000),
        warmRuns: warm.map((t) => t / 1000),
      }) + '\n',
    );
  fs.rmSync(tmp, { recursive: true, force: true });
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
