import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { execFileSync } from 'child_process';
import { commitHeaderProblem } from '../../../src/core/commitObject';
import { streamHistory, type HistoryCommit } from '../../../src/git/historyStream';
import { TempRepo } from '../helpers/tempRepo';

/**
 * The report's `git log` stream is read where its bytes lie in the pipe's chunks (no string per token):
 * fields, numstat counts and paths must come out as git prints them — binary files without counts, a
 * message longer than a pipe chunk (its tokens split across chunks) whole, every commit once.
 */
describe('history stream (git log -z, fields and numstat read from the bytes)', function () {
  this.timeout(60_000);
  let repo: TempRepo;
  let commits: HistoryCommit[];
  const long = `long subject\n\n${'body line '.repeat(20_000)}\n\nAI-Provenance: v1 ai=3 human=1 untracked=0`;
  before(async () => {
    repo = TempRepo.create();
    repo.write('a.txt', 'one\ntwo\nthree\n');
    repo.git('add', '-A');
    repo.commit('first');
    fs.writeFileSync(path.join(repo.dir, 'blob.bin'), Buffer.from([0, 1, 2, 0, 255, 10, 0]));
    repo.write('dir with space/ü.txt', 'x\n'.repeat(12));
    repo.write('a.txt', 'one\n2\nthree\nfour\n');
    repo.git('add', '-A');
    fs.writeFileSync(path.join(repo.dir, '.git', 'LONG_MSG'), long);
    repo.git('commit', '-q', '-F', path.join(repo.dir, '.git', 'LONG_MSG'));
    repo.git('rm', '-q', 'a.txt');
    repo.commit('removed');
    commits = [];
    await streamHistory(repo.dir, { revs: ['main'], numstat: true }, (c) => commits.push(c));
  });

  it('reads each commit once, its fields as git prints them', () => {
    const shas = repo.git('log', '--format=%H', 'main').split('\n');
    assert.deepStrictEqual(
      commits.map((c) => c.sha),
      shas,
    );
    const [removed, second, first] = commits;
    // git's commit cleanup strips each line's trailing blanks and ends the message with a newline.
    assert.ok(second.message === long.replace(/ +$/gm, '') + '\n', 'the long message whole');
    assert.ok(second.message.length > 200_000, 'the message spans several pipe chunks');
    assert.deepStrictEqual(second.parents, [shas[2]]);
    assert.deepStrictEqual(first.parents, []);
    assert.strictEqual(removed.authorEmail, 'ada@example.com');
    assert.strictEqual(removed.authorTime, Number(repo.git('log', '-1', '--format=%at', shas[0])));
  });

  it("reads numstat counts, binary files without them, paths whole, and each file's status (--raw)", () => {
    const [removed, second, first] = commits;
    // An uncounted file keeps its objects: what binaryFiles.ts countBinaryLines counts it from (attack22 01).
    const oids = { old: '0'.repeat(40), new: repo.git('rev-parse', `${second.sha}:blob.bin`) };
    assert.deepStrictEqual(first.files, [{ path: 'a.txt', added: 3, deleted: 0, status: 'A' }]);
    assert.deepStrictEqual(
      [...(second.files ?? [])].sort((x, y) => x.path.localeCompare(y.path)),
      [
        { path: 'a.txt', added: 2, deleted: 1, status: 'M' },
        { path: 'blob.bin', added: undefined, deleted: undefined, status: 'A', oids },
        { path: 'dir with space/ü.txt', added: 12, deleted: 0, status: 'A' },
      ],
    );
    // The report's review rule counts deleted files by it (newuser15 #4).
    assert.deepStrictEqual(removed.files, [{ path: 'a.txt', added: 0, deleted: 4, status: 'D' }]);
  });
});

/**
 * With `headers`, each commit's header comes from a second `git log --pretty=raw --encoding=none` (not the object
 * read per commit): what it says must be what the object's own bytes say, for every header the checks look at —
 * and where git's raw view cannot show the header (a NUL byte, an empty message whose trim reaches the header),
 * the object is read.
 */
