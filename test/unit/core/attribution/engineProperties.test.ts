import * as assert from 'assert';
import * as fc from 'fast-check';
import { AttributionEngine } from '../../../../src/core/attribution/engine';
import { labelIdentity, type LineLabel } from '../../../../src/core/attribution/labels';
import { splitLines, splitLinesWithEnds } from '../../../../src/core/attribution/lines';
import type { Observation } from '../../../../src/core/attribution/observations';

/**
 * Property tests: random sessions of editor, agent, terminal and disk events against a plain-string model of
 * the file. Positions are fractions so every generated event is valid for whatever text exists by then.
 */
const FILE = 'f.ts';
const piece = fc.constantFrom('a', 'b', ' ', '\t', '\n', '\r\n', 'x y', 'foo();\nbar();\n', '\r', '  }\n');
const textArb = fc.array(piece, { maxLength: 4 }).map((p) => p.join(''));
const frac = fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true });

type Step =
  | { kind: 'edit'; at: number; span: number; text: string }
  | { kind: 'paste'; at: number; text: string }
  | { kind: 'inline'; at: number; text: string }
  | { kind: 'save'; at: number; span: number; text: string }
  | { kind: 'disk'; at: number; span: number; text: string }
  | { kind: 'agent'; at: number; span: number; text: string; viaDisk: boolean }
  | { kind: 'terminal'; at: number; span: number; text: string }
  | { kind: 'undo' }
  | { kind: 'redo' };

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('edit' as const), at: frac, span: frac, text: textArb }) },
  fc.record({ kind: fc.constant('paste' as const), at: frac, text: textArb }),
  fc.record({ kind: fc.constant('inline' as const), at: frac, text: textArb }),
  fc.record({ kind: fc.constant('save' as const), at: frac, span: frac, text: textArb }),
  fc.record({ kind: fc.constant('disk' as const), at: frac, span: frac, text: textArb }),
  fc.record({ kind: fc.constant('agent' as const), at: frac, span: frac, text: textArb, viaDisk: fc.boolean() }),
  fc.record({ kind: fc.constant('terminal' as const), at: frac, span: frac, text: textArb }),
  { weight: 2, arbitrary: fc.constant({ kind: 'undo' as const }) },
  fc.constant({ kind: 'redo' as const }),
);

const initialArb = fc
  .array(fc.constantFrom('line one\n', '  indented\n', '\n', 'x\r\n', 'last'), { maxLength: 6 })
  .map((p) => p.join(''));

type Change = { offset: number; length: number; text: string };

function changeAt(text: string, at: number, span: number, insert: string): Change {
  const offset = Math.floor(at * (text.length + 1));
  const length = Math.floor(span * Math.min(12, text.length - offset + 1));
  return { offset, length, text: insert };
}

function apply(text: string, c: Change): string {
  return text.slice(0, c.offset) + c.text + text.slice(c.offset + c.length);
}

/** The single change turning `from` into `to`, as an editor reports an undo. */
function diffChange(from: string, to: string): Change {
  let p = 0;
  while (p < from.length && p < to.length && from[p] === to[p]) p++;
  let s = 0;
  while (s < from.length - p && s < to.length - p && from[from.length - 1 - s] === to[to.length - 1 - s]) s++;
  return { offset: p, length: from.length - p - s, text: to.slice(p, to.length - s) };
}

const ids = (labels: LineLabel[]) => labels.map(labelIdentity);

/** A plain model of the editor: its text and its undo/redo stacks of texts. */
class EditorModel {
  undo: string[] = [];
  redo: string[] = [];
  constructor(public text: string) {}
  change(c: Change): void {
    this.undo.push(this.text);
    this.redo = [];
    this.text = apply(this.text, c);
  }
}

/** Runs one step against engine and model; returns the edit when it was an ordinary single change. */
function run(engine: AttributionEngine, model: EditorModel, step: Step): Change | undefined {
  const emit = (o: Observation) => engine.observe(o);
  switch (step.kind) {
    case 'edit': {
      const c = changeAt(model.text, step.at, step.span, step.text);
      emit({ type: 'edit', file: FILE, changes: [c] });
      model.change(c);
      return c;
    }
    case 'paste': {
      emit({ type: 'clipboard', text: step.text.replace(/\r\n/g, '\n') });
      const c = changeAt(model.text, step.at, 0, step.text);
      emit({ type: 'edit', file: FILE, changes: [c] });
      model.change(c);
      return c;
    }
    case 'inline': {
      emit({ type: 'inlineAccept', file: FILE });
      const c = changeAt(model.text, step.at, 0, step.text);
      emit({ type: 'edit', file: FILE, changes: [c] });
      model.change(c);
      return c;
    }
    case 'save': {
      emit({ type: 'willSave', file: FILE });
      const c = changeAt(model.text, step.at, step.span, step.text);
      emit({ type: 'edit', file: FILE, changes: [c] });
      emit({ type: 'save', file: FILE });
      model.change(c);
      return c;
    }
    case 'disk': {
      const content = apply(model.text, changeAt(model.text, step.at, step.span, step.text));
      emit({ type: 'diskWrite', file: FILE, content });
      if (content !== model.text) model.change(diffChange(model.text, content));
      return undefined;
    }
    case 'agent': {
      const content = apply(model.text, changeAt(model.text, step.at, step.span, step.text));
      emit({ type: 'agent', phase: 'before', agent: 'codex', files: { [FILE]: model.text } });
      if (step.viaDisk) {
        // The tool deletes and recreates the file: what it recreated unchanged must keep its label.
        emit({ type: 'diskWrite', file: FILE, content: '' });
        emit({ type: 'diskWrite', file: FILE, content });
      }
      emit({ type: 'agent', phase: 'after', agent: 'codex', files: { [FILE]: content } });
      model.text = content;
      model.undo = [];
      model.redo = [];
      return undefined;
    }
    case 'terminal': {
      const content = apply(model.text, changeAt(model.text, step.at, step.span, step.text));
      emit({ type: 'terminal', command: 'claude', state: 'start' });
      emit({ type: 'diskWrite', file: FILE, content });
      emit({ type: 'terminal', command: 'claude', state: 'end' });
      if (content !== model.text) model.change(diffChange(model.text, content));
      return undefined;
    }
    case 'undo':
    case 'redo': {
      const [from, to] = step.kind === 'undo' ? [model.undo, model.redo] : [model.redo, model.undo];
      const target = from.pop();
      if (target === undefined || target === model.text) return undefined;
      emit({ type: 'edit', file: FILE, changes: [diffChange(model.text, target)], reason: step.kind });
      to.push(model.text);
      model.text = target;
      return undefined;
    }
  }
}

