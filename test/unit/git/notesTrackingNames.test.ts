import * as assert from 'assert';
import { TempRepo } from '../helpers/tempRepo';

/**
 * The client side of the guarded notes names (session 8 closed case twins such as `refs/notes/AI` on the server).
 * `install`'s fetch refspecs are globs (`refs/notes/ai*`), since git refuses a whole fetch when an exact
 * refspec's source is missing and a remote may have no notes yet; so a remote that is not Countersign's server
 * (a fork, a mirror) can hand over `refs/notes/ai-x/countersign` or `refs/notes/countersign-x/ai`. Only the
 * tracking refs of the exact names (`refs/countersign/remotes/<remote>/ai`, `…/countersign`) may be merged into
 * the local notes: before, any tracking ref whose name ended in `/ai` or `/countersign` was.
 */
describe('notes fetched from a remote: only the guarded names are merged', function () {
  this.timeout(120_000);

  it('refs/notes/ai-x/countersign and refs/notes/countersign-x/ai do not reach the local notes', () => {
    const bare = TempRepo.create({ bare: true });
    const other = TempRepo.create();
    other.git('remote', 'add', 'origin', bare.dir);
    other.write('a.txt', 'a\n');
    other.git('add', 'a.txt');
    const commit = other.commit('a');
    other.git('notes', '--ref=refs/notes/ai-x/countersign', 'add', '-m', 'planted statement', commit);
    other.git('notes', '--ref=refs/notes/countersign-x/ai', 'add', '-m', 'planted provenance', commit);
    other.git('push', '-q', 'origin', 'main', 'refs/notes/ai-x/countersign', 'refs/notes/countersign-x/ai');

    const clone = TempRepo.create();
    clone.git('remote', 'add', 'origin', bare.dir);
    assert.strictEqual(clone.cli(['install']).status, 0);
    clone.git('fetch', '-q', 'origin');
    const tracked = clone.git('for-each-ref', '--format=%(refname)', 'refs/countersign/remotes/');
    assert.match(tracked, /remotes\/origin\/ai-x\/countersign/, 'the glob did fetch the look-alike (the attack)');
    for (const ref of ['refs/notes/countersign', 'refs/notes/ai']) {
      const r = clone.gitResult(['rev-parse', '-q', '--verify', ref]);
      assert.notStrictEqual(r.status, 0, `${ref} was filled from a look-alike ref: ${r.stdout}`);
    }
  });
});
