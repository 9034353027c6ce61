import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { tempDir } from './tempDirs';

/** The built CLI (tests run after `npm run build`, from the repository root; COUNTERSIGN_OUT for a separate build folder). */
export const CLI = path.resolve(process.env.COUNTERSIGN_OUT ?? 'dist', 'cli.js');

/**
 * Synchronous child processes cannot be interrupted by mocha's timeout, so each gets its own: a hang becomes
 * a failure that names the command instead of a CI run that never ends.
 */
export const SYNC_TIMEOUT_MS = 90_000;
const sync = { timeout: SYNC_TIMEOUT_MS, killSignal: 'SIGKILL' as const };

/** An environment that ignores the developer's own git config, so tests see only what they set. */
export function isolatedEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const home = tempDir('cs-home-');
  // A test that makes git open an editor by mistake fails at once instead of hanging; tests that want an
  // editor say so with `-c core.editor=…` (an environment variable would override that). No automatic
  // housekeeping: every fetch, commit and merge started `git maintenance run --auto` and every push the server's
  // `git gc --auto`, processes of git's own in every test that nothing here judges (a real server keeps them).
  fs.writeFileSync(
    path.join(home, '.gitconfig'),
    '[core]\n\teditor = false\n[sequence]\n\teditor = false\n' +
      '[maintenance]\n\tauto = false\n[gc]\n\tauto = 0\n[receive]\n\tautogc = false\n',
  );
  return {
    ...process.env,
    HOME: home,
    XDG_CONFIG_HOME: path.join(home, '.config'),
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_AUTHOR_NAME: 'Ada Author',
    GIT_AUTHOR_EMAIL: 'ada@example.com',
    GIT_COMMITTER_NAME: 'Ada Author',
    GIT_COMMITTER_EMAIL: 'ada@example.com',
    COUNTERSIGN_SKIP: '',
    COUNTERSIGN_TRACE: '',
    GIT_TERMINAL_PROMPT: '0',
    SSH_ASKPASS: '',
    GIT_ASKPASS: '',
    ...extra,
  };
}

export class TempRepo {
  readonly env: NodeJS.ProcessEnv;
  private constructor(
    readonly dir: string,
    env: NodeJS.ProcessEnv,
  ) {
    this.env = env;
  }

  static create(opts: { bare?: boolean; env?: NodeJS.ProcessEnv } = {}): TempRepo {
    const dir = tempDir('cs-repo-');
    const repo = new TempRepo(dir, isolatedEnv(opts.env));
    repo.git('init', '-q', '-b', 'main', ...(opts.bare ? ['--bare'] : []));
    // The lines three `git config` runs would add, written at once: the suite makes thousands of repositories,
    // and each git start costs more than the write. Tests that change these still go through `git config`.
    if (!opts.bare)
      fs.appendFileSync(
        path.join(dir, '.git', 'config'),
        '[user]\n\tname = Ada Author\n\temail = ada@example.com\n[commit]\n\tgpgsign = false\n',
      );
    return repo;
  }

  /** A repository some command already made at `dir` (a clone), with the same isolated environment. */
  static at(dir: string, env?: NodeJS.ProcessEnv): TempRepo {
    return new TempRepo(fs.realpathSync(dir), isolatedEnv(env));
  }

  git(...args: string[]): string {
    return execFileSync('git', args, {
      cwd: this.dir,
      env: this.env,
      encoding: 'utf8',
      stdio: ['pipe', 'pipe', 'pipe'],
      ...sync,
    }).replace(/\n$/, '');
  }

  /** Runs git and returns the whole result, for commands expected to fail. */
  gitResult(args: string[], input?: string): { status: number; stdout: string; stderr: string } {
    const r = spawnSync('git', args, { cwd: this.dir, env: this.env, encoding: 'utf8', input, ...sync });
    return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
  }

  cli(
    args: string[],
    opts: { input?: string; env?: NodeJS.ProcessEnv } = {},
  ): { status: number; stdout: string; stderr: string } {
    const r = spawnSync(process.execPath, [CLI, ...args], {
      cwd: this.dir,
      env: { ...this.env, ...opts.env },
      encoding: 'utf8',
      input: opts.input ?? '',
      ...sync,
    });
    return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
  }

  write(file: string, content: string): void {
    const p = path.join(this.dir, file);
    fs.mkdirSync(path.dirname(p), { recursive: true });
    fs.writeFileSync(p, content);
  }

  read(file: string): string {
    return fs.readFileSync(path.join(this.dir, file), 'utf8');
  }

  commit(message: string, ...extra: string[]): string {
    this.git('commit', '-q', '-m', message, ...extra);
    return this.git('rev-parse', 'HEAD');
  }

  /**
   * Stores `object` as a commit object byte for byte, `--literally` (git's own checks would refuse the malformed
   * headers the attacks need), and returns its id.
   */
  writeCommitObject(object: string | Buffer): string {
    return execFileSync('git', ['hash-object', '-t', 'commit', '-w', '--stdin', '--literally'], {
      cwd: this.dir,
      env: this.env,
      input: object,
      encoding: 'utf8',
      ...sync,
    }).trim();
  }

  /** Parsed trailers of a commit, by git itself. */
  trailers(rev = 'HEAD'): string[] {
    const msg = this.git('log', '-1', '--format=%B', rev);
    return execFileSync('git', ['interpret-trailers', '--parse'], { input: msg, encoding: 'utf8', ...sync })
      .split('\n')
      .filter(Boolean);
  }
}
