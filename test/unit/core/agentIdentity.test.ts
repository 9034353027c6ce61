import * as assert from 'assert';
import {
  agentClassOf,
  agentDisplayName,
  agentOfHook,
  agentOfProgram,
  aiOfAuthor,
  aiOfCoAuthor,
  CANONICAL_AGENTS,
  canonicalAgent,
  HOOK_AGENTS,
  knownAgent,
} from '../../../src/core/agents/agentIdentity';
import { commitEvidence } from '../../../src/core/report/aiEvidence';
import { agentOfAssistedBy, formatAssistedBy, parseTrailers } from '../../../src/core/trailers';

const author = (name: string, email: string) => aiOfAuthor({ name, email });
const coAuthor = (name: string, email: string) => aiOfCoAuthor({ name, email });

describe('agent identity (one table)', () => {
  it("authors are agents only by exact bot accounts, exact agent addresses or aider's suffix — no email-domain rule", () => {
    assert.strictEqual(author('copilot-swe-agent[bot]', '198982749+Copilot@users.noreply.github.com'), 'copilot');
    assert.strictEqual(author('Copilot', '198982749+Copilot@users.noreply.github.com'), 'copilot');
    assert.strictEqual(
      author('devin-ai-integration[bot]', '158243242+devin-ai-integration[bot]@users.noreply.github.com'),
      'unknown',
    );
    assert.strictEqual(
      author('Someone', '158243242+devin-ai-integration[bot]@users.noreply.github.com'),
      'unknown',
      'the bot address alone',
    );
    assert.strictEqual(author('claude[bot]', '209825114+claude[bot]@users.noreply.github.com'), 'claude-code');
    assert.strictEqual(author('Paul Gauthier (aider)', 'paul@example.com'), 'aider');
    assert.strictEqual(author('Claude', 'noreply@anthropic.com'), 'claude-code');
    // people
    for (const [name, email] of [
      ['Dana', 'dana@anthropic.com'],
      ['Sam', 'sam@openai.com'],
      ['Lee', 'lee@cursor.com'],
      ['Kim', 'kim@ampcode.com'],
      ['Ola', 'ola@devin.ai'],
      ['Claude Monet', 'claude@example.com'],
      ['Devin', 'devin@example.com'],
      ['Copilot Fan', 'fan@example.com'],
      ['dependabot[bot]', '49699333+dependabot[bot]@users.noreply.github.com'],
      ['Bob', '12345+bob@users.noreply.github.com'],
    ])
      assert.strictEqual(author(name, email), undefined, `${name} <${email}>`);
  });

  it('co-authors are agents by those identities or by the product name followed only by product words', () => {
    const cases: Array<[string, string, string | undefined]> = [
      ['Claude', 'noreply@anthropic.com', 'claude-code'],
      ['Claude Opus 4.5', 'noreply@anthropic.com', 'claude-code'],
      ['Codex', 'codex@openai.com', 'codex'],
      ['Copilot', '175728472+Copilot@users.noreply.github.com', 'copilot'],
      ['GitHub Copilot', '', 'copilot'],
      ['devin-ai-integration[bot]', '158243242+devin-ai-integration[bot]@users.noreply.github.com', 'unknown'],
      ['aider (gpt-4o)', 'noreply@aider.chat', 'aider'],
      ['Cursor Agent', 'cursoragent@cursor.com', 'cursor'],
      ['gemini-code-assist[bot]', '176961590+gemini-code-assist[bot]@users.noreply.github.com', 'gemini-cli'],
      ['Devin Smith', 'devin@example.com', undefined],
      ['Jane', 'jane@anthropic.com', undefined],
      ['Max', 'max@openai.com', undefined],
    ];
    for (const [name, email, want] of cases) assert.strictEqual(coAuthor(name, email), want, `${name} <${email}>`);
  });

  it('names, programs, hooks, Assisted-by words and display names all come from the same rows', () => {
    assert.strictEqual(canonicalAgent('claude'), 'claude-code');
    assert.strictEqual(canonicalAgent('github-copilot-cli'), 'copilot-cli');
    assert.strictEqual(canonicalAgent('windsurf'), 'unknown');
    assert.strictEqual(knownAgent('devin'), undefined, 'an AI product outside the list is not a canonical name');
    assert.strictEqual(agentOfProgram('claude'), 'claude-code');
    assert.strictEqual(agentOfProgram('copilot'), 'copilot-cli');
    assert.strictEqual(agentOfProgram('git'), undefined);
    assert.deepStrictEqual(HOOK_AGENTS.map(agentOfHook), [
      'claude-code',
      'cursor',
      'codex',
      'gemini-cli',
      'copilot',
      'kiro',
      'copilot',
    ]);
    for (const agent of CANONICAL_AGENTS) {
      // every canonical agent round-trips through its Assisted-by trailer
      const written = formatAssistedBy(agent, agent === 'inline-completion' ? undefined : 'm');
      assert.strictEqual(agentOfAssistedBy(written).agent, agent, written);
      assert.strictEqual(knownAgent(agent), agent);
      assert.notStrictEqual(agentDisplayName(agent), '');
    }
    assert.strictEqual(agentClassOf('copilot-cli'), 'copilot');
    assert.strictEqual(agentClassOf('kiro'), 'other');
  });

  it("commit evidence (the gate's, the report's, explain's) reads identities through the table", () => {
    const ev = (name: string, email: string, message: string) =>
      commitEvidence({ authorName: name, authorEmail: email }, parseTrailers(message), message);
    assert.strictEqual(
      ev('Dana', 'dana@anthropic.com', 'fix\n\nSigned-off-by: Dana <dana@anthropic.com>').aiAssisted,
      false,
    );
    assert.deepStrictEqual(
      ev('Dana', 'dana@anthropic.com', 'fix\n\nCo-Authored-By: Claude <noreply@anthropic.com>').agents.map(
        (a) => a.agent,
      ),
      ['claude-code'],
    );
    assert.deepStrictEqual(
      ev('Ada (aider)', 'ada@example.com', 'x').agents.map((a) => [a.agent, a.source]),
      [['aider', 'author']],
    );
  });
});
