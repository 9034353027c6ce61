import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { commitMessageIsEmpty, EMPTY_MESSAGE_AWK } from '../../../src/core/emptyCommitMessage';
import { TempRepo } from '../helpers/tempRepo';

/** A repository with the hooks `countersign install` writes (the real CLI, the real shim). */
function installed(): TempRepo {
  const repo = TempRepo.create();
  repo.write('base.txt', 'base\n');
  repo.git('add', '.');
  repo.git('commit', '-q', '-m', 'base');
  const r = repo.cli(['install']);
  assert.strictEqual(r.status, 0, r.stderr);
  return repo;
}

describe('an empty commit message with the hooks installed (newuser17 F2)', function () {
  this.timeout(120000);

  it('`git commit --no-edit` with no message still aborts as git does, with no trailers written into it', () => {
    const repo = installed();
    repo.write('a.txt', 'one\n');
    repo.git('add', '.');
    const before = repo.git('rev-parse', 'HEAD');
    const r = repo.gitResult(['commit', '--no-edit']);
    assert.strictEqual(r.status, 1, `git aborts: ${r.stdout}${r.stderr}`);
    assert.match(r.stderr, /Aborting commit due to empty commit message/);
    assert.strictEqual(repo.git('rev-parse', 'HEAD'), before, 'no commit was made');
    // Only a Signed-off-by line is empty to git as well.
    const s = repo.gitResult(['commit', '--no-edit', '-s']);
    assert.strictEqual(s.status, 1, `${s.stdout}${s.stderr}`);
    assert.match(s.stderr, /Aborting commit due to empty commit message/);
    // After a `git merge --no-commit` that was up to date, as the report found it.
    repo.git('merge', '--no-commit', 'HEAD');
    assert.strictEqual(repo.gitResult(['commit', '--no-edit']).status, 1);
    assert.strictEqual(repo.git('rev-parse', 'HEAD'), before);
  });

  it('a -m commit and an editor-written message still get their trailers', () => {
    const repo = installed();
    repo.write('a.txt', 'one\n');
    repo.git('add', '.');
    repo.git('commit', '-q', '-m', 'by -m');
    assert.strictEqual(repo.git('log', '-1', '--format=%s'), 'by -m');
    assert.deepStrictEqual(repo.trailers(), ['AI-Provenance: v1 ai=0 human=0 untracked=1']);
    repo.write('b.txt', 'two\n');
    repo.git('add', '.');
    const editor = path.join(repo.dir, '..', `editor-${path.basename(repo.dir)}.sh`);
    fs.writeFileSync(editor, `#!/bin/sh\nprintf 'from the editor\\n' > "$1"\n`, { mode: 0o755 });
    const e = repo.gitResult(['-c', `core.editor=${editor}`, 'commit', '-q']);
    assert.strictEqual(e.status, 0, e.stderr);
    assert.strictEqual(repo.git('log', '-1', '--format=%s'), 'from the editor');
    assert.deepStrictEqual(repo.trailers(), ['AI-Provenance: v1 ai=0 human=0 untracked=1']);
    // An editor that leaves only comments: git aborts, the commit-msg shim wrote nothing into it.
    repo.write('c.txt', 'three\n');
    repo.git('add', '.');
    const blank = repo.gitResult(['-c', 'core.editor=true', '-c', 'core.commentChar=;', 'commit']);
    assert.strictEqual(blank.status, 1, blank.stderr);
    assert.match(blank.stderr, /empty commit message/);
  });

  it("the commit-msg shim's awk program and prepare-commit-msg's function are one rule", () => {
    const messages = [
      '',
      '\n\n',
      '# only a comment\n',
      '; only a comment\n',
      'text\n',
      '  \t \n',
      'Signed-off-by: A <a@example.com>\n',
      '\nSigned-off-by: A <a@example.com>\nx\n',
      '# ------------------------ >8 ------------------------\ndiff text\n',
      '# comment\n# ------------------------ >8 ------------------------\nbody after scissors\n',
      '#subject without a space\n',
    ];
    let checked = 0;
    for (const message of messages)
      for (const commentChar of ['#', ';'])
        for (const cleanup of [undefined, 'strip', 'whitespace', 'verbatim', 'scissors'])
          for (const editor of [true, false]) {
            const want = commitMessageIsEmpty(message, { commentChar, cleanup, editor });
            const awk = spawnSync(
              'awk',
              ['-v', `c=${commentChar}`, '-v', `m=${cleanup ?? ''}`, '-v', `e=${editor ? 1 : 0}`, EMPTY_MESSAGE_AWK],
              { input: message, encoding: 'utf8' },
            );
            assert.strictEqual(awk.status, want ? 1 : 0, JSON.stringify({ message, commentChar, cleanup, editor }));
            checked++;
          }
    assert.ok(checked > 200);
    assert.strictEqual(commitMessageIsEmpty('# x\n', { commentChar: '#', cleanup: undefined, editor: true }), true);
    assert.strictEqual(commitMessageIsEmpty('# x\n', { commentChar: '#', cleanup: undefined, editor: false }), false);
    assert.strictEqual(commitMessageIsEmpty('', { commentChar: '#', cleanup: 'verbatim', editor: true }), false);
  });
});
