import * as assert from 'assert';
import { CANONICAL_AGENTS } from '../../../src/core/agents/agentIdentity';
import { parseAuthorshipNote } from '../../../src/core/authorshipNote';
import { landedNoteProblem, type NotedCommit } from '../../../src/core/noteGains';
import { formatAssistedBy } from '../../../src/core/trailers';

/**
 * The one rule for a note on a commit (attack16 P6), without git: a first note agrees with its commit exactly —
 * the trailer's AI count, the agents its Assisted-by trailers name, the lines it added — and a rewrite only gains,
 * what it gains held to the same agents and lines. The real-server tests are firstLandedNote.test.ts.
 */
const S = 's_0123456789abcd';
const KEY = `${S}::t_00000000000001`;
const H = 'h_0123456789abcd';

function note(entries: string, tool = 'claude-code', model = 'claude-sonnet-4-5') {
  return parseAuthorshipNote(
    `f.sh\n${entries}\n---\n` +
      JSON.stringify({
        schema_version: 'authorship/3.0.0',
        base_commit_sha: '',
        prompts: {},
        sessions: { [S]: { agent_id: { tool, id: 'c', model } } },
        humans: { [H]: { author: 'Ada <ada@example.com>' } },
      }),
  );
}

/** f.sh lines 3-6 added: ai=3 human=1, written by Claude Code. */
const commit: NotedCommit = {
  said: { kind: 'ok', counts: { ai: 3, human: 1, untracked: 0 }, raw: 'v1 ai=3 human=1 untracked=0' },
  assistedBy: [formatAssistedBy('claude-code', 'claude-sonnet-4-5')],
  added: new Map([['f.sh', [[3, 6]]]]),
};

describe('noteGains: a note agrees with its commit (attack16 P6)', () => {
  it("takes the hooks' note: exact AI count, the named agent, added lines only", () => {
    assert.strictEqual(landedNoteProblem(note(`  ${KEY} 3-5\n  ${H} 6`), commit), undefined);
  });

  it('refuses a thinner first note, another agent or model, and a line the commit did not add', () => {
    assert.strictEqual(landedNoteProblem(note(`  ${KEY} 3`), commit)?.kind, 'short');
    assert.strictEqual(landedNoteProblem(note(`  ${KEY} 3-5`, 'codex', 'gpt-5'), commit)?.kind, 'agent');
    assert.strictEqual(landedNoteProblem(note(`  ${KEY} 3-5`, 'claude-code', 'opus'), commit)?.kind, 'agent');
    assert.match(landedNoteProblem(note(`  ${KEY} 2-4`), commit)?.why ?? '', /f\.sh line 2 .* did not add it/);
    assert.strictEqual(landedNoteProblem(note(`  ${KEY} 3-5\n  ${H} 9`), commit)?.kind, 'outside');
  });

  it("every canonical agent's note agrees with the Assisted-by the hooks write for it, with a model or without", () => {
    for (const agent of CANONICAL_AGENTS) {
      for (const model of ['m-1', undefined]) {
        const c = { ...commit, assistedBy: [formatAssistedBy(agent, model)] };
        const n = parseAuthorshipNote(
          `f.sh\n  ${KEY} 3-5\n---\n` +
            JSON.stringify({
              schema_version: 'authorship/3.0.0',
              base_commit_sha: '',
              prompts: {},
              sessions: { [S]: { agent_id: { tool: agent, id: 'c', ...(model ? { model } : {}) } } },
            }),
        );
        assert.strictEqual(landedNoteProblem(n, c), undefined, `${agent} ${model ?? '(no model)'}`);
      }
    }
  });

  it('a git-ai tool name for the same agent agrees; a commit naming no agent binds none', () => {
    assert.strictEqual(landedNoteProblem(note(`  ${KEY} 3-5`, 'claude'), commit), undefined);
    const unnamed = { ...commit, assistedBy: [] };
    assert.strictEqual(landedNoteProblem(note(`  ${KEY} 3-5`, 'codex', 'gpt-5'), unnamed), undefined);
  });

  it('a rewrite only gains; what it gains is held to the added lines, what it keeps is not', () => {
    const thin = note(`  ${KEY} 1`); // taken before this rule: line 1 was never added
    assert.strictEqual(landedNoteProblem(note(`  ${KEY} 1,3-4`), commit, thin), undefined, 'completing it');
    assert.strictEqual(landedNoteProblem(note(`  ${KEY} 1-2`), commit, thin)?.kind, 'outside');
    assert.strictEqual(landedNoteProblem(note(`  ${KEY} 3`), commit, thin)?.kind, 'lost');
  });

  it('a commit that adds nothing has nothing to attest; an ai=0 commit takes a human note', () => {
    const none: NotedCommit = { ...commit, added: new Map() };
    assert.strictEqual(landedNoteProblem(note(`  ${KEY} 3-5`), none)?.kind, 'outside');
    const human: NotedCommit = {
      said: { kind: 'ok', counts: { ai: 0, human: 2, untracked: 0 }, raw: 'v1 ai=0 human=2 untracked=0' },
      assistedBy: [],
      added: new Map([['f.sh', [[1, 2]]]]),
    };
    assert.strictEqual(landedNoteProblem(note(`  ${H} 1-2`), human), undefined);
    assert.strictEqual(landedNoteProblem(note(''), human), undefined, 'a note attesting nothing');
    assert.strictEqual(landedNoteProblem(note(`  ${KEY} 1`), human)?.kind, 'beyond');
  });
});
