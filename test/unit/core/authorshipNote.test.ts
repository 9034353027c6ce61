import * as assert from 'assert';
import * as fc from 'fast-check';
import { CountersignError } from '../../../src/core/errors';
import { canonicalAgent } from '../../../src/core/agents/agentIdentity';
import { linesOf } from '../helpers/noteLines';
import {
  aiLinesByAgent,
  aiLinesByFile,
  mergeNotesOnSameCommit,
  ownerOfLine,
  ownerRunsOf,
} from '../../../src/core/noteOwners';
import {
  canonicalAgentFromTool,
  MAX_NOTE_LINE,
  formatAuthorshipNote,
  humanKey,
  keyKind,
  parseAuthorshipNote,
  parseRanges,
  resolveKey,
  sessionEntryKey,
  sessionKey,
  traceKey,
  type AuthorshipNote,
} from '../../../src/core/authorshipNote';
import { clampRanges, countRangeLines, formatRanges } from '../../../src/core/lineRanges';

/** A note in the shape git-ai ≥1.4 writes: session/trace keys, a human, pretty JSON, no final newline. */
const GIT_AI_SESSIONS_NOTE = `src/main.rs
  s_c9883b05a2487d::t_9f8e7d6c5b4a32 15-20,1-10
  h_5aa1a824d0d2af 11-14
"docs/my notes.md"
  s_c9883b05a2487d::t_a1b2c3d4e5f678 3
---
{
  "schema_version": "authorship/3.0.0",
  "git_ai_version": "1.4.2",
  "base_commit_sha": "0123456789abcdef0123456789abcdef01234567",
  "prompts": {},
  "humans": {
    "h_5aa1a824d0d2af": {
      "author": "Ada Author <ada@example.com>"
    }
  },
  "sessions": {
    "s_c9883b05a2487d": {
      "agent_id": {
        "tool": "cursor",
        "id": "session_123",
        "model": "gpt-4"
      },
      "human_author": "alice@example.com"
    }
  }
}`;

/** git-ai ≤1.3: bare 16-hex prompt keys, no sessions/humans, deprecated messages still present. */
const GIT_AI_LEGACY_NOTE = `src/app.ts
  c9883b05a2487d6d 40-42,7,1-3
---
{
  "schema_version": "authorship/3.0.0",
  "git_ai_version": "1.0.12",
  "base_commit_sha": "abc123",
  "prompts": {
    "c9883b05a2487d6d": {
      "agent_id": { "tool": "claude", "id": "conv-1", "model": "claude-sonnet-4-5" },
      "human_author": "alice@example.com",
      "messages": [{ "type": "user", "text": "add a flag" }],
      "total_additions": 15, "total_deletions": 3, "accepted_lines": 11, "overriden_lines": 0
    }
  }
}`;

