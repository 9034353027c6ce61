import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { MIN_STATEMENT_LINE, parseStatementNote } from '../../../src/core/approvalStatement';
import { gatherApprovals, StatementNotes } from '../../../src/git/approvalNotes';
import { readAllStatements } from '../../../src/git/approvalsStore';
import { readStatements } from '../../../src/git/historyStatements';

/**
 * attack30 F3: a crafted clone whose commits' refs/notes/countersign notes all name the same junk blob (git stores
 * it once, under the per-note bound). explain and report (historyStatements.readStatements) parsed it once per
 * commit; every reader now parses a blob once per reading, junk that cannot be a statement costs no JSON.parse,
 * and a reading parses a bounded number of note bytes. Counted in JSON.parse calls, never in time.
 */
describe('junk approval notes shared by many commits: bounded work for every reader (attack30 F3)', function () {
  this.timeout(120_000);
  const N = 300;
  /** Lines that could be statements as far as a prefix check knows (long, braced), and lines that could not. */
  const LONG = 200;
  const SHORT = 2000;
  let repo: string;

  function git(args: string[], input?: string): string {
    const r = spawnSync('git', args, { cwd: repo, input, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    assert.strictEqual(r.status, 0, `git ${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  }

  function junkBlob(tag: string): string {
    const lines: string[] = [];
    for (let i = 0; i < LONG; i++) lines.push(JSON.stringify({ x: i, pad: `${tag}${'a'.repeat(300)}` }));
    for (let i = 0; i < SHORT; i++) lines.push(`{"x":${i}}`);
    return git(['hash-object', '-w', '--stdin'], lines.join('\n') + '\n').trim();
  }

  /** A notes commit under refs/notes/countersign giving each of `commits` the note blob `blobOf(i)`. */
  function notes(commits: string[], blobOf: (i: number) => string): void {
    const tree = git(['mktree'], commits.map((c, i) => `100644 blob ${blobOf(i)}\t${c}`).join('\n') + '\n').trim();
    git(['update-ref', 'refs/notes/countersign', git(['commit-tree', tree, '-m', 'notes']).trim()]);
  }

  let commits: string[];
  before(() => {
    repo = fs.mkdtempSync(path.join(os.tmpdir(), 'junk-notes-'));
    git(['init', '-q']);
    let stream = '';
    for (let c = 0; c < N; c++) {
      const msg = `c${c}\n`;
      stream += `commit refs/heads/main\nmark :${c + 1}\ncommitter M <m@example.com> ${1700000000 + c} +0000\n`;
      stream += `data ${msg.length}\n${msg}${c ? `from :${c}\n` : ''}M 100644 inline f${c}.txt\ndata 2\n${c % 10}\n\n`;
    }
    git(['fast-import', '--quiet'], stream);
    commits = git(['rev-list', '--reverse', 'main']).trim().split('\n');
  });

  /** JSON.parse calls while `run` runs. */
  async function parses(run: () => Promise<unknown>): Promise<number> {
    const original = JSON.parse;
    let n = 0;
    JSON.parse = ((text: string, reviver?: (this: unknown, key: string, value: unknown) => unknown) => {
      n++;
      return original(text, reviver);
    }) as typeof JSON.parse;
    try {
      await run();
    } finally {
      JSON.parse = original;
    }
    return n;
  }

  it('explain and report (readStatements) parse one shared blob once, its short junk not at all', async () => {
    const blob = junkBlob('shared');
    notes(commits, () => blob);
    // The old reading: (LONG + SHORT) × N = 660,000 parses.
    const n = await parses(async () => {
      const r = await readStatements(repo);
      assert.strictEqual(r.statements.length, 0);
      // Every commit whose note holds the junk is still told of (fail closed), each from the one parse.
      assert.strictEqual(new Set(r.unreadable.map((u) => u.attachedTo)).size, N);
    });
    assert.ok(n <= LONG + 50, `${n} JSON.parse calls for one ${LONG}-line blob shared by ${N} commits`);
  });

  it('the gate and review (readAllStatements, gatherApprovals) parse it once too', async () => {
    const blob = junkBlob('shared');
    notes(commits, () => blob);
    const n = await parses(async () => {
      const a = await readAllStatements(repo);
      assert.strictEqual(new Set(a.errors.map((e) => e.attachedTo)).size, N);
      const g = await gatherApprovals(repo, ['refs/notes/countersign']);
      assert.strictEqual(new Set(g.statementErrors.map((e) => e.attachedTo)).size, N);
    });
    assert.ok(n <= 2 * LONG + 50, `${n} JSON.parse calls`);
  });

  it('distinct junk blobs stop at the reading budget: the rest unread, said once per note, failing closed', async () => {
    notes(commits, (i) => junkBlob(`d${i}`));
    const size = Number(git(['cat-file', '-s', junkBlob('d0')]).trim());
    const budget = 10 * size; // ten notes' worth
    const n = await parses(async () => {
      const r = await new StatementNotes(repo, budget).ofRef('refs/notes/countersign');
      assert.strictEqual(r.byCommit.size, 0);
      const unread = r.errors.filter((e) => /not read/.test(e.error));
      assert.ok(unread.length >= N - 11, `${unread.length} notes said unread`);
      assert.match(unread[0].error, /refs\/notes\/countersign/);
      assert.match(unread[0].error, /git update-ref -d refs\/notes\/countersign/);
    });
    assert.ok(n <= 11 * LONG + 50, `${n} JSON.parse calls past a budget of ten notes`);
  });
});

describe('the statement-line shape check refuses no line that could be a statement', () => {
  it('the shortest statement the schema takes is MIN_STATEMENT_LINE characters and reads as a statement', () => {
    const h = '0'.repeat(40);
    const line = JSON.stringify({
      statement: { v: 1, decision: 'reject', reviewer: { email: 'a@b' }, tip: h, tree: h, base: h, patchId: 'empty' },
      signature: '-----BEGIN SSH SIGNATURE-----',
    }).replace('"patchId":"empty"', '"patchId":"empty","time":"2026-01-31T12:00:00Z"');
    assert.strictEqual(line.length, MIN_STATEMENT_LINE);
    const parsed = parseStatementNote(line);
    assert.deepStrictEqual(parsed.errors, []);
    assert.strictEqual(parsed.statements.length, 1);
    assert.match(parseStatementNote(line.slice(0, -2) + '}').errors[0], /not a statement \(308 characters/);
  });
});
