import * as assert from 'node:assert/strict';
import { contentWithoutLines } from '../../../src/core/agentTrace';

describe('contentWithoutLines (Agent Trace import)', () => {
  it('empties exactly the lines the ranges cover, keeping CR line ends and ignoring ranges past the end', () => {
    const content = 'a\r\nb\nc\nd\ne';
    assert.equal(contentWithoutLines(content, [[2, 3]]), 'a\r\n\n\nd\ne');
    assert.equal(contentWithoutLines(content, [[1, 1]]), '\r\nb\nc\nd\ne');
    assert.equal(contentWithoutLines(content, [[4, 99]]), 'a\r\nb\nc\n\n');
    assert.equal(contentWithoutLines(content, [[7, 9]]), content);
    assert.equal(contentWithoutLines(content, [[3, 2]]), content, 'a reversed range covers nothing');
    assert.equal(
      contentWithoutLines(content, [
        [2, 2],
        [2, 4],
        [1, 2],
      ]),
      '\r\n\n\n\ne',
      'overlapping ranges',
    );
  });

  it("a hostile trace's 200,000 whole-file ranges over 1,000,000 lines is linear, not their product", () => {
    // Quadratic, this is 2×10^11 steps (attack9 I6) and does not finish within the test's timeout.
    const content = 'x\n'.repeat(1_000_000);
    const ranges: Array<[number, number]> = Array.from({ length: 200_000 }, () => [1, 1_000_000]);
    const out = contentWithoutLines(content, ranges);
    assert.equal(out, '\n'.repeat(1_000_000));
  });
});
