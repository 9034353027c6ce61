/**
 * Extension activation time in the real integration host (code-server's extension host, see
 * test/integration): builds the production bundle with the test harness beside it into a scratch folder,
 * starts VS Code ROUNDS times with only the activation test, and reads CountersignApi.activationMs (from the
 * entry bundle starting to evaluate to activate() returning) and servicesMs (loading and composing
 * dist/extension-services.js, which the entry does just after activate() returns) from each run. Prints the
 * runs and their medians.
 * Usage: node dist/scripts/bench-activation.js [--rounds N] [--json]
 */
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { median } from './bench/stats';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const ROUNDS = arg('--rounds', 3);
const json = process.argv.includes('--json');
const say = (line: string) => (json ? process.stderr : process.stdout).write(line + '\n');

function main(): void {
  let root = __dirname; // dist/scripts or .out/NAME/scripts: the repository is the first folder above with esbuild.js
  while (!fs.existsSync(path.join(root, 'esbuild.js'))) {
    if (path.dirname(root) === root) throw new Error(`no esbuild.js above ${__dirname}`);
    root = path.dirname(root);
  }
  const out = path.join(root, '.out', 'bench-activation');
  fs.rmSync(out, { recursive: true, force: true });
  const build = (...args: string[]) =>
    execFileSync(process.execPath, ['esbuild.js', ...args], {
      cwd: root,
      env: { ...process.env, OUT_DIR: out },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
  build(); // the harness and the test suite
  build('--production'); // then what ships: extension.js and cli.js minified
  const resultFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cs-bench-act-')), 'activation.json');
  const runs: number[] = [];
  const services: number[] = [];
  try {
    for (let r = 0; r < ROUNDS; r++) {
      fs.rmSync(resultFile, { force: true });
      const it = spawnSync(
        process.execPath,
        [
          path.join(out, 'test', 'integration', 'runIntegration.js'),
          '--only',
          'suite',
          '--grep',
          'reports its activation time',
        ],
        {
          cwd: root,
          env: { ...process.env, COUNTERSIGN_BENCH_ACTIVATION_FILE: resultFile },
          encoding: 'utf8',
          timeout: 300_000,
        },
      );
      if (it.status !== 0 || !fs.existsSync(resultFile))
        throw new Error(`integration run ${r + 1} failed (exit ${it.status}):\n${it.stdout}\n${it.stderr}`);
      const { activationMs: ms, servicesMs } = JSON.parse(fs.readFileSync(resultFile, 'utf8')) as {
        activationMs: number;
        servicesMs?: number;
      };
      runs.push(ms);
      if (typeof servicesMs === 'number') services.push(servicesMs);
      say(
        `run ${r + 1}: activated in ${ms.toFixed(1)} ms${typeof servicesMs === 'number' ? `, then services loaded in ${servicesMs.toFixed(1)} ms` : ''}`,
      );
    }
  } finally {
    fs.rmSync(path.dirname(resultFile), { recursive: true, force: true });
    fs.rmSync(out, { recursive: true, force: true });
  }
  const m = median(runs);
  const sm = services.length > 0 ? median(services) : undefined;
  say(
    `extension activation (production bundle, code-server extension host): median ${m.toFixed(1)} ms over ${runs.length} runs${sm !== undefined ? `; services bundle after it: median ${sm.toFixed(1)} ms` : ''}`,
  );
  if (json)
    process.stdout.write(
      JSON.stringify({
        activationMs: m,
        runs,
        ...(sm !== undefined ? { servicesMs: sm, servicesRuns: services } : {}),
      }) + '\n',
    );
}

main();
