import * as assert from 'assert';
import { aiLabel, HUMAN, UNOBSERVED, UNTRACKED, type LineLabel } from '../../../../src/core/attribution/labels';
import { Session } from './engineHarness';
import { mapLabelsOnto } from '../../../../src/core/commitAttribution';
import { reconcileLabels } from '../../../../src/core/ledger/reconcile';

/**
 * newuser13 R33: a formatter in a git pre-commit hook rewrites staged lines while nothing watches. Where the change
 * is formatting only (whitespace, quote style, trailing commas and semicolons, reflow) the lines keep the labels
 * they had; a real change is still nobody's.
 */
const CLAUDE = aiLabel('claude-code', { model: 'claude-sonnet-4-5', session: 's1' });
const CODEX = aiLabel('codex', { session: 'x1' });

const text = (lines: string[]) => lines.map((l) => `${l}\n`).join('');
const reconcile = (oldLines: string[], labels: LineLabel[], newLines: string[]) =>
  reconcileLabels({ content: text(oldLines), labels }, text(newLines));

describe('formatting nobody watched keeps labels (newuser13 R33)', () => {
  it('quotes, spacing, a trailing comma and a line-ending semicolon: the AI lines stay AI', () => {
    const got = reconcile(
      ['import x from "y";', "const a = 'x'", 'const b = f(1,2)', 'done()'],
      [HUMAN, CLAUDE, CLAUDE, HUMAN],
      ['import x from "y";', 'const a = "x";', 'const b = f(1, 2,);', 'done()'],
    );
    assert.deepStrictEqual(got, [HUMAN, CLAUDE, CLAUDE, HUMAN]);
  });

  it('a real edit is not formatting: it is nobody known, as before', () => {
    for (const changed of [
      "const a = 'z'", // another string
      'const a = (x)', // added parentheses
      'const a = x + 1', // more code
      "const a = 'x',y", // a comma that separates something
    ]) {
      assert.deepStrictEqual(reconcile(['const a = x', 'end'], [CLAUDE, HUMAN], [changed, 'end']), [UNOBSERVED, HUMAN]);
    }
    // An escaped quote is a different string once the quote style changes it: not claimed.
    assert.deepStrictEqual(reconcile(["s = 'it\\'s'"], [CLAUDE], ['s = "it\'s"']), [UNOBSERVED]);
  });

  it('never turns a human or untracked line into AI, nor the reverse', () => {
    const got = reconcile(
      ["h = 'a'", "u = 'b'", "c = 'c'"],
      [HUMAN, UNTRACKED, CODEX],
      ['h = "a"', 'u = "b"', 'c = "c"'],
    );
    assert.deepStrictEqual(got, [HUMAN, UNTRACKED, CODEX]);
  });

  it('a reflow: one AI call split over several lines keeps AI in every line, and joined back it is still AI', () => {
    const one = ["result = compute('alpha', 'beta', 'gamma')"];
    const split = ['result = compute(', '    "alpha",', '    "beta",', '    "gamma",', ')'];
    assert.deepStrictEqual(reconcile(one, [CLAUDE], split), [CLAUDE, CLAUDE, CLAUDE, CLAUDE, CLAUDE]);
    assert.deepStrictEqual(reconcile(split, [CLAUDE, CLAUDE, CLAUDE, CLAUDE, CLAUDE], one), [CLAUDE]);
    // A blank line inside a reflowed block belongs to the code before it; a blank line added on its own between
    // unchanged lines is not a rewrite of anything and stays nobody's.
    assert.deepStrictEqual(reconcile(["f('a', 'b')"], [CLAUDE], ['f(', '  "a",', '', '  "b",', ')']), [
      CLAUDE,
      CLAUDE,
      CLAUDE,
      CLAUDE,
      CLAUDE,
    ]);
    assert.deepStrictEqual(reconcile(['def a():', 'def b():'], [CLAUDE, CLAUDE], ['def a():', '', 'def b():']), [
      CLAUDE,
      UNOBSERVED,
      CLAUDE,
    ]);
  });

  it('mixed labels: a new line keeps the label of the old line it holds; holding several, the most cautious', () => {
    // Split: each new line holds code of one old line only.
    assert.deepStrictEqual(reconcile(['f(a,', 'b)'], [CLAUDE, HUMAN], ['f(', '  a,', '  b,', ')']), [
      CLAUDE,
      CLAUDE,
      HUMAN,
      HUMAN,
    ]);
    // Join: an AI part makes the joined line AI (the gate asks for review), even if it is the smaller part.
    assert.deepStrictEqual(reconcile(['callSomething(first,', 'x)'], [HUMAN, CLAUDE], ['callSomething(first, x)']), [
      CLAUDE,
    ]);
    // Human with untracked joined: untracked (it counts towards the untracked threshold; human would not).
    assert.deepStrictEqual(reconcile(['g(a,', 'b)'], [HUMAN, UNTRACKED], ['g(a, b)']), [UNTRACKED]);
    // Two agents: the one the line holds most of.
    assert.deepStrictEqual(reconcile(['h(aaaaaa,', 'b)'], [CODEX, CLAUDE], ['h(aaaaaa, b)']), [CODEX]);
  });

  it('a formatted line beside a real edit in one block: the formatted line keeps its label, the edit does not', () => {
    const got = reconcile(["a = 'x'", 'b = 1', 'tail'], [CLAUDE, CLAUDE, HUMAN], ['a = "x"', 'b = 2', 'tail']);
    assert.deepStrictEqual(got, [CLAUDE, UNOBSERVED, HUMAN]);
  });

  it('the working labels mapped onto a staged blob that a formatter rewrote in the index only', () => {
    const mapped = mapLabelsOnto(
      ['keep', "const a = 'x'", '  if (y) { go() }', 'new'],
      [HUMAN, CLAUDE, CLAUDE, HUMAN],
      ['keep', 'const a = "x";', 'if (y) {', '  go();', '}', 'other'],
    );
    assert.deepStrictEqual(mapped, [HUMAN, CLAUDE, CLAUDE, CLAUDE, CLAUDE, undefined]);
  });

  it("the engine: a disk write nobody is known to have made keeps a formatting-only block's labels (the editor's external-change path)", () => {
    const s = new Session({ 'a.ts': 'head();\n' });
    s.acceptInline(s.at('head();\n'), "const a = 'x'\nf(1,\n  2)\nhuman();\n");
    assert.deepStrictEqual(s.keys(), [
      'untracked',
      'ai:inline-completion',
      'ai:inline-completion',
      'ai:inline-completion',
      'ai:inline-completion',
    ]);
    s.edit(s.at('human', 'a.ts', 'before'), 0, 'x');
    // A formatter in a git hook: quotes, semicolons, a join; nobody known wrote it.
    s.observe({ type: 'diskWrite', file: 'a.ts', content: 'head();\nconst a = "x";\nf(1, 2);\nxhuman();\n' });
    assert.deepStrictEqual(s.keys(), ['untracked', 'ai:inline-completion', 'ai:inline-completion', 'human']);
    // A real change nobody is known to have made is still nobody's.
    s.observe({ type: 'diskWrite', file: 'a.ts', content: 'head();\nconst a = "y";\nf(1, 2);\nxhuman();\n' });
    assert.deepStrictEqual(s.keys(), ['untracked', 'untracked', 'ai:inline-completion', 'human']);
    // A known writer (an agent CLI running in a terminal) still writes what it changed, formatting or not.
    s.observe({ type: 'terminal', command: 'codex', state: 'start' });
    s.observe({ type: 'diskWrite', file: 'a.ts', content: "head();\nconst a = 'y';\nf(1, 2);\nxhuman();\n" });
    assert.deepStrictEqual(s.keys(), ['untracked', 'ai:codex', 'ai:inline-completion', 'human']);
  });
});
