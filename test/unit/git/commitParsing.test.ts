import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import { interpretGitArgv } from '../../../src/git/commitContext';
import { parseAddedLines, parseRawZ, splitRawAndPatch, unquoteC } from '../../../src/git/commitDiff';
import { resolveRepoAndHead } from '../../../src/git/repository';
import { TempRepo } from '../helpers/tempRepo';

describe('commit diff parsing (raw git output)', () => {
  it('reads added lines from a -U0 patch, not fooled by content that looks like headers', () => {
    const patch = [
      'diff --git a/sql.sql b/sql.sql',
      'index 1111111..2222222 100644',
      '--- a/sql.sql',
      '+++ b/sql.sql',
      '@@ -2,2 +2,0 @@ x',
      '--- a comment',
      '-+++ not a header',
      '@@ -10 +8,2 @@',
      '-old',
      '+++ added line starting with ++',
      '+-- another',
      '\\ No newline at end of file',
      'diff --git "a/t\\303\\251st file.txt" "b/t\\303\\251st file.txt"',
      'new file mode 100644',
      '--- /dev/null',
      '+++ "b/t\\303\\251st file.txt"',
      '@@ -0,0 +1 @@',
      '+x',
      'diff --git a/with space.txt b/with space.txt',
      '--- a/with space.txt\t',
      '+++ b/with space.txt\t',
      '@@ -1,0 +2 @@',
      '+y',
      'diff --git a/gone b/gone',
      'deleted file mode 100644',
      '--- a/gone',
      '+++ /dev/null',
      '@@ -1 +0,0 @@',
      '-bye',
      'diff --git a/bin b/bin',
      'Binary files a/bin and b/bin differ',
      '',
    ].join('\n');
    assert.deepStrictEqual([...parseAddedLines(patch)], [['sql.sql', [8, 9]], ['tést file.txt', [1]], ['with space.txt', [2]]]);
  });

  it('reads blobs from --raw -z and unquotes C-style paths', () => {
    const raw = ':100644 100644 aaa bbb M\0a b.txt\0:100644 000000 ccc 0000000000000000000000000000000000000000 D\0gone\0:000000 160000 000 ddd A\0sub\0';
    assert.deepStrictEqual([...parseRawZ(raw)], [['a b.txt', 'bbb']]);
    assert.strictEqual(unquoteC('"a\\"b\\\\c\\td"'), 'a"b\\c\td');
    assert.strictEqual(unquoteC('plain'), 'plain');
  });
});

describe('git command line of the hook\'s parent', () => {
  const noAlias = async () => undefined;
  it('tells an amend from a message that says --amend', async () => {
    assert.deepStrictEqual(await interpretGitArgv(['git', 'commit', '-q', '--amend', '-m', 'x'], noAlias), { sub: 'commit', args: ['-q', '--amend', '-m'] });
    assert.ok(!(await interpretGitArgv(['git', 'commit', '-m', '--amend'], noAlias))?.args.includes('--amend'));
    assert.ok(!(await interpretGitArgv(['git', 'commit', '-qm', '--amend'], noAlias))?.args.includes('--amend'));
    assert.ok((await interpretGitArgv(['/usr/lib/git-core/git', '-c', 'user.name=x', '-C', '/tmp', 'commit', '-n', '--amend', '-F', 'f'], noAlias))?.args.includes('--amend'));
  });

  it('expands aliases', async () => {
    const alias = async (n: string) => (n === 'ca' ? 'commit --amend' : undefined);
    assert.ok((await interpretGitArgv(['git', 'ca', '--no-edit'], alias))?.args.includes('--amend'));
    assert.strictEqual((await interpretGitArgv(['git', 'rebase', '-i', 'main'], noAlias))?.sub, 'rebase');
    assert.strictEqual(await interpretGitArgv(['code', '--wait'], noAlias), undefined);
  });
});

/** The commit hook reads its repository, HEAD and staged change with as few git processes as it can (issue 11). */
describe('one git process where the commit hook used two', () => {
  let repo: TempRepo;
  before(() => { repo = TempRepo.create(); });
  after(() => fs.rmSync(repo.dir, { recursive: true, force: true }));

  it('resolveRepoAndHead: an unborn HEAD, then a commit; a bare repository still names its HEAD', async () => {
    assert.strictEqual((await resolveRepoAndHead(repo.dir)).head, undefined);
    repo.write('a.txt', 'a\n');
    repo.git('add', '.');
    repo.git('commit', '-q', '-m', 'one');
    const { repo: paths, head } = await resolveRepoAndHead(repo.dir);
    assert.strictEqual(head, repo.git('rev-parse', 'HEAD').trim());
    assert.strictEqual(paths.root, fs.realpathSync(repo.dir));
    const bare = `${repo.dir}-bare.git`;
    execFileSync('git', ['clone', '-q', '--bare', repo.dir, bare]);
    try {
      assert.strictEqual((await resolveRepoAndHead(bare)).head, head, 'rev-parse stops at --show-toplevel in a bare repository');
    } finally {
      fs.rmSync(bare, { recursive: true, force: true });
    }
  });

  it('splitRawAndPatch: `git diff --raw -z -p` output gives the same blobs and added lines as the two listings', () => {
    repo.write('with space.txt', 'x\ny\n');
    repo.write('tést.txt', 'é\n');
    repo.write('a.txt', 'a\nb\n');
    repo.git('add', '.');
    const both = repo.git('diff', '--cached', '--raw', '-z', '-p', '-U0', '--no-abbrev', '--src-prefix=a/', '--dst-prefix=b/', 'HEAD');
    const raw = repo.git('diff', '--cached', '--raw', '-z', '--no-abbrev', 'HEAD');
    const patch = repo.git('diff', '--cached', '-U0', '--src-prefix=a/', '--dst-prefix=b/', 'HEAD');
    const split = splitRawAndPatch(both);
    assert.deepStrictEqual([...split.blobs], [...parseRawZ(raw)]);
    assert.strictEqual(split.blobs.size, 3);
    assert.deepStrictEqual([...parseAddedLines(split.patch)], [...parseAddedLines(patch)]);
    assert.deepStrictEqual(parseAddedLines(split.patch).get('a.txt'), [2]);
    assert.deepStrictEqual(splitRawAndPatch(''), { blobs: new Map(), patch: '' });
  });
});
