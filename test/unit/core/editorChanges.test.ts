import * as assert from 'assert';
import fc from 'fast-check';
import {
  applySequentialChanges,
  insertedContentLines,
  isPasteCandidate,
  toSequentialChanges,
  type EditorContentChange,
} from '../../../src/core/editor/editorChanges';

/**
 * The reference meaning of one VS Code change event: every change refers to the original text, the edits do
 * not overlap, and inserts at the same offset end up in the document in the reverse of the order VS Code
 * lists them (it lists the later one first).
 */
function applySimultaneously(original: string, changes: readonly EditorContentChange[]): string {
  const ordered = changes
    .map((c, i) => ({ c, i }))
    .sort(
      (a, b) =>
        a.c.rangeOffset - b.c.rangeOffset ||
        a.c.rangeOffset + a.c.rangeLength - (b.c.rangeOffset + b.c.rangeLength) ||
        b.i - a.i,
    );
  let out = '';
  let pos = 0;
  for (const { c } of ordered) {
    out += original.slice(pos, c.rangeOffset) + c.text;
    pos = c.rangeOffset + c.rangeLength;
  }
  return out + original.slice(pos);
}

/** Random non-overlapping edits of a text, reported in a random order. */
const textAndChanges = fc.string({ minLength: 1, maxLength: 40 }).chain((text) =>
  fc.uniqueArray(fc.nat({ max: text.length }), { minLength: 2, maxLength: 12 }).chain((cuts) => {
    const points = [...cuts].sort((a, b) => a - b);
    const spans: Array<[number, number]> = [];
    for (let i = 0; i + 1 < points.length; i += 2) spans.push([points[i], points[i + 1]]);
    return fc
      .tuple(
        fc.constant(text),
        fc.tuple(
          ...spans.map(([s, e]) =>
            fc.record({
              rangeOffset: fc.constant(s),
              rangeLength: fc.boolean().map((replace) => (replace ? e - s : 0)),
              text: fc.string({ maxLength: 5 }),
            }),
          ),
        ),
      )
      .chain(([t, cs]) =>
        fc
          .shuffledSubarray(cs, { minLength: cs.length, maxLength: cs.length })
          .map((shuffled) => [t, shuffled] as const),
      );
  }),
);

describe('editor changes -> edit observation', () => {
  it('keeps a VS Code multi-cursor event (descending offsets) as it is', () => {
    const original = 'a\nb\nc\n';
    const reported = [
      { rangeOffset: 4, rangeLength: 0, text: 'x' },
      { rangeOffset: 2, rangeLength: 0, text: 'x' },
      { rangeOffset: 0, rangeLength: 0, text: 'x' },
    ];
    const seq = toSequentialChanges(reported);
    assert.deepStrictEqual(
      seq.map((c) => c.offset),
      [4, 2, 0],
    );
    assert.strictEqual(applySequentialChanges(original, seq), 'xa\nxb\nxc\n');
  });

  it('reorders changes reported in ascending order so each applies to the text the previous one left', () => {
    const original = 'one two three';
    const reported = [
      { rangeOffset: 0, rangeLength: 3, text: 'ONE!' },
      { rangeOffset: 8, rangeLength: 5, text: '3' },
    ];
    assert.strictEqual(applySequentialChanges(original, toSequentialChanges(reported)), 'ONE! two 3');
    // Applying them naively in the reported order would have hit the wrong characters.
    assert.notStrictEqual(
      applySequentialChanges(
        original,
        reported.map((c) => ({ offset: c.rangeOffset, length: c.rangeLength, text: c.text })),
      ),
      'ONE! two 3',
    );
  });

  it('puts a replacement before an insertion at the same offset, as VS Code reports them', () => {
    const original = 'abcdef';
    const reported = [
      { rangeOffset: 2, rangeLength: 2, text: 'XY' },
      { rangeOffset: 2, rangeLength: 0, text: '>' },
    ];
    assert.strictEqual(applySequentialChanges(original, toSequentialChanges(reported)), 'ab>XYef');
  });

  it('rejects overlapping changes instead of producing garbage', () => {
    assert.throws(
      () =>
        toSequentialChanges([
          { rangeOffset: 0, rangeLength: 4, text: '' },
          { rangeOffset: 2, rangeLength: 0, text: 'x' },
        ]),
      RangeError,
    );
  });

  it('property: sequential application equals simultaneous application, whatever the reported order', () => {
    fc.assert(
      fc.property(textAndChanges, ([text, changes]) => {
        assert.strictEqual(
          applySequentialChanges(text, toSequentialChanges(changes)),
          applySimultaneously(text, changes),
        );
      }),
      { numRuns: 500 },
    );
  });

  it('reads the clipboard only for multi-line insertions longer than N characters, never for a typed line break', () => {
    assert.strictEqual(isPasteCandidate([{ text: 'a' }], 16), false);
    assert.strictEqual(isPasteCandidate([{ text: 'x'.repeat(17) }], 16), false);
    // Enter with auto-indent: a line break and whitespace (issue 13: the browser's clipboard error on Enter).
    assert.strictEqual(isPasteCandidate([{ text: '\n' }], 16), false);
    assert.strictEqual(isPasteCandidate([{ text: '\n        ' }], 1), false);
    assert.strictEqual(isPasteCandidate([{ text: 'const a = 1;\n' }], 1), false);
    assert.strictEqual(isPasteCandidate([{ text: 'const a = 1;\nconst b = 2;\n' }], 16), true);
    assert.strictEqual(isPasteCandidate([{ text: 'a\nb' }], 16), false);
  });

  it('counts inserted lines that carry text', () => {
    assert.strictEqual(insertedContentLines([{ text: 'a\n  \nb\n' }]), 2);
    assert.strictEqual(insertedContentLines([{ text: '\n' }]), 0);
  });
});
