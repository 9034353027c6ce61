/**
 * The refs/notes/ai flood (docs/threat-model.md, "Provenance notes flood"; outside tester, session 6, F7): N junk
 * notes on made-up object ids sharing one readable blob, fanned out the way the attacker built them. Same-run
 * A/B, alternating in every round, medians, wall and CPU (this process and every git it waited for):
 *  1. reading one commit's note — before: the whole ref listed (`git notes list`) then the blob read; now:
 *     readNotes, which walks only the notes tree's paths to the commit;
 *  2. a one-line push to a protected branch of a real server (`install --server`): a clean server vs one
 *     holding the flood (planted directly, as ~N/5000 pushes within the per-push bound would leave it).
 * Usage: node dist/scripts/bench-ai-notes-flood.js [--n 200000] [--rounds 5] [--json]
 */
import { execFileSync } from 'child_process';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { readObjects } from '../src/git/catFileBatch';
import { listNotes, readNotes } from '../src/git/notesReader';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const N = arg('--n', 200_000);
const ROUNDS = arg('--rounds', 5);
const JSON_OUT = process.argv.includes('--json');
const CLI = path.join(__dirname, '..', 'cli.js');
const say = (line: string) => (JSON_OUT ? process.stderr : process.stdout).write(line + '\n');

const env = {
  ...process.env,
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_CONFIG_NOSYSTEM: '1',
  ...{ GIT_AUTHOR_NAME: 'Bench', GIT_AUTHOR_EMAIL: 'bench@example.com' },
  ...{ GIT_COMMITTER_NAME: 'Bench', GIT_COMMITTER_EMAIL: 'bench@example.com' },
};
const git = (cwd: string, args: string[], input?: string) =>
  execFileSync('git', args, { cwd, input, env, encoding: 'utf8', maxBuffer: 1 << 30, stdio: 'pipe' }).trim();

/** CPU seconds of this process plus every child it waited for (/proc/self/stat utime, stime, cutime, cstime). */
function cpuSeconds(): number {
  const fields = fs.readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14])) / 100;
}
async function measure(fn: () => unknown): Promise<{ wall: number; cpu: number }> {
  const c0 = cpuSeconds();
  const t0 = process.hrtime.bigint();
  await fn();
  return { wall: Number(process.hrtime.bigint() - t0) / 1e9, cpu: cpuSeconds() - c0 };
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Plants N notes on made-up ids under one blob in `repo`'s refs/notes/ai, fanned out, in one `git fast-import`. */
function plantFlood(repo: string): void {
  const blob = git(
    repo,
    ['hash-object', '-w', '--stdin'],
    'x.txt\n  h_0123456789abcd 1\n---\n{"schema_version":"authorship/3.0.0"}\n',
  );
  const lines: string[] = [];
  for (let i = 0; i < N; i++) {
    const h = createHash('sha1').update(`junk${i}`).digest('hex');
    lines.push(`M 100644 ${blob} ${h.slice(0, 2)}/${h.slice(2)}\n`);
  }
  const stream = `commit refs/notes/ai\ncommitter Eve <eve@example.com> 1700000000 +0000\ndata 5\nflood\nfrom refs/notes/ai^0\n${lines.join('')}\ndone\n`;
  git(repo, ['fast-import', '--quiet', '--done'], stream);
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cs-ai-flood-'));
  const t0 = Date.now();
  try {
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', path.join(dir, 'bob')]);
    const key = fs.readFileSync(path.join(dir, 'bob.pub'), 'utf8').trim();
    const seed = path.join(dir, 'seed');
    git(dir, ['init', '-q', '-b', 'main', seed]);
    git(seed, ['config', 'user.name', 'Ada']);
    git(seed, ['config', 'user.email', 'ada@example.com']);
    const policy = { protectedBranches: ['main'], reviewers: [{ name: 'Bob', email: 'bob@example.com', key }] };
    fs.writeFileSync(path.join(seed, '.countersign.json'), JSON.stringify(policy, null, 2) + '\n');
    git(seed, ['add', '-A']);
    git(seed, ['commit', '-qm', 'policy\n\nAI-Provenance: v1 ai=0 human=1 untracked=0']);
    git(seed, ['notes', '--ref=refs/notes/ai', 'add', '-m', 'x\n---\n{"schema_version":"authorship/3.0.0"}', 'HEAD']);
    const head = git(seed, ['rev-parse', 'HEAD']);

    // Two servers, one clone pushing to each; the flooded one holds the junk notes.
    const servers = ['clean', 'flooded'].map((name) => {
      const bare = path.join(dir, `${name}.git`);
      git(dir, ['init', '-q', '--bare', '-b', 'main', bare]);
      git(seed, ['push', '-q', bare, 'main', 'refs/notes/ai']);
      execFileSync('node', [CLI, 'install', '--server', '--policy-branch', 'main'], {
        cwd: bare,
        env,
        stdio: 'ignore',
      });
      const clone = path.join(dir, `${name}-clone`);
      git(dir, ['clone', '-q', bare, clone]);
      git(clone, ['config', 'user.name', 'Ada']);
      git(clone, ['config', 'user.email', 'ada@example.com']);
      return { name, bare, clone };
    });
    say(`planting ${N} junk notes… (${((Date.now() - t0) / 1000).toFixed(1)} s of setup so far)`);
    plantFlood(seed);
    plantFlood(servers[1].bare);

    const read = { old: [] as Array<{ wall: number; cpu: number }>, now: [] as Array<{ wall: number; cpu: number }> };
    const push = {
      clean: [] as Array<{ wall: number; cpu: number }>,
      flooded: [] as Array<{ wall: number; cpu: number }>,
    };
    for (let r = 0; r < ROUNDS; r++) {
      read.old.push(
        await measure(async () => {
          const blob = (await listNotes(seed, 'refs/notes/ai')).get(head) as string;
          await readObjects(seed, [blob], () => undefined);
        }),
      );
      read.now.push(await measure(() => readNotes(seed, 'refs/notes/ai', [head])));
      for (const s of servers) {
        fs.writeFileSync(path.join(s.clone, `f${r}.txt`), `line ${r}\n`);
        git(s.clone, ['add', '-A']);
        git(s.clone, ['commit', '-qm', `one line ${r}\n\nAI-Provenance: v1 ai=0 human=1 untracked=0`]);
        push[s.name as 'clean' | 'flooded'].push(await measure(() => git(s.clone, ['push', '-q', 'origin', 'main'])));
      }
    }
    const m = (runs: Array<{ wall: number; cpu: number }>) => ({
      wall: median(runs.map((x) => x.wall)),
      cpu: median(runs.map((x) => x.cpu)),
    });
    const figures = {
      notes: N,
      rounds: ROUNDS,
      load: Number(os.loadavg()[0].toFixed(2)),
      readOld: m(read.old),
      readNow: m(read.now),
      pushClean: m(push.clean),
      pushFlooded: m(push.flooded),
    };
    const f = (x: { wall: number; cpu: number }) => `${x.wall.toFixed(3)} s wall, ${x.cpu.toFixed(2)} s CPU`;
    say(`refs/notes/ai flood: ${N} junk notes, ${ROUNDS} rounds (medians), load ${figures.load}`);
    say(`  one commit's note, whole ref listed (before)  ${f(figures.readOld)}`);
    say(`  one commit's note, paths to it only (now)     ${f(figures.readNow)}`);
    say(`  one-line protected push, clean server         ${f(figures.pushClean)}`);
    say(`  one-line protected push, flooded server       ${f(figures.pushFlooded)}`);
    if (JSON_OUT) process.stdout.write(JSON.stringify(figures) + '\n');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
