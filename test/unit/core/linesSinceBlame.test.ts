import * as assert from 'assert';
import * as fc from 'fast-check';
import {
  insertedAtLineEnd,
  lineAfterChange,
  lineChangeOf,
  LinesSinceBlame,
  type RangeChange,
} from '../../../src/core/blame/linesSinceBlame';

/**
 * A document as characters that remember which original line they came from (-1: typed since), edited the
 * way VS Code reports edits (a range of the text before the change, and the text put there). A line is
 * "intact" when it holds exactly the characters of one original line — the ground truth the line map must
 * never contradict.
 */
class SimDoc {
  private chars: Array<{ c: string; origin: number }> = [];

  constructor(readonly original: string[]) {
    original.forEach((l, i) => {
      for (const c of `${l}\n`) this.chars.push({ c, origin: i });
    });
  }

  lines(): string[] {
    return this.chars
      .map((x) => x.c)
      .join('')
      .split('\n');
  }

  private offset(line: number, character: number): number {
    let l = 0;
    let i = 0;
    while (l < line) if (this.chars[i++].c === '\n') l++;
    return i + character;
  }

  apply(rc: RangeChange): void {
    const start = this.offset(rc.startLine, rc.startCharacter);
    const end = this.offset(rc.endLine, rc.endCharacter);
    this.chars.splice(start, end - start, ...[...rc.text].map((c) => ({ c, origin: -1 })));
  }

  /** The original line that line `n` still is, character for character, or undefined. */
  intact(n: number): number | undefined {
    let l = 0;
    const mine: number[] = [];
    for (const x of this.chars) {
      if (x.c === '\n') {
        if (l++ === n) break;
        continue;
      }
      if (l === n) mine.push(x.origin);
    }
    const o = mine[0];
    if (o === undefined || o < 0 || mine.some((m) => m !== o) || mine.length !== this.original[o].length)
      return undefined;
    return o;
  }
}

/** Applies an edit to both the document and the map, as the extension does (one change per event). */
function edit(doc: SimDoc, map: LinesSinceBlame, rc: RangeChange): void {
  doc.apply(rc);
  const after = doc.lines();
  map.record([
    lineChangeOf(
      rc,
      insertedAtLineEnd(rc, (l) => after[l]),
    ),
  ]);
}

/** Unique, equally long original lines: no edit can turn a piece of one into another. */
const original = (n: number) => Array.from({ length: n }, (_, i) => `L${String(i).padStart(3, '0')}`);

interface Seed {
  a: number;
  b: number;
  c: number;
  d: number;
  text: string;
}
const seed = fc.record({
  a: fc.nat(),
  b: fc.nat(),
  c: fc.nat(),
  d: fc.nat(),
  text: fc.array(fc.constantFrom('x', 'y', '\n', ' '), { maxLength: 6 }).map((p) => p.join('')),
});

/** Any range of the current document (up to four lines long) and any text. */
function anyChange(doc: SimDoc, s: Seed): RangeChange {
  const lines = doc.lines();
  const startLine = s.a % lines.length;
  const startCharacter = s.b % (lines[startLine].length + 1);
  const endLine = startLine + (s.c % Math.min(4, lines.length - startLine));
  const endCharacter =
    endLine === startLine
      ? startCharacter + (s.d % (lines[startLine].length - startCharacter + 1))
      : s.d % (lines[endLine].length + 1);
  return { startLine, startCharacter, endLine, endCharacter, text: s.text };
}

/** The edits people make most: typing, deleting within a line, Enter at a line's end, adding or deleting whole lines. */
function typicalChange(doc: SimDoc, s: Seed): RangeChange {
  const lines = doc.lines();
  const line = s.a % lines.length;
  const len = lines[line].length;
  const at = s.b % (len + 1);
  switch (s.c % 5) {
    case 0:
      return {
        startLine: line,
        startCharacter: at,
        endLine: line,
        endCharacter: at,
        text: s.text.replace(/\n/g, '') || 'x',
      };
    case 1:
      return {
        startLine: line,
        startCharacter: at,
        endLine: line,
        endCharacter: at + (s.d % (len - at + 1)),
        text: '',
      };
    case 2:
      return {
        startLine: line,
        startCharacter: len,
        endLine: line,
        endCharacter: len,
        text: `\n${' '.repeat(s.d % 3)}`,
      };
    case 3:
      return {
        startLine: line,
        startCharacter: 0,
        endLine: line,
        endCharacter: 0,
        text: 'new\n'.repeat(1 + (s.d % 2)),
      };
    default: {
      const end = Math.min(lines.length - 1, line + 1 + (s.d % 2));
      return { startLine: line, startCharacter: 0, endLine: end, endCharacter: 0, text: '' };
    }
  }
}

