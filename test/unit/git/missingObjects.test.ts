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
    { message: 'a\n', files: { 'a.ts': lines(4) }, aiNote: gitAiNote([['a.ts', [[`${SESSION}::t_00000000000001`, '1-4']]]], { sessions }) },
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
    const before = clone.git('rev-list', '--objects', '--missing=print', '--all').split('\n').filter((l) => l.startsWith('?')).length;
    assert.ok(before >= 4, 'the clone lacks the blobs and the note');
    const r = clone.cli(['report', 'main', '--format', 'json']);
    assert.strictEqual(r.status, 0, r.stderr);
    const rep = JSON.parse(r.stdout) as { commits: number; aiAssistedCommits: number; aiLines: number; addedLines: number; warnings: string[] };
    assert.deepStrictEqual([rep.commits, rep.aiAssistedCommits, rep.aiLines, rep.addedLines], [3, 2, 2, 0]);
    assert.strictEqual(r.stderr.trim().split('\n').length, rep.warnings.length);
    assert.match(r.stderr, /partial clone: added lines were not counted for its 3 commit/);
    assert.match(r.stderr, /1 commit\(s\) have a refs\/notes\/ai note whose content this partial clone lacks/);
    const after = clone.git('rev-list', '--objects', '--missing=print', '--all').split('\n').filter((l) => l.startsWith('?')).length;
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
      execFileSync('git', ['unpack-objects', '-q'], { cwd: repo.dir, env: repo.env, input: fs.readFileSync(path.join(repo.dir, '..', f)) });
    }
    for (const f of fs.readdirSync(packs)) fs.rmSync(path.join(packs, f));
    fs.rmSync(path.join(repo.dir, '.git', 'objects', blob.slice(0, 2), blob.slice(2)));
    const r = repo.cli(['report', 'main', '--format', 'json']);
    assert.strictEqual(r.status, 0, r.stderr);
    const rep = JSON.parse(r.stdout) as { commits: number; aiAssistedCommits: number; aiLines: number; warnings: string[] };
    assert.deepStrictEqual([rep.commits, rep.aiAssistedCommits, rep.aiLines], [3, 3, 6]);
    assert.strictEqual(rep.warnings.length, 1);
    assert.match(r.stderr, /some file contents are missing from this repository/);
  });
});
