import * as assert from 'assert';
import { spawnSync } from 'child_process';
import { aiLabel, UNTRACKED } from '../../../src/core/attribution/labels';
import { openLedger } from '../../../src/git/ledger';
import { tempDir } from '../helpers/tempDirs';
import { CLI, TempRepo } from '../helpers/tempRepo';

/** newuser14 S19: `countersign hook …` run by hand says what went wrong in words, with the exit it gives. */
describe('countersign hook, run by hand', function () {
  this.timeout(120_000);

  it('prepare-commit-msg with a missing message file names the file, no raw errno', () => {
    const repo = TempRepo.create();
    assert.strictEqual(repo.cli(['install']).status, 0);
    const r = repo.cli(['hook', 'prepare-commit-msg', '/nonexistent/msg']);
    assert.match(r.stderr, /the message file \/nonexistent\/msg does not exist/);
    assert.doesNotMatch(r.stderr, /ENOENT/);
  });

  it("pre-push without git's arguments: the text does not claim an exit code it does not give", () => {
    const repo = TempRepo.create();
    assert.strictEqual(repo.cli(['install']).status, 0);
    const r = repo.cli(['hook', 'pre-push'], { input: '' });
    assert.strictEqual(r.status, 1, r.stderr);
    assert.match(r.stderr, /git passes the remote name and URL as arguments/);
    assert.match(r.stderr, /push blocked \(the check exited with 2\)/);
  });

  it('a name git does not know exits 2 with the list, post-checkout in it; another git hook exits 0, as the help says (newuser19 F9)', () => {
    const repo = TempRepo.create();
    const unknown = repo.cli(['hook', 'nosuch']);
    assert.strictEqual(unknown.status, 2);
    assert.match(unknown.stderr, /unknown hook 'nosuch' \(Countersign takes part in [^)]*post-checkout/);
    assert.strictEqual(repo.cli(['hook', 'pre-rebase']).status, 0);
    const help = repo.cli(['hook', '--help']).stdout.replace(/\s+/g, ' ');
    assert.doesNotMatch(help, /Other hook names do nothing/);
    assert.match(
      help,
      /Another git hook's name \(pre-commit, pre-rebase…\) does nothing \(exit 0\), inside a repository or not; a name git does not know is a usage error \(exit 2\)/,
    );
  });

  it('outside a repository: the hooks the help lists exit 2, another git hook exits 0, as the help says (newuser24 F4)', () => {
    const dir = tempDir('cs-norepo-');
    const run = (...args: string[]) =>
      spawnSync(process.execPath, [CLI, 'hook', ...args], { cwd: dir, input: '', encoding: 'utf8' });
    for (const h of ['prepare-commit-msg', 'commit-msg', 'post-commit', 'pre-push', 'post-checkout']) {
      const r = run(h, 'a', 'b');
      assert.strictEqual(r.status, 2, `${h}: ${r.stderr}`);
      assert.match(r.stderr, /is not inside a git repository/);
    }
    assert.strictEqual(run('pre-commit').status, 0);
    const help = run('--help').stdout.replace(/\s+/g, ' ');
    assert.match(
      help,
      /2 usage error \(a name that is not a git hook, or a hook listed above run outside a repository\)/,
    );
  });

  it('post-checkout called by a hook manager tells the ledger what a branch switch rewrote (newuser19 F9)', async () => {
    const repo = TempRepo.create();
    repo.write('f.txt', 'base\n');
    repo.git('add', '.');
    repo.commit('base', '--no-verify');
    repo.git('checkout', '-q', '-b', 'other');
    repo.write('f.txt', 'base\nother\n');
    repo.git('commit', '-q', '-am', 'other', '--no-verify');
    const other = repo.git('rev-parse', 'HEAD');
    repo.git('checkout', '-q', 'main');
    const main = repo.git('rev-parse', 'HEAD');
    // An agent wrote a line on main, uncommitted; the switch (no hooks installed: the manager owns them) rewrote
    // the file, and then someone types the same words on the other branch (newuser14 S1).
    repo.write('f.txt', 'base\nagent line\n');
    await (await openLedger(repo.dir)).storeFile('f.txt', 'base\nagent line\n', [UNTRACKED, aiLabel('codex')]);
    repo.git('checkout', '-q', '-f', 'other');
    const typed = () => repo.write('f.txt', 'base\nother\nagent line\n');
    const ai = () =>
      (JSON.parse(repo.cli(['status', '--json']).stdout) as { files: Record<string, { ai: number }> }).files['f.txt']
        ?.ai ?? 0;
    typed();
    assert.strictEqual(ai(), 1, "without post-checkout, the typed line takes the agent's label");
    repo.write('f.txt', 'base\nother\n'); // as the switch left it, when git runs post-checkout
    const r = repo.cli(['hook', 'post-checkout', main, other, '1']);
    assert.strictEqual(r.status, 0, r.stderr);
    typed();
    assert.strictEqual(ai(), 0, "the switch is recorded: the typed line is not the agent's");
  });
});
