/**
 * The attribution engine's cost per keystroke (DESIGN: "labels follow edits elsewhere in the file in time
 * proportional to the edit, not to the file"): one-character insertions and deletions at random offsets in a
 * file with one AI range every 10 lines (20,000 lines: 2,000 ranges), and the growth from 1,000 to 100,000
 * lines at the same density. A naive engine that re-splits the whole text per edit is timed alongside.
 */
import { AttributionEngine } from '../../src/core/attribution/engine';
import type { LineLabel } from '../../src/core/attribution/labels';
import { splitLines } from '../../src/core/attribution/lines';
import { median } from './stats';

const AGENTS = ['claude-code', 'codex', 'cursor', 'copilot', 'gemini-cli'];

/** Deterministic PRNG (mulberry32): every size and round sees the same kind of edit sequence. */
export function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `lines` lines; every 10 lines an AI range of 1–5 lines starts, the rest alternate human/untracked. */
export function makeFile(lines: number): { content: string; labels: LineLabel[]; aiRanges: number } {
  const text: string[] = [];
  const labels: LineLabel[] = [];
  let aiRanges = 0;
  for (let i = 0; i < lines; i++) {
    text.push(`    const value${i} = compute(${i}, "some text to make the line realistic");\n`);
    const block = Math.floor(i / 10);
    if (i % 10 === 0) aiRanges++;
    labels.push(
      i % 10 < 1 + (block % 5)
        ? { kind: 'ai', agent: AGENTS[block % AGENTS.length] }
        : i % 2
          ? { kind: 'human' }
          : { kind: 'untracked' },
    );
  }
  return { content: text.join(''), labels, aiRanges };
}

/**
 * Alternately types a character and deletes one at random offsets: wall-clock and CPU microseconds per edit after
 * a warm-up (CPU time is what a loaded, shared machine disturbs least).
 */
export function timeEngine(lines: number, edits: number, seed: number): number {
  return timeEngineBoth(lines, edits, seed).wall;
}

function timeEngineBoth(lines: number, edits: number, seed: number): { wall: number; cpu: number } {
  const { content, labels } = makeFile(lines);
  const engine = new AttributionEngine();
  engine.setFile('f.ts', content, labels);
  let length = content.length;
  const random = rng(seed);
  const run = (count: number) => {
    for (let i = 0; i < count; i++) {
      const offset = Math.floor(random() * length);
      if (i % 2 === 0) {
        engine.observe({ type: 'edit', file: 'f.ts', changes: [{ offset, length: 0, text: 'x' }] });
        length++;
      } else {
        engine.observe({ type: 'edit', file: 'f.ts', changes: [{ offset, length: 1, text: '' }] });
        length--;
      }
    }
  };
  run(2_000); // warm-up: let the JIT compile the hot paths before measuring
  const start = process.hrtime.bigint();
  const cpuStart = process.cpuUsage();
  run(edits);
  const ns = Number(process.hrtime.bigint() - start);
  const cpu = process.cpuUsage(cpuStart);
  const expected = splitLines(engine.text('f.ts')!).length;
  if (engine.labels('f.ts').length !== expected)
    throw new Error(`engine holds ${engine.labels('f.ts').length} labels for ${expected} lines`);
  return { wall: ns / 1000 / edits, cpu: (cpu.user + cpu.system) / edits };
}

/** What an engine without a line index does: apply the edit to one string and re-split it to find lines. */
function timeNaive(lines: number, edits: number): number {
  let text = makeFile(lines).content;
  const random = rng(7);
  let sink = 0;
  const start = process.hrtime.bigint();
  for (let i = 0; i < edits; i++) {
    const offset = Math.floor(random() * text.length);
    text =
      i % 2 === 0 ? text.slice(0, offset) + 'x' + text.slice(offset) : text.slice(0, offset) + text.slice(offset + 1);
    sink += splitLines(text).length;
  }
  const ns = Number(process.hrtime.bigint() - start);
  if (sink === 0) throw new Error('unreachable');
  return ns / 1000 / edits;
}

export interface EngineFigures {
  usPerEdit20k: number;
  cpuUsPerEdit20k: number;
  usPerEdit1k: number;
  usPerEdit100k: number;
  growth1kTo100k: number;
  /** The same growth in CPU time (process.cpuUsage: less moved by a loaded machine than wall time). */
  cpuGrowth1kTo100k: number;
  naiveUsPerEdit20k: number;
  aiRanges20k: number;
  rounds: number;
}

export function engineBench(rounds: number): EngineFigures {
  const at20k: number[] = [],
    cpu20k: number[] = [],
    at1k: number[] = [],
    at100k: number[] = [],
    growth: number[] = [],
    cpuGrowth: number[] = [],
    naive: number[] = [];
  for (let r = 0; r < rounds; r++) {
    // Interleaved so that load on the shared machine hits all sizes alike; growth is taken per round.
    const t20k = timeEngineBoth(20_000, 20_000, 42 + r);
    at20k.push(t20k.wall);
    cpu20k.push(t20k.cpu);
    const small = timeEngineBoth(1_000, 20_000, 42 + r);
    const large = timeEngineBoth(100_000, 20_000, 42 + r);
    at1k.push(small.wall);
    at100k.push(large.wall);
    growth.push(large.wall / small.wall);
    cpuGrowth.push(large.cpu / small.cpu);
    naive.push(timeNaive(20_000, 20));
  }
  return {
    usPerEdit20k: median(at20k),
    cpuUsPerEdit20k: median(cpu20k),
    usPerEdit1k: median(at1k),
    usPerEdit100k: median(at100k),
    growth1kTo100k: median(growth),
    cpuGrowth1kTo100k: median(cpuGrowth),
    naiveUsPerEdit20k: median(naive),
    aiRanges20k: makeFile(20_000).aiRanges,
    rounds,
  };
}