describe('AI blame: following lines through edits without git', () => {
  it('describes the common edits by the lines they replaced', () => {
    const rc = (startLine: number, startCharacter: number, endLine: number, endCharacter: number, text: string) => ({
      startLine,
      startCharacter,
      endLine,
      endCharacter,
      text,
    });
    assert.deepStrictEqual(
      lineChangeOf(rc(4, 2, 4, 2, 'a')),
      { oldStart: 4, oldCount: 1, newCount: 1 },
      'typing edits its line',
    );
    assert.deepStrictEqual(
      lineChangeOf(rc(4, 0, 4, 0, 'x\ny\n')),
      { oldStart: 4, oldCount: 0, newCount: 2 },
      'lines inserted above line 4 leave it intact',
    );
    assert.deepStrictEqual(
      lineChangeOf(rc(4, 0, 6, 0, '')),
      { oldStart: 4, oldCount: 2, newCount: 0 },
      'deleting lines 4-5',
    );
    assert.deepStrictEqual(
      lineChangeOf(rc(4, 9, 4, 9, '\n  '), true),
      { oldStart: 5, oldCount: 0, newCount: 1 },
      'Enter at the end of line 4',
    );
    assert.deepStrictEqual(
      lineChangeOf(rc(4, 3, 4, 3, '\n  '), false),
      { oldStart: 4, oldCount: 1, newCount: 2 },
      'Enter inside line 4 splits it',
    );
    assert.deepStrictEqual(
      lineChangeOf(rc(4, 3, 4, 3, '\r\n'), true),
      { oldStart: 5, oldCount: 0, newCount: 1 },
      'CRLF documents',
    );
  });

  it('knows Enter was pressed at the end of a line from the document after it', () => {
    const change = { startLine: 0, startCharacter: 3, endLine: 0, endCharacter: 3, text: '\n  ' };
    assert.strictEqual(
      insertedAtLineEnd(change, (l) => ['abc', '  '][l]),
      true,
    );
    assert.strictEqual(
      insertedAtLineEnd(change, (l) => ['abc', '  def'][l]),
      false,
      'the rest of the line moved down',
    );
  });

  it('moves a shown line forward with edits above it, and drops it when an edit touches it', () => {
    assert.strictEqual(lineAfterChange(7, { oldStart: 2, oldCount: 0, newCount: 3 }), 10);
    assert.strictEqual(lineAfterChange(7, { oldStart: 7, oldCount: 1, newCount: 1 }), undefined);
    assert.strictEqual(lineAfterChange(7, { oldStart: 8, oldCount: 1, newCount: 4 }), 7);
  });

  it('maps typed-in lines to nothing and lines edited in place to their old position (the caller compares the text)', () => {
    const doc = new SimDoc(original(6));
    const map = new LinesSinceBlame();
    edit(doc, map, { startLine: 1, startCharacter: 4, endLine: 1, endCharacter: 4, text: '\nnew line' });
    edit(doc, map, { startLine: 4, startCharacter: 1, endLine: 4, endCharacter: 1, text: 'z' });
    assert.deepStrictEqual(doc.lines(), ['L000', 'L001', 'new line', 'L002', 'Lz003', 'L004', 'L005', '']);
    assert.deepStrictEqual(
      [0, 1, 2, 3, 4, 5, 6].map((l) => map.toBlamed(l)),
      [0, 1, undefined, 2, 3, 4, 5],
    );
  });

  it('never maps a line that is still an original line to another original line (any edits)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 12 }), fc.array(seed, { maxLength: 12 }), (n, seeds) => {
        const doc = new SimDoc(original(n));
        const map = new LinesSinceBlame();
        for (const s of seeds) edit(doc, map, anyChange(doc, s));
        doc.lines().forEach((_, l) => {
          const o = doc.intact(l);
          const m = map.toBlamed(l);
          if (o !== undefined) assert.ok(m === o || m === undefined, `line ${l} is original ${o} but maps to ${m}`);
        });
      }),
      { numRuns: 500 },
    );
  });

  it('finds every untouched line after typing, Enter, and whole-line inserts and deletes', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 12 }), fc.array(seed, { maxLength: 12 }), (n, seeds) => {
        const doc = new SimDoc(original(n));
        const map = new LinesSinceBlame();
        for (const s of seeds) edit(doc, map, typicalChange(doc, s));
        doc.lines().forEach((_, l) => {
          const o = doc.intact(l);
          if (o !== undefined) assert.strictEqual(map.toBlamed(l), o, `line ${l} (${doc.lines()[l]}) is original ${o}`);
        });
      }),
      { numRuns: 500 },
    );
  });
});
