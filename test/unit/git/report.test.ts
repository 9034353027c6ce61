import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import {
  canonicalStatementBytes,
  formatStatementLine,
  type ApprovalStatement,
} from '../../../src/core/approvalStatement';
import { fastImport, gitAiNote, lines, type FiCommit } from '../helpers/fastImport';
import { TempRepo } from '../helpers/tempRepo';
import { provenanceInconsistencies } from '../../../src/git/provenanceHistory';

interface ReportJson {
  commits: number;
  aiAssistedCommits: number;
  unattestedCommits: number;
  reviewedCommits: number;
  aiLines: number;
  addedLines: number;
  byAgent: Record<string, { commits: number; lines: number }>;
  rows?: Array<{
    key: string;
    commits: number;
    aiLines: number;
    addedLines: number;
    reviewedCommits: number;
    needingReviewCommits?: number;
    reviewCoverage?: number | null;
  }>;
  needingReviewCommits?: number;
  reviewedNeedingReviewCommits?: number;
  reviewCoverage?: number | null;
  weeks: Array<{ key: string; commits: number }>;
  review: { basis: string; errors: string[]; statements: number; problems?: string[]; notes?: string[] };
  consistency: {
    mismatches: Array<{ sha: string; kind: string }>;
    orphanNotes: Array<{ ref: string; object: string }>;
  };
  notes: { ai: number; unreadable: number };
}

