/**
 * Benchmark of the editor's "AI blame" for the current line (src/extension/blame): what a cursor rest costs on
 * a 5,000-line file, and what a keystroke costs. Builds a repository where the file went through N commits
 * (default 60), each rewriting about 2% of its lines with a refs/notes/ai note for them, beside 1,000 other
 * noted commits, then times:
 *   baseline   git blame --porcelain --contents - (the one git process the annotation cannot do without)
 *   blame      provenanceBlame(..., { contents }) — what the extension runs once per (file, HEAD, notes tip)
 *   refs       readBlameRefs (git show-ref: HEAD and the notes tip, read again only after a ref moved)
 *   keystroke  recording one edit into the line map (lineChangeOf + record), the only work typing does
 *   lookup     mapping the cursor's line through 10,000 recorded edits (once per cursor rest)
 * Usage: node .out/NAME/scripts/bench-blame.js [COMMITS] [--keep]
 */
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { formatAuthorshipNote, sessionEntryKey, sessionKey, traceKey } from '../src/core/authorshipNote';
import { type LineRange } from '../src/core/lineRanges';
import { lineChangeOf, LinesSinceBlame } from '../src/core/blame/linesSinceBlame';
import { readBlameRefs } from '../src/git/blameRefs';
import { provenanceBlame } from '../src/git/provenanceBlame';
import { benchGitEnv } from './bench/gitEnv';

const commits = Number(process.argv.slice(2).find((a) => /^\d+$/.test(a)) ?? 60);
const keep = process.argv.includes('--keep');
const LINES = 5000;
const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'cs-bench-blame-')));
const env = benchGitEnv(dir);
process.env.HOME = dir;
process.env.GIT_CONFIG_NOSYSTEM = '1';
const git = (args: string[], input?: string) =>
  execFileSync('git', args, { cwd: dir, env, input, encoding: 'utf8', maxBuffer: 1 << 30 });

function data(s: string): string {
  return `data ${Buffer.byteLength(s)}\n${s}\n`;
}

/** Deterministic pseudo-random numbers, so runs compare. */
function rng(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    return s / 0x7fffffff;
  };
}

function build(): string {
  git(['init', '-q', '-b', 'main']);
  const rand = rng(7);
  const lines = Array.from({ length: LINES }, (_, i) => `export const value${i} = ${i}; // written in commit 0`);
  const parts: string[] = [];
  const notes: Array<[number, string]> = [];
  const session = sessionKey('claude', 'bench');
  const meta = {
    schema_version: 'authorship/3.0.0',
    base_commit_sha: '',
    prompts: {},
    sessions: { [session]: { agent_id: { tool: 'claude', id: 'bench', model: 'claude-sonnet-4-5' } } },
  };
  let mark = 0;
  const t0 = 1_700_000_000;
  for (let c = 0; c < commits; c++) {
    const touched: number[] = [];
    if (c > 0) {
      for (let k = 0; k < LINES / 50; k++) {
        const i = Math.floor(rand() * LINES);
        lines[i] = `export const value${i} = ${i * c}; // rewritten in commit ${c}`;
        touched.push(i + 1);
      }
    }
    mark++;
    parts.push(
      `commit refs/heads/main\nmark :${mark}\nauthor Ada <ada@example.com> ${t0 + mark * 600} +0000\ncommitter Ada <ada@example.com> ${t0 + mark * 600} +0000\n${data(`change ${c}`)}M 100644 inline big.ts\n${data(lines.join('\n') + '\n')}\n`,
    );
    const ranges: LineRange[] =
      c === 0 ? [[1, LINES / 2]] : [...new Set(touched)].sort((a, b) => a - b).map((l) => [l, l]);
    notes.push([
      mark,
      formatAuthorshipNote({
        files: [{ path: 'big.ts', entries: [{ key: sessionEntryKey(session, traceKey(`t${c}`)), ranges }] }],
        meta,
      }),
    ]);
  }
  // History the blame does not touch, but whose notes `git notes list` still lists.
  for (let i = 0; i < 1000; i++) {
    mark++;
    parts.push(
      `commit refs/heads/main\nmark :${mark}\nauthor Bo <bo@example.com> ${t0 + mark * 600} +0000\ncommitter Bo <bo@example.com> ${t0 + mark * 600} +0000\n${data(`other ${i}`)}M 100644 inline other/f${i % 50}.ts\n${data(`export const o = ${i};\n`)}\n`,
    );
    notes.push([
      mark,
      formatAuthorshipNote({
        files: [
          {
            path: `other/f${i % 50}.ts`,
            entries: [{ key: sessionEntryKey(session, traceKey(`o${i}`)), ranges: [[1, 1]] }],
          },
        ],
        meta,
      }),
    ]);
  }
  parts.push(`commit refs/notes/ai\ncommitter Ada <ada@example.com> ${t0} +0000\n${data('notes')}`);
  for (const [m, text] of notes) parts.push(`N inline :${m}\n${data(text)}`);
  parts.push('\n');
  git(['fast-import', '--quiet'], parts.join(''));
  git(['checkout', '-q', '-f', 'main']);
  return lines.join('\n') + '\n';
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function time(runs: number, f: () => Promise<unknown> | unknown): Promise<number> {
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await f();
    out.push(performance.now() - t);
  }
  return median(out);
}

async function main(): Promise<void> {
  const t = Date.now();
  const text = build();
  // The buffer as the editor holds it: the committed text with a few lines typed since.
  const buffer = text.replace('value100 = 100;', 'value100 = 100; // typed');
  console.log(
    `repository: ${commits} commits rewrote ${LINES}-line big.ts, plus 1000 other commits, all noted (${((Date.now() - t) / 1000).toFixed(1)} s to build) in ${dir}`,
  );

  const baseline = await time(5, () =>
    spawnSync('git', ['blame', '--porcelain', '--contents', '-', '--', 'big.ts'], {
      cwd: dir,
      env,
      input: buffer,
      maxBuffer: 1 << 30,
    }),
  );
  const blame = await time(5, () => provenanceBlame(dir, 'big.ts', undefined, { contents: buffer }));
  const result = await provenanceBlame(dir, 'big.ts', undefined, { contents: buffer });
  const refs = await time(10, () => readBlameRefs(dir));
  console.log(`baseline   git blame --contents -      ${baseline.toFixed(0)} ms`);
  console.log(
    `blame      provenanceBlame (5,000 lines) ${blame.toFixed(0)} ms  (median of 5; ${Object.keys(result.commits).length} commits, ai=${result.summary.ai} untracked=${result.summary.untracked})`,
  );
  console.log(`refs       git show-ref HEAD + notes     ${refs.toFixed(1)} ms`);

  const map = new LinesSinceBlame();
  const edits = 10_000;
  const k0 = performance.now();
  for (let i = 0; i < edits; i++) {
    const line = 100 + (i % 40);
    map.record([lineChangeOf({ startLine: line, startCharacter: 10, endLine: line, endCharacter: 10, text: 'x' })]);
  }
  const perKey = (performance.now() - k0) / edits;
  const lookups = 1000;
  const l0 = performance.now();
  for (let i = 0; i < lookups; i++) map.toBlamed((i * 7) % LINES);
  const perLookup = (performance.now() - l0) / lookups;
  console.log(`keystroke  record one edit              ${(perKey * 1000).toFixed(2)} µs`);
  console.log(`lookup     map a line through ${edits} edits ${(perLookup * 1000).toFixed(0)} µs`);
  if (!keep) fs.rmSync(dir, { recursive: true, force: true });
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
