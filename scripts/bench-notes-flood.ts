/**
 * The notes-flood denial of service (docs/threat-model.md, "Notes flood"), with its baseline in the same run.
 * A repository whose refs/notes/countersign holds one blob of K readable junk lines under N made-up object ids
 * (what the server took before notesAdditions.ts; the attacker's r2 reproduction used K=500, N=2500):
 *  1. baseline: what reading cost before — the blob parsed once per path and every copy key-checked (K×N);
 *  2. now: gatherApprovals (one parse per blob, each distinct statement once) + one key check each;
 *  3. the server's refusal of that flood as a push (unsignedAdditions on the flood commit).
 * Usage: node dist/scripts/bench-notes-flood.js [--k 500] [--n 2500] [--json]
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { createHash } from 'crypto';
import { parseStatementNote } from '../src/core/approvalStatement';
import { ReviewerKeys } from '../src/core/approvalRules';
import { parsePolicy } from '../src/core/policy';
import { gatherApprovals } from '../src/git/gateInput';
import { unsignedAdditions } from '../src/git/notesAdditions';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const K = arg('--k', 500);
const N = arg('--n', 2500);
const JSON_OUT = process.argv.includes('--json');

const hex = (s: string) => createHash('sha1').update(s).digest('hex');

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cs-notes-flood-'));
  const git = (args: string[], input?: string) =>
    execFileSync('git', args, { cwd: dir, input, encoding: 'utf8', maxBuffer: 1 << 28 }).trim();
  try {
    git(['init', '-q']);
    const keyFile = path.join(dir, 'bob');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', keyFile]);
    const policy = parsePolicy(
      JSON.stringify({
        protectedBranches: ['main'],
        reviewers: [{ name: 'Bob', email: 'bob@example.com', key: fs.readFileSync(`${keyFile}.pub`, 'utf8').trim() }],
      }),
      'bench policy',
    );
    const junk: string[] = [];
    for (let i = 0; i < K; i++) {
      const h = hex(`x${i}`);
      junk.push(
        JSON.stringify({
          signature: '-----BEGIN SSH SIGNATURE-----junk',
          statement: {
            base: h,
            decision: 'reject',
            patchId: h,
            reviewer: { email: 'bob@example.com' },
            time: '2026-01-01T00:00:00Z',
            tip: h,
            tree: h,
            v: 1,
          },
        }),
      );
    }
    const text = junk.join('\n') + '\n';
    const blob = git(['hash-object', '-w', '--stdin'], text);
    const tree = git(
      ['mktree'],
      Array.from({ length: N }, (_, i) => `100644 blob ${blob}\t${hex(`n${i}`)}`).join('\n') + '\n',
    );
    const env = {
      ...process.env,
      GIT_AUTHOR_NAME: 'b',
      GIT_AUTHOR_EMAIL: 'b@b',
      GIT_COMMITTER_NAME: 'b',
      GIT_COMMITTER_EMAIL: 'b@b',
    };
    const flood = execFileSync('git', ['commit-tree', tree, '-m', 'flood'], { cwd: dir, env, encoding: 'utf8' }).trim();
    git(['update-ref', 'refs/notes/countersign', flood]);

    const keys = new ReviewerKeys(policy);
    let t = performance.now();
    let baselineStatements = 0;
    for (let i = 0; i < N; i++) {
      for (const s of parseStatementNote(text, 'baseline').statements) {
        keys.check(s);
        baselineStatements++;
      }
    }
    const baselineSeconds = (performance.now() - t) / 1000;

    t = performance.now();
    const read = await gatherApprovals(dir, ['refs/notes/countersign']);
    for (const { signed } of read.statements) keys.check(signed);
    const nowSeconds = (performance.now() - t) / 1000;

    t = performance.now();
    const refusal = await unsignedAdditions(dir, undefined, flood, policy);
    const refuseSeconds = (performance.now() - t) / 1000;
    if (!refusal) throw new Error('the flood was not refused');

    const figures = {
      k: K,
      n: N,
      baselineStatements,
      baselineSeconds: +baselineSeconds.toFixed(3),
      statementsNow: read.statements.length,
      secondsNow: +nowSeconds.toFixed(3),
      speedup: +(baselineSeconds / nowSeconds).toFixed(1),
      floodPushRefusedSeconds: +refuseSeconds.toFixed(3),
    };
    if (JSON_OUT) console.log(JSON.stringify({ notesFlood: figures }));
    else {
      console.log(`notes flood, one blob of ${K} junk lines under ${N} fake object ids:`);
      console.log(
        `  baseline (parse per path, check every copy): ${baselineStatements} statements, ${figures.baselineSeconds} s`,
      );
      console.log(
        `  now (parse per blob, check each distinct statement once): ${figures.statementsNow} statements, ${figures.secondsNow} s  (x${figures.speedup})`,
      );
      console.log(`  the server refuses that flood as a push in ${figures.floodPushRefusedSeconds} s`);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
