import * as assert from 'assert';
import * as fc from 'fast-check';
import { formatAuthorshipNote, type AuthorshipNote } from '../../../src/core/authorshipNote';
import { readNote, readNoteSummary, summariseNote, summariseParsedNote } from '../../../src/core/report/commitFacts';
import { attributeNote } from '../../../src/core/report/noteAttribution';

/**
 * `report` sums each note straight from its owner runs (summariseParsedNote) instead of building the
 * attribution `explain` shows and summing that (summariseNote(attributeNote(note))). The two must give the
 * same figures, in the same order (the order of agents and paths reaches the report's rows), for any note —
 * overlapping entries, keys without records, humans, legacy prompt keys, files listed twice, claims cut at a
 * file's length — and the same error for a note that cannot be read.
 */
const TOOLS = ['claude', 'cursor', 'github-copilot', 'codex', 'gemini', 'windsurf', 'unknown', 'Claude Code', ''];
const hex14 = fc.integer({ min: 0, max: 0xffff }).map((n) => n.toString(16).padStart(14, '0'));
const sessionKey = fc.tuple(hex14, hex14).map(([s, t]) => `s_${s}::t_${t}`);
const humanKey = hex14.map((h) => `h_${h}`);
const promptKey = fc.integer({ min: 0, max: 0xffff }).map((n) => n.toString(16).padStart(16, '0'));
const key = fc.oneof(sessionKey, sessionKey, humanKey, promptKey);
const range = fc
  .tuple(fc.integer({ min: 1, max: 80 }), fc.integer({ min: 0, max: 40 }))
  .map(([a, n]): [number, number] => [a, a + n]);
const paths = fc.constantFrom('src/a.ts', 'src/b.ts', 'docs/my notes.md', 'ünï.rs', 'x');

const note: fc.Arbitrary<AuthorshipNote> = fc
  .tuple(
    fc.array(
      fc.record({
        path: paths,
        entries: fc.array(fc.record({ key, ranges: fc.array(range, { minLength: 1, maxLength: 4 }) }), {
          minLength: 1,
          maxLength: 5,
        }),
      }),
      { maxLength: 6 },
    ),
    fc.array(fc.constantFrom(...TOOLS), { minLength: 1, maxLength: 4 }),
    fc.boolean(),
  )
  .map(([files, tools, withRecords]) => {
    const sessions: Record<string, { agent_id: { tool: string; id: string; model?: string } }> = {};
    const prompts: Record<string, { agent_id: { tool: string; id: string } }> = {};
    const humans: Record<string, { author: string }> = {};
    let i = 0;
    for (const f of files)
      for (const e of f.entries) {
        const tool = tools[i++ % tools.length];
        // Some keys keep no record: still AI, agent unknown (or a human without a name).
        if (!withRecords && i % 3 === 0) continue;
        if (e.key.startsWith('s_')) sessions[e.key.slice(0, 16)] = { agent_id: { tool, id: `c${i}`, model: 'm' } };
        else if (e.key.startsWith('h_')) humans[e.key] = { author: `Dev ${i} <d${i}@example.com>` };
        else prompts[e.key] = { agent_id: { tool, id: `p${i}` } };
      }
    return { files, meta: { schema_version: 'authorship/3.0.0', base_commit_sha: '', prompts, sessions, humans } };
  });

function viaAttribution(text: string, lineCounts?: (p: string) => number | undefined) {
  const { note: n, error } = readNote(text, 'c0ffee', lineCounts);
  return n ? { summary: summariseNote(n) } : { error };
}

describe('note summary straight from owner runs', () => {
  it('equals the summary of the full attribution, order included, for arbitrary notes', () => {
    fc.assert(
      fc.property(note, fc.option(fc.integer({ min: 0, max: 60 })), (n, cut) => {
        const lineCounts = cut === null ? undefined : () => cut;
        const direct = summariseParsedNote(n, lineCounts);
        const full = summariseNote(attributeNote(n, lineCounts));
        assert.deepStrictEqual(direct, full);
        assert.deepStrictEqual([...direct.aiLinesByAgent.keys()], [...full.aiLinesByAgent.keys()]);
        assert.deepStrictEqual([...direct.aiLinesByPath.keys()], [...full.aiLinesByPath.keys()]);
        // And through the text, as the report reads it.
        const text = formatAuthorshipNote(n);
        assert.deepStrictEqual(readNoteSummary(text, 'c0ffee', lineCounts), viaAttribution(text, lineCounts));
      }),
      { numRuns: 400 },
    );
  });

  it('gives the same error as the full reading for notes that cannot be read', () => {
    const hostile = [
      'no divider at all',
      'src/a.ts\n  s_00000000000001::t_00000000000001 1-3\n---\n{not json',
      'src/a.ts\n  s_00000000000001::t_00000000000001 1-99999999999\n---\n{"schema_version":"authorship/3.0.0"}',
      '  s_00000000000001::t_00000000000001 1-3\n---\n{"schema_version":"authorship/3.0.0"}',
      `---\n${'['.repeat(100_000)}`,
      '---\n{"schema_version":"authorship/3.0.0","sessions":{"s_1":{"agent_id":7}}}',
      '---\n{"schema_version":"authorship/2.0.0"}',
    ];
    for (const text of hostile) {
      const r = readNoteSummary(text, 'c0ffee');
      assert.ok(r.error, `no error for ${JSON.stringify(text.slice(0, 60))}`);
      assert.deepStrictEqual(r, viaAttribution(text));
    }
  });
});
