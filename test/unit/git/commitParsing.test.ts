import * as assert from 'assert';
import { interpretGitArgv } from '../../../src/git/commitContext';
import { parseAddedLines, parseRawZ, unquoteC } from '../../../src/git/commitDiff';

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
    assert.deepStrictEqual(
      [...parseAddedLines(patch)],
      [
        ['sql.sql', [8, 9]],
        ['tést file.txt', [1]],
        ['with space.txt', [2]],
      ],
    );
  });

  it('reads blobs from --raw -z and unquotes C-style paths', () => {
    const raw =
      ':100644 100644 aaa bbb M\0a b.txt\0:100644 000000 ccc 0000000000000000000000000000000000000000 D\0gone\0:000000 160000 000 ddd A\0sub\0';
    assert.deepStrictEqual([...parseRawZ(raw)], [['a b.txt', 'bbb']]);
    assert.strictEqual(unquoteC('"a\\"b\\\\c\\td"'), 'a"b\\c\td');
    assert.strictEqual(unquoteC('plain'), 'plain');
  });
});

describe("git command line of the hook's parent", () => {
  const noAlias = async () => undefined;
  it('tells an amend from a message that says --amend', async () => {
    assert.deepStrictEqual(await interpretGitArgv(['git', 'commit', '-q', '--amend', '-m', 'x'], noAlias), {
      sub: 'commit',
      args: ['-q', '--amend', '-m'],
    });
    assert.ok(!(await interpretGitArgv(['git', 'commit', '-m', '--amend'], noAlias))?.args.includes('--amend'));
    assert.ok(!(await interpretGitArgv(['git', 'commit', '-qm', '--amend'], noAlias))?.args.includes('--amend'));
    assert.ok(
      (
        await interpretGitArgv(
          ['/usr/lib/git-core/git', '-c', 'user.name=x', '-C', '/tmp', 'commit', '-n', '--amend', '-F', 'f'],
          noAlias,
        )
      )?.args.includes('--amend'),
    );
  });

  it('reads an amend as git does: an abbreviation of --amend, or after --gpg-sign (red26)', async () => {
    const amends = async (argv: string[]) => (await interpretGitArgv(argv, noAlias))?.args.includes('--amend');
    // git takes any unambiguous prefix of a long option: --am is --amend (an agent's amend stamped ai=0).
    for (const a of ['--am', '--ame', '--amen']) assert.ok(await amends(['git', 'commit', a, '-m', 'x']), a);
    // --gpg-sign's key is attached (--gpg-sign=KEY) or absent: the next word is an option of its own.
    assert.ok(await amends(['git', 'commit', '--gpg-sign', '--amend', '-m', 'x']));
    assert.ok(await amends(['git', 'commit', '--gpg-sign=ABC', '--amend']));
    assert.ok(!(await amends(['git', 'commit', '-m', 'x', '--a'])));
    assert.ok(!(await amends(['git', 'commit', '--all', '-m', '--am'])));
  });

  it('expands aliases', async () => {
    const alias = async (n: string) => (n === 'ca' ? 'commit --amend' : undefined);
    assert.ok((await interpretGitArgv(['git', 'ca', '--no-edit'], alias))?.args.includes('--amend'));
    assert.strictEqual((await interpretGitArgv(['git', 'rebase', '-i', 'main'], noAlias))?.sub, 'rebase');
    assert.strictEqual(await interpretGitArgv(['code', '--wait'], noAlias), undefined);
  });
});
