/**
 * Approvals verified per second: native SSHSIG verification (src/core/sshsig.ts, what the gate uses) against
 * spawning `ssh-keygen -Y verify` per statement. Real keys and real ssh-keygen signatures of real statements.
 * Usage: node dist/scripts/bench-verify.js [--statements N] [--spawn-samples N]
 */
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { canonicalStatementBytes, verifySignedStatement, type ApprovalStatement, type SignedStatement } from '../src/core/approvalStatement';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const STATEMENTS = arg('--statements', 40);
const SPAWN_SAMPLES = arg('--spawn-samples', 20);

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

function main(): void {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cs-bench-'));
  try {
    console.log(`statements per key type: ${STATEMENTS} signed with ssh-keygen -Y sign; ssh-keygen -Y verify sampled ${SPAWN_SAMPLES} times`);
    console.log('key type      native/s   ssh-keygen/s   ratio');
    for (const k of KEYS) {
      const keyFile = path.join(dir, `id_${k.name}`);
      execFileSync('ssh-keygen', ['-q', ...k.args, '-N', '', '-C', k.name, '-f', keyFile]);
      const publicLine = fs.readFileSync(keyFile + '.pub', 'utf8').trim();
      const signed: SignedStatement[] = [];
      for (let i = 0; i < STATEMENTS; i++) {
        const statement: ApprovalStatement = {
          v: 1, decision: 'approve', reviewer: { name: 'Rita', email: 'rita@example.com' },
          tip: hex(i, 'a'), tree: hex(i, 'b'), base: hex(i, 'c'), patchId: hex(i, 'd'), time: new Date(1_760_000_000_000 + i).toISOString(),
        };
        const r = spawnSync('ssh-keygen', ['-Y', 'sign', '-n', 'countersign-review', '-f', keyFile], { input: canonicalStatementBytes(statement) });
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
        const r = spawnSync('ssh-keygen', ['-Y', 'verify', '-f', path.join(dir, 'allowed'), '-I', 'rita@example.com', '-n', 'countersign-review', '-s', path.join(dir, 'sig')], { input: canonicalStatementBytes(s.statement) });
        if (r.status !== 0) throw new Error(`ssh-keygen verify failed for ${k.name}: ${r.stderr}`);
      }
      const spawnRate = SPAWN_SAMPLES / (Number(process.hrtime.bigint() - t1) / 1e9);
      console.log(`${k.name.padEnd(12)} ${nativeRate.toFixed(0).padStart(9)} ${spawnRate.toFixed(0).padStart(14)} ${(nativeRate / spawnRate).toFixed(0).padStart(6)}x`);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main();
