import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { fastImport, gitAiNote, lines } from '../helpers/fastImport';
import { TempRepo } from '../helpers/tempRepo';

/**
 * Issue 12: a repository with missing objects — a blobless partial clone, a snapshot that lost a blob — is
 * reported from what it has, with one warning line saying what was skipped and how those commits counted,
 * and nothing is fetched.
 */
const SESSION = 's_0123456789abcd';
const sessions = { [SESSION]: { agent_id: { tool: 'claude', id: 'c', model: 'm' } } };

function origin(): TempRepo {
  const repo = TempRepo.create();
  fastImport(repo, [
    {
      message: 'a\n',
      files: { 'a.ts': lines(4) },
      aiNote: gitAiNote([['a.ts', [[`${SESSION}::t_00000000000001`, '1-4']]]], { sessions }),
    },
    { message: 'b\n\nAI-Provenance: v1 ai=2 human=1 untracked=0\n', files: { 'b.ts': lines(3) } },
    { message: 'c\n\nCo-Authored-By: Claude <noreply@anthropic.com>\n', files: { 'c.ts': lines(5) } },
  ]);
  repo.git('config', 'uploadpack.allowFilter', 'true');
  repo.git('config', 'uploadpack.allowAnySHA1InWant', 'true');
  return repo;
}

describe('report on repositories with missing objects', function () {
  this.timeout(120_000);

  it('a blobless partial clone: figures from trailers and the notes it has, one warning, no fetch', () => {
    const src = origin();
    const dir = fs.mkdtempSync(path.join(path.dirname(src.dir), 'partial-'));
    const cloned = src.gitResult(['clone', '-q', '--filter=blob:none', '--no-checkout', `file://${src.dir}`, dir]);
    assert.strictEqual(cloned.status, 0, cloned.stderr);
    const clone = TempRepo.at(dir);
    clone.git('fetch', '-q', 'origin', 'refs/notes/ai:refs/notes/ai');
    const before = clone
      .git('rev-list', '--objects', '--missing=print', '--all')
      .split('\n')
      .filter((l) => l.startsWith('?')).length;
    assert.ok(before >= 4, 'the clone lacks the blobs and the note');
    const r = clone.cli(['report', 'main', '--format', 'json']);
    assert.strictEqual(r.status, 0, r.stderr);
    const rep = JSON.parse(r.stdout) as {
      commits: number;
      aiAssistedCommits: number;
      aiLines: number;
      addedLines: number;
      warnings: string[];
    };
    assert.deepStrictEqual([rep.commits, rep.aiAssistedCommits, rep.aiLines, rep.addedLines], [3, 2, 2, 0]);
    assert.strictEqual(r.stderr.trim().split('\n').length, rep.warnings.length);
    assert.match(r.stderr, /partial clone: added lines were not counted for its 3 commit/);
    assert.match(r.stderr, /1 commit\(s\) have a refs\/notes\/ai note whose content this partial clone lacks/);
    const after = clone
      .git('rev-list', '--objects', '--missing=print', '--all')
      .split('\n')
      .filter((l) => l.startsWith('?')).length;
    assert.strictEqual(after, before, 'nothing was fetched');
  });

  it('a repository that lost a blob: reported without added lines, with a warning, not exit 2', () => {
    const repo = origin();
    repo.git('repack', '-q', '-a', '-d');
    const blob = repo.git('rev-parse', 'HEAD~1:b.ts');
    // unpack everything, then delete one blob
    const packs = path.join(repo.dir, '.git', 'objects', 'pack');
    for (const f of fs.readdirSync(packs).filter((n) => n.endsWith('.pack'))) {
      fs.renameSync(path.join(packs, f), path.join(repo.dir, '..', f));
      execFileSync('git', ['unpack-objects', '-q'], {
        cwd: repo.dir,
        env: repo.env,
        input: fs.readFileSync(path.join(repo.dir, '..', f)),
      });
    }
    for (const f of fs.readdirSync(packs)) fs.rmSync(path.join(packs, f));
    fs.rmSync(path.join(repo.dir, '.git', 'objects', blob.slice(0, 2), blob.slice(2)));
    const r = repo.cli(['report', 'main', '--format', 'json']);
    assert.strictEqual(r.status, 0, r.stderr);
    const rep = JSON.parse(r.stdout) as {
      commits: number;
      aiAssistedCommits: number;
      aiLines: number;
      warnings: string[];
    };
    assert.deepStrictEqual([rep.commits, rep.aiAssistedCommits, rep.aiLines], [3, 3, 6]);
    assert.strictEqual(rep.warnings.length, 1);
    assert.match(r.stderr, /some file contents are missing from this repository/);
  });
});

