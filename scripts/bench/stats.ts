/** Small helpers every benchmark section shares: medians, timing, the sub-benchmark protocol. */
import { spawnSync } from 'child_process';
import * as fs from 'fs';

export function median(xs: readonly number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Milliseconds `run` takes, by the monotonic clock. */
export function timeMs(run: () => void): number {
  const t = process.hrtime.bigint();
  run();
  return Number(process.hrtime.bigint() - t) / 1e6;
}

export function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/**
 * The protocol between `npm run bench` and a section kept in its own script (bench-verify.js, bench-report.js,
 * bench-review-panel.js, bench-activation.js — each owned by whoever owns that code path): the aggregator runs
 * `node SCRIPT --json` and the script prints, as the LAST line of its stdout, one JSON object of figures
 * (`{"seconds10k": 1.2, ...}`, or the same under one section key: `{"report": {"seconds5k": …}}`). Anything else on stdout/stderr is progress for humans and is ignored.
 * A script that does not know `--json` yet is not run (it would run its human-sized default for nothing);
 * its figures are reported as null with the reason.
 */
export interface SubBench {
  figures: Record<string, number | null>;
  note?: string;
}

export function runSubBench(
  script: string,
  args: readonly string[],
  expect: readonly string[],
  timeoutMs: number,
  env?: NodeJS.ProcessEnv,
): SubBench {
  const empty = (note: string): SubBench => ({ figures: Object.fromEntries(expect.map((k) => [k, null])), note });
  if (!fs.existsSync(script)) return empty(`${script} is not built`);
  if (!fs.readFileSync(script, 'utf8').includes('--json')) return empty(`${script} does not print --json figures yet`);
  const r = spawnSync(process.execPath, [script, ...args, '--json'], {
    encoding: 'utf8',
    timeout: timeoutMs,
    maxBuffer: 1 << 26,
    env: env ?? process.env,
  });
  if (r.error) return empty(`${script}: ${r.error.message}`);
  const last = r.stdout.trim().split('\n').pop() ?? '';
  let parsed: unknown;
  try {
    parsed = JSON.parse(last);
  } catch {
    return empty(
      `${script} exited ${r.status} without a JSON last line${r.stderr ? `: ${r.stderr.trim().split('\n').slice(-3).join(' | ')}` : ''}`,
    );
  }
  if (typeof parsed !== 'object' || parsed === null)
    return empty(`${script} printed ${last.slice(0, 80)}, not a JSON object`);
  // Figures at the top level, or under one section key (`{"report": {"seconds5k": …}}`): both are accepted.
  let o = parsed as Record<string, unknown>;
  const keys = Object.keys(o);
  if (keys.length === 1 && typeof o[keys[0]] === 'object' && o[keys[0]] !== null && !expect.some((k) => k in o))
    o = o[keys[0]] as Record<string, unknown>;
  const figures = Object.fromEntries(
    expect.map((k) => [k, typeof o[k] === 'number' && Number.isFinite(o[k]) ? o[k] : null]),
  );
  const missing = expect.filter((k) => figures[k] === null);
  return {
    figures,
    ...(missing.length
      ? { note: `${script} gave no ${missing.join(', ')}` }
      : r.status !== 0
        ? { note: `${script} exited ${r.status}` }
        : {}),
  };
}
