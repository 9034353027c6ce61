import { installHooks } from '../../../src/app/installHooks';
import { CLI, type TempRepo } from './tempRepo';

/**
 * `countersign install` for tests whose subject is what the installed hooks do, not the install command: the
 * use case that command and the editor's "Install Hooks" both run (src/app/installHooks.ts), called in this
 * process with the built CLI as the copy to install, as the command copies itself. It saves a CLI start (about
 * 0.1 s of CPU) per repository. process.env is the repository's isolated environment meanwhile, as it is in the
 * CLI: the git processes the install starts must not read the developer's own git configuration.
 */
export async function installHooksInProcess(repo: TempRepo): Promise<void> {
  const saved = process.env;
  process.env = repo.env;
  try {
    await installHooks(repo.dir, { cliSource: CLI, nodeBinary: process.execPath });
  } finally {
    process.env = saved;
  }
}