describe('authorship note codec (git-ai authorship/3.0.0)', () => {
  describe('keys', () => {
    it("derives the session key as git-ai does (matches the example in git-ai's own migration doc)", () => {
      // git-ai docs/migrations/sessions-v2-note-format.md: cursor/session_123 -> prompt c9883b05a2487d6d, session s_c9883b05a2487d.
      assert.strictEqual(sessionKey('cursor', 'session_123'), 's_c9883b05a2487d');
    });

    it('derives the human key from "Name <email>"', () => {
      assert.strictEqual(humanKey('Ada Author <ada@example.com>'), 'h_5aa1a824d0d2af');
    });

    it('builds session::trace entry keys and routes keys by prefix', () => {
      const k = sessionEntryKey(sessionKey('claude-code', 'abc'), traceKey('seed'));
      assert.match(k, /^s_[0-9a-f]{14}::t_[0-9a-f]{14}$/);
      assert.strictEqual(keyKind(k), 'session');
      assert.strictEqual(keyKind('h_0123456789abcd'), 'human');
      assert.strictEqual(keyKind('c9883b05a2487d6d'), 'prompt');
    });
  });

  describe('ranges', () => {
    it('parses ranges in any order and formats them sorted and merged', () => {
      const r = parseRanges('20-22,1-10,15,11');
      assert.deepStrictEqual(r, [
        [20, 22],
        [1, 10],
        [15, 15],
        [11, 11],
      ]);
      assert.strictEqual(formatRanges(r as Array<[number, number]>), '1-11,15,20-22');
    });

    it('rejects words and line 0', () => {
      assert.strictEqual(typeof parseRanges('1,x'), 'string');
      assert.strictEqual(typeof parseRanges('0-3'), 'string');
    });
  });

  describe('reading', () => {
    it('reads a git-ai note with sessions, a human and a quoted path with a space', () => {
      const n = parseAuthorshipNote(GIT_AI_SESSIONS_NOTE);
      assert.deepStrictEqual(
        n.files.map((f) => f.path),
        ['src/main.rs', 'docs/my notes.md'],
      );
      assert.deepStrictEqual(n.files[0].entries[0], {
        key: 's_c9883b05a2487d::t_9f8e7d6c5b4a32',
        ranges: [
          [15, 20],
          [1, 10],
        ],
      });
      assert.deepStrictEqual(resolveKey(n, 's_c9883b05a2487d::t_9f8e7d6c5b4a32'), {
        kind: 'ai',
        tool: 'cursor',
        id: 'session_123',
        model: 'gpt-4',
      });
      assert.deepStrictEqual(resolveKey(n, 'h_5aa1a824d0d2af'), {
        kind: 'human',
        author: 'Ada Author <ada@example.com>',
      });
      assert.strictEqual(n.meta.git_ai_version, '1.4.2');
      const ai = aiLinesByFile(n);
      assert.strictEqual(linesOf(ai.get('src/main.rs')).length, 16, '1-10 and 15-20; the h_ lines 11-14 are human');
      assert.deepStrictEqual(linesOf(ai.get('docs/my notes.md')), [3]);
    });

    it('reads legacy 16-hex prompt keys through "prompts" and maps git-ai tool names to canonical agents', () => {
      const n = parseAuthorshipNote(GIT_AI_LEGACY_NOTE);
      assert.strictEqual(n.meta.sessions, undefined);
      assert.strictEqual(n.meta.humans, undefined);
      assert.deepStrictEqual(resolveKey(n, 'c9883b05a2487d6d'), {
        kind: 'ai',
        tool: 'claude',
        id: 'conv-1',
        model: 'claude-sonnet-4-5',
      });
      const byAgent = aiLinesByAgent(n);
      assert.deepStrictEqual([...byAgent.keys()], ['claude-code']);
      assert.deepStrictEqual(linesOf(byAgent.get('claude-code')?.get('src/app.ts')), [1, 2, 3, 7, 40, 41, 42]);
    });

    it('reads a note whose attestation section is empty (starts with ---)', () => {
      const n = parseAuthorshipNote('---\n{"schema_version":"authorship/3.0.0","base_commit_sha":"","prompts":{}}');
      assert.deepStrictEqual(n.files, []);
      assert.strictEqual(aiLinesByFile(n).size, 0);
    });

    it('reads CRLF line endings and a byte-order mark', () => {
      const n = parseAuthorshipNote('\uFEFF' + GIT_AI_SESSIONS_NOTE.replace(/\n/g, '\r\n'));
      assert.deepStrictEqual(
        n.files.map((f) => f.path),
        ['src/main.rs', 'docs/my notes.md'],
      );
      assert.strictEqual(n.meta.sessions?.['s_c9883b05a2487d']?.agent_id.tool, 'cursor');
    });

    it('treats a key without a record as AI of an unknown tool (git-ai looks those up in other notes)', () => {
      const n = parseAuthorshipNote(
        'a.txt\n  s_00000000000000::t_00000000000000 1\n---\n{"schema_version":"authorship/3.0.0"}',
      );
      assert.deepStrictEqual(resolveKey(n, n.files[0].entries[0].key), { kind: 'ai', tool: 'unknown' });
    });

    it('lets a later entry win a line attested twice, as git-ai blame does', () => {
      const n = parseAuthorshipNote(
        'a.txt\n  s_aaaaaaaaaaaaaa::t_aaaaaaaaaaaaaa 1-5\n  h_bbbbbbbbbbbbbb 3\n---\n{"schema_version":"authorship/3.0.0"}',
      );
      assert.deepStrictEqual(linesOf(aiLinesByFile(n).get('a.txt')), [1, 2, 4, 5]);
    });

    for (const [name, text, pattern] of [
      ['no divider', 'a.txt\n  s_x 1\n', /no '---' line/],
      ['no metadata', 'a.txt\n  s_x 1\n---\n', /metadata is missing/],
      ['metadata not JSON', '---\n{schema', /not JSON/],
      ['no schema_version', '---\n{}', /schema_version/],
      ['another schema', '---\n{"schema_version":"authorship/2.0.0"}', /not authorship\/3/],
      ['entry before a path', '  s_x 1\n---\n{"schema_version":"authorship/3.0.0"}', /line 1: .*before any file path/],
      ['bad range', 'a.txt\n  s_x 1-b\n---\n{"schema_version":"authorship/3.0.0"}', /line 2: '1-b'/],
      [
        'session without agent_id',
        '---\n{"schema_version":"authorship/3.0.0","sessions":{"s_1":{}}}',
        /sessions\.s_1\.agent_id/,
      ],
      [
        'human without author',
        '---\n{"schema_version":"authorship/3.0.0","humans":{"h_1":{"name":"x"}}}',
        /humans\.h_1 needs a string "author"/,
      ],
    ] as const) {
      it(`rejects a note with ${name}, naming the source`, () => {
        assert.throws(
          () => parseAuthorshipNote(text, 'commit 1234abc'),
          (e: unknown) => {
            assert.ok(CountersignError.is(e, 'input'), String(e));
            assert.match(e.message, /^commit 1234abc: /);
            assert.match(e.message, pattern);
            return true;
          },
        );
      });
    }
  });

  describe('writing', () => {
    const note: AuthorshipNote = {
      files: [
        {
          path: 'src/a.ts',
          entries: [
            {
              key: 's_c9883b05a2487d::t_0000000000000a',
              ranges: [
                [7, 9],
                [1, 3],
                [4, 4],
              ],
            },
          ],
        },
        { path: 'dir with space/b.ts', entries: [{ key: 'h_5aa1a824d0d2af', ranges: [[2, 2]] }] },
        { path: 'empty.ts', entries: [{ key: 'h_5aa1a824d0d2af', ranges: [] }] },
      ],
      meta: {
        schema_version: 'authorship/3.0.0',
        base_commit_sha: 'abc',
        sessions: { s_c9883b05a2487d: { agent_id: { tool: 'cursor', id: 'session_123', model: 'gpt-4' } } },
        humans: { h_5aa1a824d0d2af: { author: 'Ada Author <ada@example.com>' } },
      },
    };

    it('writes the git-ai layout: paths at column 0, two-space entries, sorted merged ranges, ---, JSON', () => {
      const text = formatAuthorshipNote(note);
      const [head, json] = text.split('---\n');
      assert.strictEqual(
        head,
        'src/a.ts\n  s_c9883b05a2487d::t_0000000000000a 1-4,7-9\n"dir with space/b.ts"\n  h_5aa1a824d0d2af 2\n',
      );
      const meta = JSON.parse(json) as Record<string, unknown>;
      assert.deepStrictEqual(Object.keys(meta), ['schema_version', 'base_commit_sha', 'prompts', 'sessions', 'humans']);
      assert.deepStrictEqual(meta.prompts, {}, "git-ai's reader requires prompts");
    });

    it('round-trips through the reader', () => {
      const back = parseAuthorshipNote(formatAuthorshipNote(note));
      assert.deepStrictEqual(
        back.files.map((f) => f.path),
        ['src/a.ts', 'dir with space/b.ts'],
      );
      assert.deepStrictEqual(back.files[0].entries[0].ranges, [
        [1, 4],
        [7, 9],
      ]);
      assert.deepStrictEqual(back.meta.sessions, note.meta.sessions);
      assert.strictEqual(formatAuthorshipNote(back), formatAuthorshipNote(note));
    });

    it("keeps fields it does not know (git-ai's prompts, git_ai_version) through read and write", () => {
      const back = parseAuthorshipNote(formatAuthorshipNote(parseAuthorshipNote(GIT_AI_LEGACY_NOTE)));
      assert.strictEqual(back.meta.git_ai_version, '1.0.12');
      assert.strictEqual((back.meta.prompts?.['c9883b05a2487d6d'] as Record<string, unknown>).total_additions, 15);
    });

    it('leaves out a file whose path has a line break (reported), never the whole note; quotes what it can', () => {
      const skipped: string[] = [];
      const files = ['a\nb', 'c\rd', 'say "hi there".txt', '"q"', '---', 'ok.txt'].map((path) => ({
        path,
        entries: [{ key: 'h_1', ranges: [[1, 1]] as Array<[number, number]> }],
      }));
      const text = formatAuthorshipNote({ files, meta: { schema_version: 'authorship/3.0.0' } }, (p) =>
        skipped.push(p),
      );
      assert.deepStrictEqual(skipped, ['a\nb', 'c\rd']);
      assert.deepStrictEqual(
        parseAuthorshipNote(text).files.map((f) => f.path),
        ['say "hi there".txt', '"q"', '---', 'ok.txt'],
      );
    });
  });
});

