// The unit suite's mocha configuration (`npm run test:unit:run`): the built tests, two workers (two cores).
// Files start costliest first (test/unitCosts.json, CPU seconds from a timed run): mocha hands files to the
// workers in the order given, and in alphabetical order the heaviest real-server files came last, leaving one
// worker running a 70-second file alone at the end of the run. A file the table does not know (a new test)
// starts first, as if it were the costliest. `node scripts/unitCosts.js TIMINGS.json` refreshes the table from a
// run with COUNTERSIGN_TEST_TIMINGS=TIMINGS.json.
'use strict';
const fs = require('fs');
const path = require('path');

const root = path.join(__dirname, 'dist', 'test', 'unit');
const costs = JSON.parse(fs.readFileSync(path.join(__dirname, 'test', 'unitCosts.json'), 'utf8'));
/** A built test's cost, by the source file it comes from. */
const costOf = (built) => {
  const source = path
    .join('test', 'unit', path.relative(root, built))
    .replace(/\.js$/, '.ts')
    .split(path.sep)
    .join('/');
  return typeof costs[source] === 'number' ? costs[source] : Infinity;
};
const files = fs.existsSync(root)
  ? fs
      .readdirSync(root, { recursive: true })
      .map(String)
      .filter((f) => f.endsWith('.test.js'))
      .map((f) => path.join(root, f))
  : [];
files.sort((a, b) => costOf(b) - costOf(a) || a.localeCompare(b));

module.exports = {
  require: ['dist/test/unit/helpers/tempDirs.js', 'test/perFileTimings.js'],
  spec: files.map((f) => path.relative(__dirname, f)),
  parallel: true,
  jobs: 2,
  timeout: 60000,
  reporter: 'dot',
  'enable-source-maps': true,
  exit: true,
};
