import * as assert from 'assert';
import { caseOnlyPattern, caseTwins, foldRefName, patternBelow } from '../../../src/core/refNameCase';

describe('refNameCase: ref names as a case-insensitive clone compares them', () => {
  it('twins differ only by letter case, ASCII or wider (the Kelvin sign folds to k, as APFS and NTFS fold it)', () => {
    assert.ok(caseTwins('Main', 'main'));
    assert.ok(caseTwins('V2.0', 'v2.0'));
    assert.ok(caseTwins('\u212Aey', 'key'));
    assert.ok(!caseTwins('main', 'main'), 'a name is not its own twin');
    assert.ok(!caseTwins('main', 'mains'));
    assert.strictEqual(foldRefName('Release/Ü'), 'release/ü');
    // attack26 02: letters already lower case whose case fold is another letter (APFS folds ſ to s).
    assert.ok(caseTwins('releaſe/2.0', 'release/2.0'));
    assert.ok(caseTwins('maın', 'main'));
    assert.ok(caseTwins('maß', 'MASS'));
  });

  it('a pattern that could name a ref below a name (attack26 01): literal first segment, one more segment', () => {
    assert.strictEqual(patternBelow(['main', 'release/*'], 'release'), 'release/*');
    assert.strictEqual(patternBelow(['team/*/prod'], 'team/a'), 'team/*/prod');
    assert.strictEqual(patternBelow(['team/*/prod'], 'team/a/prod'), undefined);
    assert.strictEqual(patternBelow(['hotfix/**'], 'hotfix'), 'hotfix/**');
    assert.strictEqual(patternBelow(['a/**/b'], 'a/x/y/z'), 'a/**/b');
    assert.strictEqual(patternBelow(['release-*/*'], 'release-2'), 'release-*/*');
    assert.strictEqual(patternBelow(['Release/*'], 'release'), 'Release/*', 'letter case ignored');
    assert.strictEqual(patternBelow(['release/*'], 'releases'), undefined);
    assert.strictEqual(patternBelow(['release/*'], 'release/1'), undefined);
    assert.strictEqual(patternBelow(['*/*', '**/prod', '*'], 'feature'), undefined, 'wildcard-only first segments');
    assert.strictEqual(patternBelow(['main'], 'main'), undefined);
    assert.strictEqual(patternBelow(undefined, 'release'), undefined);
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
