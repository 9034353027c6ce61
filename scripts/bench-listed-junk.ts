/**
 * Junk statement lines signed with a LISTED reviewer's key (docs/threat-model.md, "Junk statements"): a copy of
 * a reviewer's real signature on altered statements embeds that reviewer's public key, so the cheap key lookup
 * passes and only a full signature check refuses it. The gate (gatherGateInput + evaluateGate, in-process, on a
 * real repository) is timed with no junk (the baseline, same run), then with N such lines on commits outside
 * the judged range, then with N such lines naming the range's own tip.
 * Usage: node dist/scripts/bench-listed-junk.js [--n 3000] [--json]
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { canonicalStatementBytes, formatStatementLine, type ApprovalStatement } from '../src/core/approvalStatement';
import { evaluateGate } from '../src/core/gate';
import { gatherGateInput } from '../src/git/gateInput';
import { readPolicyFrom } from '../src/git/policyRead';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const N = arg('--n', 3000);
const ROUNDS = arg('--rounds', 3);
const JSON_OUT = process.argv.includes('--json');

// Signature verifications, counted where every verifier ends up (crypto.verify, looked up at each call).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const nodeCrypto = require('crypto') as { verify: (...args: unknown[]) => boolean };
let verifications = 0;
const realVerify = nodeCrypto.verify;
nodeCrypto.verify = (...args: unknown[]) => {
  verifications++;
  return realVerify(...args);
};

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cs-listed-junk-'));
  const env = {
    ...process.env,
    GIT_AUTHOR_NAME: 'Ada',
    GIT_AUTHOR_EMAIL: 'ada@example.com',
    GIT_COMMITTER_NAME: 'Ada',
    GIT_COMMITTER_EMAIL: 'ada@example.com',
    GIT_CONFIG_NOSYSTEM: '1',
  };
  const git = (args: string[], input?: string) =>
    execFileSync('git', args, { cwd: dir, input, env, encoding: 'utf8', maxBuffer: 1 << 28 }).trim();
  try {
    git(['init', '-q', '-b', 'main']);
    const keyFile = path.join(dir, '.bob');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'bob', '-f', keyFile]);
    fs.writeFileSync(
      path.join(dir, '.countersign.json'),
      JSON.stringify({
        protectedBranches: ['main'],
        reviewers: [{ name: 'Bob', email: 'bob@example.com', key: fs.readFileSync(`${keyFile}.pub`, 'utf8').trim() }],
      }),
    );
    git(['add', '.countersign.json']);
    git(['commit', '-q', '-m', 'policy\n\nAI-Provenance: v1 ai=0 human=1 untracked=0']);
    const old: string[] = [];
    for (let i = 0; i < 20; i++) {
      fs.writeFileSync(path.join(dir, `old${i}.txt`), `${i}\n`);
      git(['add', '.']);
      git(['commit', '-q', '-m', `old ${i}\n\nAI-Provenance: v1 ai=0 human=1 untracked=0`]);
      old.push(git(['rev-parse', 'HEAD']));
    }
    const base = git(['rev-parse', 'HEAD']);
    for (let i = 0; i < 20; i++) {
      fs.writeFileSync(path.join(dir, `new${i}.txt`), `${i}\n`);
      git(['add', '.']);
      git(['commit', '-q', '-m', `new ${i}\n\nAI-Provenance: v1 ai=1 human=0 untracked=0`]);
    }
    const head = git(['rev-parse', 'HEAD']);
    const statement = (tip: string, time: string): ApprovalStatement => ({
      v: 1,
      decision: 'approve',
      reviewer: { name: 'Bob', email: 'bob@example.com' },
      tip,
      tree: git(['rev-parse', `${tip}^{tree}`]),
      base,
      patchId: 'empty',
      time,
    });
    const real = statement(head, '2026-11-30T00:00:00.000Z');
    const msg = path.join(dir, '.msg');
    fs.writeFileSync(msg, canonicalStatementBytes(real));
    execFileSync('ssh-keygen', ['-q', '-Y', 'sign', '-n', 'countersign-review', '-f', keyFile, msg]);
    const signature = fs.readFileSync(`${msg}.sig`, 'utf8');
    const realLine = formatStatementLine({ statement: real, signature });
    const junk = (on: (i: number) => string) =>
      Array.from({ length: N }, (_, i) =>
        formatStatementLine({
          statement: {
            ...statement(head, real.time),
            tip: on(i),
            time: new Date(Date.UTC(2026, 10, 29, 0, 0, i)).toISOString(),
          },
          signature,
        }),
      );

    const notes = (byCommit: Map<string, string[]>) => {
      try {
        git(['update-ref', '-d', 'refs/notes/countersign']);
      } catch {
        /* none yet */
      }
      for (const [c, lines] of byCommit) {
        fs.writeFileSync(msg, lines.join('\n') + '\n');
        git(['notes', '--ref=refs/notes/countersign', 'add', '-f', '-F', msg, c]);
      }
    };
    const policy = await readPolicyFrom(dir, [{ rev: base, label: 'main' }]);
    const judge = async () => {
      verifications = 0;
      const t = performance.now();
      const input = await gatherGateInput(dir, {
        update: { branch: 'main', old: base, new: head },
        policy,
        otherBranches: [],
        approvalRefs: ['refs/notes/countersign'],
      });
      const result = evaluateGate(input);
      return { seconds: (performance.now() - t) / 1000, ok: result.ok, verifications };
    };
    const median = async () => {
      const runs: Array<{ seconds: number; ok: boolean; verifications: number }> = [];
      for (let i = 0; i < ROUNDS; i++) runs.push(await judge());
      runs.sort((a, b) => a.seconds - b.seconds);
      return runs[Math.floor(runs.length / 2)];
    };

    notes(new Map([[head, [realLine]]]));
    const baseline = await median();
    // Statements naming commits of main's old history (outside the judged range), in notes on those commits.
    const outsideLines = junk((i) => old[i % old.length]);
    const byOld = new Map<string, string[]>([[head, [realLine]]]);
    outsideLines.forEach((l, i) => byOld.set(old[i % old.length], [...(byOld.get(old[i % old.length]) ?? []), l]));
    notes(byOld);
    const outside = await median();
    // Statements naming the range's own tip (what a pusher can do to their own push).
    notes(new Map([[head, [realLine, ...junk(() => head)]]]));
    const onTip = await median();
    if (!baseline.ok || !outside.ok) throw new Error('the approved range was refused');

    const figures = {
      junkLines: N,
      baselineSeconds: +baseline.seconds.toFixed(3),
      baselineVerifications: baseline.verifications,
      outsideRangeVerifications: outside.verifications,
      onTipVerifications: onTip.verifications,
      outsideRangeSeconds: +outside.seconds.toFixed(3),
      outsideRangePerLineMicros: +(((outside.seconds - baseline.seconds) / N) * 1e6).toFixed(1),
      onTipSeconds: +onTip.seconds.toFixed(3),
      onTipOk: onTip.ok,
      onTipPerLineMicros: +(((onTip.seconds - baseline.seconds) / N) * 1e6).toFixed(1),
    };
    if (JSON_OUT) console.log(JSON.stringify({ listedJunk: figures }));
    else {
      console.log(
        `gate over 20 commits, one real approval, ${N} junk lines signed with the listed reviewer's key (median of ${ROUNDS}):`,
      );
      console.log(
        `  baseline, no junk:                 ${figures.baselineSeconds} s, ${baseline.verifications} signature check(s)`,
      );
      console.log(
        `  junk on commits outside the range: ${figures.outsideRangeSeconds} s (${figures.outsideRangePerLineMicros} µs per line), ${outside.verifications} signature check(s)`,
      );
      console.log(
        `  junk naming the range's tip:       ${figures.onTipSeconds} s (${figures.onTipPerLineMicros} µs per line), ${onTip.verifications} signature check(s); push ${onTip.ok ? 'passes' : 'refused'}`,
      );
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
