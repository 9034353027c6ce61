import type { CliContext, Command } from '../../cli/command';
import { CountersignError } from '../../core/errors';

/**
 * Runs one of the CLI's subcommands inside the extension host, with its output captured: the editor's
 * "Create Policy", "Connect AI Agents" and "Open Report" do exactly what `countersign policy init`,
 * `agents connect` and `report --format html` do, from the same code, without a second Node process.
 */
export interface InProcessResult {
  code: number;
  stdout: string;
  stderr: string;
}

export async function runCliCommand(command: Command, argv: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): Promise<InProcessResult> {
  let stdout = '';
  let stderr = '';
  const ctx: CliContext = {
    cwd,
    env,
    stdout: (t) => { stdout += t; },
    stderr: (t) => { stderr += t; },
    readStdin: () => Promise.resolve(''),
  };
  const code = await command.run(argv, ctx);
  return { code, stdout, stderr };
}

/** Like runCliCommand, but a non-zero exit becomes a CountersignError carrying what the command printed. */
export async function runCliCommandOrThrow(command: Command, argv: string[], cwd: string): Promise<InProcessResult> {
  const r = await runCliCommand(command, argv, cwd);
  if (r.code !== 0) {
    throw new CountersignError('config', `countersign ${command.name} ${argv.join(' ')} failed: ${(r.stderr || r.stdout).trim() || `exit ${r.code}`}`);
  }
  return r;
}
