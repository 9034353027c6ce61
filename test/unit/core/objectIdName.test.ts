import * as assert from 'assert';
import { digitsOnlyIdName, isHexName, looksLikeObjectId } from '../../../src/core/objectIdName';

/** attack P2: which branch and tag names read as a commit id (the server refuses them; the client asks). */
describe('objectIdName: names that read as a commit id', () => {
  it('7 to 64 hex digits with a letter look like an id, in either case', () => {
    for (const n of ['f4d596a', 'f4d596ae61d4', 'F4D596AE61D4', '1234abc', 'a'.repeat(40), 'b'.repeat(64)])
      assert.ok(looksLikeObjectId(n), n);
  });

  it('short hex words, digits alone, longer names and names with more than hex do not', () => {
    for (const n of [
      'cafe',
      'deadbe',
      '20241201',
      '1234567',
      'a'.repeat(65),
      'v1.2.3',
      'build-f4d596a',
      'f4d596a/x',
      'f4d596g',
    ])
      assert.ok(!looksLikeObjectId(n), n);
  });

  it('digits alone from 7 on need the repository to say (a release date may abbreviate nothing)', () => {
    for (const n of ['1234567', '20241201', '9'.repeat(64)]) assert.ok(digitsOnlyIdName(n), n);
    for (const n of ['123456', '2024-12-01', '1234abc', '9'.repeat(65)]) assert.ok(!digitsOnlyIdName(n), n);
  });

  it('git reads hex from 4 digits as a possible abbreviation', () => {
    assert.ok(isHexName('cafe'));
    assert.ok(isHexName('F00D'));
    assert.ok(!isHexName('caf'));
    assert.ok(!isHexName('coffee'));
  });
});