describe('blame and explain on a blobless partial clone (issue 12 item 3)', function () {
  this.timeout(120_000);
  // c1 writes a.ts (AI), c2 appends two AI lines, c3 one more AI line. The clone has c3's and c2's a.ts
  // (checked out) and c3's note, but not c1's a.ts nor c1's and c2's notes.
  let clone: TempRepo;
  let shas: string[];
  const missing = () =>
    clone
      .git('rev-list', '--objects', '--missing=print', '--all')
      .split('\n')
      .filter((l) => l.startsWith('?')).length;
  before(() => {
    const src = TempRepo.create();
    const note = (r: string) => gitAiNote([['a.ts', [[`${SESSION}::t_00000000000001`, r]]]], { sessions });
    shas = fastImport(src, [
      { message: 'c1\n', files: { 'a.ts': lines(4) }, aiNote: note('1-4') },
      { message: 'c2\n', files: { 'a.ts': lines(6) }, aiNote: note('5-6') },
      { message: 'c3\n', files: { 'a.ts': lines(7) }, aiNote: note('7') },
    ]);
    src.git('notes', '--ref=countersign', 'add', '-m', 'an approvals note the clone will lack', shas[1]);
    src.git('config', 'uploadpack.allowFilter', 'true');
    src.git('config', 'uploadpack.allowAnySHA1InWant', 'true');
    const dir = fs.mkdtempSync(path.join(path.dirname(src.dir), 'partial-'));
    const cloned = src.gitResult(['clone', '-q', '--filter=blob:none', `file://${src.dir}`, dir]);
    assert.strictEqual(cloned.status, 0, cloned.stderr);
    clone = TempRepo.at(dir);
    clone.git('fetch', '-q', 'origin', 'refs/notes/ai:refs/notes/ai', 'refs/notes/countersign:refs/notes/countersign');
    clone.git('checkout', '-q', 'HEAD~1');
    clone.git('checkout', '-q', 'main');
    clone.git('notes', '--ref=ai', 'show', shas[2]);
  });

  it('blame traces lines as far as the clone can read, skips the rest in one warning line, fetches nothing', () => {
    const before = missing();
    assert.ok(before >= 3, "the clone lacks c1's a.ts and two notes");
    const r = clone.cli(['blame', 'a.ts', '--json']);
    assert.strictEqual(r.status, 0, r.stderr);
    const b = JSON.parse(r.stdout) as {
      lines: Array<{ kind: string; commit: string | null; skipped?: true }>;
      warnings: string[];
    };
    // c2 cannot be diffed against c1 (missing), so lines 1-6 are skipped; line 7 is c3's, AI per c3's note.
    assert.deepStrictEqual(
      b.lines.map((l) => (l.skipped ? 'skipped' : `${l.kind}@${l.commit?.slice(0, 7)}`)),
      [...Array(6).fill('skipped'), `ai@${shas[2].slice(0, 7)}`],
    );
    assert.strictEqual(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.match(
      r.stderr,
      /^countersign blame: warning: this clone lacks earlier versions of a\.ts: 6 line\(s\) .* skipped \(nothing was fetched/,
    );
    assert.strictEqual(missing(), before, 'nothing was fetched');
  });

  it('explain reads the commit without its diff stats, note or gate, says so in one line, fetches nothing', () => {
    const before = missing();
    const r = clone.cli(['explain', shas[1], '--json']);
    assert.strictEqual(r.status, 0, r.stderr);
    const e = JSON.parse(r.stdout) as {
      commit: { sha: string };
      provenance: { note: unknown; addedLines: number };
      gate: { available: boolean };
      warnings: string[];
    };
    assert.strictEqual(e.commit.sha, shas[1]);
    assert.strictEqual(e.provenance.note, null);
    assert.strictEqual(e.gate.available, false);
    assert.strictEqual(e.warnings.length, 1);
    assert.strictEqual(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.match(
      r.stderr,
      /nothing was fetched: added lines were not counted .*refs\/notes\/ai note was not read.*1 refs\/notes\/countersign note\(s\) were not read/,
    );
    const text = clone.cli(['explain', shas[2]]);
    assert.strictEqual(text.status, 0, text.stderr);
    assert.match(text.stdout, /7/);
    const rep = clone.cli(['report', 'main', '--format', 'json']);
    assert.strictEqual(rep.status, 0, rep.stderr);
    assert.strictEqual(
      (JSON.parse(rep.stdout) as { aiLines: number }).aiLines,
      1,
      "c3's note only; c1 and c2 lack theirs",
    );
    assert.strictEqual(missing(), before, 'nothing was fetched');
  });
});
