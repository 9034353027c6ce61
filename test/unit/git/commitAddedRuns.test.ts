import * as assert from 'assert';
import { changedFiles } from '../../../src/git/commitDiff';
import { commitAddedRuns } from '../../../src/git/commitAddedRuns';
import { commitTrailerFacts } from '../../../src/git/commitProvenanceReadings';
import { linesToRanges } from '../../../src/core/lineRanges';
import { TempRepo } from '../helpers/tempRepo';

/**
 * The lines a commit adds, as the landed-note rule reads them (attack16 P6: a note attests only those): one
 * `diff-tree --stdin` for many commits must say what the commit hook's own diff (changedFiles) says for each —
 * a root commit against nothing, a merge against its first parent — and content that looks like a commit id or a
 * header must not cut one commit's diff short. Real git, real repository.
 */
describe('commitAddedRuns: the lines each commit adds, for many commits in one git process', () => {
  it('agrees with the commit hook’s diff for a root commit, an edit, a merge and tricky content', async () => {
    const r = TempRepo.create();
    r.write('a.txt', 'one\ntwo\nthree\n');
    r.git('add', '.');
    const root = r.commit('root');
    const empty = r.commit('nothing', '--allow-empty');
    r.write('dir/with space.txt', 'x\n');
    r.git('add', '.');
    const first = r.commit('first');
    r.git('checkout', '-q', '-b', 'side');
    r.write('side.txt', 's1\ns2\n');
    r.git('add', '.');
    const side = r.commit('side');
    r.git('checkout', '-q', 'main');
    // A line that is a commit id, and lines that look like diff headers, inside a hunk body.
    r.write('a.txt', `one\n${side}\n+++ b/evil\n@@ -1 +1,900 @@\nthree\n`);
    r.git('add', '.');
    const edit = r.commit('edit');
    r.git('merge', '-q', '--no-ff', '-m', 'merge', 'side');
    const merge = r.git('rev-parse', 'HEAD');
    const commits = [root, empty, first, side, edit, merge];
    const facts = await commitTrailerFacts(r.dir, commits);
    assert.strictEqual(facts.get(root)?.firstParent, undefined);
    assert.strictEqual(facts.get(merge)?.firstParent, edit);
    const runs = await commitAddedRuns(
      r.dir,
      commits.map((commit) => ({ commit, firstParent: facts.get(commit)?.firstParent })),
    );
    for (const c of commits) {
      const parent = facts.get(c)?.firstParent;
      const expected = new Map(
        (await changedFiles(r.dir, parent, { commit: c })).map((f) => [f.path, linesToRanges(f.added)]),
      );
      assert.deepStrictEqual(runs.get(c), expected, `commit ${c}`);
    }
    assert.deepStrictEqual(runs.get(root), new Map([['a.txt', [[1, 3]]]]));
    assert.deepStrictEqual(runs.get(empty), new Map());
    assert.deepStrictEqual(runs.get(edit), new Map([['a.txt', [[2, 4]]]]));
    assert.deepStrictEqual(runs.get(merge), new Map([['side.txt', [[1, 2]]]]), 'a merge: what its first parent lacks');
  });
});
