import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { HOOK_AGENTS, type HookAgent } from '../core/agents/hookAgents';

/**
 * Which agents are installed on this machine, for `init` ("the agents found"): a program of theirs on PATH,
 * or the folder they keep their user settings in under the home directory. A guess by design — `init
 * --agents` overrides it, and connecting an agent that is not there only writes a settings file.
 */
const SIGNS: Record<HookAgent, { programs: string[]; homeDirs: string[] }> = {
  claude: { programs: ['claude'], homeDirs: ['.claude'] },
  codex: { programs: ['codex'], homeDirs: ['.codex'] },
  gemini: { programs: ['gemini'], homeDirs: ['.gemini'] },
  cursor: { programs: ['cursor-agent', 'cursor'], homeDirs: ['.cursor'] },
  copilot: { programs: ['copilot'], homeDirs: ['.copilot'] },
  kiro: { programs: ['kiro-cli', 'kiro'], homeDirs: ['.kiro'] },
  vscode: { programs: ['code', 'code-insiders', 'code-server'], homeDirs: ['.vscode', '.vscode-server'] },
};

function onPath(program: string, env: NodeJS.ProcessEnv): boolean {
  const exts = process.platform === 'win32' ? (env.PATHEXT ?? '.EXE;.CMD;.BAT').split(';') : [''];
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    for (const ext of exts) {
      try {
        const st = fs.statSync(path.join(dir, program + ext));
        if (st.isFile() && (process.platform === 'win32' || (st.mode & 0o111) !== 0)) return true;
      } catch {
        // not here
      }
    }
  }
  return false;
}

export function detectAgents(env: NodeJS.ProcessEnv = process.env): Array<{ agent: HookAgent; why: string }> {
  const home = env.HOME ?? os.homedir();
  const found: Array<{ agent: HookAgent; why: string }> = [];
  for (const agent of HOOK_AGENTS) {
    const { programs, homeDirs } = SIGNS[agent];
    const program = programs.find((p) => onPath(p, env));
    if (program) {
      found.push({ agent, why: `${program} on PATH` });
      continue;
    }
    if (agent === 'vscode' && env.TERM_PROGRAM === 'vscode') {
      found.push({ agent, why: 'running in a VS Code terminal' });
      continue;
    }
    const dir = homeDirs.find((d) => fs.existsSync(path.join(home, d)));
    if (dir) found.push({ agent, why: `~/${dir} exists` });
  }
  return found;
}
