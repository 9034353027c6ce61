/**
 * The reviewed point's walk behind mode-flip fillers (outside tester, session 11, L5): main holds N small files
 * (vendored code, fixtures), its tip approved, then K commits each flipping the executable bit of all N (no line
 * added or deleted, honestly attested), then a one-line deletion judged by
 * `countersign verify --base FILLERS --head DELETION`. For each K, in the same run and interleaved: this build's
 * CLI and a baseline CLI (`--baseline-cli`, e.g. main's dist/cli.js), wall time and peak memory. Also K commits
 * that flip the modes *and* change one line (the walk must diff those: the most it reads per entry), and the
 * fail-closed case past the entry budget.
 * Usage: node dist/scripts/bench-reviewed-point-entries.js [--files 100000] [--fillers 0,3,5,6]
 *        [--edit-fillers 1,2,3] [--baseline-cli OLD/dist/cli.js] [--repeat 2]
 */
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { benchGitEnv } from './bench/gitEnv';

const argOf = (name: string) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const FILES = Number(argOf('--files') ?? 100_000);
const FILLERS = (argOf('--fillers') ?? '0,3,5,6').split(',').map(Number);
const EDIT_FILLERS = (argOf('--edit-fillers') ?? '1,2,3').split(',').map(Number);
const REPEAT = Number(argOf('--repeat') ?? 2);
const CLI = path.resolve(__dirname, '..', 'cli.js');
const OLD_CLI = argOf('--baseline-cli');

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'cs-bench-rpe-'));
process.on('exit', () => fs.rmSync(root, { recursive: true, force: true }));
const home = path.join(root, 'home');
fs.mkdirSync(home);
const env = benchGitEnv(home);
const git = (cwd: string, args: string[], input?: string) =>
  execFileSync('git', args, { cwd, env, input, encoding: 'utf8', maxBuffer: 1 << 30 }).trim();

function timed(cwd: string, cmd: string[]): { seconds: number; mb: number; status: number; out: string } {
  const r = spawnSync('/usr/bin/time', ['-f', '@@%e %M', ...cmd], { cwd, env, encoding: 'utf8', maxBuffer: 1 << 30 });
  const m = /@@([\d.]+) (\d+)\s*$/.exec(r.stderr);
  if (!m) throw new Error(`no timing from ${cmd.join(' ')}: ${r.stderr}`);
  return { seconds: Number(m[1]), mb: Number(m[2]) / 1024, status: r.status ?? -1, out: r.stdout + r.stderr };
}

const key = path.join(root, 'rita');
execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', key, '-C', 'rita']);
const server = path.join(root, 'server.git');
git(root, ['init', '-q', '--bare', '-b', 'main', server]);
const repo = path.join(root, 'ada');
git(root, ['clone', '-q', server, repo]);
git(repo, ['checkout', '-q', '-b', 'main']);
const policy = {
  protectedBranches: ['main'],
  reviewers: [{ name: 'Rita', email: 'rita@example.com', key: fs.readFileSync(`${key}.pub`, 'utf8').trim() }],
};
const who = 'Ada <ada@example.com> 1700000000 +0000';
const ATTESTED = (n: number) => `\n\nAI-Provenance: v1 ai=0 human=${n} untracked=0\n`;
const paths = Array.from({ length: FILES }, (_, i) => `vendor/f${i}.txt`);
const data = (n: number) => Array.from({ length: n }, (_, i) => `row ${i}`).join('\n') + '\n';

