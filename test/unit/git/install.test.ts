import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { TempRepo } from '../helpers/tempRepo';

describe('install / uninstall', () => {
  it('adds an AI-Provenance trailer to a -m commit, parseable by git', () => {
    const repo = TempRepo.create();
    const r = repo.cli(['install']);
    assert.strictEqual(r.status, 0, r.stderr);
    repo.write('a.txt', 'one\ntwo\nthree\n');
    repo.git('add', 'a.txt');
    repo.commit('first');
    assert.deepStrictEqual(repo.trailers(), ['AI-Provenance: v1 ai=0 human=0 untracked=3']);
  });

  it('keeps a Signed-off-by trailer and adds to the same trailer block', () => {
    const repo = TempRepo.create();
    repo.cli(['install']);
    repo.write('a.txt', 'x\n');
    repo.git('add', 'a.txt');
    repo.commit('subject\n\nbody text\n\nSigned-off-by: Ada Author <ada@example.com>');
    assert.deepStrictEqual(repo.trailers(), [
      'Signed-off-by: Ada Author <ada@example.com>',
      'AI-Provenance: v1 ai=0 human=0 untracked=1',
    ]);
  });

  it('measures an amend from the parent, not from the commit it replaces', () => {
    const repo = TempRepo.create();
    repo.cli(['install']);
    repo.write('a.txt', 'a\n');
    repo.git('add', '.');
    repo.commit('root');
    repo.write('b.txt', 'b1\nb2\n');
    repo.git('add', '.');
    repo.commit('second');
    repo.write('b.txt', 'b1\nb2\nb3\n');
    repo.git('add', '.');
    repo.git('commit', '-q', '--amend', '--no-edit');
    assert.deepStrictEqual(repo.trailers(), ['AI-Provenance: v1 ai=0 human=0 untracked=3']);
  });

  it('COUNTERSIGN_SKIP=1 leaves the commit unattested', () => {
    const repo = TempRepo.create({ env: { COUNTERSIGN_SKIP: '1' } });
    repo.cli(['install']);
    repo.write('a.txt', 'x\n');
    repo.git('add', '.');
    repo.commit('skipped');
    assert.deepStrictEqual(repo.trailers(), []);
  });

  it('chains a hook already in .git/hooks and restores it on uninstall', () => {
    const repo = TempRepo.create();
    const hook = path.join(repo.dir, '.git', 'hooks', 'commit-msg');
    fs.writeFileSync(hook, '#!/bin/sh\necho "Chained: yes" >> "$1"\n', { mode: 0o755 });
    repo.cli(['install']);
    repo.write('a.txt', 'x\n');
    repo.git('add', '.');
    repo.commit('with chained hook');
    const body = repo.git('log', '-1', '--format=%B');
    assert.match(body, /Chained: yes/);
    assert.match(body, /AI-Provenance: v1/);
    const u = repo.cli(['uninstall']);
    assert.strictEqual(u.status, 0, u.stderr);
    assert.strictEqual(repo.gitResult(['config', '--local', 'core.hooksPath']).status, 1, 'core.hooksPath unset again');
    assert.ok(fs.existsSync(hook), 'the original hook is untouched');
    assert.ok(!fs.existsSync(path.join(repo.dir, '.git', 'countersign', 'hooks')));
    // newuser8 F4: what stays in .git/countersign is said, with how to delete it.
    const left = fs.readdirSync(path.join(repo.dir, '.git', 'countersign'));
    assert.ok(left.includes('ledger'), left.join(' '));
    assert.match(u.stdout, /Kept \.git\/countersign\/ledger.* \(the working ledger: .*rm -r \.git\/countersign\n/);
    assert.strictEqual(
      repo.gitResult(['config', '--local', '--get-all', 'notes.rewriteRef']).status,
      1,
      'notes config removed',
    );
  });

  it('chains a husky core.hooksPath without touching tracked hook files, and restores it', () => {
    const repo = TempRepo.create();
    repo.write('.husky/_/pre-commit', '#!/bin/sh\necho husky-ran > "$(git rev-parse --git-dir)/husky-ran"\n');
    fs.chmodSync(path.join(repo.dir, '.husky/_/pre-commit'), 0o755);
    repo.git('config', 'core.hooksPath', '.husky/_');
    const before = repo.read('.husky/_/pre-commit');
    repo.cli(['install']);
    repo.write('a.txt', 'x\n');
    repo.git('add', 'a.txt');
    repo.commit('husky');
    assert.ok(fs.existsSync(path.join(repo.dir, '.git', 'husky-ran')), 'husky pre-commit ran through the chain');
    assert.match(repo.git('log', '-1', '--format=%B'), /AI-Provenance/);
    assert.strictEqual(repo.read('.husky/_/pre-commit'), before);
    repo.cli(['uninstall']);
    assert.strictEqual(repo.git('config', '--local', 'core.hooksPath'), '.husky/_');
  });

  it('a failing chained hook blocks as it did before, naming itself', () => {
    const repo = TempRepo.create();
    fs.writeFileSync(path.join(repo.dir, '.git', 'hooks', 'pre-commit'), '#!/bin/sh\nexit 3\n', { mode: 0o755 });
    repo.cli(['install']);
    repo.write('a.txt', 'x\n');
    repo.git('add', '.');
    const r = repo.gitResult(['commit', '-m', 'blocked']);
    assert.notStrictEqual(r.status, 0);
    assert.match(r.stderr, /pre-commit hook in .*failed \(exit 3\)/);
  });

  it('install twice is idempotent and uninstall still restores the original state', () => {
    const repo = TempRepo.create();
    repo.cli(['install']);
    repo.cli(['install']);
    assert.deepStrictEqual(repo.git('config', '--local', '--get-all', 'notes.rewriteRef').split('\n'), [
      'refs/notes/ai',
    ]);
    repo.cli(['uninstall']);
    assert.strictEqual(repo.gitResult(['config', '--local', 'core.hooksPath']).status, 1);
  });

  it('refuses a bare repository with a hint at --server', () => {
    const repo = TempRepo.create({ bare: true });
    const r = repo.cli(['install']);
    assert.strictEqual(r.status, 2);
    assert.match(r.stderr, /bare repository.*--server/);
  });

  it('says where it is when run outside a repository', () => {
    const repo = TempRepo.create();
    fs.rmSync(path.join(repo.dir, '.git'), { recursive: true });
    const r = repo.cli(['install'], { env: { GIT_CEILING_DIRECTORIES: path.dirname(repo.dir) } });
    assert.strictEqual(r.status, 2);
    assert.match(r.stderr, /not inside a git repository/);
  });
});
