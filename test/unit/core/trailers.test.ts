import * as assert from 'assert';
import { execFileSync } from 'child_process';
import {
  agentOfAssistedBy,
  assistedByToAdd,
  formatAssistedBy,
  parseTrailers,
  readAiProvenance,
} from '../../../src/core/trailers';

function gitParse(message: string): string[] {
  return execFileSync('git', ['interpret-trailers', '--parse'], { input: message, encoding: 'utf8' })
    .split('\n')
    .filter(Boolean);
}

describe('trailers', () => {
  describe('Assisted-by', () => {
    it('formats the docs/design.md examples', () => {
      assert.strictEqual(formatAssistedBy('claude-code', 'claude-sonnet-4-5'), 'Claude:claude-sonnet-4-5 claude-code');
      assert.strictEqual(formatAssistedBy('inline-completion'), 'Copilot:inline vscode');
    });

    it('maps every canonical agent, with unknown models and agents outside the table', () => {
      assert.strictEqual(formatAssistedBy('codex', 'gpt-5-codex'), 'Codex:gpt-5-codex codex');
      assert.strictEqual(formatAssistedBy('gemini-cli', 'gemini-2.5-pro'), 'Gemini:gemini-2.5-pro gemini-cli');
      assert.strictEqual(formatAssistedBy('copilot', 'gpt-4.1'), 'Copilot:gpt-4.1 vscode');
      assert.strictEqual(formatAssistedBy('copilot-cli'), 'Copilot:unknown copilot-cli');
      assert.strictEqual(formatAssistedBy('cursor', 'auto'), 'Cursor:auto cursor');
      assert.strictEqual(formatAssistedBy('unknown'), 'Unknown:unknown');
      assert.strictEqual(formatAssistedBy('windsurf', 'swe 1'), 'Windsurf:swe-1 windsurf');
    });

    it('reads its own output back to the canonical agent', () => {
      for (const agent of [
        'claude-code',
        'codex',
        'gemini-cli',
        'cursor',
        'copilot',
        'copilot-cli',
        'kiro',
        'aider',
        'amp',
        'opencode',
        'inline-completion',
      ]) {
        const a = agentOfAssistedBy(formatAssistedBy(agent, 'm1'));
        assert.deepStrictEqual(a, { agent: agent === 'inline-completion' ? 'copilot' : agent, model: 'm1' }, agent);
      }
      assert.deepStrictEqual(agentOfAssistedBy(formatAssistedBy('inline-completion')), { agent: 'inline-completion' });
    });

    it('does not add an Assisted-by the message already has for the same agent and model', () => {
      const existing = parseTrailers('subject\n\nAssisted-by: Claude:claude-sonnet-4-5\nSigned-off-by: A <a@b>\n');
      assert.deepStrictEqual(
        assistedByToAdd(existing, ['Claude:claude-sonnet-4-5 claude-code', 'Codex:gpt-5 codex', 'Codex:gpt-5 codex']),
        ['Codex:gpt-5 codex'],
      );
    });
  });

  describe('AI-Provenance: exactly one readable trailer, never last-wins', () => {
    const read = (msg: string) => readAiProvenance(parseTrailers(msg));
    it('one trailer: its counts', () =>
      assert.deepStrictEqual(read('s\n\nAI-Provenance: v1 ai=2 human=3 untracked=0 future=7\n'), {
        kind: 'ok',
        counts: { ai: 2, human: 3, untracked: 0 },
        raw: 'v1 ai=2 human=3 untracked=0 future=7',
      }));
    it('none: absent (unattested)', () =>
      assert.deepStrictEqual(read('s\n\nSigned-off-by: A <a@b>\n'), { kind: 'absent' }));
    it('regression: two trailers (ai=50, then ai=0) are unreadable, in either order', () => {
      for (const msg of [
        's\n\nAI-Provenance: v1 ai=50 human=0 untracked=0\nAI-Provenance: v1 ai=0 human=50 untracked=0\n',
        's\n\nai-provenance: v1 ai=0 human=50 untracked=0\nAI-Provenance: v1 ai=50 human=0 untracked=0\n',
      ]) {
        const r = read(msg);
        assert.strictEqual(r.kind, 'unreadable');
        assert.match(r.kind === 'unreadable' ? r.why : '', /carries 2 AI-Provenance trailers/);
      }
    });
    it('regression: a key given twice (ai=50 … ai=0) is unreadable', () => {
      const r = read('s\n\nAI-Provenance: v1 ai=50 human=0 untracked=0 ai=0\n');
      assert.deepStrictEqual(r, {
        kind: 'unreadable',
        raw: 'v1 ai=50 human=0 untracked=0 ai=0',
        why: '"v1 ai=50 human=0 untracked=0 ai=0" names ai twice',
      });
    });
    it('a value that is not v1 ai=N human=N untracked=N is unreadable', () =>
      assert.strictEqual(read('s\n\nAI-Provenance: v1 ai=lots\n').kind, 'unreadable'));
  });

  describe('parseTrailers agrees with git interpret-trailers --parse', () => {
    const cases: Record<string, string> = {
      'plain trailers': 'subject\n\nbody\n\nSigned-off-by: A <a@b>\nAI-Provenance: v1 ai=1 human=0 untracked=0\n',
      'subject only': 'just a subject\n',
      'empty message': '',
      CRLF: 'subject\r\n\r\nSigned-off-by: A <a@b>\r\n',
      'non-ASCII name': 'sujet\n\nCo-authored-by: Zoë Ünal <z@example.com>\n',
      'mixed paragraph with a git-generated trailer': 'subject\n\nsome words here\nSigned-off-by: A <a@b>\n',
      'comment lines and scissors':
        'subject\n\nAssisted-by: Claude:x claude-code\n# a comment\n# ------------------------ >8 ------------------------\ndiff --git a/x b/x\n',
      'continuation line': 'subject\n\nCo-authored-by: A\n  <a@b>\n',
      'cherry-pick -x line':
        'subject\n\n(cherry picked from commit 0123456789abcdef0123456789abcdef01234567)\nSigned-off-by: A <a@b>\n',
    };
    for (const [name, msg] of Object.entries(cases)) {
      it(name, () => {
        assert.deepStrictEqual(
          parseTrailers(msg).map((t) => `${t.key}: ${t.value}`),
          gitParse(msg).map((l) => l.replace(/\r$/, '')),
        );
      });
    }
  });
});
