import { agentOfProgram } from '../agents/agentIdentity';

/**
 * Which AI agent a terminal command starts (docs/design.md: "the agent is named from the command's program, after
 * any leading VAR=value words, without its directory"). A `diskWrite` while such a command runs is that
 * agent's.
 */
/** The canonical agent a terminal command runs, or undefined for anything else (`git pull`, `npm test`…). */
export function agentForCommand(command: string): string | undefined {
  const program = commandProgram(command);
  if (program === undefined) return undefined;
  return agentOfProgram(program);
}

/**
 * The agent a disk write is credited to while `commands` run (oldest first): the latest started agent CLI, as
 * the engine holds them (a `diskWrite` while a known agent CLI runs in a terminal is that agent's).
 */
export function runningAgent(commands: readonly string[]): string | undefined {
  for (let i = commands.length - 1; i >= 0; i--) {
    const agent = agentForCommand(commands[i]);
    if (agent !== undefined) return agent;
  }
  return undefined;
}

/**
 * The program's base name: the first shell word that is not an environment assignment, without its directory.
 * Windows launchers (`claude.cmd`, `codex.exe`) name the same program, so their extension is dropped too.
 */
export function commandProgram(command: string): string | undefined {
  for (const word of shellWords(command)) {
    if (/^[A-Za-z_][A-Za-z0-9_]*=/.test(word)) continue;
    const base = word.split(/[\\/]/).pop() ?? '';
    return base.replace(/\.(exe|cmd|bat|ps1)$/i, '') || undefined;
  }
  return undefined;
}

/**
 * Splits the leading words of a shell command, honouring quotes and escaped spaces, so that
 * `FOO="a b" claude` names `claude`. It stops at the first operator (`;`, `|`, `&`, `(`…): what follows is
 * another command, and the program that starts first is the one that runs in the terminal.
 */
function shellWords(command: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  for (let i = 0; i < command.length; i++) {
    const c = command[i];
    if (c === ' ' || c === '\t' || c === '\n') {
      if (inWord) {
        words.push(word);
        word = '';
        inWord = false;
      }
      continue;
    }
    if (c === ';' || c === '|' || c === '&' || c === '(' || c === ')' || c === '<' || c === '>') {
      if (inWord) words.push(word);
      return words;
    }
    inWord = true;
    // A backslash escapes a space or a quote (POSIX); before anything else it is kept, because on Windows
    // (PowerShell, cmd) it separates directories, as in C:\tools\codex.cmd.
    if (c === '\\' && i + 1 < command.length && /[\s'"]/.test(command[i + 1])) {
      word += command[++i];
      continue;
    }
    if (c === "'" || c === '"') {
      const close = command.indexOf(c, i + 1);
      const end = close < 0 ? command.length : close;
      word += command.slice(i + 1, end);
      i = end;
      continue;
    }
    word += c;
  }
  if (inWord) words.push(word);
  return words;
}
