import * as assert from 'assert';
import type { GateCommit } from '../../../src/core/gate';
import { chargedFiles, MAX_MERGE_WALK_STEPS, mergeSides } from '../../../src/core/mergeView';
import { rangeBlast } from '../../../src/core/reviewNeed';

/**
 * bounds22: which commits a merge's sides bring in (core/mergeView.ts mergeSides) was found by walking the range
 * once per parent of each merge: a push of 10,000 two-parent merges cost ~50 million steps (2,000 merges: 48 s
 * of pre-receive). The walk now counts its steps; these tests hold that count to a few per commit on the
 * shapes real histories have, and to MAX_MERGE_WALK_STEPS on one built to need many.
 */
type C = Pick<GateCommit, 'sha' | 'parents' | 'files'>;

function file(path: string, n: number, deleted = 0): GateCommit['files'][number] {
  return { path, status: 'M', added: 1, deleted, oids: { old: `a${n}`, new: `b${n}` } } as GateCommit['files'][number];
}

/** n merges, each taking in a one-commit side branch started from the merge before it: `git merge --no-ff` of topics. */
function mergeChain(n: number): C[] {
  const out: C[] = [];
  let prev = 'base';
  for (let i = 0; i < n; i++) {
    out.push({ sha: `s${i}`, parents: [prev], files: [file(`s/${i}`, i)] });
    out.push({ sha: `m${i}`, parents: [prev, `s${i}`], files: [file(`s/${i}`, i)] });
    prev = `m${i}`;
  }
  return out;
}

/** n merges each taking in the same k-commit side branch from a first parent that lacks it, tied by a chain. */
function sameSideAgain(n: number, k: number): C[] {
  const out: C[] = [];
  for (let j = 0; j < k; j++) out.push({ sha: `s${j}`, parents: [j === 0 ? 'base' : `s${j - 1}`], files: [] });
  let tie = '';
  for (let i = 0; i < n; i++) {
    out.push({ sha: `f${i}`, parents: ['base'], files: [] });
    out.push({ sha: `m${i}`, parents: [`f${i}`, `s${k - 1}`], files: [] });
    if (i > 0) out.push({ sha: `t${i}`, parents: [tie, `m${i}`], files: [] });
    tie = i > 0 ? `t${i}` : `m${i}`;
  }
  return out;
}

describe('mergeSides: the walk for what merges bring in stays bounded (bounds22)', () => {
  it('10,000 merges of one-commit topics take a few steps per commit, not one walk of the range per merge', () => {
    const commits = mergeChain(10_000);
    const walked = mergeSides(commits, () => true);
    assert.strictEqual(walked.unwalked.length, 0);
    assert.deepStrictEqual(walked.sides.get('m9999'), ['s9999']);
    assert.ok(walked.steps <= 5 * commits.length, `${walked.steps} steps for ${commits.length} commits`);
  });

  it('a history built to need many steps stops at the bound, and the merges past it are charged whole', () => {
    const commits = sameSideAgain(300, 300);
    const maxSteps = 20_000;
    const walked = mergeSides(commits, () => true, maxSteps);
    assert.ok(walked.steps <= maxSteps + 2, `${walked.steps} steps`);
    assert.ok(walked.unwalked.length > 250, `${walked.unwalked.length} merges past the bound`);
    assert.strictEqual(walked.sides.get('m0')?.length, 300);
    // The real bound: every merge of the same shape at full size is walked or refused, never walked past it.
    const full = mergeSides(sameSideAgain(1500, 1500), () => true);
    assert.ok(full.steps <= MAX_MERGE_WALK_STEPS + 2 && full.unwalked.length > 0, `${full.steps}`);
  });

  it('chargedFiles: a merge past the bound is charged for its whole diff, with a notice naming it', () => {
    const commits = sameSideAgain(1500, 1500) as GateCommit[];
    const m = commits.find((c) => c.sha === 'm1499') as GateCommit;
    m.files = [file('x', 1)];
    const notices: string[] = [];
    const charged = chargedFiles(commits, notices);
    assert.deepStrictEqual(charged.get('m1499'), m.files);
    assert.strictEqual(notices.length, 1);
    assert.match(notices[0], /^merge m\d+ \(and \d+ more merges\) is charged for its whole first-parent diff/);
  });

  it('a side commit listed after its merge (not in topological order) is still found', () => {
    const chain = mergeChain(3);
    const shuffled = [chain[5], chain[1], chain[0], chain[4], chain[3], chain[2]];
    const sorted = (c: C[]) => [...mergeSides(c, () => true).sides].sort();
    assert.deepStrictEqual(sorted(shuffled), sorted(chain));
  });

  it('rangeBlast walks only merges that delete something, and counts a side’s deletion as the side’s', () => {
    const commits = mergeChain(3);
    commits[2].files = [file('s/1', 1, 5)];
    commits[3].files = [file('s/1', 1, 5)];
    const blast = rangeBlast(commits);
    assert.strictEqual(blast.lines, 5);
    assert.deepStrictEqual([...blast.contributors], ['s1']);
  });
});
