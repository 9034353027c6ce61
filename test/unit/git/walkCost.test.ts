import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { walkCost } from '../../../src/git/diffBytes';
import { TempRepo } from '../helpers/tempRepo';

/**
 * Which commits the reviewed point's walk diffs (outside tester, session 11, L5): only those whose line counts
 * could find a deleted line or that delete a file. An addition and a mode-only change of a regular file are
 * left out (`--numstat` says 0 deleted for them, and git reads no blob for a mode flip); everything whose
 * `deleted` can be more than 0 is kept, checked here against what `git log --numstat` itself says.
 */
describe('walkCost: what the reviewed point walk diffs, entries and bytes (real git)', () => {
  let repo: TempRepo;
  const steps: { name: string; sha: string }[] = [];
  const step = (name: string, act: () => void, stageAll = true) => {
    act();
    if (stageAll) repo.git('add', '-A');
    repo.git('commit', '-q', '--allow-empty', '-m', name);
    steps.push({ name, sha: repo.git('rev-parse', 'HEAD') });
  };
  const link = (target: string, p: string) => {
    fs.rmSync(path.join(repo.dir, p), { force: true });
    fs.symlinkSync(target, path.join(repo.dir, p));
  };

  before(() => {
    repo = TempRepo.create();
    step('add files', () => {
      repo.write('a.txt', 'one\ntwo\nthree\n');
      repo.write('b.txt', 'x\ny\nz\nw\nv\n');
      repo.write('big.txt', 'b'.repeat(100_000) + '\n');
      repo.write('empty.txt', '');
      repo.write('c.txt', 'c\n');
      link('a.txt', 'l');
    });
    step('flip modes', () => {
      repo.git('update-index', '--chmod=+x', 'a.txt', 'big.txt');
      repo.git('checkout', '--', '.');
    });
    step('flip an empty file', () => {
      repo.git('update-index', '--chmod=+x', 'empty.txt');
      repo.git('checkout', '--', '.');
    });
    step('a file becomes a symlink', () => link('a.txt', 'b.txt'));
    step('a symlink changes target', () => link('c.txt', 'l'));
    step('rename', () => fs.renameSync(path.join(repo.dir, 'c.txt'), path.join(repo.dir, 'd.txt')));
    step('edit, adding a line only', () => repo.write('d.txt', 'c\nmore\n'));
    // Staged by hand from here: the work tree has no submodule for `add -A` to keep.
    step('add a gitlink', () => repo.git('update-index', '--add', '--cacheinfo', `160000,${steps[0].sha},sub`), false);
    step('move the gitlink', () => repo.git('update-index', '--cacheinfo', `160000,${steps[1].sha},sub`), false);
    step('nothing', () => undefined, false);
  });

  /** What git's own numstat says a commit deletes, by lines, and whether its raw diff deletes a file. */
  const numstatDeletes = (sha: string) =>
    repo
      .git('log', '-1', '--format=', '--numstat', '--no-renames', sha)
      .split('\n')
      .filter(Boolean)
      .some((l) => l.split('\t')[1] !== '0');

  it('diffs exactly the commits that may delete, and never one whose numstat deletes something', async () => {
    const cost = await walkCost(repo.dir, [steps[steps.length - 1].sha], 1_000);
    assert.ok(!('over' in cost));
    const diffed = new Map(cost.commits.map((c) => [c.sha, c.diff]));
    const byName = Object.fromEntries(steps.map((s) => [s.name, diffed.get(s.sha)]));
    assert.deepStrictEqual(byName, {
      'add files': false,
      'flip modes': false,
      'flip an empty file': true, // emptied is deleted (core/fileDeletion.ts)
      'a file becomes a symlink': true,
      'a symlink changes target': true,
      rename: true,
      'edit, adding a line only': true, // an edit may delete: only its diff says
      'add a gitlink': false,
      'move the gitlink': true,
      nothing: false,
    });
    for (const s of steps)
      if (numstatDeletes(s.sha)) assert.ok(diffed.get(s.sha), `${s.name} deletes but is not diffed`);
    assert.deepStrictEqual(
      cost.commits.map((c) => c.sha),
      steps.map((s) => s.sha),
      'oldest first',
    );
  });

  it('counts every changed entry, and the bytes of the diffed commits only', async () => {
    const cost = await walkCost(repo.dir, [steps[steps.length - 1].sha], 1_000);
    assert.ok(!('over' in cost));
    // 6 added, 2 flips, then diffed (read twice): 1 empty flip, 1 type change, 1 retarget, rename (2), 1 edit;
    // a gitlink added (once) and moved (twice).
    assert.strictEqual(cost.entries, 6 + 2 + 2 * (1 + 1 + 1 + 2 + 1) + 1 + 2);
    // Neither the 100 KB file's addition nor its mode flip is read; the small diffed blobs are.
    assert.ok(cost.bytes > 0 && cost.bytes < 1_000, `bytes ${cost.bytes}`);
  });

  it('stops at the entry budget', async () => {
    const cost = await walkCost(repo.dir, [steps[steps.length - 1].sha], 7);
    assert.deepStrictEqual(cost, { over: 'entries', entries: 7 });
  });
});
