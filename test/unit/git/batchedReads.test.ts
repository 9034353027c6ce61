import * as assert from 'assert';
import { runGit, withGitReadCache, type GitResult } from '../../../src/git/gitRunner';
import { countSpawns } from '../helpers/spawnCount';
import { TempRepo } from '../helpers/tempRepo';

/**
 * Inside a snapshot, config reads and ref lookups by full name are answered from one `git config --list -z`
 * and one `git for-each-ref` (src/git/batchedReads.ts). Every answer must be git's own: each question is
 * asked of git directly (outside a snapshot) and inside one, on a real repository holding the awkward cases
 * — a key without `=`, a key given twice, a subsection's case, an annotated tag, a tag of a tag, a ref to a
 * tree, a symbolic ref and one to nothing, a name only git's lookup rules find.
 */
describe('batched reads answer as git does', function () {
  this.timeout(60_000);
  const repo = TempRepo.create();
  repo.write('a.txt', 'one\n');
  repo.git('add', 'a.txt');
  repo.commit('one', '--no-verify');
  repo.git('config', '--add', 'multi.key', 'first');
  repo.git('config', '--add', 'multi.key', 'second');
  repo.git('config', 'remote.Origin.url', 'https://example.com/x.git');
  repo.git('config', 'extensions.partialClone', 'origin');
  repo.write('.git/config', repo.read('.git/config') + '[bare]\n\tflag\n');
  repo.git('tag', '-a', '-m', 'one', 'v1');
  repo.git('tag', '-a', '-m', 'two', 'v1-of-v1', 'v1');
  repo.git('update-ref', 'refs/notes/tree', repo.git('rev-parse', 'HEAD^{tree}'));
  repo.git('update-ref', 'refs/remotes/origin/main', 'HEAD');
  repo.git('symbolic-ref', 'refs/remotes/origin/HEAD', 'refs/remotes/origin/main');
  repo.git('symbolic-ref', 'refs/remotes/gone/HEAD', 'refs/remotes/gone/nothing');
  repo.git('update-ref', 'refs/heads/refs/only-by-rule', 'HEAD');
  // Beside the checked-out branch's name: a remote-tracking `main` does not make `--short` ambiguous for git.
  repo.git('update-ref', 'refs/remotes/main', 'HEAD');
  repo.git('config', 'remote.zeta.url', '/z');
  repo.git('config', 'remote.Beta.pushurl', '/b');
  repo.git('config', 'remote.a.b.fetch', '+refs/heads/*:refs/remotes/a.b/*');
  // Upstreams: mapped by the remote's fetch refspec, not mapped, the first of two merges, a remote without
  // fetch refspecs in the config (left to git), a branch that does not exist.
  repo.git('config', 'remote.origin.fetch', '+refs/heads/*:refs/remotes/origin/*');
  repo.git('config', 'branch.main.remote', 'origin');
  repo.git('config', 'branch.main.merge', 'refs/heads/main');
  repo.git('config', 'remote.narrow.fetch', 'refs/heads/only:refs/remotes/narrow/only');
  repo.git('config', '--add', 'remote.narrow.fetch', 'refs/heads/x*y:refs/remotes/narrow/x*y');
  for (const b of ['solo', 'two', 'zed', 'xay']) repo.git('update-ref', `refs/heads/${b}`, 'HEAD');
  repo.git('config', 'branch.solo.remote', 'narrow');
  repo.git('config', 'branch.solo.merge', 'refs/heads/elsewhere');
  repo.git('config', 'branch.xay.remote', 'narrow');
  repo.git('config', 'branch.xay.merge', 'refs/heads/xay');
  repo.git('config', 'branch.two.remote', 'a.b');
  repo.git('config', '--add', 'branch.two.merge', 'refs/heads/first');
  repo.git('config', '--add', 'branch.two.merge', 'refs/heads/second');
  repo.git('config', 'branch.zed.remote', 'zeta');
  repo.git('config', 'branch.zed.merge', 'refs/heads/zed');

  const questions: string[][] = [
    ...['user.email', 'USER.Email', 'multi.key', 'remote.Origin.url', 'remote.origin.url', 'bare.flag', 'no.such'].map(
      (k) => ['config', '--get', k],
    ),
    ['config', '--get-regexp', '^(remote\\..*\\.promisor|extensions\\.partialclone)$'],
    ['config', '--get-regexp', '^multi\\.'],
    ['config', '--get-regexp', '^nothing\\.'],
    ...[
      'refs/heads/main',
      'refs/tags/v1',
      'refs/tags/v1-of-v1',
      'refs/notes/tree',
      'refs/notes/absent',
      'refs/remotes/origin/HEAD',
      'refs/remotes/origin',
      'refs/only-by-rule',
    ].map((r) => ['rev-parse', '--verify', '--quiet', `${r}^{commit}`]),
    // Unpeeled (unfetchedNotes asks so of the shared notes refs): any type, a symbolic ref, one to nothing.
    ...[
      'refs/heads/main',
      'refs/tags/v1',
      'refs/notes/tree',
      'refs/notes/absent',
      'refs/remotes/origin/HEAD',
      'refs/remotes/gone/HEAD',
      'refs/only-by-rule',
    ].map((r) => ['rev-parse', '--verify', '-q', r]),
    ...['refs/remotes/origin/HEAD', 'refs/heads/main', 'refs/remotes/gone/HEAD', 'refs/absent'].map((r) => [
      'symbolic-ref',
      '--quiet',
      r,
    ]),
    ['remote'],
    ...['refs/remotes/origin/', 'refs/tags/', 'refs/nothing/'].map((p) => [
      'for-each-ref',
      '--format=%(objectname) %(refname)',
      p,
    ]),
    ...['main', 'solo', 'xay', 'two', 'zed', 'absent', 'refs/only-by-rule'].map((b) => [
      'for-each-ref',
      '--format=%(upstream:remotename)%00%(upstream:remoteref)',
      `refs/heads/${b}`,
    ]),
    ['rev-parse', '--absolute-git-dir'],
    ['rev-parse', '--show-object-format'],
    ['rev-parse', '--is-bare-repository', '--absolute-git-dir', '--git-common-dir', '--show-toplevel'],
    ['rev-parse', '--show-toplevel', '--verify', '-q', 'HEAD^{commit}'],
    ['rev-parse', '--verify', '--quiet', 'HEAD^{commit}'],
    ['rev-parse', '--verify', '--quiet', '--end-of-options', 'HEAD^{commit}'],
    ['symbolic-ref', '--quiet', 'HEAD'],
    ['symbolic-ref', '--quiet', '--short', 'HEAD'],
    ...['HEAD', 'HEAD^{tree}', 'refs/tags/v1'].flatMap((r) => {
      const oid = repo.git('rev-parse', r);
      return [
        ['rev-parse', '--verify', '--quiet', `${oid}^{commit}`],
        ['cat-file', '-e', oid],
      ];
    }),
  ];
  const ask = (args: string[]) => runGit(args, { cwd: repo.dir, okCodes: [1, 128] });
  const shown = (r: GitResult) => ({ stdout: r.stdout, code: r.code });

  it('gives the stdout and exit code git gives, with fewer processes', async () => {
    const direct: Array<{ stdout: string; code: number }> = [];
    for (const q of questions) direct.push(shown(await ask(q)));
    const { result: batched, spawned } = await countSpawns(() =>
      withGitReadCache(async () => {
        const out: Array<{ stdout: string; code: number }> = [];
        for (const q of questions) out.push(shown(await ask(q)));
        return out;
      }),
    );
    questions.forEach((q, i) => assert.deepStrictEqual(batched[i], direct[i], `git ${q.join(' ')}`));
    // Four listings (config, refs, rev-parse, HEAD), plus git itself for what they cannot answer exactly: the
    // tag of a tag, the ref to a tree, the symbolic refs the listing lacks (to nothing, absent), and a tree and
    // a tag object peeled to a commit, and the upstream through a remote without fetch refspecs (zeta).
    assert.strictEqual(spawned, 4 + 7, `${spawned} git processes for ${questions.length} questions`);
  });

  // On a server (a bare repository) `--show-toplevel` fails: git prints the facts before it and exits 128. Each
  // fact was a process of its own there (the one rev-parse asking them all failed); inside .git likewise.
  it('answers the repository facts outside a work tree (a bare repository, inside .git) as git does, from one rev-parse', async () => {
    const bare = TempRepo.create({ bare: true });
    repo.git('push', '-q', '--no-verify', bare.dir, 'main');
    const facts: string[][] = [
      ['rev-parse', '--absolute-git-dir'],
      ['rev-parse', '--show-object-format'],
      ['rev-parse', '--is-bare-repository', '--absolute-git-dir', '--git-common-dir', '--show-toplevel'],
      ['rev-parse', '--show-toplevel', '--absolute-git-dir'],
      ['rev-parse', '--git-common-dir', '--verify', '-q', 'HEAD^{commit}'],
      ['rev-parse', '--absolute-git-dir', '--show-toplevel', '--verify', '-q', 'HEAD^{commit}'],
    ];
    for (const cwd of [bare.dir, `${repo.dir}/.git`]) {
      const askIn = (args: string[]) => runGit(args, { cwd, okCodes: [1, 128] });
      const direct: Array<{ stdout: string; code: number }> = [];
      for (const q of facts) direct.push(shown(await askIn(q)));
      const { result: batched, spawned } = await countSpawns(() =>
        withGitReadCache(async () => {
          const out: Array<{ stdout: string; code: number }> = [];
          for (const q of facts) out.push(shown(await askIn(q)));
          return out;
        }),
      );
      facts.forEach((q, i) => assert.deepStrictEqual(batched[i], direct[i], `git ${q.join(' ')} in ${cwd}`));
      // The facts' rev-parse, and git itself for HEAD's commit asked without --show-toplevel (not reached there).
      assert.strictEqual(spawned, 2, `${spawned} git processes in ${cwd}`);
    }
  });
  // The server's pre-receive asked these of a `rev-parse` or `cat-file` each (gate20): one batch-check answers them.
  it('answers object questions from one batch-check in a snapshot that asks for it, as git does', async () => {
    const bare = TempRepo.create({ bare: true });
    repo.git('push', '-q', '--no-verify', bare.dir, 'main', 'refs/tags/v1', 'refs/tags/v1-of-v1', 'refs/notes/tree');
    const at = (r: string) => bare.git('rev-parse', r);
    const [commit, tree, blob, tag, tagOfTag] = ['main', 'main^{tree}', 'main:a.txt', 'v1', 'v1-of-v1'].map(at);
    const absent = '1'.repeat(commit.length);
    const objects = [commit, tree, blob, tag, tagOfTag, absent];
    const questions: Array<{ args: string[]; input?: string }> = [
      ...[
        ...objects,
        'refs/heads/main',
        'refs/tags/v1',
        'refs/tags/v1-of-v1',
        'refs/notes/tree',
        'refs/notes/absent',
        'refs/only-by-rule',
      ].flatMap((n) => [
        { args: ['rev-parse', '--verify', '--quiet', `${n}^{commit}`] },
        { args: ['rev-parse', '--verify', '-q', `${n}^{commit}`] },
      ]),
      ...[`${commit}:a.txt`, `${commit}^{commit}:a.txt`, `${tree}:a.txt`, `${tag}:a.txt`].map((n) => ({
        args: ['rev-parse', '--verify', '--quiet', n],
      })),
      ...[`${commit}:absent`, `${commit}:a.txt/x`, `${blob}:x`, `${absent}:a.txt`].map((n) => ({
        args: ['rev-parse', '--verify', '--quiet', n],
      })),
      ...objects.flatMap((o) => [{ args: ['cat-file', '-t', o] }, { args: ['cat-file', '-e', o] }]),
      ...['--batch-check', '--batch-check=%(objectname) %(objecttype)', '--batch-check=%(objectname)'].flatMap((f) => [
        { args: ['cat-file', f], input: objects.map((o) => `${o}^{commit}\n`).join('') },
        { args: ['cat-file', f], input: [...objects, `${commit}:a.txt`, 'refs/tags/v1'].join('\n') },
      ]),
    ];
    const askIn = (q: { args: string[]; input?: string }) =>
      runGit(q.args, { cwd: bare.dir, input: q.input, okCodes: [1, 128] });
    const direct: Array<{ stdout: string; code: number }> = [];
    for (const q of questions) direct.push(shown(await askIn(q)));
    const counted = async (opts: { refListing: false; objectQuestions?: true }) => {
      const { result: batched, spawned } = await countSpawns(() =>
        withGitReadCache(async () => {
          const out: Array<{ stdout: string; code: number }> = [];
          for (const q of questions) out.push(shown(await askIn(q)));
          return out;
        }, opts),
      );
      questions.forEach((q, i) => assert.deepStrictEqual(batched[i], direct[i], `git ${q.args.join(' ')}`));
      return spawned;
    };
    // The config listing (is it a partial clone?) and the batch-check, and git itself for what a batch-check
    // cannot tell apart from an absent object: the paths it did not find, `-t` and `-e` of the absent object.
    assert.strictEqual(await counted({ refListing: false, objectQuestions: true }), 2 + 6);
    // Without it, or in a partial clone (where git's own reads may fetch), each question is git's.
    assert.strictEqual(await counted({ refListing: false }), questions.length);
    bare.git('config', 'core.repositoryFormatVersion', '1');
    bare.git('config', 'extensions.partialClone', 'origin');
    for (const [i, q] of questions.entries()) direct[i] = shown(await askIn(q));
    assert.strictEqual(await counted({ refListing: false, objectQuestions: true }), 1 + questions.length);
  });
});
