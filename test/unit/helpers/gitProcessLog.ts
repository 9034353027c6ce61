import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/**
 * Counts the git processes a command starts: a `git` shim in front of the real one on PATH logs each start's
 * arguments, then runs the real git. A count is git's own, so it cannot drift with load as a time would.
 * `onlyIn` logs only the processes started in that directory (a server's hook runs its git there), not the
 * pushing client's own; `virtualMemoryKb` runs every git under that `ulimit -v` (one that would grow past it dies).
 * `tools` also counts those other programs (mv, rm, mktemp, ...: what the server's shell hooks start), apart from git's.
 */
export class GitProcessLog {
  private readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cs-gitcount-'));
  private readonly log = path.join(this.dir, 'starts.log');
  private readonly toolLog = path.join(this.dir, 'tools.log');
  /** PATH with the shim first: pass it in the environment of the command to count. */
  readonly path: string;
  /**
   * The environment to count a command in: PATH, and GIT_EXEC_PATH naming the shim's folder too (holding
   * links to every other program of git's own). git puts its exec path before PATH for the hooks it runs, so
   * without this a server hook would find the real git first.
   */
  readonly env: NodeJS.ProcessEnv;

  constructor(opts: { onlyIn?: string; virtualMemoryKb?: number; tools?: readonly string[] } = {}) {
    const onPath = (name: string) =>
      (process.env.PATH ?? '')
        .split(path.delimiter)
        .map((d) => path.join(d, name))
        .find((f) => fs.existsSync(f)) as string;
    const realGit = onPath('git');
    // Every git under a memory limit: one that would grow past it dies ("Out of memory") instead.
    const limit = opts.virtualMemoryKb !== undefined ? `ulimit -v ${opts.virtualMemoryKb}\n` : '';
    const guard = opts.onlyIn ? `[ "$(pwd -P)" = '${fs.realpathSync(opts.onlyIn)}' ] && ` : '';
    fs.writeFileSync(
      path.join(this.dir, 'git'),
      `#!/bin/sh\n${limit}${guard}echo "$*" >> '${this.log}'\nexec '${realGit}' "$@"\n`,
      {
        mode: 0o755,
      },
    );
    for (const tool of opts.tools ?? [])
      fs.writeFileSync(
        path.join(this.dir, tool),
        `#!/bin/sh\n${guard}echo "${tool} $*" >> '${this.toolLog}'\nexec '${onPath(tool)}' "$@"\n`,
        { mode: 0o755 },
      );
    this.path = `${this.dir}${path.delimiter}${process.env.PATH}`;
    const execPath = execFileSync('git', ['--exec-path'], { encoding: 'utf8' }).trim();
    for (const f of fs.readdirSync(execPath))
      if (f !== 'git') fs.symlinkSync(path.join(execPath, f), path.join(this.dir, f));
    this.env = { PATH: this.path, GIT_EXEC_PATH: this.dir };
  }

  /** Forgets what was logged so far. */
  reset(): void {
    fs.rmSync(this.log, { force: true });
    fs.rmSync(this.toolLog, { force: true });
  }

  /** The logged starts of the `tools` (each "name arguments"), oldest first; git's are not among them. */
  toolStarts(): string[] {
    return fs.existsSync(this.toolLog) ? fs.readFileSync(this.toolLog, 'utf8').split('\n').filter(Boolean) : [];
  }

  /** Starts per tool, most first. */
  toolSummary(): string {
    const by = new Map<string, number>();
    for (const s of this.toolStarts()) by.set(s.split(' ')[0], (by.get(s.split(' ')[0]) ?? 0) + 1);
    return [...by.entries()]
      .sort((a, b) => b[1] - a[1])
      .map(([k, v]) => `${k}×${v}`)
      .join(' ');
  }

  /** The logged starts (arguments of each), oldest first. */
  starts(): string[] {
    return fs.existsSync(this.log) ? fs.readFileSync(this.log, 'utf8').split('\n').filter(Boolean) : [];
  }

  /** Starts per git subcommand, most first: what a failed assertion should show. */
  summary(): string {
    const by = new Map<string, number>();
    for (const s of this.starts()) {
      const sub = subcommandOf(s);
      by.set(sub, (by.get(sub) ?? 0) + 1);
    }
    return [...by.entries()]
      .sort((a, b) => b[1] - a[1])
      .map(([k, v]) => `${k}×${v}`)
      .join(' ');
  }

  /** How many starts ran `sub` (`-c` settings before it are not the subcommand). */
  count(sub: string): number {
    return this.starts().filter((s) => subcommandOf(s) === sub).length;
  }

  remove(): void {
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

/** A logged start's subcommand: the first word that is neither an option nor the value of a `-c`. */
export function subcommandOf(start: string): string {
  const words = start.split(' ');
  return words.find((w, i) => !w.startsWith('-') && words[i - 1] !== '-c') ?? start;
}
