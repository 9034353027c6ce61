/**
 * The reviewed point's walk (src/git/reviewedPoint.ts) behind filler commits (outside tester, session 10, J2):
 * main's tip approved, then N empty, honestly attested commits (one maximal push is 10,000), then a one-line
 * deletion judged by `countersign verify --base FILLERS --head DELETION`. Figures, in the same run:
 *  - verify's wall time and peak memory (maxrss) with the point behind N fillers (it must pass: exit 0);
 *  - with no approval at all, where the walk goes to its bound (100,000 first-parent commits) and says unknown;
 *  - baseline: `git log --first-parent --raw --numstat` over the same N commits, and `verify` with no fillers.
 * Usage: node dist/scripts/bench-reviewed-point.js [--fillers 10000,100000] [--baseline-cli OLD/dist/cli.js]
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
const FILLERS = (argOf('--fillers') ?? '10000,100000').split(',').map(Number);
const CLI = path.resolve(__dirname, '..', 'cli.js');
const OLD_CLI = argOf('--baseline-cli');

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'cs-bench-rp-'));
process.on('exit', () => fs.rmSync(root, { recursive: true, force: true }));
const home = path.join(root, 'home');
fs.mkdirSync(home);
const env = benchGitEnv(home);
const git = (cwd: string, args: string[], input?: string) =>
  execFileSync('git', args, { cwd, env, input, encoding: 'utf8', maxBuffer: 1 << 30 }).trim();

/** Seconds and peak resident memory (MB) of one command, through /usr/bin/time. */
function timed(cwd: string, cmd: string[]): { seconds: number; mb: number; status: number; out: string } {
  const r = spawnSync('/usr/bin/time', ['-f', '@@%e %M', ...cmd], { cwd, env, encoding: 'utf8', maxBuffer: 1 << 30 });
  const m = /@@([\d.]+) (\d+)\s*$/.exec(r.stderr);
  if (!m) throw new Error(`no timing from ${cmd.join(' ')}: ${r.stderr}`);
  return { seconds: Number(m[1]), mb: Number(m[2]) / 1024, status: r.status ?? -1, out: r.stdout + r.stderr };
}

/** `n` empty attested commits on `from`, in one fast-import; returns the tip. */
function fillers(repo: string, n: number, from: string): string {
  const who = 'Ada <ada@example.com> 1700000000 +0000';
  const parts: string[] = [];
  for (let i = 0; i < n; i++) {
    const msg = `noop ${i}\n\nAI-Provenance: v1 ai=0 human=0 untracked=0\n`;
    parts.push(
      `commit refs/heads/filler\nauthor ${who}\ncommitter ${who}\ndata ${Buffer.byteLength(msg)}\n${msg}${i === 0 ? `from ${from}\n` : ''}\n`,
    );
  }
  git(repo, ['fast-import', '--quiet', '--force'], parts.join(''));
  const tip = git(repo, ['rev-parse', 'refs/heads/filler']);
  git(repo, ['update-ref', '-d', 'refs/heads/filler']);
  return tip;
}

// A server with main (policy, data), and a clone where the reviewer approved main's tip.
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
fs.writeFileSync(path.join(repo, '.countersign.json'), JSON.stringify(policy, null, 2) + '\n');
fs.writeFileSync(path.join(repo, 'data.txt'), Array.from({ length: 20 }, (_, i) => `row ${i}`).join('\n') + '\n');
git(repo, ['add', '-A']);
git(repo, ['commit', '-q', '-m', 'init\n\nAI-Provenance: v1 ai=0 human=21 untracked=0']);
const unapproved = git(repo, ['rev-parse', 'HEAD']);
fs.appendFileSync(path.join(repo, 'data.txt'), 'row 20\n');
git(repo, ['commit', '-q', '-am', 'more\n\nAI-Provenance: v1 ai=0 human=1 untracked=0']);
const approved = git(repo, ['rev-parse', 'HEAD']);
git(repo, ['push', '-q', 'origin', 'main']);
// approve names the reviewer by git's user.email.
git(repo, ['config', 'user.email', 'rita@example.com']);
const approve = spawnSync(process.execPath, [CLI, 'approve', approved, '--base', unapproved, '--key', key], {
  cwd: repo,
  env,
  encoding: 'utf8',
});
if (approve.status !== 0) throw new Error(`approve failed: ${approve.stderr}`);
git(repo, ['config', 'user.email', 'ada@example.com']);

/** A one-line deletion on `base`, as a commit object (the branch stays where it is). */
function deletion(base: string): string {
  const blob = git(
    repo,
    ['hash-object', '-w', '--stdin'],
    Array.from({ length: 20 }, (_, i) => `row ${i + 1}`).join('\n') + '\n',
  );
  const tree = git(
    repo,
    ['mktree'],
    git(repo, ['ls-tree', base]).replace(/^(100644 blob )\S+(\tdata\.txt)$/m, `$1${blob}$2`) + '\n',
  );
  return git(repo, [
    'commit-tree',
    tree,
    '-p',
    base,
    '-m',
    'drop one line\n\nAI-Provenance: v1 ai=0 human=0 untracked=0',
  ]);
}

function verify(cli: string, base: string, head: string) {
  return timed(repo, [
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
}

const load = os.loadavg()[0];
console.log(`reviewed point behind filler commits (load ${load.toFixed(2)}, ${os.cpus().length} cores)`);
const none = verify(CLI, approved, deletion(approved));
console.log(`  no fillers: verify ${none.seconds.toFixed(2)} s, ${none.mb.toFixed(0)} MB, exit ${none.status}`);
for (const n of FILLERS) {
  const tip = fillers(repo, n, approved);
  const del = deletion(tip);
  const log = timed(repo, ['git', 'log', '--first-parent', '--raw', '--numstat', '--format=%H', `${approved}..${tip}`]);
  const v = verify(CLI, tip, del);
  const line = `  ${n} fillers: verify ${v.seconds.toFixed(2)} s, ${v.mb.toFixed(0)} MB, exit ${v.status}; git log over them ${log.seconds.toFixed(2)} s; verify minus no-fillers ${(v.seconds - none.seconds).toFixed(2)} s`;
  console.log(line + (v.status === 0 ? '' : `\n${v.out.slice(0, 600)}`));
  if (OLD_CLI) {
    const o = verify(OLD_CLI, tip, del);
    console.log(`    baseline CLI: ${o.seconds.toFixed(2)} s, ${o.mb.toFixed(0)} MB, exit ${o.status}`);
  }
}
// No approval anywhere: the walk goes to its bound and the point is unknown (fails closed).
const longest = Math.max(...FILLERS);
const bare = fillers(repo, longest + 1, unapproved);
const u = verify(CLI, bare, deletion(bare));
console.log(
  `  no approval, ${longest + 1} first-parent commits: verify ${u.seconds.toFixed(2)} s, ${u.mb.toFixed(0)} MB, exit ${u.status} (${/no approved commit within/.test(u.out) ? 'unknown, fails closed' : 'counted'})`,
);
