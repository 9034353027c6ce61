import * as assert from 'assert';
import { agentForCommand, commandProgram } from '../../../../src/core/attribution/agentNames';

describe('agent CLIs in the terminal are named from the program after VAR=value words, without its directory', () => {
  const table: Array<[string, string]> = [
    ['claude', 'claude-code'],
    ['codex', 'codex'],
    ['gemini', 'gemini-cli'],
    ['aider', 'aider'],
    ['cursor-agent', 'cursor'],
    ['copilot', 'copilot-cli'],
    ['kiro-cli', 'kiro'],
    ['amp', 'amp'],
    ['opencode', 'opencode'],
  ];
  for (const [program, agent] of table) {
    it(`${program} -> ${agent}`, () => {
      assert.strictEqual(agentForCommand(program), agent);
      assert.strictEqual(agentForCommand(`FOO=1 BAR="a b" /opt/bin/${program} --flag "x y"`), agent);
    });
  }

  it('other programs, and agent names appearing only as arguments, are not agents', () => {
    for (const c of ['git pull', 'npm test', 'echo claude', 'vim codex.md', 'cursor .', 'kiro', 'gemini-cli', '']) {
      assert.strictEqual(agentForCommand(c), undefined, c);
    }
  });

  it('parses quoting, escapes, Windows paths and launchers', () => {
    assert.strictEqual(commandProgram("A='x y' B=\\ z claude"), 'claude');
    assert.strictEqual(agentForCommand('C:\\Users\\me\\AppData\\npm\\codex.cmd exec'), 'codex');
    assert.strictEqual(agentForCommand('"/Applications/My Tools/aider" --yes'), 'aider');
    assert.strictEqual(agentForCommand('claude; rm -rf x'), 'claude-code');
  });
});
