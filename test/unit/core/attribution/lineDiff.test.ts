import * as assert from 'assert';
import * as fc from 'fast-check';
import { diffLines, type DiffHunk } from '../../../../src/core/attribution/lineDiff';

/** Rebuilds both sides from the hunks: a diff is correct when equal hunks really match and everything is covered. */
function checkHunks(
  a: readonly string[],
  b: readonly string[],
  hunks: DiffHunk[],
  same: (x: string, y: string) => boolean,
): number {
  let i = 0,
    j = 0,
    equal = 0;
  for (const h of hunks) {
    assert.strictEqual(h.oldStart, i, 'hunks are contiguous in the old sequence');
    assert.strictEqual(h.newStart, j, 'hunks are contiguous in the new sequence');
    assert.ok(h.count > 0, 'no empty hunks');
    if (h.kind === 'equal') {
      for (let k = 0; k < h.count; k++) assert.ok(same(a[i + k], b[j + k]), `old ${i + k} equals new ${j + k}`);
      i += h.count;
      j += h.count;
      equal += h.count;
    } else if (h.kind === 'delete') i += h.count;
    else j += h.count;
  }
  assert.strictEqual(i, a.length);
  assert.strictEqual(j, b.length);
  return equal;
}

function lcsLength(a: readonly string[], b: readonly string[], same: (x: string, y: string) => boolean): number {
  const dp = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++)
      dp[i][j] = same(a[i - 1], b[j - 1]) ? dp[i - 1][j - 1] + 1 : Math.max(dp[i - 1][j], dp[i][j - 1]);
  }
  return dp[a.length][b.length];
}

const exact = (x: string, y: string) => x === y;
const ignoringWhitespace = (x: string, y: string) => x.replace(/\s/g, '') === y.replace(/\s/g, '');

describe('diffLines', () => {
  it('reports equal, delete and insert hunks with their positions', () => {
    assert.deepStrictEqual(diffLines(['a', 'b', 'c'], ['a', 'x', 'c', 'd']), [
      { kind: 'equal', oldStart: 0, newStart: 0, count: 1 },
      { kind: 'delete', oldStart: 1, newStart: 1, count: 1 },
      { kind: 'insert', oldStart: 2, newStart: 1, count: 1 },
      { kind: 'equal', oldStart: 2, newStart: 2, count: 1 },
      { kind: 'insert', oldStart: 3, newStart: 3, count: 1 },
    ]);
  });

  it('handles empty sides', () => {
    assert.deepStrictEqual(diffLines([], []), []);
    assert.deepStrictEqual(diffLines([], ['a']), [{ kind: 'insert', oldStart: 0, newStart: 0, count: 1 }]);
    assert.deepStrictEqual(diffLines(['a'], []), [{ kind: 'delete', oldStart: 0, newStart: 0, count: 1 }]);
  });

  it('ignores whitespace anywhere in a line with ignoreWhitespace, as diff -w does', () => {
    assert.deepStrictEqual(diffLines(['if (x) {', '\tcall( a );'], ['if(x){', '    call(a);  ']), [
      { kind: 'delete', oldStart: 0, newStart: 0, count: 2 },
      { kind: 'insert', oldStart: 2, newStart: 0, count: 2 },
    ]);
    assert.deepStrictEqual(
      diffLines(['if (x) {', '\tcall( a );'], ['if(x){', '    call(a);  '], { ignoreWhitespace: true }),
      [{ kind: 'equal', oldStart: 0, newStart: 0, count: 2 }],
    );
  });

  it('is correct and minimal on random inputs (checked against an LCS table)', () => {
    const line = fc.constantFrom('a', 'b', 'c', ' a', 'a ', '', '  ');
    fc.assert(
      fc.property(fc.array(line, { maxLength: 30 }), fc.array(line, { maxLength: 30 }), fc.boolean(), (a, b, ws) => {
        const same = ws ? ignoringWhitespace : exact;
        const equal = checkHunks(a, b, diffLines(a, b, { ignoreWhitespace: ws }), same);
        assert.strictEqual(equal, lcsLength(a, b, same));
      }),
      { numRuns: 1000 },
    );
  });

  it('stays correct (if not minimal) past its cost cap, and fast on large inputs with a small change', () => {
    const a = Array.from({ length: 4000 }, (_, i) => `line ${i % 97} ${(i * 7919) % 1000}`);
    const b = a.map((l, i) => (i % 3 === 0 ? `changed ${i}` : l));
    checkHunks(a, b, diffLines(a, b), exact);
    const big = Array.from({ length: 100_000 }, (_, i) => `x${i}`);
    const edited = [...big.slice(0, 50_000), 'inserted', ...big.slice(50_000)];
    const hunks = diffLines(big, edited);
    assert.deepStrictEqual(
      hunks.map((h) => h.kind),
      ['equal', 'insert', 'equal'],
    );
  });
});
