import * as fs from 'fs';
import * as path from 'path';
import type MochaType from 'mocha';
import { GREP_ENV, RESULTS_ENV, type PayloadResults } from './harness/results';

// mocha 12 is an ES module with a CommonJS build beside it. The extension host require()s this file, and
// the Node inside desktop VS Code's Electron may predate require(esm), so load the CommonJS build directly.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const Mocha = require('mocha/lib/mocha.cjs') as typeof MochaType;

/**
 * The body of an extensionTestsPath entry's run(): runs every `*.test.js` beside the entry inside the
 * extension host, writes a results file for the harness (RESULTS_ENV) and rejects when a test failed,
 * which makes VS Code report a non-zero exit code (codeAutomationExit in the browser, the process exit
 * code on desktop).
 */
export function runMochaPayload(testsDir: string): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', timeout: 30_000, color: false, reporter: 'spec' });
  const grep = process.env[GREP_ENV];
  if (grep) mocha.grep(grep);
  const files = fs
    .readdirSync(testsDir)
    .filter((f) => f.endsWith('.test.js'))
    .sort();
  if (files.length === 0) return Promise.reject(new Error(`no *.test.js files in ${testsDir}: was the build run?`));
  for (const f of files) mocha.addFile(path.join(testsDir, f));

  const results: PayloadResults = { passed: [], failed: [], pending: [], durationMs: 0 };
  const started = Date.now();
  return new Promise((resolve, reject) => {
    let runner: MochaType.Runner;
    try {
      runner = mocha.run((failures) => {
        results.durationMs = Date.now() - started;
        const file = process.env[RESULTS_ENV];
        if (file) fs.writeFileSync(file, JSON.stringify(results, null, 2));
        if (failures > 0) reject(new Error(`${failures} integration test(s) failed`));
        else resolve();
      });
    } catch (err) {
      // A test file that throws while loading fails the whole payload; report it as a failure, not a crash.
      results.failed.push({
        title: 'loading the test files',
        error: err instanceof Error ? (err.stack ?? err.message) : String(err),
      });
      const file = process.env[RESULTS_ENV];
      if (file) fs.writeFileSync(file, JSON.stringify(results, null, 2));
      reject(err instanceof Error ? err : new Error(String(err)));
      return;
    }
    runner.on('pass', (t) => results.passed.push(t.fullTitle()));
    runner.on('pending', (t) => results.pending.push(t.fullTitle()));
    runner.on('fail', (t, err: unknown) => {
      results.failed.push({
        title: t.fullTitle(),
        error: err instanceof Error ? (err.stack ?? err.message) : String(err),
      });
    });
  });
}
