import * as assert from 'assert';
import * as fc from 'fast-check';
import { uniformLine } from '../../../../src/core/attribution/line';
import {
  charCount,
  editDelta,
  fromLines,
  lineAt,
  lineCount,
  linesBetween,
  locate,
  replaceAt,
  splice,
  toLines,
  treeDepth,
  treeText,
  undoDelta,
  type Tree,
} from '../../../../src/core/attribution/lineTree';
import { sameText } from '../../../../src/core/attribution/treeHash';
import { WriterTable } from '../../../../src/core/attribution/writers';

const writers = new WriterTable();
const mk = (text: string) => uniformLine(text, writers.human, 1, writers);
const lineText = fc.constantFrom('a\n', 'bb\n', '\n', 'ccc\r\n', 'dd\n');

describe('lineTree (persistent B+tree of lines)', () => {
  it('splices, looks up lines and offsets, and slices like an array does', () => {
    fc.assert(
      fc.property(
        fc.array(lineText, { maxLength: 60 }),
        fc.array(fc.tuple(fc.nat(), fc.nat(5), fc.array(lineText, { maxLength: 4 })), { maxLength: 20 }),
        (initial, ops) => {
          const model = [...initial];
          let tree: Tree = fromLines(model.map(mk));
          for (const [at, del, ins] of ops) {
            const index = at % (model.length + 1);
            const before = tree;
            const beforeText = model.join('');
            tree = splice(tree, index, del, ins.map(mk));
            model.splice(index, del, ...ins);
            assert.strictEqual(treeText(before), beforeText, 'older versions are untouched (persistence)');
          }
          assert.deepStrictEqual(
            toLines(tree).map((l) => l.text),
            model,
          );
          assert.strictEqual(lineCount(tree), model.length);
          assert.strictEqual(charCount(tree), model.join('').length);
          let start = 0;
          model.forEach((text, i) => {
            assert.strictEqual(lineAt(tree, i).text, text);
            for (let k = 0; k < text.length; k++)
              assert.deepStrictEqual(locate(tree, start + k), { index: i, start, line: lineAt(tree, i) });
            start += text.length;
          });
          const from = Math.floor(model.length / 3),
            to = Math.floor((2 * model.length) / 3) + 1;
          assert.deepStrictEqual(
            linesBetween(tree, from, to).map((l) => l.text),
            model.slice(from, to),
          );
        },
      ),
    );
  });

  it('sameText agrees with string equality, whatever the tree shapes', () => {
    fc.assert(
      fc.property(fc.array(lineText, { maxLength: 12 }), fc.array(lineText, { maxLength: 12 }), (a, b) => {
        const ta = fromLines(a.map(mk));
        // Build b's tree by inserting one line at a time, so its shape differs from a bulk build.
        let tb: Tree = null;
        b.forEach((text, i) => {
          tb = splice(tb, i, 0, [mk(text)]);
        });
        assert.strictEqual(sameText(ta, tb), a.join('') === b.join(''));
      }),
      { numRuns: 500 },
    );
  });

  it('keeps its shape through thousands of lines of splices: several levels deep, every lookup right', () => {
    // Big enough that leaves split, inner nodes split and merge, and the root grows and shrinks.
    const line = fc.constantFrom('a\n', 'bb\n', '\n', 'ccc\r\n');
    fc.assert(
      fc.property(
        fc.nat(3000),
        fc.array(fc.tuple(fc.nat(), fc.nat(1200), fc.nat(1500), line), { maxLength: 12 }),
        (initial, ops) => {
          const model = Array.from({ length: initial }, (_, i) => ['x\n', 'yy\n', '\n'][i % 3]);
          let tree: Tree = fromLines(model.map(mk));
          for (const [at, del, insCount, text] of ops) {
            const index = at % (model.length + 1);
            const ins = Array.from({ length: insCount }, () => text);
            tree = splice(tree, index, del, ins.map(mk));
            model.splice(index, del, ...ins);
            assert.strictEqual(lineCount(tree), model.length);
            assert.ok(treeDepth(tree) <= 6, `depth ${treeDepth(tree)} for ${model.length} lines`);
          }
          assert.strictEqual(treeText(tree), model.join(''));
          for (let i = 0; i < model.length; i += 97) assert.strictEqual(lineAt(tree, i).text, model[i]);
          let start = 0;
          model.forEach((text, i) => {
            if (i % 89 === 0) assert.deepStrictEqual(locate(tree, start), { index: i, start, line: lineAt(tree, i) });
            start += text.length;
          });
          assert.strictEqual(charCount(tree), start);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('an owner changes only its own nodes in place: every tree kept before stays as it was', () => {
    // Lines of three writers (two agents), so class counts and agent masks move with the replacements.
    const ai1 = writers.intern({ kind: 'ai', agent: 'codex' });
    const ai2 = writers.intern({ kind: 'ai', agent: 'cursor' });
    const who = [writers.human, ai1, ai2];
    const line = (i: number, w: number) => uniformLine(`v${i}\n`, who[w % 3], 1, writers);
    const step = fc.oneof(
      fc.record({ kind: fc.constant('type' as const), at: fc.nat(), w: fc.nat(5) }),
      fc.record({ kind: fc.constant('keep' as const) }),
      fc.record({ kind: fc.constant('splice' as const), at: fc.nat(), del: fc.nat(3), w: fc.nat(5) }),
    );
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2500 }), fc.array(step, { maxLength: 40 }), (size, steps) => {
        let tree: Tree = fromLines(Array.from({ length: size }, (_, i) => line(i, i)));
        let owner = 1;
        const kept: Array<[Tree, string]> = [[tree, treeText(tree)]];
        for (const s of steps) {
          if (lineCount(tree) === 0) break;
          const at = 'at' in s ? s.at % lineCount(tree) : 0;
          if (s.kind === 'keep') {
            kept.push([tree, treeText(tree)]);
            owner++; // what the engine does when a tree is kept
          } else if (s.kind === 'type') {
            const next = replaceAt(tree, at, line(at + 7, s.w), owner);
            const delta = editDelta(tree, next);
            assert.ok(delta, 'a replacement leaves its delta');
            tree = next;
          } else {
            const before = treeText(tree);
            const next = splice(tree, at, s.del, [line(at, s.w), line(at + 1, s.w + 1)]);
            const delta = editDelta(tree, next);
            assert.ok(delta, 'a splice leaves its delta');
            assert.strictEqual(treeText(undoDelta(next, delta)), before, 'the delta gives the earlier text back');
            tree = next;
          }
        }
        for (const [t, text] of kept) assert.strictEqual(treeText(t), text, 'a kept tree is untouched');
        const fresh = fromLines(toLines(tree))!;
        for (const k of ['lines', 'chars', 'ai', 'human', 'humanWasAi', 'untracked', 'agents'] as const)
          assert.strictEqual(tree![k], fresh[k], `aggregate ${k} after in-place changes`);
        let start = 0;
        toLines(tree).forEach((l, i) => {
          if (i % 13 === 0) assert.deepStrictEqual(locate(tree, start), { index: i, start, line: l });
          start += l.text.length;
        });
      }),
      { numRuns: 150 },
    );
  });

  it("keeps every node's agent mask exact when replacements take an agent's lines away, in place or copied", () => {
    // Runs of AI lines of five agents among human ones, as files have them; replacements turn lines human or to
    // another agent, so masks lose bits (adjust then looks for a remaining line of that agent, near the change).
    const agents = ['a1', 'a2', 'a3', 'a4', 'a5'].map((agent) => writers.intern({ kind: 'ai', agent }));
    const who = [writers.human, ...agents];
    const line = (i: number, w: number) => uniformLine(`v${i}\n`, who[w % who.length], 1, writers);
    const nodes = (t: Tree, out: NonNullable<Tree>[] = []): NonNullable<Tree>[] => {
      if (t) {
        out.push(t);
        for (const k of t.kids ?? []) nodes(k, out);
      }
      return out;
    };
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 3000 }),
        fc.array(fc.record({ at: fc.nat(), w: fc.nat(5), run: fc.integer({ min: 1, max: 40 }) }), { maxLength: 60 }),
        fc.boolean(),
        (size, steps, inPlace) => {
          let tree: Tree = fromLines(Array.from({ length: size }, (_, i) => line(i, Math.floor(i / 7) % 6)));
          for (const s of steps) {
            // A run of consecutive lines replaced one by one: a mask loses a bit only at the run's last line.
            for (let k = 0; k < s.run; k++)
              tree = replaceAt(tree, (s.at + k) % size, line(s.at + k, s.w), inPlace ? 1 : 0);
          }
          for (const n of nodes(tree)) {
            const expected = toLines(n).reduce((m, l) => m | l.agentBit, 0);
            assert.strictEqual(n.agents, expected, `agent mask of a node of ${n.lines} lines`);
            assert.strictEqual(n.ai, toLines(n).filter((l) => l.agentBit !== 0).length, 'AI line count');
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  it('builds a 100,000-line tree of bounded depth', () => {
    const tree = fromLines(Array.from({ length: 100_000 }, (_, i) => mk(`line ${i}\n`)));
    assert.ok(treeDepth(tree) <= 4, `depth ${treeDepth(tree)}`);
  });
});
