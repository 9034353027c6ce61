/**
 * One real statement line copied K times into a refs/notes/countersign note (outside tester, session 6, note on
 * F3; docs/threat-model.md, "Notes flood"): what reading that note costs every judgement. Same-run A/B,
 * alternating, medians, wall and CPU: before, every copy was parsed (JSON and schema) — here each line parsed on
 * its own; now parseStatementNote reads a repeated line once. The server no longer takes such a note
 * (notesAdditions.ts); this is the cost of one that is already there.
 * Usage: node dist/scripts/bench-statement-copies.js [--k 25000] [--rounds 5] [--json]
 */
import * as os from 'os';
import { formatStatementLine, parseStatementNote } from '../src/core/approvalStatement';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const K = arg('--k', 25_000);
const ROUNDS = arg('--rounds', 5);
const h = (c: string) => c.repeat(40);
const line = formatStatementLine({
  statement: {
    v: 1,
    decision: 'approve',
    reviewer: { email: 'bob@example.com' },
    base: h('a'),
    tip: h('b'),
    tree: h('c'),
    patchId: h('d'),
    time: '2026-11-30T08:00:00Z',
    comment: 'looks good',
  },
  signature: `-----BEGIN SSH SIGNATURE-----\n${'A'.repeat(400)}\n-----END SSH SIGNATURE-----\n`,
} as Parameters<typeof formatStatementLine>[0]);
const text = Array.from({ length: K }, () => line).join('\n') + '\n';

function measure(fn: () => void): { wall: number; cpu: number } {
  const c0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  fn();
  const c = process.cpuUsage(c0);
  return { wall: Number(process.hrtime.bigint() - t0) / 1e9, cpu: (c.user + c.system) / 1e6 };
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const before: Array<{ wall: number; cpu: number }> = [];
const now: Array<{ wall: number; cpu: number }> = [];
for (let r = 0; r < ROUNDS; r++) {
  before.push(measure(() => text.split('\n').forEach((l) => parseStatementNote(l))));
  now.push(measure(() => parseStatementNote(text)));
}
const m = (runs: Array<{ wall: number; cpu: number }>) => ({
  wall: median(runs.map((x) => x.wall)),
  cpu: median(runs.map((x) => x.cpu)),
});
const figures = { copies: K, noteMb: text.length / 1e6, load: os.loadavg()[0], before: m(before), now: m(now) };
const f = (x: { wall: number; cpu: number }) =>
  `${(x.wall * 1000).toFixed(1)} ms wall, ${(x.cpu * 1000).toFixed(1)} ms CPU`;
console.log(
  `one statement copied ${K} times (${figures.noteMb.toFixed(1)} MB), ${ROUNDS} rounds (medians), load ${figures.load.toFixed(2)}`,
);
console.log(`  every copy parsed (before)   ${f(figures.before)}`);
console.log(`  copies read once (now)       ${f(figures.now)}`);
if (process.argv.includes('--json')) console.log(JSON.stringify(figures));
