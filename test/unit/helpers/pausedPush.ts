import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { tempDir } from './tempDirs';
import type { TempRepo } from './tempRepo';

/**
 * A push whose pre-receive gate stops in the middle of its judgement until the test lets it go: the window in
 * which git runs another push's hook and ref update (attack17 Q8/Q9), made certain instead of timed. Only this
 * push's `git receive-pack` gets a `git` wrapper first on its hooks' PATH; the wrapper pauses when the gate first asks
 * for the repository's facts (`rev-parse --show-object-format ...`, gitRunner's repository facts), which it does after
 * its snapshot of the refs and the server's config (receiveGate.ts reads both first, in either order). No production
 * code knows; if the gate's first reads change, the tests using this say "never reached its judgement".
 */
export interface PausedPush {
  /** Resolves once the gate has read the refs and is paused. */
  judging: Promise<void>;
  /** Lets the judgement go on. */
  release(): void;
  done: Promise<{ status: number; stderr: string }>;
}

export function pausedPush(repo: TempRepo, args: string[]): PausedPush {
  const dir = tempDir('cs-paused-');
  // git puts its exec-path first on its hooks' PATH, so the wrapper goes into a copy of that folder (links to
  // the real programs but for `git`), named by GIT_EXEC_PATH for this push's receive-pack only.
  const execPath = spawnSync('git', ['--exec-path'], { encoding: 'utf8' }).stdout.trim();
  const realGit = path.join(execPath, 'git');
  const judging = path.join(dir, 'judging');
  const go = path.join(dir, 'go');
  fs.mkdirSync(path.join(dir, 'bin'));
  for (const f of fs.readdirSync(execPath))
    if (f !== 'git') fs.symlinkSync(path.join(execPath, f), path.join(dir, 'bin', f));
  fs.writeFileSync(
    path.join(dir, 'bin', 'git'),
    `#!/bin/sh
case "$*" in *"rev-parse --show-object-format"*)
  : > '${judging}'; i=0
  while [ ! -e '${go}' ] && [ $i -lt 1200 ]; do sleep 0.05; i=$((i+1)); done;;
esac
exec '${realGit}' "$@"
`,
    { mode: 0o755 },
  );
  const receivePack = `env GIT_EXEC_PATH='${path.join(dir, 'bin')}' git receive-pack`;
  const child = spawn('git', ['push', '--no-verify', `--receive-pack=${receivePack}`, ...args], {
    cwd: repo.dir,
    env: repo.env,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<{ status: number; stderr: string }>((resolve) =>
    child.on('close', (code) => resolve({ status: code ?? -1, stderr })),
  );
  const started = Date.now();
  const judgingP = new Promise<void>((resolve, reject) => {
    const poll = () => {
      if (fs.existsSync(judging)) resolve();
      else if (Date.now() - started > 60_000)
        reject(new Error(`the paused push never reached its judgement: ${stderr}`));
      else setTimeout(poll, 20);
    };
    poll();
  });
  return { judging: judgingP, release: () => fs.writeFileSync(go, ''), done };
}
