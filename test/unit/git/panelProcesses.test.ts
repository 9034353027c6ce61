import * as assert from 'assert';
import { execFileSync } from 'child_process';
import type * as ChildProcess from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { repoSnapshot } from '../../../src/app/reviewSnapshot';
import { forgetKeptAnswers } from '../../../src/git/refreshCache';

/**
 * The review panel judges every fetched branch with the gate's own code, but asks git once for all of them
 * (branchReadAhead.ts). Session 24's review.untracked evidence (sizes, written lines) and its count since the last
 * approval ran per branch: a 30-branch refresh went from 12 git processes to 134 (1.6 s cold) and no test saw it.
 * Here the processes of a refresh must not grow with the branches: 8 branches cost what 2 do, give or take one.
 * Counted by wrapping child_process.spawn (every git of the product starts through it), so load cannot move it.
 */
describe('review panel: git processes do not grow with the branches', function () {
  this.timeout(240_000);
  let tmp: string;
  let env: NodeJS.ProcessEnv;
  const saved = process.env;

  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const childProcess = require('child_process') as typeof ChildProcess;
  const realSpawn = childProcess.spawn;
  let spawned = 0;

  before(() => {
    tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'cs-panel-procs-')));
    env = {
      ...process.env,
      HOME: tmp,
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_AUTHOR_NAME: 'Ada',
      GIT_AUTHOR_EMAIL: 'ada@example.com',
      GIT_COMMITTER_NAME: 'Ada',
      GIT_COMMITTER_EMAIL: 'ada@example.com',
    };
    childProcess.spawn = ((command: string, ...rest: unknown[]) => {
      if (command === 'git') spawned++;
      return (realSpawn as (...a: unknown[]) => ChildProcess.ChildProcess)(command, ...rest);
    }) as typeof childProcess.spawn;
  });
  after(() => {
    childProcess.spawn = realSpawn;
    process.env = saved;
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  /** A reviewer's clone of an origin with `branches` feature branches of 3 commits, each with unobserved lines. */
  const fixture = (branches: number): string => {
    const dir = path.join(tmp, `b${branches}`);
    fs.mkdirSync(dir);
    const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, env, encoding: 'utf8' }).trim();
    const origin = path.join(dir, 'origin.git');
    const ada = path.join(dir, 'ada');
    const bo = path.join(dir, 'bo');
    const key = path.join(dir, 'bo-key');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', key]);
    git(dir, 'init', '-q', '--bare', '-b', 'main', origin);
    git(dir, 'clone', '-q', origin, ada);
    const reviewer = { name: 'Bo', email: 'bo@example.com', key: fs.readFileSync(`${key}.pub`, 'utf8').trim() };
    fs.writeFileSync(
      path.join(ada, '.countersign.json'),
      JSON.stringify({ protectedBranches: ['main'], reviewers: [reviewer] }),
    );
    git(ada, 'add', '.');
    git(ada, 'commit', '-q', '-m', 'policy');
    for (let b = 0; b < branches; b++) {
      git(ada, 'checkout', '-q', '-b', `feature/${b}`, 'main');
      for (let c = 0; c < 3; c++) {
        const lines = Array.from({ length: (c + 1) * 10 }, (_, i) => `export const v${i} = ${b};`);
        fs.writeFileSync(path.join(ada, `f${b}.ts`), lines.join('\n') + '\n');
        git(ada, 'add', '.');
        // The trailer accounts for fewer lines than the diff adds: the rest are untracked, so every step of the
        // untracked rule runs (sizes, written lines, the count since the last approval).
        git(ada, 'commit', '-q', '-m', `change ${b}.${c}`, '-m', `AI-Provenance: v1 ai=${c} human=2 untracked=3`);
      }
    }
    git(ada, 'push', '-q', 'origin', '--all');
    git(dir, 'clone', '-q', origin, bo);
    git(bo, 'config', 'user.email', 'bo@example.com');
    return bo;
  };

  const coldRefresh = async (clone: string, branches: number) => {
    process.env = env;
    forgetKeptAnswers();
    const before = spawned;
    const snapshot = await repoSnapshot(clone, { maxBranches: branches });
    const listed = snapshot.branches.length;
    process.env = saved;
    return { processes: spawned - before, listed };
  };

  it('a cold refresh of 8 branches starts as many git processes as one of 2 (at most one more)', async () => {
    const two = await coldRefresh(fixture(2), 2);
    const eight = await coldRefresh(fixture(8), 8);
    assert.strictEqual(two.listed, 2);
    assert.strictEqual(eight.listed, 8);
    assert.ok(
      eight.processes <= two.processes + 1,
      `8 branches: ${eight.processes} git processes, 2 branches: ${two.processes}`,
    );
    assert.ok(eight.processes <= 20, `8 branches: ${eight.processes} git processes`);
  });
});
