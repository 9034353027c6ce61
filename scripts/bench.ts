/**
 * Benchmark of the attribution engine's edit cost (DESIGN: "labels follow edits elsewhere in the file in time
 * proportional to the edit, not to the file"). Times single-character edits at random positions in a
 * 1,000-line file and in a 100,000-line file with thousands of AI ranges, and prints both and their ratio,
 * measured in the same run. A naive engine that re-splits the text per edit is timed alongside for contrast.
 *
 *   OUT_DIR=.out/engine node esbuild.js && node .out/engine/scripts/bench.js
 */
import { AttributionEngine } from '../src/core/attribution/engine';
import type { LineLabel } from '../src/core/attribution/labels';
import { splitLines } from '../src/core/attribution/lines';

const EDITS = 20_000;
const AGENTS = ['claude-code', 'codex', 'cursor', 'copilot', 'gemini-cli'];

/** Deterministic PRNG (mulberry32): both sizes see the same kind of edit sequence every run. */
function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A file of `lines` lines where every 25 lines an AI range of 1–10 lines starts: thousands of ranges at 100k. */
function makeFile(lines: number): { content: string; labels: LineLabel[]; aiRanges: number } {
  const text: string[] = [];
  const labels: LineLabel[] = [];
  let aiRanges = 0;
  for (let i = 0; i < lines; i++) {
    text.push(`    const value${i} = compute(${i}, "some text to make the line realistic");\n`);
    const inRange = i % 25 < 1 + (Math.floor(i / 25) % 10);
    if (i % 25 === 0) aiRanges++;
    labels.push(inRange ? { kind: 'ai', agent: AGENTS[Math.floor(i / 25) % AGENTS.length] } : i % 2 ? { kind: 'human' } : { kind: 'untracked' });
  }
  return { content: text.join(''), labels, aiRanges };
}

/** Alternately types a character and deletes one at random offsets; returns microseconds per edit. */
function timeEngine(lines: number): { usPerEdit: number; aiRanges: number } {
  const { content, labels, aiRanges } = makeFile(lines);
  const engine = new AttributionEngine();
  engine.setFile('f.ts', content, labels);
  let length = content.length;
  const random = rng(42);
  const run = (count: number) => {
    for (let i = 0; i < count; i++) {
      const offset = Math.floor(random() * length);
      if (i % 2 === 0) { engine.observe({ type: 'edit', file: 'f.ts', changes: [{ offset, length: 0, text: 'x' }] }); length++; }
      else { engine.observe({ type: 'edit', file: 'f.ts', changes: [{ offset, length: 1, text: '' }] }); length--; }
    }
  };
  run(2_000); // warm-up: let the JIT compile the hot paths before measuring
  const start = process.hrtime.bigint();
  run(EDITS);
  const ns = Number(process.hrtime.bigint() - start);
  if (engine.labels('f.ts').length !== splitLines(engine.text('f.ts')!).length) throw new Error('engine lost a line label');
  return { usPerEdit: ns / 1000 / EDITS, aiRanges };
}

/** What an engine without a line index does: apply the edit to one string and re-split it to find lines. */
function timeNaive(lines: number, edits: number): number {
  let text = makeFile(lines).content;
  const random = rng(42);
  const start = process.hrtime.bigint();
  let sink = 0;
  for (let i = 0; i < edits; i++) {
    const offset = Math.floor(random() * text.length);
    text = i % 2 === 0 ? text.slice(0, offset) + 'x' + text.slice(offset) : text.slice(0, offset) + text.slice(offset + 1);
    sink += splitLines(text).length;
  }
  const ns = Number(process.hrtime.bigint() - start);
  if (sink === 0) throw new Error('unreachable');
  return ns / 1000 / edits;
}

function main(): void {
  const small = timeEngine(1_000);
  const large = timeEngine(100_000);
  const naiveSmall = timeNaive(1_000, 2_000);
  const naiveLarge = timeNaive(100_000, 200);
  const fmt = (us: number) => `${us.toFixed(2).padStart(9)} µs/edit`;
  console.log(`Attribution engine: ${EDITS.toLocaleString('en')} single-character edits at random positions (after warm-up)`);
  console.log(`  1,000 lines,   ${String(small.aiRanges).padStart(5)} AI ranges: ${fmt(small.usPerEdit)}`);
  console.log(`  100,000 lines, ${String(large.aiRanges).padStart(5)} AI ranges: ${fmt(large.usPerEdit)}`);
  console.log(`  ratio 100k / 1k: ${(large.usPerEdit / small.usPerEdit).toFixed(2)}x  (file is 100x larger)`);
  console.log('Naive baseline (apply to one string, re-split all lines per edit):');
  console.log(`  1,000 lines:   ${fmt(naiveSmall)}`);
  console.log(`  100,000 lines: ${fmt(naiveLarge)}`);
  console.log(`  ratio 100k / 1k: ${(naiveLarge / naiveSmall).toFixed(2)}x`);
}

main();
