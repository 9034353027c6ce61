import * as assert from 'assert';
import { spawnSync } from 'child_process';
import { cloneAs } from '../helpers/approvals';
import { TempRepo } from '../helpers/tempRepo';

/**
 * newuser15 #13: `uninstall` left refs/countersign/remotes/<remote>/{ai,countersign} — the remote's notes as
 * install's refspecs fetched them — and its output listed what it kept without them. They are not install's
 * alone to remove (verify, approve and review fetch into them too), so uninstall keeps them and says so, with a
 * command that deletes them. Real server, real fetch through install's refspecs.
 */
describe('uninstall names the fetched notes refs it keeps, and how to delete them (newuser15 #13)', function () {
  this.timeout(60_000);

  it('lists refs/countersign/remotes/… in text and --json; the printed command deletes them', () => {
    const server = TempRepo.create({ bare: true });
    const ann = TempRepo.create();
    ann.write('a.txt', 'a\n');
    ann.git('add', '.');
    const c = ann.commit('first', '--no-verify');
    ann.git('notes', '--ref=refs/notes/countersign', 'add', '-m', 'a statement', c);
    ann.git('notes', '--ref=refs/notes/ai', 'add', '-m', 'a note', c);
    assert.strictEqual(
      ann.gitResult(['push', '--no-verify', '-q', server.dir, 'main', 'refs/notes/countersign', 'refs/notes/ai'])
        .status,
      0,
    );
    const bo = cloneAs(server.dir, 'Bo', 'bo@example.com');
    assert.strictEqual(bo.cli(['install']).status, 0);
    assert.strictEqual(bo.gitResult(['fetch', '-q', 'origin']).status, 0);
    const refs = bo.git('for-each-ref', '--format=%(refname)', 'refs/countersign/remotes/').split('\n');
    assert.deepStrictEqual(refs, ['refs/countersign/remotes/origin/ai', 'refs/countersign/remotes/origin/countersign']);

    const json = bo.cli(['uninstall', '--json']);
    assert.strictEqual(json.status, 0, json.stderr);
    assert.deepStrictEqual((JSON.parse(json.stdout) as { keptRefs: string[] }).keptRefs, refs);
    assert.strictEqual(bo.cli(['install']).status, 0);
    const text = bo.cli(['uninstall']);
    assert.strictEqual(text.status, 0, text.stderr);
    assert.ok(text.stdout.includes(`Kept ${refs.join(', ')} (the remotes' notes as last fetched`), text.stdout);
    const command = /to delete them: (git for-each-ref .*)$/m.exec(text.stdout)?.[1];
    assert.ok(command, text.stdout);
    const run = spawnSync('sh', ['-c', command], { cwd: bo.dir, encoding: 'utf8' });
    assert.strictEqual(run.status, 0, run.stderr);
    assert.strictEqual(bo.git('for-each-ref', 'refs/countersign/remotes/'), '');
    assert.strictEqual(bo.git('notes', '--ref=refs/notes/countersign', 'show', c), 'a statement', 'the notes stay');
  });
});
