import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { HOOK_AGENTS, type HookAgent } from '../core/agents/hookAgents';

/**
 * Which agents are used here, for `init` ("the agents found") and `agents connect --local` without AGENT: a
 * program of theirs on PATH, the folder they keep their user settings in under the home directory, or their
 * project files in the repository (a teammate's agent leaves `.claude/`, `CLAUDE.md`…). A guess by design —
 * naming agents (or `--all`) overrides it, and connecting an agent that is not there only writes a settings file.
 */
const SIGNS: Record<HookAgent, { programs: string[]; homeDirs: string[]; repoFiles: string[] }> = {
  claude: { programs: ['claude'], homeDirs: ['.claude'], repoFiles: ['.claude', 'CLAUDE.md'] },
  codex: { programs: ['codex'], homeDirs: ['.codex'], repoFiles: ['.codex'] },
  gemini: { programs: ['gemini'], homeDirs: ['.gemini'], repoFiles: ['.gemini', 'GEMINI.md'] },
  cursor: { programs: ['cursor-agent', 'cursor'], homeDirs: ['.cursor'], repoFiles: ['.cursor', '.cursorrules'] },
  copilot: { programs: ['copilot'], homeDirs: ['.copilot'], repoFiles: ['.github/copilot-instructions.md'] },
  kiro: { programs: ['kiro-cli', 'kiro'], homeDirs: ['.kiro'], repoFiles: ['.kiro'] },
  vscode: {
    programs: ['code', 'code-insiders', 'code-server'],
    homeDirs: ['.vscode', '.vscode-server'],
    repoFiles: ['.vscode'],
  },
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

/** The agents found, each with why (`claude on PATH`, `~/.gemini exists`, `.cursor in this repository`). */
export function detectAgents(
  env: NodeJS.ProcessEnv = process.env,
  root?: string,
): Array<{ agent: HookAgent; why: string }> {
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
    if (dir) {
      found.push({ agent, why: `~/${dir} exists` });
      continue;
    }
    const file = root ? SIGNS[agent].repoFiles.find((f) => fs.existsSync(path.join(root, f))) : undefined;
    if (file) found.push({ agent, why: `${file} in this repository` });
  }
  return found;
}
