import * as assert from 'assert';
import * as fc from 'fast-check';
import { AttributionEngine } from '../../../../src/core/attribution/engine';
import { labelIdentity, type LineLabel } from '../../../../src/core/attribution/labels';

/**
 * Undo and redo in a file several tree levels deep, where a keystroke's earlier state is kept as a delta (the one
 * line it replaced) rather than a root: every undo and redo must give back exactly the labels that text had.
 */
const FILE = 'big.ts';
const LINES = 1_200; // 38 leaves of 32 lines: three levels
const AGENTS = ['claude-code', 'codex', 'cursor'];

function bigFile(): { content: string; labels: LineLabel[] } {
  const text: string[] = [];
  const labels: LineLabel[] = [];
  for (let i = 0; i < LINES; i++) {
    text.push(`  line ${i} = f(${i});\n`);
    labels.push(
      i % 3 === 0
        ? { kind: 'ai', agent: AGENTS[i % AGENTS.length] }
        : i % 3 === 1
          ? { kind: 'human' }
          : { kind: 'untracked' },
    );
  }
  return { content: text.join(''), labels };
}

const ids = (engine: AttributionEngine) => engine.labels(FILE).map(labelIdentity);

type Step = { kind: 'type' | 'delete' | 'enter' | 'accept'; at: number } | { kind: 'undo' | 'redo' };
const frac = fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true });
const stepArb: fc.Arbitrary<Step> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constantFrom('type' as const, 'delete' as const), at: frac }) },
  fc.record({ kind: fc.constantFrom('enter' as const, 'accept' as const), at: frac }),
  { weight: 3, arbitrary: fc.constantFrom({ kind: 'undo' as const }, { kind: 'redo' as const }) },
);

interface State {
  text: string;
  labels: string[];
}

describe('undo history kept as deltas (a file several levels deep)', () => {
  const { content, labels } = bigFile();

  it('every undo and redo restores exactly the labels its text had', () => {
    fc.assert(
      fc.property(fc.array(stepArb, { minLength: 5, maxLength: 40 }), (steps) => {
        const engine = new AttributionEngine();
        engine.setFile(FILE, content, labels);
        let now: State = { text: content, labels: ids(engine) };
        const undo: State[] = [],
          redo: State[] = [];
        const initial = now;
        for (const step of steps) {
          if (!('at' in step)) {
            const [from, to] = step.kind === 'undo' ? [undo, redo] : [redo, undo];
            const target = from.pop();
            if (!target) continue;
            engine.observe({
              type: 'edit',
              file: FILE,
              reason: step.kind,
              changes: [wholeChange(now.text, target.text)],
            });
            to.push(now);
            now = target;
            assert.deepStrictEqual(ids(engine), now.labels, `${step.kind} gives back the labels of that text`);
            continue;
          }
          const offset = Math.floor(step.at * now.text.length);
          if (step.kind === 'accept') engine.observe({ type: 'inlineAccept', file: FILE, agent: 'copilot' });
          const change =
            step.kind === 'delete'
              ? { offset, length: 1, text: '' }
              : { offset, length: 0, text: step.kind === 'enter' ? '\n' : step.kind === 'type' ? 'x' : 'y' };
          engine.observe({ type: 'edit', file: FILE, changes: [change] });
          undo.push(now);
          redo.length = 0;
          const text = now.text.slice(0, offset) + change.text + now.text.slice(offset + change.length);
          now = { text, labels: ids(engine) };
        }
        assert.strictEqual(engine.text(FILE), now.text);
        while (undo.length > 0) {
          const target = undo.pop()!;
          engine.observe({ type: 'edit', file: FILE, reason: 'undo', changes: [wholeChange(now.text, target.text)] });
          now = target;
        }
        assert.deepStrictEqual(ids(engine), initial.labels, 'undoing everything restores the initial labels');
      }),
      { numRuns: 60 },
    );
  });

  it('an undo to a text the history never had leaves the earlier states reachable', () => {
    const engine = new AttributionEngine();
    engine.setFile(FILE, content, labels);
    const at = content.indexOf('line 700');
    const before = ids(engine);
    engine.observe({ type: 'inlineAccept', file: FILE, agent: 'copilot' });
    engine.observe({ type: 'edit', file: FILE, changes: [{ offset: at, length: 0, text: 'y' }] });
    const afterAccept = ids(engine);
    assert.notDeepStrictEqual(afterAccept, before);
    engine.observe({ type: 'edit', file: FILE, changes: [{ offset: 10, length: 0, text: 'x' }] });
    // The editor's history knows a text ours does not (its history began earlier): nobody observed the writer.
    const text = engine.text(FILE)!;
    engine.observe({ type: 'edit', file: FILE, reason: 'undo', changes: [{ offset: 20, length: 1, text: '' }] });
    const unknown = text.slice(0, 20) + text.slice(21);
    assert.strictEqual(engine.text(FILE), unknown);
    // Undoing on, back to the text after the accept and then the original: their labels, exactly.
    const withoutX = text.slice(0, 10) + text.slice(11);
    engine.observe({ type: 'edit', file: FILE, reason: 'undo', changes: [wholeChange(unknown, withoutX)] });
    assert.deepStrictEqual(ids(engine), afterAccept);
    engine.observe({ type: 'edit', file: FILE, reason: 'undo', changes: [wholeChange(withoutX, content)] });
    assert.deepStrictEqual(ids(engine), before);
  });
});

/** The single change turning `from` into `to`, as an editor reports an undo. */
function wholeChange(from: string, to: string): { offset: number; length: number; text: string } {
  let p = 0;
  while (p < from.length && p < to.length && from[p] === to[p]) p++;
  let s = 0;
  while (s < from.length - p && s < to.length - p && from[from.length - 1 - s] === to[to.length - 1 - s]) s++;
  return { offset: p, length: from.length - p - s, text: to.slice(p, to.length - s) };
}
