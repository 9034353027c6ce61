import { runGit } from './gitRunner';

export async function resolveCommit(cwd: string, rev: string): Promise<string | undefined> {
  const r = await runGit(['rev-parse', '--verify', '--quiet', `${rev}^{commit}`], { cwd, okCodes: [1, 128] });
  return r.code === 0 ? r.stdout.trim() : undefined;
}
