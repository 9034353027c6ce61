import * as assert from 'assert';
import * as fc from 'fast-check';
import { parseBlamePorcelain } from '../../../src/core/blame/blamePorcelain';
import { assistedByEvidence, commitEvidence } from '../../../src/core/report/aiEvidence';
import { canonicalAgent } from '../../../src/core/agents/agentIdentity';
import { CommitGraph } from '../../../src/core/report/commitGraph';
import { isoWeek } from '../../../src/core/report/isoWeek';
import { countNormalizedLines, normalizeRanges, subtractRanges } from '../../../src/core/lineRanges';
import { formatReportCsv } from '../../../src/core/report/reportFormat';
import { ReportBuilder } from '../../../src/core/report/aggregate';
import { parseTrailers } from '../../../src/core/trailers';

const who = (authorName: string, authorEmail = 'x@example.com') => ({ authorName, authorEmail });
const agents = (authorName: string, authorEmail: string, message: string) =>
  commitEvidence(who(authorName, authorEmail), parseTrailers(message), message).agents.map((a) => a.agent);

describe('report core', () => {
  it('maps git-ai tool ids and trailer names to canonical agents', () => {
    assert.strictEqual(canonicalAgent('claude'), 'claude-code');
    assert.strictEqual(canonicalAgent('github-copilot'), 'copilot');
    assert.strictEqual(canonicalAgent('github-copilot-cli'), 'copilot-cli');
    assert.strictEqual(canonicalAgent('gemini'), 'gemini-cli');
    assert.strictEqual(canonicalAgent('Cursor'), 'cursor');
    assert.strictEqual(canonicalAgent('windsurf'), 'unknown');
    assert.strictEqual(canonicalAgent(undefined), 'unknown');
  });

  it('recognises AI co-authors, Assisted-by and bot authors, but not people with AI-sounding names', () => {
    assert.deepStrictEqual(agents('Ada', 'ada@example.com', 'x\n\nCo-Authored-By: Claude <noreply@anthropic.com>'), [
      'claude-code',
    ]);
    assert.deepStrictEqual(
      agents('Ada', 'ada@example.com', 'x\n\nCo-authored-by: Claude Opus 4.5 <noreply@anthropic.com>'),
      ['claude-code'],
    );
    assert.deepStrictEqual(
      agents('Ada', 'ada@example.com', 'x\n\nCo-authored-by: Cursor Agent <cursoragent@cursor.com>'),
      ['cursor'],
    );
    assert.deepStrictEqual(agents('Ada', 'ada@example.com', 'x\n\nCo-authored-by: Codex <codex@openai.com>'), [
      'codex',
    ]);
    assert.deepStrictEqual(
      agents('Ada', 'ada@example.com', 'x\n\nCo-authored-by: aider (gpt-4o) <noreply@aider.chat>'),
      ['aider'],
    );
    assert.deepStrictEqual(
      agents('Ada', 'ada@example.com', 'x\n\nCo-authored-by: Copilot <198982749+Copilot@users.noreply.github.com>'),
      ['copilot'],
    );
    assert.deepStrictEqual(
      agents(
        'Ada',
        'ada@example.com',
        'x\n\nCo-authored-by: gemini-code-assist[bot] <176961590+gemini-code-assist[bot]@users.noreply.github.com>',
      ),
      ['gemini-cli'],
    );
    assert.deepStrictEqual(
      agents('devin-ai-integration[bot]', '158243242+devin-ai-integration[bot]@users.noreply.github.com', 'x'),
      ['unknown'],
    );
    assert.deepStrictEqual(agents('claude[bot]', '209825114+claude[bot]@users.noreply.github.com', 'x'), [
      'claude-code',
    ]);
    assert.deepStrictEqual(agents('Paul Gauthier (aider)', 'paul@example.com', 'x'), ['aider']);
    // People
    assert.deepStrictEqual(
      agents('Ada', 'ada@example.com', 'x\n\nCo-authored-by: Devin Smith <devin@example.com>'),
      [],
    );
    assert.deepStrictEqual(agents('Claude Monet', 'claude@example.com', 'x'), []);
    assert.deepStrictEqual(
      agents('Ada', 'ada@example.com', 'x\n\nCo-authored-by: Bob <12345+bob@users.noreply.github.com>'),
      [],
    );
    assert.deepStrictEqual(agents('dependabot[bot]', '49699333+dependabot[bot]@users.noreply.github.com', 'x'), []);
  });

  it('reads Assisted-by as AGENT:MODEL [TOOL], the tool word winning when it names an agent', () => {
    assert.deepStrictEqual(assistedByEvidence('Claude:claude-sonnet-4-5 claude-code'), {
      agent: 'claude-code',
      raw: 'Claude:claude-sonnet-4-5 claude-code',
      model: 'claude-sonnet-4-5',
      source: 'assisted-by',
    });
    assert.strictEqual(assistedByEvidence('Copilot:gpt-4.1 copilot-cli').agent, 'copilot-cli');
    assert.strictEqual(assistedByEvidence('Copilot:inline vscode').agent, 'inline-completion');
    assert.strictEqual(assistedByEvidence('Claude:claude-3-opus coccinelle sparse').agent, 'claude-code');
    assert.strictEqual(assistedByEvidence('SomethingNew:v1').agent, 'unknown');
    const e = commitEvidence(who('Ada'), parseTrailers('x\n\nAI-Provenance: v1 ai=3 human=0 untracked=0'));
    assert.strictEqual(e.aiAssisted, true);
    assert.deepStrictEqual(e.agents, []);
    assert.strictEqual(
      commitEvidence(who('Ada'), parseTrailers('x\n\nAI-Provenance: v1 ai=0 human=3 untracked=0')).aiAssisted,
      false,
    );
  });

  it('counts distinct lines through intervals', () => {
    assert.deepStrictEqual(
      normalizeRanges([
        [5, 3],
        [1, 1],
        [2, 2],
        [10, 12],
        [11, 20],
      ]),
      [
        [1, 5],
        [10, 20],
      ],
    );
    assert.deepStrictEqual(
      subtractRanges(
        [
          [1, 10],
          [20, 30],
        ],
        [
          [3, 4],
          [9, 21],
        ],
      ),
      [
        [1, 2],
        [5, 8],
        [22, 30],
      ],
    );
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 1, max: 60 }), fc.integer({ min: 1, max: 60 }))),
        fc.array(fc.tuple(fc.integer({ min: 1, max: 60 }), fc.integer({ min: 1, max: 60 }))),
        (a, b) => {
          const set = (l: Array<[number, number]>) =>
            new Set(l.flatMap(([x, y]) => Array.from({ length: Math.abs(x - y) + 1 }, (_, i) => Math.min(x, y) + i)));
          const sa = set(a),
            sb = set(b);
          assert.strictEqual(countNormalizedLines(normalizeRanges(a)), sa.size);
          assert.strictEqual(
            countNormalizedLines(subtractRanges(normalizeRanges(a), normalizeRanges(b))),
            [...sa].filter((x) => !sb.has(x)).length,
          );
        },
      ),
    );
  });

  it('answers base..tip like git rev-list on random DAGs', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.nat(), { maxLength: 3 }), { minLength: 1, maxLength: 40 }),
        fc.nat(),
        fc.nat(),
        (parentPicks, t, b) => {
          // commit i may have parents among 0..i-1
          const parents = parentPicks.map((ps, i) => (i === 0 ? [] : [...new Set(ps.map((p) => `c${p % i}`))]));
          const g = new CommitGraph();
          // add in a shuffled-ish order: git log is not topological
          for (let i = parents.length - 1; i >= 0; i -= 2) g.add(`c${i}`, parents[i]);
          for (let i = parents.length - 2; i >= 0; i -= 2) g.add(`c${i}`, parents[i]);
          const anc = (c: string): Set<string> => {
            const out = new Set<string>([c]);
            const stack = [c];
            while (stack.length)
              for (const p of parents[Number(stack.pop()!.slice(1))])
                if (!out.has(p)) {
                  out.add(p);
                  stack.push(p);
                }
            return out;
          };
          const tip = `c${t % parents.length}`,
            base = `c${b % parents.length}`;
          const expected = [...anc(tip)].filter((c) => !anc(base).has(c)).sort();
          assert.deepStrictEqual(g.range(tip, base)!.sort(), expected);
          assert.deepStrictEqual(g.range(tip)!.sort(), [...anc(tip)].sort());
        },
      ),
    );
  });

  it('names ISO weeks (the week-year of the Thursday)', () => {
    assert.strictEqual(isoWeek(Date.UTC(2021, 0, 3) / 1000), '2020-W53');
    assert.strictEqual(isoWeek(Date.UTC(2021, 0, 4) / 1000), '2021-W01');
    assert.strictEqual(isoWeek(Date.UTC(2024, 11, 30) / 1000), '2025-W01');
  });

  it("parses git blame --porcelain, carrying each commit's path to lines without details", () => {
    const a = 'a'.repeat(40),
      b = 'b'.repeat(40);
    const out = [
      `${a} 1 1 2`,
      'author Ada',
      'author-mail <ada@example.com>',
      'author-time 1700000000',
      'summary first',
      'boundary',
      'filename "old dir/\\303\\251.ts"',
      '\tline one',
      `${a} 2 2`,
      '\tline two\r',
      `${b} 5 3 1`,
      'author Bob',
      'author-mail <bob@example.com>',
      'author-time 1700000100',
      'summary second',
      `previous ${a} old dir/é.ts`,
      'filename new.ts',
      '\t',
      '',
    ].join('\n');
    const r = parseBlamePorcelain(out);
    assert.deepStrictEqual(
      r.lines.map((l) => [l.line, l.sha[0], l.origLine, l.origPath, l.content]),
      [
        [1, 'a', 1, 'old dir/é.ts', 'line one'],
        [2, 'a', 2, 'old dir/é.ts', 'line two'],
        [3, 'b', 5, 'new.ts', ''],
      ],
    );
    assert.strictEqual(r.commits.get(a)!.authorEmail, 'ada@example.com');
    assert.strictEqual(r.commits.get(a)!.boundary, true);
  });

  it('keeps spreadsheet formulas out of CSV cells', () => {
    const report = new ReportBuilder({ range: ['HEAD'], by: 'author' }).finish({
      review: { basis: 'statements', detail: '', statements: 0, errors: [], problems: [], notes: [] },
      orphanNotes: [],
    });
    report.rows = [
      {
        key: '=HYPERLINK("x") <a@b>',
        commits: 1,
        aiAssistedCommits: 0,
        unattestedCommits: 1,
        unattestedBeforePolicyCommits: 0,
        reviewedCommits: 0,
        needingReviewCommits: 1,
        reviewedNeedingReviewCommits: 0,
        addedLines: 0,
        aiLines: 0,
        aiShare: null,
        reviewCoverage: 0,
      },
    ];
    assert.match(formatReportCsv(report), /\r\n"'=HYPERLINK\(""x""\) <a@b>",1,0,1,0,0,0,,0,1,0\r\n$/);
  });
});