function reportJson(repo: TempRepo, ...args: string[]): ReportJson {
  const r = repo.cli(['report', '--format', 'json', ...args]);
  assert.strictEqual(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as ReportJson;
}

/**
 * The independent count: every note read with a few lines of plain string handling, each range expanded into
 * single lines, later entries overwriting earlier ones, `h_` keys human, each commit's distinct AI pairs
 * summed over the commits (the same line of the same file in two commits is two additions); commits without a
 * note add their AI-Provenance ai figure as git itself parses the trailer (%(trailers)). No code shared with
 * the report.
 */
function independentAiLines(repo: TempRepo, rev = 'HEAD'): number {
  const noted = new Map<string, string>();
  const list = repo.gitResult(['notes', '--ref=ai', 'list']).stdout;
  for (const l of list.split('\n').filter(Boolean)) {
    const [blob, obj] = l.split(' ');
    noted.set(obj, repo.git('cat-file', 'blob', blob));
  }
  let pairs = 0;
  let fromTrailers = 0;
  const log = repo.git('log', '--format=%H %(trailers:key=AI-Provenance,valueonly,separator=;)', rev);
  for (const line of log.split('\n')) {
    const [sha, ...rest] = line.split(' ');
    const raw = noted.get(sha);
    // A note without its `---` divider is unreadable: the commit counts by its trailer, as docs/design.md says for no note.
    const note = raw !== undefined && raw.split('\n').some((l) => l.trim() === '---') ? raw : undefined;
    if (note === undefined) {
      const m = /ai=(\d+)/.exec(rest.join(' '));
      if (m) fromTrailers += Number(m[1]);
      continue;
    }
    const owner = new Map<string, string>();
    let file = '';
    for (const raw of note.split('\n')) {
      if (raw.trim() === '---') break;
      if (raw.trim() === '') continue;
      if (!raw.startsWith(' ')) {
        file = raw.replace(/^"|"$/g, '');
        continue;
      }
      const [key, ranges = ''] = raw.trim().split(/\s+/);
      for (const part of ranges.split(',').filter(Boolean)) {
        const [a, b = a] = part.split('-').map(Number);
        for (let l = Math.min(a, b); l <= Math.max(a, b); l++) owner.set(`${file}\0${l}`, key);
      }
    }
    for (const key of owner.values()) if (!key.startsWith('h_')) pairs++;
  }
  return pairs + fromTrailers;
}

const CLAUDE_SESSION = 's_0123456789abcd';
const sessions = {
  [CLAUDE_SESSION]: { agent_id: { tool: 'claude', id: 'conv-1', model: 'claude-sonnet-4-5' } },
  s_aaaaaaaaaaaaaa: { agent_id: { tool: 'github-copilot', id: 'conv-2', model: 'gpt-4.1' } },
};

/** One commit of each kind the report has to recognise (issue 7), with what it must conclude. */
function scenario(): Array<FiCommit & { expect: { ai: boolean; attested: boolean } }> {
  return [
    {
      // git-ai wrote this note; no trailers at all (another tool's repository)
      message: 'feat: parser\n',
      files: { 'src/a.ts': lines(10) },
      aiNote: gitAiNote([['src/a.ts', [[`${CLAUDE_SESSION}::t_00000000000001`, '1-10']]]], { sessions }),
      expect: { ai: true, attested: false },
    },
    {
      // legacy 16-hex prompt key (prompts map), ranges out of order, a known human, and a path with spaces
      message: 'feat: b\n',
      files: { 'src/b.ts': lines(8), 'docs/my notes.md': lines(3) },
      aiNote: gitAiNote(
        [
          [
            'src/b.ts',
            [
              ['0123456789abcdef', '5,1-3'],
              ['h_bbbbbbbbbbbbbb', '6-7'],
            ],
          ],
          ['docs/my notes.md', [['0123456789abcdef', '2']]],
        ],
        {
          prompts: {
            '0123456789abcdef': {
              agent_id: { tool: 'cursor', id: 'p1', model: 'claude-3-sonnet' },
              human_author: 'Ada',
              messages: [],
              total_additions: 4,
            },
          },
          humans: { h_bbbbbbbbbbbbbb: { author: 'Ada Author <ada@example.com>' } },
        },
      ),
      expect: { ai: true, attested: false },
    },
    {
      // empty attestation (the note starts with ---) and a human-only Countersign trailer
      message: 'docs: readme\n\nAI-Provenance: v1 ai=0 human=3 untracked=0\n',
      files: { 'README.md': lines(3) },
      aiNote: '---\n{"schema_version":"authorship/3.0.0","base_commit_sha":"","prompts":{}}',
      expect: { ai: false, attested: true },
    },
    {
      // Claude Code's own co-author trailer, no note
      message: 'fix: race\n\nGenerated with Claude Code\n\nCo-Authored-By: Claude <noreply@anthropic.com>\n',
      files: { 'src/c.ts': lines(4) },
      expect: { ai: true, attested: false },
    },
    {
      // aider's author suffix
      message: 'refactor: split\n',
      files: { 'src/d.ts': lines(2) },
      author: { name: 'Ada Author (aider)', email: 'ada@example.com' },
      expect: { ai: true, attested: false },
    },
    {
      // Copilot coding agent as the author
      message: 'Add tests\n',
      files: { 'test/e.ts': lines(5) },
      author: { name: 'copilot-swe-agent[bot]', email: '198982749+Copilot@users.noreply.github.com' },
      expect: { ai: true, attested: false },
    },
    {
      // Countersign trailers without a note: ai figure counts, and the missing note is flagged
      message:
        'feat: f\n\nAssisted-by: Claude:claude-sonnet-4-5 claude-code\nAI-Provenance: v1 ai=4 human=1 untracked=0\n',
      files: { 'src/f.ts': lines(5) },
      expect: { ai: true, attested: true },
    },
    {
      // trailer says ai=0 but the note attests AI lines: flagged
      message: 'chore: g\n\nAI-Provenance: v1 ai=0 human=2 untracked=0\n',
      files: { 'src/g.ts': lines(2) },
      aiNote: gitAiNote([['src/g.ts', [['s_cccccccccccccc::t_00000000000002', '1-2']]]], {}),
      expect: { ai: true, attested: true },
    },
    {
      // session without a sessions map (agent unknown); re-attests src/a.ts lines 5-12: eight more AI lines, a new addition
      message: 'feat: extend a\n',
      files: { 'src/a.ts': lines(12) },
      aiNote: gitAiNote([['src/a.ts', [['s_dddddddddddddd::t_00000000000003', '5-12']]]], {}),
      expect: { ai: true, attested: false },
    },
    {
      // a person who happens to be called Devin is not an AI
      message: 'fix: typo\n\nCo-authored-by: Devin Smith <devin@example.com>\n',
      files: { 'README.md': lines(4) },
      expect: { ai: false, attested: false },
    },
    {
      // an unreadable note (no divider): reported, and the commit is judged by its trailers
      message: 'feat: h\n\nAI-Provenance: v1 ai=0 human=1 untracked=0\n',
      files: { 'src/h.ts': lines(1) },
      aiNote: 'src/h.ts\n  s_eeeeeeeeeeeeee 1\n',
      expect: { ai: false, attested: true },
    },
  ];
}

describe('countersign report', function () {
  this.timeout(60_000);

  it("recognises git-ai notes and other tools' trailers, and agrees with an independent count", () => {
    const repo = TempRepo.create();
    const commits = scenario();
    const shas = fastImport(repo, commits);
    const r = reportJson(repo);
    assert.strictEqual(r.commits, commits.length);
    assert.strictEqual(r.commits, Number(repo.git('rev-list', '--count', 'HEAD')));
    assert.strictEqual(r.aiAssistedCommits, commits.filter((c) => c.expect.ai).length);
    assert.strictEqual(r.unattestedCommits, commits.filter((c) => !c.expect.attested).length);
    // by hand: a.ts 1-10 (10) + b.ts 1-3,5 (4) + notes 2 (1) + f trailer (4) + g.ts 1-2 (2) + a.ts 5-12 (8)
    assert.strictEqual(r.aiLines, 29);
    assert.strictEqual(r.aiLines, independentAiLines(repo));
    assert.deepStrictEqual(Object.keys(r.byAgent).sort(), ['aider', 'claude-code', 'copilot', 'cursor', 'unknown']);
    assert.deepStrictEqual(r.byAgent['claude-code'], { commits: 3, lines: 14 }); // a.ts 1-10 + f's 4 from its trailer
    assert.deepStrictEqual(r.byAgent.cursor, { commits: 1, lines: 5 }); // b.ts 1-3,5 + "docs/my notes.md" 2
    assert.deepStrictEqual(r.byAgent.unknown, { commits: 2, lines: 10 }); // g.ts 1-2 + a.ts 5-12
    assert.strictEqual(
      r.addedLines,
      Number(
        repo
          .git('log', '--numstat', '--format=', 'HEAD')
          .split('\n')
          .filter(Boolean)
          .reduce((n, l) => n + Number(l.split('\t')[0]), 0),
      ),
    );
    const kinds = r.consistency.mismatches.map((m) => `${shas.indexOf(m.sha)}:${m.kind}`).sort();
    assert.deepStrictEqual(kinds, ['10:note-unreadable', '6:note-missing', '7:trailer-denies-ai']);
    assert.deepStrictEqual(r.notes, { ai: 6, unreadable: 1 });
    assert.strictEqual(r.reviewedCommits, 0);
    assert.strictEqual(r.review.basis, 'statements');
  });

  it('groups by path, author, agent and week, rows adding up where they partition', () => {
    const repo = TempRepo.create();
    fastImport(repo, scenario());
    const byPath = reportJson(repo, '--by', 'path');
    const aTs = byPath.rows!.find((row) => row.key === 'src/a.ts')!;
    assert.strictEqual(aTs.aiLines, 18);
    assert.strictEqual(aTs.commits, 2);
    assert.strictEqual(byPath.rows!.find((row) => row.key === '(no note)')!.aiLines, 4);
    const dirs = reportJson(repo, '--by', 'path', '--depth', '1');
    assert.deepStrictEqual(dirs.rows!.map((row) => row.key).sort(), [
      '(no note)',
      'README.md',
      'docs/',
      'src/',
      'test/',
    ]);
    const byAuthor = reportJson(repo, '--by', 'author');
    assert.strictEqual(
      byAuthor.rows!.reduce((n, row) => n + row.commits, 0),
      byAuthor.commits,
    );
    assert.ok(byAuthor.rows!.some((row) => row.key.startsWith('copilot-swe-agent[bot]')));
    const byWeek = reportJson(repo, '--by', 'week');
    assert.strictEqual(
      byWeek.rows!.reduce((n, row) => n + row.commits, 0),
      byWeek.commits,
    );
    assert.ok(byWeek.rows!.every((row) => /^\d{4}-W\d{2}$/.test(row.key)));
    const byAgent = reportJson(repo, '--by', 'agent');
    assert.strictEqual(byAgent.rows!.find((row) => row.key === '(no AI)')!.commits, 3);
  });

  it('prints text, markdown, csv and a self-contained html page', () => {
    const repo = TempRepo.create();
    fastImport(repo, scenario());
    const text = repo.cli(['report']);
    assert.strictEqual(text.status, 0, text.stderr);
    assert.match(text.stdout, /AI-assisted commits\s+8 /);
    // An unreadable note is not a disagreement between trailer and note (newuser10 N17): its own heading.
    assert.match(text.stdout, /Trailers and notes disagree on 2 commits/);
    assert.match(text.stdout, /Unreadable provenance on 1 commit:/);
    const md = repo.cli(['report', '--format', 'markdown', '--by', 'agent']);
    assert.match(md.stdout, /^\| claude-code \| 3 \|/m);
    // newuser24 F6: our own prose keeps its code spans (escaped, they rendered as literal backticks).
    assert.ok(md.stdout.includes('`git fetch` or `countersign review` brings newer ones'), md.stdout);
    assert.doesNotMatch(md.stdout, /\\`/);
    const csv = repo.cli(['report', '--format', 'csv', '--by', 'author']);
    const rows = csv.stdout.trim().split('\r\n');
    assert.strictEqual(
      rows[0],
      'author,commits,aiAssistedCommits,unattestedCommits,reviewedCommits,addedLines,aiLines,aiShare,reviewCoverage,needingReviewCommits,reviewedNeedingReviewCommits',
    );
    assert.ok(
      rows.some((row) => row.startsWith('copilot-swe-agent[bot] <198982749+Copilot@users.noreply.github.com>,1,1,')),
    );
    const html = repo.cli(['report', '--format', 'html']);
    assert.strictEqual(html.status, 0, html.stderr);
    assert.match(html.stdout, /^<!DOCTYPE html>/);
    assert.match(html.stdout, /<svg [^>]*>.*<polyline class="ai"/s);
    assert.match(html.stdout, /<polyline class="rv"/);
    assert.doesNotMatch(html.stdout, /<script|https?:\/\/(?!www\.w3\.org\/2000\/svg)|<link /, 'no scripts, no network');
    assert.strictEqual(repo.cli(['report', '--format', 'pdf']).status, 2);
    assert.strictEqual(repo.cli(['report', '--by', 'team']).status, 2);
    assert.strictEqual(repo.cli(['report', '--output=x', 'HEAD']).status, 2);
    assert.strictEqual(repo.cli(['report', '--', '--all']).status, 2, 'a range cannot smuggle an option to git log');
  });

  it('flags notes on commits nothing reaches any more, and reports a range', () => {
    const repo = TempRepo.create();
    const shas = fastImport(repo, scenario().slice(0, 3));
    repo.git('checkout', '-q', '-b', 'topic');
    repo.write('x.txt', 'x\n');
    repo.git('add', 'x.txt');
    const gone = repo.commit('on a branch that will be deleted');
    repo.git('notes', '--ref=ai', 'add', '-m', '---\n{"schema_version":"authorship/3.0.0"}', gone);
    repo.git('checkout', '-q', 'main');
    repo.git('branch', '-q', '-D', 'topic');
    const r = reportJson(repo);
    assert.deepStrictEqual(r.consistency.orphanNotes, [{ ref: 'refs/notes/ai', object: gone }]);
    // The text calls such notes harmless ("nothing to fix"), so --strict, as CI runs it, passes them too: a
    // teammate's never-pushed commit failed everyone's job (newuser17 F5).
    const strict = repo.cli(['report', '--strict']);
    assert.strictEqual(strict.status, 0, strict.stdout + strict.stderr);
    assert.match(strict.stdout, /nothing to fix/);
    const range = reportJson(repo, `${shas[0]}..HEAD`);
    assert.strictEqual(range.commits, 2);
    assert.deepStrictEqual(
      range.consistency.orphanNotes.map((o) => o.object),
      [gone],
      'a note outside the range but reachable is not an orphan',
    );
  });

  it('exposes the trailer/note check for verify, for any set of commits', async () => {
    const repo = TempRepo.create();
    const shas = fastImport(repo, scenario());
    const found = await provenanceInconsistencies(repo.dir, [shas[7], shas[0], shas[6]]);
    assert.deepStrictEqual(
      found.map((i) => [shas.indexOf(i.sha), i.kind]),
      [
        [7, 'trailer-denies-ai'],
        [6, 'note-missing'],
      ],
    );
    assert.deepStrictEqual(await provenanceInconsistencies(repo.dir, []), []);
  });

  it('reports an empty repository as zeros', () => {
    const repo = TempRepo.create();
    const r = reportJson(repo);
    assert.strictEqual(r.commits, 0);
    assert.strictEqual(r.aiLines, 0);
  });

  it('counts the same line numbers written again in many commits once per commit, in every output', () => {
    // 40 commits each rewrite lines 1-10 of src/x.ts with Claude (the note of each attests 1-10, and 1-5
    // twice, which counts once within that note); every fourth also has a human entry for line 10 of y.ts.
    const repo = TempRepo.create();
    const commits: FiCommit[] = [];
    for (let i = 0; i < 40; i++) {
      const ai: Array<[string, Array<[string, string]>]> = [
        [
          'src/x.ts',
          [
            [`${CLAUDE_SESSION}::t_0000000000000${i % 10}`, '1-5'],
            [`${CLAUDE_SESSION}::t_00000000000010`, '1-10'],
          ],
        ],
      ];
      if (i % 4 === 0) ai.push(['src/y.ts', [['h_bbbbbbbbbbbbbb', '10']]]);
      commits.push({
        message: `rewrite ${i}
`,
        files: { 'src/x.ts': lines(10, `v${i}`), ...(i % 4 === 0 ? { 'src/y.ts': lines(10, `y${i}`) } : {}) },
        aiNote: gitAiNote(ai, { sessions }),
      });
    }
    fastImport(repo, commits);
    const r = reportJson(repo);
    assert.strictEqual(r.aiLines, 400);
    assert.strictEqual(r.aiLines, independentAiLines(repo));
    assert.strictEqual(r.addedLines, 400 + 10 * 10);
    assert.deepStrictEqual(r.byAgent, { 'claude-code': { commits: 40, lines: 400 } });
    const byPath = reportJson(repo, '--by', 'path');
    assert.deepStrictEqual(
      byPath.rows!.map((row) => [row.key, row.aiLines, row.addedLines]),
      [
        ['src/x.ts', 400, 400],
        ['src/y.ts', 0, 100],
      ],
    );
    const byWeek = reportJson(repo, '--by', 'week');
    assert.strictEqual(
      byWeek.rows!.reduce((n, row) => n + row.aiLines, 0),
      400,
    );
    const byAuthor = reportJson(repo, '--by', 'author');
    assert.strictEqual(byAuthor.rows![0].aiLines, 400);
    const csv = repo.cli(['report', '--format', 'csv', '--by', 'agent']).stdout.trim().split('\r\n');
    assert.match(csv[1], /^claude-code,40,40,40,0,500,400,0\.8,/);
    const md = repo.cli(['report', '--format', 'markdown', '--by', 'path']).stdout;
    assert.match(md, /^\| src\/x\.ts \| 40 \|.*\| 400 \| 400 \| 100(\.0)?% \|/m);
    const html = repo.cli(['report', '--format', 'html']).stdout;
    assert.match(html, /AI share[^]*80(\.0)?%/);
  });

  it('agrees with the independent count on a random history of 400 commits', () => {
    const repo = TempRepo.create();
    let seed = 7;
    const rnd = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    const keys = [
      `${CLAUDE_SESSION}::t_00000000000009`,
      's_aaaaaaaaaaaaaa::t_0000000000000a',
      'h_bbbbbbbbbbbbbb',
      '0123456789abcdef',
      's_ffffffffffffff',
    ];
    const commits: FiCommit[] = [];
    for (let i = 0; i < 400; i++) {
      const file = `src/f${rnd(7)}.ts`;
      const n = 1 + rnd(40);
      const kind = rnd(4);
      const entries: Array<[string, string]> = [];
      for (let e = 0; e < 1 + rnd(3); e++) {
        const a = 1 + rnd(n),
          b = 1 + rnd(n);
        entries.push([keys[rnd(keys.length)], rnd(2) ? `${a}-${b}` : `${b},${a}`]);
      }
      commits.push({
        message: `c${i}\n${kind === 1 ? `\nAI-Provenance: v1 ai=${rnd(9)} human=1 untracked=0\n` : ''}`,
        files: { [file]: lines(n, `c${i}`) },
        ...(kind >= 2 ? { aiNote: gitAiNote([[file, entries]], { sessions }) } : {}),
      });
    }
    fastImport(repo, commits);
    const r = reportJson(repo);
    assert.strictEqual(r.commits, 400);
    assert.strictEqual(r.aiLines, independentAiLines(repo));
  });
});

describe('countersign report: review coverage', function () {
  this.timeout(60_000);

  function keypair(dir: string, name: string): { key: string; pub: string } {
    const key = path.join(dir, name);
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', name, '-f', key]);
    return { key, pub: fs.readFileSync(`${key}.pub`, 'utf8').trim() };
  }

  function sign(repo: TempRepo, keyFile: string, st: ApprovalStatement): void {
    const msg = path.join(repo.dir, '..', `msg-${Date.now()}-${Math.random().toString(36).slice(2)}`);
    fs.writeFileSync(msg, canonicalStatementBytes(st));
    execFileSync('ssh-keygen', ['-Y', 'sign', '-q', '-f', keyFile, '-n', 'countersign-review', msg]);
    const signature = fs.readFileSync(`${msg}.sig`, 'utf8');
    const existing = repo.gitResult(['notes', '--ref=countersign', 'show', st.tip]);
    const text =
      (existing.status === 0 ? existing.stdout.trim() + '\n' : '') + formatStatementLine({ statement: st, signature });
    repo.gitResult(['notes', '--ref=countersign', 'add', '-f', '-F', '-', st.tip], text);
  }

  function statement(
    repo: TempRepo,
    tip: string,
    base: string,
    email: string,
    decision: 'approve' | 'reject' = 'approve',
    time = '2026-01-01T00:00:00Z',
  ): ApprovalStatement {
    return {
      v: 1,
      decision,
      reviewer: { email },
      tip,
      tree: repo.git('rev-parse', `${tip}^{tree}`),
      base,
      patchId: 'a'.repeat(40),
      time,
    };
  }

  it('counts commits covered by base..tip of verified approvals, not self-approvals, not bad signatures, not after a rejection', () => {
    const repo = TempRepo.create();
    const keys = fs.mkdtempSync(path.join(repo.dir, '..', 'keys-'));
    const bob = keypair(keys, 'bob');
    const carol = keypair(keys, 'carol');
    const ada = keypair(keys, 'ada');
    const policy = {
      protectedBranches: ['main'],
      reviewers: [
        { name: 'Bob', email: 'bob@example.com', key: bob.pub },
        { name: 'Carol', email: 'carol@example.com', key: carol.pub },
        { name: 'Ada', email: 'ada@example.com', key: ada.pub },
      ],
    };
    const shas = fastImport(repo, [
      { message: 'policy\n', files: { '.countersign.json': JSON.stringify(policy) } },
      { message: 'one\n', files: { 'a.txt': 'a\n' } },
      { message: 'two\n', files: { 'b.txt': 'b\n' } },
      { message: 'three\n', files: { 'c.txt': 'c\n' } },
      { message: 'four\n', files: { 'd.txt': 'd\n' } },
      { message: 'five\n', files: { 'e.txt': 'e\n' } },
    ]);
    sign(repo, bob.key, statement(repo, shas[2], shas[0], 'bob@example.com')); // covers one, two
    sign(repo, carol.key, statement(repo, shas[3], shas[2], 'carol@example.com')); // covers three…
    sign(repo, carol.key, statement(repo, shas[3], shas[2], 'carol@example.com', 'reject', '2026-01-02T00:00:00Z')); // …then rejects it
    sign(repo, bob.key, statement(repo, shas[4], shas[3], 'carol@example.com')); // signed with the wrong key
    sign(repo, ada.key, statement(repo, shas[5], shas[4], 'ada@example.com')); // Ada approving her own commit
    const r = reportJson(repo);
    assert.strictEqual(r.review.basis, 'signatures');
    assert.strictEqual(r.reviewedCommits, 2);
    // Unattested commits need review; the first policy commit, with no policy before it, needed none.
    assert.strictEqual(r.needingReviewCommits, 5);
    assert.strictEqual(r.reviewCoverage, 0.4);
    assert.ok(
      r.review.errors.some((e) => /carol@example.com not counted/.test(e)),
      r.review.errors.join('\n'),
    );
    const weeks = reportJson(repo, '--by', 'week');
    assert.strictEqual(
      weeks.rows!.reduce((n, row) => n + row.reviewedCommits, 0),
      2,
    );
    // Without a policy the statements are counted unverified, and the report says so.
    fastImport(repo, [{ message: 'drop policy\n', files: { '.countersign.json': null } }]);
    const loose = reportJson(repo);
    assert.strictEqual(loose.review.basis, 'statements');
    assert.strictEqual(
      loose.reviewedCommits,
      3,
      'one, two and four (the wrongly signed one) count when signatures are not checked',
    );
  });

  it("review coverage is over the commits that needed review, by the gate's rule, in every view (newuser15 #4)", () => {
    const repo = TempRepo.create();
    const keys = fs.mkdtempSync(path.join(repo.dir, '..', 'keys-'));
    const bob = keypair(keys, 'bob');
    const carol = keypair(keys, 'carol');
    const policy = (more: Array<{ name: string; email: string; key: string }> = []) =>
      JSON.stringify({
        protectedBranches: ['main'],
        reviewers: [{ name: 'Bob', email: 'bob@example.com', key: bob.pub }, ...more],
      });
    const human = (n: number) => `AI-Provenance: v1 ai=0 human=${n} untracked=0`;
    const five = { 'g1.txt': 'x\n', 'g2.txt': 'x\n', 'g3.txt': 'x\n', 'g4.txt': 'x\n', 'g5.txt': 'x\n' };
    const shas = fastImport(repo, [
      { message: 'policy\n', files: { '.countersign.json': policy(), ...five } },
      { message: `typed\n\n${human(1)}\n`, files: { 'a.txt': 'a\n' } },
      {
        message: `agent\n\nAssisted-by: Claude:claude-sonnet-4-5 claude-code\nAI-Provenance: v1 ai=20 human=0 untracked=0\n`,
        files: { 'b.txt': lines(20, 'b') },
      },
      // Deleting five files meets the default mass-deletion tier though every line of it is attested.
      { message: `clean up\n\n${human(0)}\n`, files: Object.fromEntries(Object.keys(five).map((f) => [f, null])) },
      {
        message: `policy change\n\n${human(1)}\n`,
        files: { '.countersign.json': policy([{ name: 'Carol', email: 'carol@example.com', key: carol.pub }]) },
      },
    ]);
    sign(repo, bob.key, statement(repo, shas[2], shas[1], 'bob@example.com')); // the agent's commit only
    const r = reportJson(repo);
    assert.strictEqual(r.commits, 5);
    assert.strictEqual(r.reviewedCommits, 1);
    assert.strictEqual(r.needingReviewCommits, 3, 'the agent commit, the mass deletion, the policy change');
    assert.strictEqual(r.reviewedNeedingReviewCommits, 1);
    assert.strictEqual(r.reviewCoverage, 0.3333);
    const row = (rows: ReportJson['rows'], key: string) => rows?.find((x) => x.key === key);
    const byAgent = reportJson(repo, '--by', 'agent').rows;
    assert.deepStrictEqual(
      [row(byAgent, 'claude-code')?.needingReviewCommits, row(byAgent, 'claude-code')?.reviewCoverage],
      [1, 1],
    );
    assert.deepStrictEqual(
      [row(byAgent, '(no AI)')?.needingReviewCommits, row(byAgent, '(no AI)')?.reviewCoverage],
      [2, 0],
    );
    const byPath = reportJson(repo, '--by', 'path').rows;
    assert.deepStrictEqual(
      [row(byPath, 'a.txt')?.needingReviewCommits, row(byPath, 'a.txt')?.reviewCoverage],
      [0, null],
    );
    assert.deepStrictEqual([row(byPath, 'b.txt')?.needingReviewCommits, row(byPath, 'b.txt')?.reviewCoverage], [1, 1]);
    assert.strictEqual(row(byPath, '.countersign.json')?.needingReviewCommits, 1, 'the change, not the first policy');
    const text = repo.cli(['report']);
    assert.match(text.stdout, /^ {2}Reviewed commits +1 \(20\.0% of all commits\)$/m);
    assert.match(text.stdout, /^ {2}Review coverage +33\.3% — 1 of the 3 commit\(s\) that needed review$/m);
    // The definitions stand under the figures, each on its own line, not beside "Notes read" (newuser15 #14).
    assert.match(text.stdout, /^ {2}Notes read +0\n\n {2}Reviewed = approvals whose signature verifies/m);
    assert.match(
      text.stdout,
      /^ {2}Review coverage = reviewed commits among those that needed review: .*first policy commit/m,
    );
    // report fetches nothing: it says its approvals are the clone's as last fetched (newuser16 F10).
    assert.match(text.stdout, /^ {2}Counted from approvals as this clone last fetched them .*`git fetch`/m);
    const csv = repo.cli(['report', '--format', 'csv']).stdout.split('\r\n');
    assert.match(csv[0], /,reviewCoverage,needingReviewCommits,reviewedNeedingReviewCommits$/);
    assert.match(csv[1], /,0\.3333,3,1$/);
    assert.match(repo.cli(['report', '--format', 'html']).stdout, /1 of the 3 commits that needed review/);
  });

  it('approvals whose range left the history (a rebase) are said once, summarised, with the fix — not once per statement', () => {
    const repo = TempRepo.create();
    const keys = fs.mkdtempSync(path.join(repo.dir, '..', 'keys-'));
    const bob = keypair(keys, 'bob');
    repo.write(
      '.countersign.json',
      JSON.stringify({
        protectedBranches: ['main'],
        reviewers: [{ name: 'Bob', email: 'bob@example.com', key: bob.pub }],
      }),
    );
    repo.git('add', '.');
    const base = repo.commit('policy', '--no-verify');
    repo.git('checkout', '-q', '-b', 'feature');
    const old: string[] = [];
    for (const n of [1, 2, 3, 4]) {
      repo.write(`f${n}.txt`, `${n}\n`);
      repo.git('add', '.');
      old.push(repo.commit(`feature ${n}`, '--no-verify'));
    }
    // Bob approved each step of the branch; then it was rebased onto a moved main and the old commits left.
    for (const [i, tip] of old.entries())
      sign(repo, bob.key, statement(repo, tip, i === 0 ? base : old[i - 1], 'bob@example.com'));
    repo.git('checkout', '-q', 'main');
    repo.write('main.txt', 'm\n');
    repo.git('add', '.');
    repo.commit('main moved', '--no-verify');
    repo.git('cherry-pick', ...old);
    repo.git('branch', '-D', 'feature');
    const text = repo.cli(['report']);
    assert.strictEqual(text.status, 0, text.stderr);
    assert.strictEqual(
      (text.stdout.match(/approval statements? (is|are) about commits outside/g) ?? []).length,
      1,
      text.stdout,
    );
    assert.match(
      text.stdout,
      /4 approval statements are about commits outside the history of HEAD \([0-9a-f]{12}\.\.[0-9a-f]{12}, [^)]*, …\): rebased or squashed since, or on a branch this range leaves out, so they cover nothing in this report\. To count them, include the branch they were made on in RANGE/,
    );
    assert.doesNotMatch(text.stdout, /could not be resolved/);
    const r = reportJson(repo);
    assert.strictEqual(r.review.errors.length, 1, r.review.errors.join('\n'));
    // With the old commits in RANGE they count again, and nothing is left to say.
    repo.git('branch', 'old-feature', old[3]);
    const both = reportJson(repo, 'HEAD', 'old-feature');
    assert.deepStrictEqual(both.review.errors, []);
    assert.strictEqual(both.reviewedCommits, 4);
  });
  it("newuser10 N17: the review workflow's leftovers are notes, not problems; a real problem stays a problem", () => {
    const repo = TempRepo.create();
    const keys = fs.mkdtempSync(path.join(repo.dir, '..', 'keys-'));
    const bob = keypair(keys, 'bob');
    const carol = keypair(keys, 'carol');
    repo.write(
      '.countersign.json',
      JSON.stringify({
        protectedBranches: ['main'],
        reviewers: [
          { name: 'Bob', email: 'bob@example.com', key: bob.pub },
          { name: 'Carol', email: 'carol@example.com', key: carol.pub },
        ],
      }),
    );
    repo.git('add', '.');
    const base = repo.commit('policy', '--no-verify');
    // A feature branch: Bob requests changes, Ada amends (the recommended fix), Bob approves the new commit.
    repo.git('checkout', '-q', '-b', 'feature');
    repo.write('f.txt', '1\n');
    repo.git('add', '.');
    const first = repo.commit('feature', '--no-verify');
    sign(repo, bob.key, statement(repo, first, base, 'bob@example.com', 'reject', '2026-01-01T00:00:00Z'));
    repo.write('f.txt', '2\n');
    repo.git('add', '.');
    const amended = repo.commit('feature', '--amend', '--no-verify');
    sign(repo, bob.key, statement(repo, amended, base, 'bob@example.com'));
    // Meanwhile on main: a commit Carol approved, which a range of the feature branch leaves out.
    repo.git('checkout', '-q', 'main');
    repo.write('m.txt', 'm\n');
    repo.git('add', '.');
    const onMain = repo.commit('main work', '--no-verify');
    sign(repo, carol.key, statement(repo, onMain, base, 'carol@example.com'));
    repo.git('checkout', '-q', 'feature');

    const text = repo.cli(['report', 'feature']);
    assert.strictEqual(text.status, 0, text.stderr);
    assert.doesNotMatch(text.stdout, /problem/i, text.stdout);
    assert.match(text.stdout, /\nNotes \(left by the usual review workflow[^\n]*\):\n/);
    assert.match(text.stdout, /1 note on commits no branch, tag or HEAD reaches/);
    assert.match(text.stdout, /1 approval statement is about commits outside the history of feature/);
    const r = reportJson(repo, 'feature');
    assert.deepStrictEqual(r.review.problems, []);
    assert.strictEqual(r.review.notes?.length, 1);
    assert.deepStrictEqual(r.review.errors, r.review.notes, 'errors keeps what it said before (additive JSON)');

    // A statement signed with the wrong key is a real problem, and is listed as one.
    sign(repo, bob.key, statement(repo, amended, base, 'carol@example.com'));
    const bad = repo.cli(['report', 'feature']);
    assert.match(bad.stdout, /\nProblems:\n[\s\S]*carol@example\.com not counted/);
    assert.strictEqual(reportJson(repo, 'feature').review.problems?.length, 1);
  });
});