function checkInvariants(engine: AttributionEngine, model: EditorModel): void {
  assert.strictEqual(engine.text(FILE), model.text, 'engine text equals the changes applied to a plain string');
  const labels = engine.labels(FILE);
  assert.strictEqual(labels.length, splitLines(model.text).length, 'one label per line');
  const s = engine.stats(FILE);
  assert.strictEqual(s.ai + s.human + s.untracked, labels.length, 'statistics count every line once');
  assert.strictEqual(s.aiModified, labels.filter((l) => l.kind === 'human' && l.wasAi).length);
}

describe('attribution engine properties', () => {
  it('random sessions: one label per line, line count equals splitLines(text).length, text equals a plain-string model', () => {
    fc.assert(
      fc.property(initialArb, fc.array(stepArb, { maxLength: 40 }), (initial, steps) => {
        const engine = new AttributionEngine();
        engine.setFile(FILE, initial);
        const model = new EditorModel(initial);
        for (const step of steps) {
          run(engine, model, step);
          checkInvariants(engine, model);
        }
      }),
      { numRuns: 400 },
    );
  });

  it('labels of lines untouched by an edit never change', () => {
    fc.assert(
      fc.property(initialArb, fc.array(stepArb, { maxLength: 30 }), (initial, steps) => {
        const engine = new AttributionEngine();
        engine.setFile(FILE, initial);
        const model = new EditorModel(initial);
        for (const step of steps) {
          const beforeText = model.text;
          const before = ids(engine.labels(FILE));
          const c = run(engine, model, step);
          if (!c) continue;
          const after = ids(engine.labels(FILE));
          const shift = after.length - before.length;
          let start = 0;
          splitLinesWithEnds(beforeText).forEach((line, i) => {
            const end = start + line.length;
            if (end <= c.offset && line.endsWith('\n'))
              assert.strictEqual(after[i], before[i], `line ${i} before the edit`);
            if (start > c.offset + c.length)
              assert.strictEqual(after[i + shift], before[i], `line ${i} after the edit`);
            start = end;
          });
        }
      }),
      { numRuns: 400 },
    );
  });

  it('undo then redo is the identity on labels, and so is redo then undo', () => {
    fc.assert(
      fc.property(initialArb, fc.array(stepArb, { maxLength: 30 }), (initial, steps) => {
        const engine = new AttributionEngine();
        engine.setFile(FILE, initial);
        const model = new EditorModel(initial);
        for (const step of steps) run(engine, model, step);
        if (model.undo.length === 0 || model.undo[model.undo.length - 1] === model.text) return;
        const start = ids(engine.labels(FILE));
        run(engine, model, { kind: 'undo' });
        const undone = ids(engine.labels(FILE));
        run(engine, model, { kind: 'redo' });
        assert.deepStrictEqual(ids(engine.labels(FILE)), start, 'undo∘redo');
        run(engine, model, { kind: 'undo' });
        assert.deepStrictEqual(ids(engine.labels(FILE)), undone, 'redo∘undo');
        checkInvariants(engine, model);
      }),
      { numRuns: 400 },
    );
  });

  it('undoing every edit back to the start restores the initial labels exactly', () => {
    fc.assert(
      fc.property(
        initialArb,
        fc.array(
          stepArb.filter((s) => s.kind === 'edit' || s.kind === 'paste' || s.kind === 'inline' || s.kind === 'save'),
          { maxLength: 25 },
        ),
        (initial, steps) => {
          const engine = new AttributionEngine();
          engine.setFile(FILE, initial);
          const model = new EditorModel(initial);
          const start = ids(engine.labels(FILE));
          for (const step of steps) run(engine, model, step);
          while (model.undo.length > 0) run(engine, model, { kind: 'undo' });
          assert.strictEqual(engine.text(FILE), initial);
          assert.deepStrictEqual(ids(engine.labels(FILE)), start);
        },
      ),
      { numRuns: 300 },
    );
  });
});
