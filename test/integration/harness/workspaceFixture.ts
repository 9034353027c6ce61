import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

/**
 * The folder the workbench opens: a real git repository with one commit on main, its own identity and no
 * signing, so tests can stage, commit and install hooks in it as a user would.
 */
export function createWorkspaceRepo(dir: string, env: NodeJS.ProcessEnv): string {
  fs.mkdirSync(dir, { recursive: true });
  const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  git('init', '-q', '-b', 'main');
  git('config', 'user.name', 'Ada Author');
  git('config', 'user.email', 'ada@example.com');
  git('config', 'commit.gpgsign', 'false');
  fs.writeFileSync(path.join(dir, 'README.md'), '# Fixture\n\nA repository for Countersign integration tests.\n');
  fs.writeFileSync(path.join(dir, 'hello.ts'), "export const greeting = 'hello';\n");
  git('add', '-A');
  git('commit', '-q', '-m', 'Initial commit');
  return fs.realpathSync(dir);
}
