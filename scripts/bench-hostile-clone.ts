/**
 * A hostile clone's cost to the developer's CLI (docs/threat-model.md, attack31 F7), as real commands on real
 * repositories, CPU of the command's whole process tree (/usr/bin/time: user + sys) and signature checks counted
 * at crypto.verify in every Node process (a preload):
 *  (a) refs/notes/countersign filled, within the 64 MiB read budget, with junk statements that name the listed
 *      reviewer Bob and carry a copy of his real signature (RSA-4096 by default), all naming one AI commit that Bob
 *      really approved: `verify`, `explain REV --branch main`, `report`;
 *  (b) refs/notes/ai: N commits, each with a readable note of ~1 MB of ranges: `report`.
 * Usage: node dist/scripts/bench-hostile-clone.js [--junk 34000] [--key rsa|ed25519] [--notes 200] [--cli dist/cli.js]
 */
import { execFileSync, spawnSync } from 'child_process';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { canonicalStatementBytes, formatStatementLine, type ApprovalStatement } from '../src/core/approvalStatement';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const JUNK = Number(arg('--junk', '34000'));
const KEY = arg('--key', 'rsa');
const NOTES = Number(arg('--notes', '200'));
const CLI = path.resolve(arg('--cli', path.join(__dirname, '..', 'cli.js')));
const env = {
  ...process.env,
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
  ...{ GIT_AUTHOR_NAME: 'Ada', GIT_AUTHOR_EMAIL: 'ada@example.com' },
  ...{ GIT_COMMITTER_NAME: 'Ada', GIT_COMMITTER_EMAIL: 'ada@example.com' },
};
const git = (cwd: string, args: string[], input?: string) =>
  execFileSync('git', args, { cwd, input, env, encoding: 'utf8', maxBuffer: 1 << 30 }).trim();
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'cs-hostile-'));
const counter = path.join(root, 'count.js');
const counts = path.join(root, 'checks.log');
fs.writeFileSync(
  counter,
  `const c = require('crypto'); const real = c.verify; let n = 0; c.verify = (...a) => { n++; return real(...a); };\n` +
    `process.on('exit', () => require('fs').appendFileSync(${JSON.stringify(counts)}, n + '\\n'));\n`,
);

/** CPU seconds (user + sys, the process tree), peak RSS and signature checks of one CLI run. */
function measure(
  cwd: string,
  args: string[],
): { cpu: number; wall: number; rssMb: number; checks: number; status: number } {
  fs.rmSync(counts, { force: true });
  const out = path.join(root, 'time.txt');
  const r = spawnSync('/usr/bin/time', ['-o', out, '-f', '%U %S %e %M', process.execPath, CLI, ...args], {
    cwd,
    env: { ...env, NODE_OPTIONS: `-r ${counter}` },
    maxBuffer: 1 << 30,
  });
  const [user, sys, wall, kb] = fs.readFileSync(out, 'utf8').trim().split('\n').pop()!.split(' ').map(Number);
  const checks = fs.existsSync(counts)
    ? fs
        .readFileSync(counts, 'utf8')
        .split('\n')
        .filter(Boolean)
        .reduce((a, l) => a + Number(l), 0)
    : 0;
  return { cpu: +(user + sys).toFixed(2), wall, rssMb: Math.round(kb / 1024), checks, status: r.status ?? -1 };
}

