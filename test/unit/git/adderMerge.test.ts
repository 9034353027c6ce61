import * as assert from 'assert';
import { setup } from '../helpers/gateServer';
import { NONE } from '../helpers/landedRange';
import { refused, verdicts } from '../helpers/refVerdicts';

/**
 * Outside tester, session 12, N3: a merge that brings the policy file in while none of its parents has it (an
 * "adder", src/git/gateStart.ts) was excused from the policy-change rule because its tree equals main's
 * (core/mergeView.ts `sameAsBase`). M = merge of two empty roots with main's tree, merged into main, landed
 * with no review and put a second adder with no common history into main for good: "where the gate started"
 * became nothing, so every later tag at a pre-adoption commit was judged over the whole old history and refused.
 * An adder is a policy change: it needs the review one needs (src/git/mergeOwnLines.ts `policyAdders`).
 */
describe('server gate: a merge that brings the policy file in is a policy change (real pushes)', function () {
  this.timeout(240_000);
  const policyChange = /changes \.countersign\.json/;

  it("N3: merge(main, merge(empty root, empty root) with main's tree) is refused as an unreviewed policy change", () => {
    const s = setup();
    const { ada } = s;
    const main = ada.git('rev-parse', 'main');
    const empty = ada.git('hash-object', '-t', 'tree', '/dev/null');
    const x1 = ada.git('commit-tree', empty, '-m', `x1\n\n${NONE}`);
    const x2 = ada.git('commit-tree', empty, '-m', `x2\n\n${NONE}`);
    // M's trailer attests every line of main's tree as human, as any pusher may say of a commit of their own.
    const lines = ada
      .git('diff', '--numstat', empty, main)
      .split('\n')
      .reduce((n, l) => n + Number(l.split('\t')[0]), 0);
    const human = `AI-Provenance: v1 ai=0 human=${lines} untracked=0`;
    const m = ada.git('commit-tree', `${main}^{tree}`, '-p', x1, '-p', x2, '-m', `merge x1 x2\n\n${human}`);
    const n = ada.git('commit-tree', `${main}^{tree}`, '-p', main, '-p', m, '-m', `merge\n\n${NONE}`);
    refused(s, n, 'refs/heads/main', policyChange);
    // The same adder as a root commit of its own (no merge to excuse it) was already charged; it still is.
    const root = ada.git('commit-tree', `${main}^{tree}`, '-m', `root\n\n${human}`);
    const n2 = ada.git('commit-tree', `${main}^{tree}`, '-p', main, '-p', root, '-m', `merge root\n\n${NONE}`);
    refused(s, n2, 'refs/heads/main', policyChange);
  });

  it('honest: a branch begun before the policy existed merges main in and lands with no policy review', () => {
    const s = setup();
    const { ada } = s;
    const main = ada.git('rev-parse', 'main');
    // Unrelated old work (no policy): a root with one file, then main merged into it (first parent: the old work).
    ada.write('old.txt', 'old work\n');
    const oldTree = ada.gitResult(['mktree'], `100644 blob ${ada.git('hash-object', '-w', 'old.txt')}\told.txt\n`);
    const old = ada.git(
      'commit-tree',
      oldTree.stdout.trim(),
      '-m',
      `old work\n\nAI-Provenance: v1 ai=0 human=1 untracked=0`,
    );
    const both = ada.gitResult(['read-tree', '--empty']);
    assert.strictEqual(both.status, 0, both.stderr);
    ada.git('read-tree', `${main}^{tree}`);
    ada.git('update-index', '--add', '--cacheinfo', `100644,${ada.git('rev-parse', `${old}:old.txt`)},old.txt`);
    const tree = ada.git('write-tree');
    ada.git('read-tree', 'HEAD');
    const merged = ada.git('commit-tree', tree, '-p', old, '-p', main, '-m', `Merge main into old work\n\n${NONE}`);
    const v = verdicts(s, merged, 'refs/heads/main');
    assert.doesNotMatch(v.said, policyChange, v.said);
    assert.strictEqual(v.verdict, true, v.said);
  });
});
