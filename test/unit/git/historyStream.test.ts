import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
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
    assert.deepStrictEqual(first.files, [{ path: 'a.txt', added: 3, deleted: 0, status: 'A' }]);
    assert.deepStrictEqual(
      [...(second.files ?? [])].sort((x, y) => x.path.localeCompare(y.path)),
      [
        { path: 'a.txt', added: 2, deleted: 1, status: 'M' },
        { path: 'blob.bin', added: undefined, deleted: undefined, status: 'A' },
        { path: 'dir with space/ü.txt', added: 12, deleted: 0, status: 'A' },
      ],
    );
    // The report's review rule counts deleted files by it (newuser15 #4).
    assert.deepStrictEqual(removed.files, [{ path: 'a.txt', added: 0, deleted: 4, status: 'D' }]);
  });
});
