#!/usr/bin/env node
// Refreshes test/unitCosts.json (the order .mocharc.dist.js starts the unit test files in) from the timings a run
// with COUNTERSIGN_TEST_TIMINGS=FILE.json wrote: node scripts/unitCosts.js FILE.json
'use strict';
const fs = require('fs');
const path = require('path');

const from = process.argv[2];
if (!from) {
  console.error('usage: node scripts/unitCosts.js TIMINGS.json (written by a unit run with COUNTERSIGN_TEST_TIMINGS)');
  process.exit(2);
}
const { files } = JSON.parse(fs.readFileSync(from, 'utf8'));
const target = path.join(__dirname, '..', 'test', 'unitCosts.json');
const out = { _: JSON.parse(fs.readFileSync(target, 'utf8'))._ };
const rows = files
  .map((r) => [r.file.replace(/^dist\/test\/unit\//, 'test/unit/').replace(/\.js$/, '.ts'), +r.cpu.toFixed(1)])
  .sort((a, b) => b[1] - a[1]);
for (const [file, cpu] of rows) out[file] = cpu;
fs.writeFileSync(target, JSON.stringify(out, null, 2) + '\n');
console.log(`test/unitCosts.json: ${rows.length} files`);
