import * as assert from 'assert';
import { caseOnlyPattern, caseTwins, foldRefName } from '../../../src/core/refNameCase';

describe('refNameCase: ref names as a case-insensitive clone compares them', () => {
  it('twins differ only by letter case, ASCII or wider (the Kelvin sign folds to k, as APFS and NTFS fold it)', () => {
    assert.ok(caseTwins('Main', 'main'));
    assert.ok(caseTwins('V2.0', 'v2.0'));
    assert.ok(caseTwins('\u212Aey', 'key'));
    assert.ok(!caseTwins('main', 'main'), 'a name is not its own twin');
    assert.ok(!caseTwins('main', 'mains'));
    assert.strictEqual(foldRefName('Release/Ü'), 'release/ü');
  });

  it('a pattern names a ref only by case: found; one that names it as written, or wildcards alone, is not', () => {
    assert.strictEqual(caseOnlyPattern(['release/*'], 'Release/1'), 'release/*');
    assert.strictEqual(caseOnlyPattern(['Release/*'], 'release/1'), 'Release/*');
    assert.strictEqual(caseOnlyPattern(['main'], 'MAIN'), 'main');
    assert.strictEqual(caseOnlyPattern(['main', 'release/*'], 'main'), undefined);
    assert.strictEqual(caseOnlyPattern(['*', '**', '?'], 'X'), undefined);
    assert.strictEqual(caseOnlyPattern(undefined, 'Main'), undefined);
    assert.strictEqual(caseOnlyPattern(['develop'], 'Main'), undefined);
  });
});