describe('canonicalAgentFromTool (regression: notes, report and panel named the same tool differently)', () => {
  it('maps git-ai tool ids with the same table the report uses, and keeps unknown names as written', () => {
    assert.strictEqual(canonicalAgentFromTool('copilot-agent'), 'copilot');
    assert.strictEqual(canonicalAgentFromTool('github-copilot-cli'), 'copilot-cli');
    assert.strictEqual(canonicalAgentFromTool('claude'), 'claude-code');
    assert.strictEqual(canonicalAgentFromTool('windsurf'), 'windsurf');
    for (const tool of ['copilot-agent', 'github-copilot-cli', 'claude', 'gemini', 'cursor-agent', 'kiro-cli']) {
      assert.strictEqual(canonicalAgentFromTool(tool), canonicalAgent(tool), tool);
    }
  });
});

describe('authorship note ranges are arithmetic (issue 16, class 1)', () => {
  it('refuses a note claiming lines beyond MAX_NOTE_LINE, naming the range', () => {
    assert.throws(
      () =>
        parseAuthorshipNote(
          `a.txt\n  s_aaaaaaaaaaaaaa::t_aaaaaaaaaaaaaa 1-999999999\n---\n{"schema_version":"authorship/3.0.0"}`,
          'the note on abc',
        ),
      (e: unknown) =>
        CountersignError.is(e, 'input') &&
        /the note on abc: .*'1-999999999' claims lines beyond 10,000,000/.test((e as Error).message),
    );
    assert.strictEqual(typeof parseRanges(String(MAX_NOTE_LINE)), 'object');
    assert.strictEqual(typeof parseRanges(`1-${MAX_NOTE_LINE + 1}`), 'string');
    assert.strictEqual(typeof parseRanges('99999999999999999999999'), 'string');
  });

  it('owner runs: later entries win, runs merge, nothing is expanded', () => {
    const runs = ownerRunsOf([
      { key: 'A', ranges: [[1, MAX_NOTE_LINE]] },
      {
        key: 'B',
        ranges: [
          [5, 9],
          [20, 20],
        ],
      },
      { key: 'A', ranges: [[7, 7]] },
    ]);
    assert.deepStrictEqual(runs, [
      { start: 1, end: 4, key: 'A' },
      { start: 5, end: 6, key: 'B' },
      { start: 7, end: 7, key: 'A' },
      { start: 8, end: 9, key: 'B' },
      { start: 10, end: 19, key: 'A' },
      { start: 20, end: 20, key: 'B' },
      { start: 21, end: MAX_NOTE_LINE, key: 'A' },
    ]);
    assert.strictEqual(ownerOfLine(runs, 8), 'B');
    assert.strictEqual(ownerOfLine(runs, MAX_NOTE_LINE + 1), undefined);
  });

  it('clamps to the file length and counts without expanding', () => {
    const n = parseAuthorshipNote(
      `a.txt\n  s_aaaaaaaaaaaaaa::t_aaaaaaaaaaaaaa 1-9999999\nb.txt\n  s_aaaaaaaaaaaaaa::t_aaaaaaaaaaaaaa 2-9999999\n---\n{"schema_version":"authorship/3.0.0"}`,
    );
    assert.strictEqual(countRangeLines(aiLinesByFile(n).get('a.txt') ?? []), 9_999_999);
    const clamped = aiLinesByFile(n, (p) => (p === 'a.txt' ? 3 : 0));
    assert.deepStrictEqual(clamped.get('a.txt'), [[1, 3]]);
    assert.strictEqual(clamped.has('b.txt'), false);
    assert.deepStrictEqual(
      clampRanges(
        [
          [0, 2],
          [5, 9],
          [9, 4],
        ],
        6,
      ),
      [
        [1, 2],
        [5, 6],
        [4, 6],
      ],
    );
  });

  it('merging two notes that claim huge overlapping ranges stays arithmetic', () => {
    const note = (key: string, ranges: string) =>
      parseAuthorshipNote(`f.txt\n  ${key} ${ranges}\n---\n{"schema_version":"authorship/3.0.0"}`);
    const merged = mergeNotesOnSameCommit(
      note('h_bbbbbbbbbbbbbb', '2'),
      note('s_aaaaaaaaaaaaaa::t_aaaaaaaaaaaaaa', `1-${MAX_NOTE_LINE}`),
    );
    assert.strictEqual(
      formatAuthorshipNote(merged).split('---')[0],
      `f.txt\n  s_aaaaaaaaaaaaaa::t_aaaaaaaaaaaaaa 1,3-${MAX_NOTE_LINE}\n  h_bbbbbbbbbbbbbb 2\n`,
    );
  });

  it('owner runs equal a line-by-line reading (later entry wins), overlapping or not', () => {
    const range = fc
      .tuple(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 0, max: 12 }), fc.boolean())
      .map(([a, n, reversed]): [number, number] => (reversed ? [a + n, a] : [a, a + n]));
    const entries = fc.array(
      fc.record({ key: fc.constantFrom('A', 'B', 'C'), ranges: fc.array(range, { minLength: 1, maxLength: 4 }) }),
      { maxLength: 6 },
    );
    fc.assert(
      fc.property(entries, fc.option(fc.integer({ min: 0, max: 50 })), (es, cut) => {
        const owner = new Map<number, string>();
        for (const e of es)
          for (const [a, b] of e.ranges)
            for (let l = Math.min(a, b); l <= Math.max(a, b); l++) if (cut === null || l <= cut) owner.set(l, e.key);
        const expected: Array<{ start: number; end: number; key: string }> = [];
        for (const l of [...owner.keys()].sort((x, y) => x - y)) {
          const last = expected[expected.length - 1];
          if (last && last.key === owner.get(l) && last.end + 1 === l) last.end = l;
          else expected.push({ start: l, end: l, key: owner.get(l)! });
        }
        assert.deepStrictEqual(ownerRunsOf(es, cut ?? undefined), expected);
      }),
      { numRuns: 1000 },
    );
  });

  it('many small ranges are swept in n log n (20,000 entries overlapping one long range)', () => {
    const entries = [{ key: 'A', ranges: [[1, 9_000_000]] as Array<[number, number]> }];
    for (let i = 0; i < 20_000; i++) entries.push({ key: i % 2 ? 'B' : 'C', ranges: [[i * 3 + 1, i * 3 + 2]] });
    const runs = ownerRunsOf(entries);
    assert.strictEqual(runs.length, 40_000, 'a run for each small range and one for each gap between them');
    assert.strictEqual(runs[runs.length - 1].end, 9_000_000);
  });
});
