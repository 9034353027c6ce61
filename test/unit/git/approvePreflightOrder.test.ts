import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { cloneAs } from '../helpers/approvals';
import { aiCommit, setup, type Setup } from '../helpers/gateServer';

/**
 * newuser17 F6: a non-reviewer, or an author approving their own commit, was told first to configure a signing
 * key, and only once they had that they may not approve at all. Who may decide is said first now.
 */
describe('approve without a signing key: who may decide is said before the key (real server)', function () {
  this.timeout(240_000);
  let s: Setup;
  before(() => {
    s = setup();
    s.ada.git('checkout', '-q', '-b', 'feat');
    aiCommit(s.ada, 'src/feat.ts');
    assert.strictEqual(s.ada.gitResult(['push', '-q', 'origin', 'feat']).status, 0);
  });
  after(() => fs.rmSync(path.dirname(s.server.dir), { recursive: true, force: true }));

  it('a non-reviewer hears they are not a reviewer, not to set a key', () => {
    const dee = cloneAs(s.server.dir, 'Dee Dev', 'dee@example.com');
    const r = dee.cli(['approve', 'origin/feat', '--no-push']);
    assert.strictEqual(r.status, 2, r.stdout + r.stderr);
    assert.match(r.stderr, /You \(dee@example\.com\) are not a reviewer/, r.stderr);
    assert.doesNotMatch(r.stderr, /no signing key configured/);
  });

  it('the author hears it is their own commit; a listed reviewer without a key still hears about the key', () => {
    const ada = cloneAs(s.server.dir, 'Bob Reviewer', 'bob@example.com');
    // Bob, listed, with no key: the key is what is missing.
    const bob = ada.cli(['approve', 'origin/feat', '--no-push']);
    assert.strictEqual(bob.status, 2, bob.stdout + bob.stderr);
    assert.match(bob.stderr, /no signing key configured/);
    // Bob as the author of a commit of his own, still with no key: his own commit is said first.
    ada.git('checkout', '-q', '-b', 'mine', 'origin/feat');
    ada.write('src/mine.ts', 'mine\n');
    ada.git('add', '.');
    ada.git(
      'commit',
      '-q',
      '--author=Bob Reviewer <bob@example.com>',
      '-m',
      'mine\n\nAI-Provenance: v1 ai=1 human=0 untracked=0',
    );
    const own = ada.cli(['approve', 'HEAD', '--no-push', '--base', 'origin/main']);
    assert.strictEqual(own.status, 2, own.stdout + own.stderr);
    assert.doesNotMatch(own.stderr, /no signing key configured/, own.stderr);
    assert.match(own.stderr, /your own|you authored|You authored/i, own.stderr);
  });
});