function junkClone(): string {
  const dir = path.join(root, 'a');
  fs.mkdirSync(dir);
  git(dir, ['init', '-q', '-b', 'main']);
  const keyFile = path.join(root, 'bob');
  execFileSync('ssh-keygen', ['-q', '-t', KEY, ...(KEY === 'rsa' ? ['-b', '4096'] : []), '-N', '', '-f', keyFile]);
  const reviewers = [{ name: 'Bob', email: 'bob@example.com', key: fs.readFileSync(`${keyFile}.pub`, 'utf8').trim() }];
  fs.writeFileSync(path.join(dir, '.countersign.json'), JSON.stringify({ protectedBranches: ['main'], reviewers }));
  git(dir, ['add', '.']);
  git(dir, ['commit', '-q', '-m', 'policy\n\nAI-Provenance: v1 ai=0 human=1 untracked=0']);
  const base = git(dir, ['rev-parse', 'HEAD']);
  fs.writeFileSync(path.join(dir, 'a.txt'), 'x\n');
  git(dir, ['add', '.']);
  git(dir, ['commit', '-q', '-m', 'ai\n\nAI-Provenance: v1 ai=1 human=0 untracked=0']);
  const tip = git(dir, ['rev-parse', 'HEAD']);
  const statement: ApprovalStatement = {
    ...{ v: 1, decision: 'approve', reviewer: { name: 'Bob', email: 'bob@example.com' }, tip },
    ...{ tree: git(dir, ['rev-parse', `${tip}^{tree}`]), base, patchId: 'empty', time: '2026-11-30T00:00:00.000Z' },
  };
  const msg = path.join(root, 'msg');
  fs.writeFileSync(msg, canonicalStatementBytes(statement));
  execFileSync('ssh-keygen', ['-q', '-Y', 'sign', '-n', 'countersign-review', '-f', keyFile, msg]);
  const signature = fs.readFileSync(`${msg}.sig`, 'utf8');
  const real = formatStatementLine({ statement, signature });
  fs.writeFileSync(msg, real + '\n');
  git(dir, ['notes', '--ref=refs/notes/countersign', 'add', '-F', msg, tip]);
  // Junk in notes of at most 256 KiB (what every reader reads) on made-up ids: each line names the tip.
  const perNote = Math.floor((256 * 1024 - 100) / (real.length + 1));
  let stream = 'commit refs/notes/countersign\ncommitter Ada <ada@example.com> 0 +0000\ndata 4\njunk\n';
  stream += 'from refs/notes/countersign^0\n';
  for (let made = 0, k = 0; made < JUNK; k++) {
    const lines: string[] = [];
    for (let j = 0; j < perNote && made < JUNK; j++, made++) {
      const time = new Date(Date.UTC(2026, 9, 1) + made * 1000).toISOString();
      lines.push(formatStatementLine({ statement: { ...statement, time }, signature }));
    }
    const body = lines.join('\n') + '\n';
    const id = createHash('sha1').update(`junk${k}`).digest('hex');
    stream += `M 100644 inline ${id}\ndata ${Buffer.byteLength(body)}\n${body}`;
  }
  git(dir, ['fast-import', '--quiet'], stream);
  // A remote holding main's policy, so that verify knows the policy branch.
  const origin = path.join(root, 'a-origin.git');
  git(root, ['init', '-q', '--bare', origin]);
  git(dir, ['remote', 'add', 'origin', origin]);
  git(dir, ['push', '-q', 'origin', `${base}:refs/heads/main`]);
  git(dir, ['fetch', '-q', 'origin']);
  git(dir, ['branch', '-q', '--set-upstream-to', 'origin/main']);
  return dir;
}

function aiNotesClone(): string {
  const dir = path.join(root, 'b');
  fs.mkdirSync(dir);
  git(dir, ['init', '-q', '-b', 'main']);
  let stream = '';
  for (let c = 0; c < NOTES; c++) {
    const m = `c${c}\n\nAI-Provenance: v1 ai=1 human=0 untracked=0\n`;
    stream += `commit refs/heads/main\nmark :${c + 1}\ncommitter M <m@example.com> ${1700000000 + c} +0000\n`;
    stream += `data ${Buffer.byteLength(m)}\n${m}${c ? `from :${c}\n` : ''}M 100644 inline f${c}.txt\ndata 2\n${c % 10}\n\n`;
  }
  git(dir, ['fast-import', '--quiet'], stream);
  const ranges: string[] = [];
  for (let len = 0, i = 1; len < 1_000_000; i += 2) {
    ranges.push(String(i));
    len += String(i).length + 1;
  }
  let notes = 'commit refs/notes/ai\ncommitter M <m@example.com> 1700000000 +0000\ndata 5\nnotes\n';
  git(dir, ['rev-list', '--reverse', 'main'])
    .split('\n')
    .forEach((c, k) => {
      const body =
        `f${k}.txt\n  s_0123456789abcd::t_0123456789abcd ${ranges.join(',')}\n---\n` +
        `{"schema_version":"authorship/3.0.0","base_commit_sha":"${c}","prompts":{},"sessions":{"s_0123456789abcd":` +
        '{"agent_id":{"tool":"claude-code","id":"x","model":"m"},"human_author":"M"}},"humans":{}}\n';
      notes += `M 100644 inline ${c}\ndata ${Buffer.byteLength(body)}\n${body}`;
    });
  git(dir, ['fast-import', '--quiet'], notes);
  return dir;
}

try {
  const a = junkClone();
  const base = git(a, ['rev-parse', 'HEAD~1']);
  console.log(`(a) ${JUNK} junk statements (${KEY}) signed with the listed reviewer's key, one real approval:`);
  for (const [name, args] of [
    ['verify', ['verify', '--base', base, '--head', 'HEAD', '--branch', 'main', '--format', 'json']],
    ['explain', ['explain', 'HEAD', '--branch', 'main', '--json']],
    ['report', ['report', '--format', 'json']],
  ] as const) {
    const m = measure(a, [...args]);
    console.log(
      `  ${name.padEnd(8)} ${m.cpu} s CPU, ${m.wall} s wall, ${m.rssMb} MB peak, ${m.checks} signature checks, exit ${m.status}`,
    );
  }
  const b = aiNotesClone();
  const m = measure(b, ['report', '--format', 'json']);
  console.log(`(b) ${NOTES} refs/notes/ai notes of ~1 MB of ranges each:`);
  console.log(`  report   ${m.cpu} s CPU, ${m.wall} s wall, ${m.rssMb} MB peak, exit ${m.status}`);
} finally {
  fs.rmSync(root, { recursive: true, force: true });
}
