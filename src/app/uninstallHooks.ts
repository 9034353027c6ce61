import { CountersignError } from '../core/errors';
import { disconnectAgents, type DisconnectResult } from '../git/agentDisconnect';
import { removeCliCopy, removeInstalledHooks } from '../git/hookInstaller';
import { readManifest } from '../git/hookManifest';
import { runGit } from '../git/gitRunner';
import { TRACKING_PREFIX } from '../git/notesConfig';
import * as fs from 'fs';
import * as path from 'path';
import { countersignDir, resolveRepo, type RepoPaths } from '../git/repository';

/**
 * `countersign uninstall` and the editor's "Uninstall Hooks": what `agents connect` added to files that are not
 * committed, then exactly what install added (src/git/hookInstaller.ts undoes it from the manifest).
 */
export interface UninstallResult {
  repo: RepoPaths;
  restoredHooksPath: string | null;
  removedConfig: number;
  wasInstalled: boolean;
  /** What `agents connect` had added that uninstall took out (personal and uncommitted files only). */
  agents: DisconnectResult;
  /**
   * What is left in `.git/countersign` on purpose (the working ledger and the agents' record: line labels of
   * uncommitted work, which a later install reuses), as paths relative to the repository's git folder's
   * parent (`.git/countersign/ledger`); empty when nothing is left. Said, not silently kept (newuser8 F4).
   */
  kept: string[];
  /**
   * The fetched copies of the remotes' notes (refs/countersign/remotes/…), kept: install's refspecs are not
   * their only writer — verify, approve and review fetch into them too and read them — so they are not install's
   * to remove; said, with how to delete them (newuser15 #13).
   */
  keptRefs: string[];
}

function keptFiles(repo: RepoPaths): string[] {
  const dir = countersignDir(repo);
  let names: string[];
  try {
    names = fs.readdirSync(dir).sort();
  } catch {
    return [];
  }
  const shown = path.relative(repo.root ?? path.dirname(repo.commonDir), dir) || dir;
  return names.map((n) => path.join(shown, n));
}

async function trackingRefs(repo: RepoPaths): Promise<string[]> {
  const r = await runGit(['for-each-ref', '--format=%(refname)', TRACKING_PREFIX], { cwd: repo.commonDir });
  return r.stdout.split('\n').filter((l) => l !== '');
}

export async function uninstallHooks(cwd: string): Promise<UninstallResult> {
  const repo = await resolveRepo(cwd);
  // A server's bare repository holds the gate (its CLI copy, its policy memory), not a clone's hooks: as
  // install does, refuse and name --server, rather than call those files a ledger one may delete (newuser13 R11).
  if (repo.bare) {
    throw new CountersignError(
      'config',
      `${repo.commonDir} is a bare repository: use \`countersign uninstall --server\` there (it removes the pre-receive gate; ${path.basename(countersignDir(repo))}/ holds the gate's CLI copy and policy memory, which the gate needs while it is installed)`,
    );
  }
  const manifest = readManifest(repo);
  // `agents connect` works without install (it writes the CLI copy itself), so this comes first. Committed
  // agent settings are the team's: they are left, and the result says so.
  const agents = repo.root ? await disconnectAgents(repo, undefined, { localOnly: true }) : { files: [], agents: [] };
  if (!manifest) {
    // The CLI copy connect wrote for its hooks goes with them.
    if (agents.files.length > 0 && agents.files.every((f) => f.status !== 'kept')) removeCliCopy(repo);
    const keptRefs = await trackingRefs(repo);
    return {
      repo,
      restoredHooksPath: null,
      removedConfig: 0,
      wasInstalled: false,
      agents,
      kept: keptFiles(repo),
      keptRefs,
    };
  }
  const removed = await removeInstalledHooks(cwd, repo, manifest);
  return { repo, ...removed, wasInstalled: true, agents, kept: keptFiles(repo), keptRefs: await trackingRefs(repo) };
}