describe('history stream headers (a raw log beside the main one)', function () {
  this.timeout(60_000);
  it('gives each commit the header problem its stored object has', async () => {
    const repo = TempRepo.create();
    repo.commit('base', '--allow-empty');
    const tree = repo.git('rev-parse', 'HEAD^{tree}');
    const author = 'author A <a@example.com> 1700000000 +0000\n';
    const committer = 'committer C <c@example.com> 1700000000 +0000\n';
    const bodies = [
      `${author}author B <b@example.com> 1700000000 +0000\n${committer}\nduplicate author\n`,
      `${author}${committer}encoding ISO-8859-1\n\ncaf\xe9\n`,
      `${author}${committer}encoding EBCDIC-US\n\nunknown to Node\n`,
      `${author}${committer}encoding utf-8\nencoding ISO-8859-1\n\ntwo encodings\n`,
      `${author}${committer}gpgsig -----BEGIN PGP SIGNATURE-----\n \n abc\n -----END PGP SIGNATURE-----\n\n\n  signed \r\n`,
      `${author}${committer}bogus\n\nline with no value\n`,
      `${author}${committer}x-extra a\0b\n\nNUL in the header\n`,
      `${author}${committer}\nNUL in the message\0 after\n`,
      `${author}${committer.replace('\n', ' \n')}\n`, // empty message: git trims the committer line's space
      `${author}${committer}\n \n\n`,
      `${author}${committer}`, // no blank line at all
      `${author}committer C c@example.com 1700000000 +0000\n\nno brackets\n`,
      `${committer}\nno author\n`,
    ];
    let parent = repo.git('rev-parse', 'HEAD');
    const objects = new Map<string, Buffer>();
    for (const body of bodies) {
      const raw = Buffer.from(`tree ${tree}\nparent ${parent}\n${body}`, 'latin1');
      parent = execFileSync('git', ['hash-object', '-t', 'commit', '-w', '--stdin', '--literally'], {
        cwd: repo.dir,
        input: raw,
        encoding: 'utf8',
      }).trim();
      objects.set(parent, raw);
    }
    repo.git('update-ref', 'refs/heads/main', parent);
    const seen: HistoryCommit[] = [];
    await streamHistory(repo.dir, { revs: ['main'], numstat: true, headers: true }, (c) => seen.push(c));
    assert.strictEqual(seen.length, bodies.length + 1);
    for (const c of seen) {
      const raw = objects.get(c.sha);
      if (!raw) continue; // the base commit
      assert.strictEqual(c.headerProblem, commitHeaderProblem(raw), raw.toString('latin1'));
    }
    assert.strictEqual(seen.filter((c) => c.headerProblem !== undefined).length, 9);
  });
});

/**
 * With numstat the walk is listed and its paths counted a window of 1,000 commits at a time, and each counted window
 * is read by one `git diff-tree --stdin` while the next is counted (historyCounted.ts): the records must be the ones
 * `git log --raw --numstat` prints, in its order, across windows — and a commit over the bound (a tree bomb, as in
 * treeBomb.test.ts) in a later window must come without its files, its parents still its own.
 */
describe('history stream with diff stats over several count windows', function () {
  this.timeout(120_000);
  it('hands on every commit in git log’s order, the one over the bound without files, the others with theirs', async () => {
    const repo = TempRepo.create();
    const blob = repo.gitResult(['hash-object', '-w', '--stdin'], 'ai line\n').stdout.trim();
    const names = (p: string) => Array.from({ length: 41 }, (_, i) => `${p}${String(i).padStart(3, '0')}`);
    const mktree = (lines: string[]) => repo.gitResult(['mktree'], lines.join('\n') + '\n').stdout.trim();
    let bomb = mktree(names('f').map((n) => `100644 blob ${blob}\t${n}.txt`));
    for (let d = 2; d <= 3; d++) bomb = mktree(names('d').map((n) => `040000 tree ${bomb}\t${n}`));
    const total = 1500;
    const bombAt = 300; // from the root: 1,199 commits above it, so it is counted in the second window
    let script = '';
    for (let i = 0; i < total; i++) {
      const text = `line ${i}\n`.repeat((i % 5) + 1);
      script += `commit refs/heads/main\nmark :${i + 1}\ncommitter C <c@example.com> ${1700000000 + i} +0000\n`;
      script += `data 3\nc${i % 10}\n${i > 0 ? `from :${i}\n` : ''}M 100644 inline f${i % 7}.txt\ndata ${text.length}\n${text}`;
      if (i === bombAt) script += `M 040000 ${bomb} bomb\n`;
      script += '\n';
    }
    const imported = repo.gitResult(['fast-import', '--quiet'], script);
    assert.strictEqual(imported.status, 0, imported.stderr);
    const seen: HistoryCommit[] = [];
    await streamHistory(repo.dir, { revs: ['main'], numstat: true, headers: true }, (c) => seen.push(c));
    const shas = repo.git('log', '--format=%H', 'main').split('\n');
    assert.deepStrictEqual(
      seen.map((c) => c.sha),
      shas,
    );
    const bombSha = shas[total - 1 - bombAt];
    const over = seen.filter((c) => c.pathsOver);
    assert.deepStrictEqual(
      over.map((c) => c.sha),
      [bombSha],
    );
    assert.strictEqual(over[0].files, undefined);
    assert.deepStrictEqual(over[0].parents, [shas[total - bombAt]]);
    assert.strictEqual(over[0].message, `c${bombAt % 10}\n`);
    // The others as git log --numstat counts them (above and below the bomb): one file each, its lines.
    const numstat = (...revs: string[]) =>
      repo
        .git('log', '--format=%H', '--numstat', ...revs)
        .split(/\n(?=[0-9a-f]{40}\n)/)
        .map((r) => r.trim().split('\n'));
    const counted = [...numstat('main', `^${bombSha}`), [bombSha], ...numstat(`${bombSha}^`)];
    for (const [k, c] of seen.entries()) {
      if (c === over[0]) continue;
      const [sha, , stat] = counted[k];
      assert.strictEqual(c.sha, sha);
      const [added, deleted, file] = stat.split('\t');
      assert.deepStrictEqual(
        c.files?.map((f) => [f.added, f.deleted, f.path]),
        [[Number(added), Number(deleted), file]],
      );
      assert.strictEqual(c.headerProblem, undefined);
    }
  });
});