/** One commit by fast-import: `lines` are its file commands (`M mode dataref path`); returns its id. */
function fastCommit(parent: string | undefined, message: string, lines: string[]): string {
  const msg = message + ATTESTED(0);
  const head = `commit refs/heads/bench\ncommitter ${who}\ndata ${Buffer.byteLength(msg)}\n${msg}`;
  git(repo, ['fast-import', '--quiet', '--force'], `${head}${parent ? `from ${parent}\n` : ''}${lines.join('')}\n`);
  const sha = git(repo, ['rev-parse', 'refs/heads/bench']);
  git(repo, ['update-ref', '-d', 'refs/heads/bench']);
  return sha;
}
const inline = (mode: string, p: string, content: string) =>
  `M ${mode} inline ${p}\ndata ${Buffer.byteLength(content)}\n${content}\n`;

// The unapproved root: the policy, data.txt and the N files; then an approved one-line change to data.txt.
const unapproved = fastCommit(undefined, 'init', [
  inline('100644', '.countersign.json', JSON.stringify(policy, null, 2) + '\n'),
  inline('100644', 'data.txt', data(20)),
  ...paths.map((p) => inline('100644', p, `${p}\n`)),
]);
const approved = fastCommit(unapproved, 'more', [inline('100644', 'data.txt', data(21))]);
git(repo, ['reset', '-q', '--hard', approved]);
git(repo, ['push', '-q', 'origin', 'main']);
git(repo, ['config', 'user.email', 'rita@example.com']);
const approve = spawnSync(process.execPath, [CLI, 'approve', approved, '--base', unapproved, '--key', key], {
  cwd: repo,
  env,
  encoding: 'utf8',
});
if (approve.status !== 0) throw new Error(`approve failed: ${approve.stderr}`);
git(repo, ['config', 'user.email', 'ada@example.com']);
const blobOf = new Map(
  git(repo, ['ls-tree', '-r', approved, 'vendor'])
    .split('\n')
    .map((l) => /^\d+ blob (\S+)\t(.*)$/.exec(l) as RegExpExecArray)
    .map((m) => [m[2], m[1]] as const),
);

/** `k` commits on `from` flipping every vendored file's mode; `touch`: each also edits one line of one file. */
function flips(from: string, k: number, touch: boolean): string {
  let tip = from;
  for (let i = 0; i < k; i++) {
    const mode = i % 2 === 0 ? '100755' : '100644';
    const lines = paths.map((p) => `M ${mode} ${blobOf.get(p)} ${p}\n`);
    if (touch) lines.push(inline('100644', 'notes.txt', `edit ${i}\n`));
    tip = fastCommit(tip, `flip ${i}`, lines);
  }
  return tip;
}

/** A one-line deletion of data.txt on `base`. */
function deletion(base: string): string {
  return fastCommit(base, 'drop one line', [inline('100644', 'data.txt', data(21).replace(/^row 0\n/, ''))]);
}

const verify = (cli: string, base: string, head: string) =>
  timed(repo, [
    process.execPath,
    cli,
    'verify',
    '--base',
    base,
    '--head',
    head,
    '--branch',
    'main',
    '--format',
    'json',
  ]);
const unknown = (out: string) => /file entries|MiB of file versions|no approved commit within/.test(out);

console.log(
  `reviewed point behind mode flips of ${FILES} files (load ${os.loadavg()[0].toFixed(2)}, ${os.cpus().length} cores)`,
);
for (const touch of [false, true]) {
  for (const k of touch ? EDIT_FILLERS : FILLERS) {
    const tip = flips(approved, k, touch);
    const del = deletion(tip);
    for (let r = 0; r < REPEAT; r++) {
      const parts = [`  ${k} ${touch ? 'flip+edit' : 'flip-only'} fillers`];
      for (const [name, cli] of [['this', CLI], ...(OLD_CLI ? [['baseline', OLD_CLI]] : [])] as const) {
        const v = verify(cli, tip, del);
        parts.push(
          `${name} ${v.seconds.toFixed(2)} s ${v.mb.toFixed(0)} MB exit ${v.status}${unknown(v.out) ? ' (fails closed)' : ''}`,
        );
      }
      console.log(`${parts.join('; ')} (load ${os.loadavg()[0].toFixed(2)})`);
    }
  }
}
