import * as assert from 'assert';
import * as fs from 'fs';
import { approvalsRemote, chooseRemote, defaultRemote, listRemotes } from '../../../src/git/remotes';
import { TempRepo } from '../helpers/tempRepo';

/** Which remote Countersign uses when none is named: one rule (src/git/remotes.ts) for approve, verify, doctor, init. */
describe('the default remote', () => {
  it('is the upstream remote, else origin, else the only one; a choice left open is undefined', () => {
    assert.strictEqual(chooseRemote(['origin', 'fork'], 'fork'), 'fork');
    assert.strictEqual(chooseRemote(['origin', 'fork'], undefined), 'origin');
    assert.strictEqual(chooseRemote(['fork'], 'gone'), 'fork');
    assert.strictEqual(chooseRemote(['a', 'b'], undefined), undefined);
    assert.strictEqual(chooseRemote([], undefined), undefined);
  });

  it('reads the upstream of a remote whose name has a slash in it', async () => {
    const server = TempRepo.create({ bare: true });
    const other = TempRepo.create({ bare: true });
    const repo = TempRepo.create();
    try {
      repo.write('a.txt', 'a\n');
      repo.git('add', '.');
      repo.git('commit', '-qm', 'a');
      repo.git('remote', 'add', 'team/b', server.dir);
      repo.git('remote', 'add', 'other', other.dir);
      repo.git('push', '-q', '-u', 'team/b', 'main');
      assert.deepStrictEqual((await listRemotes(repo.dir)).sort(), ['other', 'team/b']);
      assert.strictEqual(await defaultRemote(repo.dir), 'team/b');
    } finally {
      for (const r of [server, other, repo]) fs.rmSync(r.dir, { recursive: true, force: true });
    }
  });

  it('whose notes are trusted does not follow the checked-out branch: origin, else the remote main tracks (K2)', async () => {
    const server = TempRepo.create({ bare: true });
    const fork = TempRepo.create({ bare: true });
    const repo = TempRepo.create();
    try {
      repo.write('a.txt', 'a\n');
      repo.git('add', '.');
      repo.git('commit', '-qm', 'a');
      repo.git('remote', 'add', 'upstream', server.dir);
      repo.git('remote', 'add', 'alice', fork.dir);
      repo.git('push', '-q', '-u', 'upstream', 'main');
      repo.git('push', '-q', 'alice', 'main:feature');
      repo.git('fetch', '-q', 'alice');
      repo.git('checkout', '-q', '-b', 'feature', '--track', 'alice/feature');
      // On the fork's branch the fork is the default remote (where approve pushes), never the trusted one.
      assert.strictEqual(await defaultRemote(repo.dir), 'alice');
      assert.strictEqual(await approvalsRemote(repo.dir), 'upstream');
      repo.git('branch', '-q', '--unset-upstream', 'main');
      assert.strictEqual(await approvalsRemote(repo.dir), undefined);
      repo.git('remote', 'add', 'origin', server.dir);
      assert.strictEqual(await approvalsRemote(repo.dir), 'origin');
    } finally {
      for (const r of [server, fork, repo]) fs.rmSync(r.dir, { recursive: true, force: true });
    }
  });
});
