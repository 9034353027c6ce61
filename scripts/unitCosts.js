#!/usr/bin/env node
// Refreshes test/unitCosts.json (the order .mocharc.dist.js starts the unit test files in) from the timings a run
// with COUNTERSIGN_TEST_TIMINGS=FILE.json wrote: node scripts/unitCosts.js FILE.json [FILE.json.worker-N ...]
// Several files are summed per test file: the merged table, or the per-worker tables a killed or partial parallel
// run left (FILE.json.worker-N, written after each file). A test file none of them timed keeps its previous cost,
// so a partial run does not make the files it missed look new (a file the table does not know starts first).
'use strict';
const fs = require('fs');
const path = require('path');

const from = process.argv.slice(2);
if (from.length === 0) {
  console.error(
    'usage: node scripts/unitCosts.js TIMINGS.json... (written by a unit run with COUNTERSIGN_TEST_TIMINGS)',
  );
  process.exit(2);
}
const target = path.join(__dirname, '..', 'test', 'unitCosts.json');
const before = JSON.parse(fs.readFileSync(target, 'utf8'));
const timed = new Map();
for (const f of from)
  for (const r of JSON.parse(fs.readFileSync(f, 'utf8')).files) {
    const file = r.file.replace(/^dist\/test\/unit\//, 'test/unit/').replace(/\.js$/, '.ts');
    timed.set(file, (timed.get(file) ?? 0) + r.cpu);
  }
const kept = Object.entries(before).filter(
  ([file, cpu]) => file !== '_' && typeof cpu === 'number' && !timed.has(file) && fs.existsSync(file),
);
const rows = [...[...timed].map(([file, cpu]) => [file, +cpu.toFixed(1)]), ...kept].sort((a, b) => b[1] - a[1]);
const out = { _: before._ };
for (const [file, cpu] of rows) out[file] = cpu;
fs.writeFileSync(target, JSON.stringify(out, null, 2) + '\n');
console.log(`test/unitCosts.json: ${timed.size} files timed, ${kept.length} kept from before`);
