import * as assert from 'assert';
import { buildGitAiHistory } from '../helpers/gitAiHistory';
import { TempRepo } from '../helpers/tempRepo';
import { readProvenanceHistory } from '../../../src/git/provenanceHistory';

/**
 * The report reads a range's notes in one of two ways (src/git/historyNotes.ts): every note asked for at the
 * start when the range holds most of them, or each commit's note as the commit goes by. Both must give every
 * commit exactly the same facts — notes outside the range dropped, a blob that two commits share read for
 * each (an unreadable one names each commit in its error), commits without notes untouched.
 */
describe('history notes read up front or commit by commit', function () {
  this.timeout(120_000);
  let repo: TempRepo;
  before(() => {
    repo = TempRepo.create();
    buildGitAiHistory(repo.dir, { commits: 160, transcriptBytes: 40, seed: 11 });
    // Two commits sharing one readable note blob, and two sharing one unreadable blob.
    const [a, b, c, d] = repo.git('rev-list', '--no-merges', '-4', 'main~3').trim().split('\n');
    const good = repo.git('notes', '--ref=ai', 'list').split('\n')[0].split(' ')[0];
    for (const sha of [a, b]) repo.git('notes', '--ref=ai', 'add', '-f', '-C', good, sha);
    for (const sha of [c, d])
      repo.git('notes', '--ref=ai', 'add', '-f', '-m', 'src/x.rs\n  h_zz 1-2\n---\n{broken', sha);
  });

  for (const revs of [['main'], ['main~40..main'], ['main~120']]) {
    it(`gives the same facts for ${revs.join(' ')}`, async () => {
      const count = Number(repo.git('rev-list', '--count', ...revs).trim());
      const upFront = await readProvenanceHistory(repo.dir, { revs, count });
      const byCommit = await readProvenanceHistory(repo.dir, { revs });
      assert.deepStrictEqual(upFront, byCommit);
      const withNotes = upFront.commits.filter((c) => c.noteSummary).length;
      const errors = upFront.commits.filter((c) => c.noteError);
      assert.ok(withNotes > 10, `only ${withNotes} commits with a readable note`);
      if (revs[0] !== 'main~120') assert.strictEqual(errors.length, 2);
      for (const e of errors) assert.ok(e.noteError?.includes(e.sha.slice(0, 12)), e.noteError);
    });
  }
});
