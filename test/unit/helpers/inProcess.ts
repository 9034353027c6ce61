import { installHooks } from '../../../src/app/installHooks';
import { openLedger } from '../../../src/git/ledger';
import { uncommittedAttribution, type FileCounts } from '../../../src/git/uncommittedAttribution';
import { CLI, type TempRepo } from './tempRepo';

/**
 * What a CLI command does, run in the test's own process, for tests whose subject is something else (what the
 * installed hooks or an agent's hook recorded): each call saves a CLI start, about 0.1 s of CPU. The commands
 * themselves keep their own tests through the built CLI. process.env is the repository's isolated environment
 * meanwhile, as it is in the CLI: the git processes started must not read the developer's git configuration.
 */
export async function inRepoEnv<T>(repo: TempRepo, run: () => Promise<T>): Promise<T> {
  const saved = process.env;
  process.env = repo.env;
  try {
    return await run();
  } finally {
    process.env = saved;
  }
}

/**
 * `countersign install`: the use case that command and the editor's "Install Hooks" both run
 * (src/app/installHooks.ts), with the built CLI as the copy to install, as the command copies itself.
 */
export function installHooksInProcess(repo: TempRepo): Promise<void> {
  return inRepoEnv(repo, async () => {
    await installHooks(repo.dir, { cliSource: CLI, nodeBinary: process.execPath });
  });
}

/** `countersign status --json`'s document: the counts `status` computes (src/git/uncommittedAttribution.ts). */
export function statusInProcess(repo: TempRepo): Promise<{ files: Record<string, FileCounts> }> {
  return inRepoEnv(repo, async () => {
    const files: Record<string, FileCounts> = {};
    for (const [p, { ai, human, untracked, agents }] of Object.entries(
      await uncommittedAttribution(await openLedger(repo.dir)),
    ))
      files[p] = { ai, human, untracked, agents };
    return { files };
  });
}
