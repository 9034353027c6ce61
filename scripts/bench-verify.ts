/**
 * The gate at scale (issue 10, class 7) and native signature verification, with baselines in the same run:
 *  1. Approvals verified per second: native SSHSIG verification (src/core/sshsig.ts, what the gate uses)
 *     against spawning `ssh-keygen -Y verify` per statement, per key type. `verify.speedupVsSshKeygen` is the
 *     ed25519 ratio.
 *  2. `countersign verify` over 10,000 commits (fast-import) carrying 2,000 junk statements (naming a listed
 *     reviewer, signed by a key the policy does not list) and one real approval of the tip: median seconds
 *     (`verify.seconds10k`, target <= 2 s), against `git log --raw --numstat` over the same range.
 *  3. The same with 40,000 more junk lines (`verify.junk40kAddedSeconds`, target <= 1 s).
 *  4. pushing that fully approved range to a bare server with `countersign install --server` whose
 *     refs/notes/countersign already holds the 42,000 junk lines (pushed before the install: a gated server
 *     refuses junk lines whatever the part size), with the approval as the one line the push adds: accepted,
 *     and how long the pre-receive push took (hook timeout 120 s).
 * Usage: node dist/scripts/bench-verify.js [--json] [--commits N] [--rounds N] [--statements N] [--spawn-samples N] [--scale-only]
 *        [--baseline-cli OLD/dist/cli.js]   (that build's `verify` alternates with this one's at 2,000 and at 42,000 lines)
 * runVerifyBench() returns the same figures for scripts/bench.ts.
 */
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { benchGitEnv } from './bench/gitEnv';
import { PATCH_DIFF_ARGS } from '../src/git/patchId';
import {
  canonicalStatementBytes,
  formatStatementLine,
  verifySignedStatement,
  type ApprovalStatement,
  type SignedStatement,
} from '../src/core/approvalStatement';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const STATEMENTS = arg('--statements', 40);
const SPAWN_SAMPLES = arg('--spawn-samples', 20);
const COMMITS = arg('--commits', 10_000);
/** Rounds per timed figure (median); 1 on a loaded machine to keep the run short. */
const ROUNDS = arg('--rounds', 3);
const JSON_OUT = process.argv.includes('--json');
const KEEP = process.argv.includes('--keep');
const SCALE_ONLY = process.argv.includes('--scale-only');
/** An older build's cli.js: `verify` is also timed with it, alternating with this build in the same rounds. */
const BASELINE_CLI = process.argv.includes('--baseline-cli')
  ? path.resolve(process.argv[process.argv.indexOf('--baseline-cli') + 1])
  : undefined;
const log = (line: string) => {
  if (!JSON_OUT) console.log(line);
};

const KEYS = [
  { name: 'ed25519', args: ['-t', 'ed25519'] },
  { name: 'ecdsa-p256', args: ['-t', 'ecdsa', '-b', '256'] },
  { name: 'ecdsa-p384', args: ['-t', 'ecdsa', '-b', '384'] },
  { name: 'ecdsa-p521', args: ['-t', 'ecdsa', '-b', '521'] },
  { name: 'rsa-3072', args: ['-t', 'rsa', '-b', '3072'] },
];

function hex(i: number, c: string): string {
  return (c.repeat(40) + i.toString(16)).slice(-40);
}

