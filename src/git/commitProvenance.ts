import * as fs from 'fs';
import * as path from 'path';
import { AI_PROVENANCE, formatAiProvenance, type ProvenanceCounts, type Trailer } from '../core/trailers';
import { writeFileAtomic } from './atomicFile';
import { runGit } from './gitRunner';
import { countersignDir, resolveRepo } from './repository';
import { resolveCommit, stagedNumstat } from './stagedDiff';

/**
 * prepare-commit-msg: compute the staged change's provenance, write the trailers into the message and
 * leave them (and the index tree they describe) in `.git/countersign/pending/` for the shell-only
 * commit-msg and post-commit steps.
 */
export interface PrepareArgs {
  messageFile: string;
  source?: string;
  sha?: string;
}

export async function commitBase(cwd: string, args: Pick<PrepareArgs, 'source' | 'sha'>): Promise<string | undefined> {
  const head = await resolveCommit(cwd, 'HEAD');
  if (!head) return undefined;
  if (args.source === 'commit' && args.sha) {
    const named = await resolveCommit(cwd, args.sha);
    // `--amend` names HEAD itself: the amended commit replaces it, so its change is measured from HEAD's parent.
    if (named === head) return resolveCommit(cwd, 'HEAD^');
  }
  return head;
}

export async function stagedProvenance(cwd: string, base: string | undefined): Promise<ProvenanceCounts> {
  const files = await stagedNumstat(cwd, base);
  const untracked = files.reduce((n, f) => n + (f.added ?? 0), 0);
  return { ai: 0, human: 0, untracked };
}

export async function addTrailers(cwd: string, messageFile: string, trailers: Trailer[]): Promise<void> {
  const args = ['interpret-trailers', '--in-place', '--if-exists', 'replace'];
  for (const t of trailers) args.push('--trailer', `${t.key}: ${t.value}`);
  args.push(messageFile);
  await runGit(args, { cwd });
}

export async function prepareCommitMessage(cwd: string, args: PrepareArgs): Promise<Trailer[]> {
  const repo = await resolveRepo(cwd);
  const base = await commitBase(cwd, args);
  const counts = await stagedProvenance(cwd, base);
  const trailers: Trailer[] = [{ key: AI_PROVENANCE, value: formatAiProvenance(counts) }];
  await addTrailers(cwd, path.resolve(cwd, args.messageFile), trailers);
  const pending = path.join(countersignDir(repo), 'pending');
  fs.mkdirSync(pending, { recursive: true });
  const tree = (await runGit(['write-tree'], { cwd })).stdout.trim();
  writeFileAtomic(path.join(pending, 'trailers'), trailers.map((t) => `${t.key}: ${t.value}`).join('\n') + '\n');
  writeFileAtomic(path.join(pending, 'tree'), tree + '\n');
  return trailers;
}
