import * as assert from 'assert';
import * as fc from 'fast-check';
import {
  countNonBlankLines,
  normalizeLineEndings,
  splitLines,
  splitLinesWithEnds,
  withoutWhitespace,
} from '../../../../src/core/attribution/lines';

describe('splitLines (split on \\n, \\r belongs to the line ending, a final line break starts no line)', () => {
  it('splits LF, CRLF and mixed text', () => {
    assert.deepStrictEqual(splitLines('a\nb\n'), ['a', 'b']);
    assert.deepStrictEqual(splitLines('a\r\nb\r\n'), ['a', 'b']);
    assert.deepStrictEqual(splitLines('a\r\nb\nc'), ['a', 'b', 'c']);
  });

  it('a final line break does not start a new line; the empty text has no lines', () => {
    assert.deepStrictEqual(splitLines(''), []);
    assert.deepStrictEqual(splitLines('\n'), ['']);
    assert.deepStrictEqual(splitLines('a'), ['a']);
    assert.deepStrictEqual(splitLines('a\n\n'), ['a', '']);
  });

  it('a \\r not before \\n is part of the line', () => {
    assert.deepStrictEqual(splitLines('a\rb\n'), ['a\rb']);
    assert.deepStrictEqual(splitLines('a\r'), ['a\r']);
  });

  it('splitLinesWithEnds joins back to the text', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom('a', '\n', '\r', '\r\n', ' '), { maxLength: 20 }).map((p) => p.join('')),
        (text) => {
          assert.strictEqual(splitLinesWithEnds(text).join(''), text);
          assert.strictEqual(splitLinesWithEnds(text).length, splitLines(text).length);
        },
      ),
    );
  });

  it('helpers: whitespace removal, line-ending normalisation, non-blank line count', () => {
    assert.strictEqual(withoutWhitespace(' a \t b\u00a0c '), 'abc');
    assert.strictEqual(normalizeLineEndings('a\r\nb\rc\n'), 'a\nb\nc\n');
    assert.strictEqual(countNonBlankLines('a\n\n  \nb'), 2);
    assert.strictEqual(countNonBlankLines('a\n'), 1);
    assert.strictEqual(countNonBlankLines('\r\n  \r\n'), 0);
  });
});