/** Native verifications per second ÷ ssh-keygen verifications per second, per key type. */
function nativeVsSshKeygen(): Record<string, number> {
  const ratios: Record<string, number> = {};
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cs-bench-'));
  try {
    log(
      `statements per key type: ${STATEMENTS} signed with ssh-keygen -Y sign; ssh-keygen -Y verify sampled ${SPAWN_SAMPLES} times`,
    );
    log('key type      native/s   ssh-keygen/s   ratio');
    for (const k of KEYS) {
      const keyFile = path.join(dir, `id_${k.name}`);
      execFileSync('ssh-keygen', ['-q', ...k.args, '-N', '', '-C', k.name, '-f', keyFile]);
      const publicLine = fs.readFileSync(keyFile + '.pub', 'utf8').trim();
      const signed: SignedStatement[] = [];
      for (let i = 0; i < STATEMENTS; i++) {
        const statement: ApprovalStatement = {
          v: 1,
          decision: 'approve',
          reviewer: { name: 'Rita', email: 'rita@example.com' },
          tip: hex(i, 'a'),
          tree: hex(i, 'b'),
          base: hex(i, 'c'),
          patchId: hex(i, 'd'),
          time: new Date(1_760_000_000_000 + i).toISOString(),
        };
        const r = spawnSync('ssh-keygen', ['-Y', 'sign', '-n', 'countersign-review', '-f', keyFile], {
          input: canonicalStatementBytes(statement),
        });
        signed.push({ statement, signature: r.stdout.toString() });
      }

      // Native: as many passes over the set as fit in ~1 s.
      let verified = 0;
      const t0 = process.hrtime.bigint();
      while (process.hrtime.bigint() - t0 < 1_000_000_000n) {
        for (const s of signed) {
          if (!verifySignedStatement(s, publicLine).ok) throw new Error(`native verify failed for ${k.name}`);
          verified++;
        }
      }
      const nativeRate = verified / (Number(process.hrtime.bigint() - t0) / 1e9);

      // ssh-keygen: one process per statement, as a naive gate would do.
      fs.writeFileSync(path.join(dir, 'allowed'), `rita@example.com ${publicLine}\n`);
      const t1 = process.hrtime.bigint();
      for (let i = 0; i < SPAWN_SAMPLES; i++) {
        const s = signed[i % signed.length];
        fs.writeFileSync(path.join(dir, 'sig'), s.signature);
        const r = spawnSync(
          'ssh-keygen',
          [
            '-Y',
            'verify',
            '-f',
            path.join(dir, 'allowed'),
            '-I',
            'rita@example.com',
            '-n',
            'countersign-review',
            '-s',
            path.join(dir, 'sig'),
          ],
          { input: canonicalStatementBytes(s.statement) },
        );
        if (r.status !== 0) throw new Error(`ssh-keygen verify failed for ${k.name}: ${r.stderr}`);
      }
      const spawnRate = SPAWN_SAMPLES / (Number(process.hrtime.bigint() - t1) / 1e9);
      ratios[k.name] = nativeRate / spawnRate;
      log(
        `${k.name.padEnd(12)} ${nativeRate.toFixed(0).padStart(9)} ${spawnRate.toFixed(0).padStart(14)} ${(nativeRate / spawnRate).toFixed(0).padStart(6)}x`,
      );
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return ratios;
}

// ---- the gate at scale ------------------------------------------------------------------------------------

const CLI = path.resolve(__dirname, '..', 'cli.js');

function data(text: string): string {
  return `data ${Buffer.byteLength(text, 'utf8')}\n${text}\n`;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function seconds(run: () => void): number {
  const t = process.hrtime.bigint();
  run();
  return Number(process.hrtime.bigint() - t) / 1e9;
}

interface ScaleFigures {
  commits: number;
  statements: number;
  seconds10k: number;
  gitLogSeconds: number;
  junk40kSeconds: number;
  junk40kAddedSeconds: number;
  cpuSeconds10k: number;
  junk40kAddedCpuSeconds: number;
  peakMb10k: number;
  peakMb42k: number;
  loadAverage: number;
  preReceiveSeconds: number;
  preReceiveAccepted: boolean;
}

function scale(): ScaleFigures {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cs-bench-gate-'));
  const env = benchGitEnv(dir, { COUNTERSIGN_SKIP: '' });
  const work = path.join(dir, 'work');
  const server = path.join(dir, 'server.git');
  const git = (cwd: string, args: string[], input?: string) => {
    const r = spawnSync('git', args, { cwd, env, input, encoding: 'utf8', maxBuffer: 1 << 30 });
    if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
    return r.stdout.trim();
  };
  const keyOf = (label: string) => {
    const file = path.join(dir, `id_${label}`);
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', label, '-f', file]);
    return { file, publicKey: fs.readFileSync(file + '.pub', 'utf8').trim() };
  };
  const sign = (key: { file: string }, statement: ApprovalStatement): SignedStatement => {
    const r = spawnSync('ssh-keygen', ['-Y', 'sign', '-n', 'countersign-review', '-f', key.file], {
      input: canonicalStatementBytes(statement),
    });
    return { statement, signature: r.stdout.toString() };
  };
  try {
    const bob = keyOf('bob');
    const mallory = keyOf('mallory');
    fs.mkdirSync(work);
    git(work, ['init', '-q', '-b', 'main']);
    git(dir, ['init', '-q', '--bare', '-b', 'main', server]);
    const policy =
      JSON.stringify(
        { protectedBranches: ['main'], reviewers: [{ name: 'Bob', email: 'bob@example.com', key: bob.publicKey }] },
        null,
        2,
      ) + '\n';
    const t0 = 1_700_000_000;
    const head = [
      `commit refs/heads/main\nmark :1\nauthor Ada <ada@example.com> ${t0} +0000\ncommitter Ada <ada@example.com> ${t0} +0000\n`,
      data('Add policy\n\nAI-Provenance: v1 ai=0 human=1 untracked=0'),
      `M 100644 inline .countersign.json\n${data(policy)}\n`,
    ];
    const parts: string[] = [head.join('')];
    for (let i = 1; i <= COMMITS; i++) {
      const t = t0 + i * 60;
      parts.push(
        `commit refs/heads/main\nmark :${i + 1}\nauthor Ada <ada@example.com> ${t} +0000\ncommitter Ada <ada@example.com> ${t} +0000\n` +
          data(`Change ${i}\n\nAI-Provenance: v1 ai=2 human=1 untracked=0`) +
          // A new file per commit: the range deletes nothing, so the default deletion tiers (judged over the whole
          // push) do not ask for a second reviewer and one approval of the tip covers the range.
          `M 100644 inline src/m${i % 50}/f${i}.ts\n${data(`export const v${i} = ${i};\nexport const w${i} = ${i};\nconst x = 1;\n`)}\n`,
      );
    }
    const fi = spawnSync('git', ['fast-import', '--quiet'], {
      cwd: work,
      env,
      input: parts.join(''),
      maxBuffer: 1 << 30,
    });
    if (fi.status !== 0) throw new Error(`fast-import: ${fi.stderr}`);
    const range = git(work, ['rev-list', '--reverse', 'main']).split('\n');
    const base = range[0];
    const tip = range[range.length - 1];
    git(work, ['remote', 'add', 'origin', server]);
    git(work, ['push', '-q', 'origin', `${base}:refs/heads/main`]);
    git(work, ['fetch', '-q', 'origin']);
    git(work, ['branch', '-q', '-u', 'origin/main', 'main']);

    // One real approval of the tip, and junk: statements naming Bob, signed by Mallory (not in the policy).
    const patchDiff = execFileSync('git', [...PATCH_DIFF_ARGS, base, tip, '--'], {
      cwd: work,
      env,
      maxBuffer: 1 << 30,
    });
    const patchId = execFileSync('git', ['patch-id', '--verbatim'], { cwd: work, env, input: patchDiff })
      .toString()
      .split(/\s+/)[0];
    const real = sign(bob, {
      v: 1,
      decision: 'approve',
      reviewer: { name: 'Bob', email: 'bob@example.com' },
      tip,
      tree: git(work, ['rev-parse', `${tip}^{tree}`]),
      base,
      patchId,
      time: new Date(t0 * 1000 + 1e9).toISOString(),
    });
    const junkSignature = sign(mallory, real.statement).signature;
    const junkLines = (count: number, seed: number): Map<string, string[]> => {
      const byCommit = new Map<string, string[]>();
      for (let i = 0; i < count; i++) {
        const on = range[1 + ((i * 7919 + seed) % (range.length - 1))];
        const st: ApprovalStatement = {
          ...real.statement,
          tip: on,
          time: new Date(t0 * 1000 + i * 1000 + seed).toISOString(),
        };
        byCommit.set(on, [
          ...(byCommit.get(on) ?? []),
          formatStatementLine({ statement: st, signature: junkSignature }),
        ]);
      }
      return byCommit;
    };
    const writeNotes = (byCommit: Map<string, string[]>, ref = 'refs/notes/countersign') => {
      const existing = spawnSync('git', ['rev-parse', '--verify', '-q', ref], { cwd: work, env }).status === 0;
      const prior = existing
        ? new Map(
            git(work, ['notes', `--ref=${ref}`, 'list'])
              .split('\n')
              .filter(Boolean)
              .map((l) => [l.split(' ')[1], l.split(' ')[0]]),
          )
        : new Map<string, string>();
      let stream = `commit ${ref}\ncommitter Bench <b@example.com> ${t0} +0000\n${data('approvals')}${existing ? `from ${ref}^0\n` : ''}`;
      for (const [commit, lines] of byCommit) {
        const before = prior.has(commit)
          ? git(work, ['cat-file', 'blob', prior.get(commit) as string]).split('\n')
          : [];
        stream += `N inline ${commit}\n${data([...before, ...lines].filter(Boolean).join('\n') + '\n')}`;
      }
      const r = spawnSync('git', ['fast-import', '--quiet'], {
        cwd: work,
        env,
        input: stream + '\n',
        maxBuffer: 1 << 30,
      });
      if (r.status !== 0) throw new Error(`fast-import notes: ${r.stderr}`);
    };
    const first = junkLines(2_000, 1);
    const more = junkLines(40_000, 3);
    // What the server holds before the push (step 4): the same junk, without the approval.
    writeNotes(first, 'refs/notes/server');
    writeNotes(more, 'refs/notes/server');
    first.set(tip, [...(first.get(tip) ?? []), formatStatementLine(real)]);
    writeNotes(first);

    // CPU time of node and every git process it starts (bash's `times`: children waited for, grandchildren
    // included), less moved by load than wall time; node's own peak RSS from a preloaded exit hook.
    const peakHook = path.join(dir, 'peak.js');
    fs.writeFileSync(
      peakHook,
      "process.on('exit', () => process.stderr.write('\\npeakRssKb=' + process.resourceUsage().maxRSS + '\\n'));\n",
    );
    const runs: Array<{ wall: number; cpu: number; peakMb: number }> = [];
    const verify = (cli = CLI, into = runs): number => {
      let cpu = 0;
      let peakMb = 0;
      const wall = seconds(() => {
        const r = spawnSync(
          'bash',
          [
            '-c',
            '"$@"; s=$?; times >&2; exit $s',
            'bash',
            process.execPath,
            '-r',
            peakHook,
            cli,
            'verify',
            '--branch',
            'main',
            '--format',
            'json',
          ],
          { cwd: work, env, encoding: 'utf8', maxBuffer: 1 << 30 },
        );
        const out = JSON.parse(r.stdout) as { ok: boolean; commits: unknown[] };
        if (r.status !== 0 || !out.ok || out.commits.length !== COMMITS)
          throw new Error(
            `verify did not pass the approved range (exit ${r.status}): ${r.stderr || r.stdout.slice(0, 400)}`,
          );
        const children = /(\d+)m([\d.]+)s (\d+)m([\d.]+)s\s*$/.exec(r.stderr);
        if (children)
          cpu = Number(children[1]) * 60 + Number(children[2]) + Number(children[3]) * 60 + Number(children[4]);
        peakMb = Number(/peakRssKb=(\d+)/.exec(r.stderr)?.[1] ?? 0) / 1024;
      });
      into.push({ wall, cpu, peakMb });
      return wall;
    };
    /** Median CPU seconds and largest peak of the runs since `from`. */
    const cpuSince = (from: number) => ({
      cpu: median(runs.slice(from).map((r) => r.cpu)),
      peakMb: Math.max(...runs.slice(from).map((r) => r.peakMb)),
    });
    const gitLogSeconds = median(
      Array.from({ length: ROUNDS }, () =>
        seconds(() => git(work, ['log', '--raw', '--numstat', '--format=%H%x00%B', `${base}..${tip}`])),
      ),
    );
    verify(); // warm the page cache
    const seconds10k = median(Array.from({ length: ROUNDS }, () => verify()));
    const at10k = cpuSince(1);
    log(
      `verify, ${COMMITS} commits, 2,000 junk statements + 1 approval: ${seconds10k.toFixed(2)} s, ${at10k.cpu.toFixed(2)} s CPU, peak ${at10k.peakMb.toFixed(0)} MB (git log --raw --numstat over the range: ${gitLogSeconds.toFixed(2)} s; load ${os.loadavg()[0].toFixed(1)})`,
    );

    /** Same-run A/B: the older build and this one alternate, so load moves both alike. */
    const alternate = () => {
      if (!BASELINE_CLI) return;
      const older: typeof runs = [];
      const newer: typeof runs = [];
      for (let i = 0; i < ROUNDS; i++) {
        verify(BASELINE_CLI, older);
        verify(CLI, newer);
      }
      const m = (rs: typeof runs, k: 'wall' | 'cpu' | 'peakMb') => median(rs.map((r) => r[k]));
      log(
        `  same run, alternating with ${BASELINE_CLI} (${ROUNDS} rounds each, load ${os.loadavg()[0].toFixed(1)}): baseline ${m(older, 'wall').toFixed(2)} s wall, ${m(older, 'cpu').toFixed(2)} s CPU, ${m(older, 'peakMb').toFixed(0)} MB; this build ${m(newer, 'wall').toFixed(2)} s wall, ${m(newer, 'cpu').toFixed(2)} s CPU, ${m(newer, 'peakMb').toFixed(0)} MB (CPU ×${(m(newer, 'cpu') / m(older, 'cpu')).toFixed(2)} of the baseline)`,
      );
    };
    alternate();

    writeNotes(more);
    const junkFrom = runs.length;
    const junk40kSeconds = median(Array.from({ length: ROUNDS }, () => verify()));
    const at42k = cpuSince(junkFrom);
    log(
      `  with 40,000 more junk lines:                        ${junk40kSeconds.toFixed(2)} s (+${(junk40kSeconds - seconds10k).toFixed(2)} s), ${at42k.cpu.toFixed(2)} s CPU (+${(at42k.cpu - at10k.cpu).toFixed(2)} s), peak ${at42k.peakMb.toFixed(0)} MB`,
    );
    alternate();

    // The junk is on the server already: a gated server refuses any statement line a listed reviewer did not
    // sign (notesAdditions.ts), so junk only gets there from before `install --server`. The push then adds the
    // approval (one listed-key line) and the 10,000 commits, judged against all 42,001 lines.
    git(work, ['push', '-q', '--no-verify', 'origin', 'refs/notes/server:refs/notes/countersign']);
    const inst = spawnSync(process.execPath, [CLI, 'install', '--server'], { cwd: server, env, encoding: 'utf8' });
    if (inst.status !== 0) throw new Error(`install --server: ${inst.stderr}`);
    writeNotes(new Map([[tip, [formatStatementLine(real)]]]), 'refs/notes/server');
    let accepted = false;
    const preReceiveSeconds = seconds(() => {
      const r = spawnSync(
        'git',
        // --atomic: main passes on the approval the same push adds, so the two refs must land together
        // (landTogether.ts); without it the server refuses the push whole.
        ['push', '-q', '--atomic', '--no-verify', 'origin', 'main', 'refs/notes/server:refs/notes/countersign'],
        {
          cwd: work,
          env,
          encoding: 'utf8',
          maxBuffer: 1 << 30,
        },
      );
      accepted = r.status === 0;
      // The verdict's per-commit lines come first: the reason for a refusal is at the end.
      if (!accepted) log(r.stderr.slice(-2000));
    });
    log(
      `  pre-receive push of the approved range with 42,001 statement lines: ${accepted ? 'accepted' : 'REFUSED'} in ${preReceiveSeconds.toFixed(2)} s (hook timeout 120 s)`,
    );
    return {
      commits: COMMITS,
      statements: 2_001,
      seconds10k,
      gitLogSeconds,
      junk40kSeconds,
      junk40kAddedSeconds: junk40kSeconds - seconds10k,
      cpuSeconds10k: at10k.cpu,
      junk40kAddedCpuSeconds: at42k.cpu - at10k.cpu,
      peakMb10k: at10k.peakMb,
      peakMb42k: at42k.peakMb,
      loadAverage: os.loadavg()[0],
      preReceiveSeconds,
      preReceiveAccepted: accepted,
    };
  } finally {
    if (KEEP) log(`kept ${work}`);
    else fs.rmSync(dir, { recursive: true, force: true });
  }
}

export interface VerifyBenchFigures {
  seconds10k: number;
  speedupVsSshKeygen: number;
  junk40kAddedSeconds: number;
  cpuSeconds10k: number;
  junk40kAddedCpuSeconds: number;
  peakMb10k: number;
  peakMb42k: number;
  loadAverage: number;
  preReceiveSeconds: number;
  preReceiveAccepted: boolean;
  gitLogSeconds: number;
  speedupByKeyType: Record<string, number>;
}

/** Everything this benchmark measures, for scripts/bench.ts (`verify.*` in `npm run bench -- --json`). */
export function runVerifyBench(): VerifyBenchFigures {
  const ratios = SCALE_ONLY ? {} : nativeVsSshKeygen();
  const s = scale();
  return {
    seconds10k: s.seconds10k,
    speedupVsSshKeygen: ratios['ed25519'],
    junk40kAddedSeconds: s.junk40kAddedSeconds,
    cpuSeconds10k: s.cpuSeconds10k,
    junk40kAddedCpuSeconds: s.junk40kAddedCpuSeconds,
    peakMb10k: s.peakMb10k,
    peakMb42k: s.peakMb42k,
    loadAverage: s.loadAverage,
    preReceiveSeconds: s.preReceiveSeconds,
    preReceiveAccepted: s.preReceiveAccepted,
    gitLogSeconds: s.gitLogSeconds,
    speedupByKeyType: ratios,
  };
}

if (require.main === module) {
  const figures = runVerifyBench();
  if (JSON_OUT) console.log(JSON.stringify({ verify: figures }));
}
