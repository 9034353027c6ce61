import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as path from 'path';
import { tempDir } from '../helpers/tempDirs';
import { TempRepo } from '../helpers/tempRepo';

/**
 * newuser14 S15: `git init --bare` names `master` in HEAD; after `install --server --policy-branch main` and a push
 * of main, every clone warned "remote HEAD refers to nonexistent ref" and checked out nothing.
 */
describe('install --server --policy-branch: an unborn HEAD names the policy branch', function () {
  this.timeout(120_000);

  it('moves a HEAD that names a missing branch, and clones then check out the policy branch', () => {
    const server = TempRepo.create({ bare: true });
    server.git('symbolic-ref', 'HEAD', 'refs/heads/master');
    const r = server.cli(['install', '--server', '--policy-branch', 'main']);
    assert.strictEqual(r.status, 0, r.stderr);
    assert.match(r.stdout, /HEAD now names main \(it named master, which does not exist here\)/);
    assert.strictEqual(server.git('symbolic-ref', 'HEAD'), 'refs/heads/main');

    const ada = TempRepo.create();
    ada.write('README.md', 'hello\n');
    ada.git('add', '.');
    ada.commit('first');
    assert.strictEqual(ada.gitResult(['push', '-q', server.dir, 'main']).status, 0);
    const dir = path.join(tempDir('cs-clone-'), 'c');
    const c = spawnSync('git', ['clone', server.dir, dir], { encoding: 'utf8' });
    assert.strictEqual(c.status, 0, c.stderr);
    assert.doesNotMatch(c.stderr, /nonexistent ref/);
    assert.strictEqual(TempRepo.at(dir).git('symbolic-ref', '--short', 'HEAD'), 'main');

    // Again (a refresh): nothing to move, nothing said; --json has no headWas.
    const again = server.cli(['install', '--server', '--policy-branch', 'main', '--json']);
    assert.strictEqual(again.status, 0, again.stderr);
    assert.strictEqual((JSON.parse(again.stdout) as { headWas?: string }).headWas, undefined);

    // newuser24 F15: uninstall --server keeps HEAD and receive.fsckObjects, which install set, and says so with the
    // command that undoes each.
    assert.strictEqual(server.git('config', 'receive.fsckObjects'), 'true');
    const un = server.cli(['uninstall', '--server']);
    assert.strictEqual(un.status, 0, un.stderr);
    assert.match(un.stdout, /^Kept:/m);
    assert.match(un.stdout, /receive\.fsckObjects=true .*git config --unset receive\.fsckObjects/);
    assert.match(un.stdout, /HEAD names main .*git symbolic-ref HEAD refs\/heads\/NAME/);
    assert.strictEqual(server.git('symbolic-ref', 'HEAD'), 'refs/heads/main');
  });

  it('leaves a HEAD that names a branch that exists', () => {
    const server = TempRepo.create({ bare: true });
    const ada = TempRepo.create();
    ada.write('README.md', 'hello\n');
    ada.git('add', '.');
    ada.commit('first');
    assert.strictEqual(ada.gitResult(['push', '-q', server.dir, 'main:trunk']).status, 0);
    server.git('symbolic-ref', 'HEAD', 'refs/heads/trunk');
    const r = server.cli(['install', '--server', '--policy-branch', 'main', '--json']);
    assert.strictEqual(r.status, 0, r.stderr);
    assert.strictEqual(server.git('symbolic-ref', 'HEAD'), 'refs/heads/trunk');
    assert.strictEqual((JSON.parse(r.stdout) as { headWas?: string }).headWas, undefined);
  });
});
