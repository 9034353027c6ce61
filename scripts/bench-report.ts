/**
 * Benchmark of `countersign report` on a generated repository (issue 7: tens of thousands of commits and
 * notes in seconds). Builds N commits (default 20,000) with git fast-import — every third with a git-ai
 * style note, others with Countersign or agent trailers — then times, in the same run:
 *   baseline   git log --oneline | wc -l        (what any history walk costs)
 *   baseline2  git log --numstat --format=%H    (the diff stats the report needs for added lines)
 *   report     node dist/cli.js report --format json
 * and prints the figures and the ratios. Usage: node .out/NAME/scripts/bench-report.js [N] [--keep]
 */
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const n = Number(process.argv.slice(2).find((a) => /^\d+$/.test(a)) ?? 20000);
const keep = process.argv.includes('--keep');
const cli = path.resolve(__dirname, '..', 'cli.js');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cs-bench-'));
const env = { ...process.env, GIT_CONFIG_NOSYSTEM: '1', HOME: dir };
const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, env, encoding: 'utf8', maxBuffer: 1 << 30 });

function data(s: string): string {
  return `data ${Buffer.byteLength(s)}\n${s}\n`;
}

function build(): void {
  git('init', '-q', '-b', 'main');
  const parts: string[] = [];
  const notes: string[] = [];
  const t0 = 1_700_000_000;
  for (let i = 1; i <= n; i++) {
    const file = `src/mod${i % 200}/file${i % 37}.ts`;
    const lines = 5 + (i % 30);
    const body = Array.from({ length: lines }, (_, k) => `export const v${i}_${k} = ${k};`).join('\n') + '\n';
    const kind = i % 6;
    const trailer = kind === 1 ? `\n\nAI-Provenance: v1 ai=${lines >> 1} human=${lines - (lines >> 1)} untracked=0`
      : kind === 2 ? '\n\nCo-Authored-By: Claude <noreply@anthropic.com>'
        : kind === 4 ? `\n\nAssisted-by: Copilot:gpt-4.1 copilot-cli\nAI-Provenance: v1 ai=${lines} human=0 untracked=0` : '';
    const who = i % 11 === 0 ? 'copilot-swe-agent[bot] <198982749+Copilot@users.noreply.github.com>' : `Dev ${i % 7} <dev${i % 7}@example.com>`;
    parts.push(`commit refs/heads/main\nmark :${i}\nauthor ${who} ${t0 + i * 600} +0000\ncommitter ${who} ${t0 + i * 600} +0000\n${data(`change ${i}${trailer}`)}M 100644 inline ${file}\n${data(body)}\n`);
    if (i % 3 === 0) {
      const tool = ['claude', 'cursor', 'github-copilot', 'codex'][i % 4];
      notes.push(`N inline :${i}\n${data(`${file}\n  s_${(i % 9999).toString(16).padStart(14, '0')}::t_00000000000000 1-${lines >> 1},${lines}\n  h_00000000000001 ${(lines >> 1) + 1}\n---\n${JSON.stringify({ schema_version: 'authorship/3.0.0', base_commit_sha: '', prompts: {}, sessions: { [`s_${(i % 9999).toString(16).padStart(14, '0')}`]: { agent_id: { tool, id: `c${i}`, model: 'm' } } }, humans: { h_00000000000001: { author: 'Dev <dev@example.com>' } } }, null, 2)}`)}`);
    }
  }
  parts.push(`commit refs/notes/ai\ncommitter Notes <n@example.com> ${t0} +0000\n${data('notes')}${notes.join('')}\n`);
  const r = spawnSync('git', ['fast-import', '--quiet'], { cwd: dir, env, input: parts.join(''), maxBuffer: 1 << 30 });
  if (r.status !== 0) throw new Error(`fast-import failed: ${r.stderr}`);
  git('gc', '-q');
}

function time(label: string, run: () => string): { ms: number; out: string } {
  const t = process.hrtime.bigint();
  const out = run();
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  console.log(`${label.padEnd(42)} ${ms.toFixed(0).padStart(7)} ms`);
  return { ms, out };
}

const tb = Date.now();
build();
console.log(`built ${n} commits (${Math.floor(n / 3)} notes) in ${((Date.now() - tb) / 1000).toFixed(1)} s at ${dir}`);
const sh = (cmd: string) => execFileSync('sh', ['-c', cmd], { cwd: dir, env, encoding: 'utf8', maxBuffer: 1 << 30 });
const base = time('git log --oneline | wc -l', () => sh('git log --oneline | wc -l'));
const stats = time('git log --numstat --format=%H | wc -l', () => sh('git log --numstat --format=%H | wc -l'));
const rep = time('countersign report --format json', () => execFileSync(process.execPath, [cli, 'report', '--format', 'json'], { cwd: dir, env, encoding: 'utf8', maxBuffer: 1 << 30 }));
const html = time('countersign report --format html --by agent', () => execFileSync(process.execPath, [cli, 'report', '--format', 'html', '--by', 'agent'], { cwd: dir, env, encoding: 'utf8', maxBuffer: 1 << 30 }));
const j = JSON.parse(rep.out) as { commits: number; aiAssistedCommits: number; aiLines: number; notes: { ai: number } };
console.log(`report: ${j.commits} commits, ${j.notes.ai} notes, ${j.aiAssistedCommits} AI-assisted, ${j.aiLines} AI lines; html ${html.out.length} bytes`);
if (j.commits !== Number(base.out.trim())) throw new Error(`report counted ${j.commits} commits, git log ${base.out.trim()}`);
console.log(`ratio report / git log --oneline:   ${(rep.ms / base.ms).toFixed(1)}x`);
console.log(`ratio report / git log --numstat:   ${(rep.ms / stats.ms).toFixed(1)}x`);
if (!keep) fs.rmSync(dir, { recursive: true, force: true });
