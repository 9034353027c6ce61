import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { tempDir } from './tempDirs';

/** A real SSH key pair made by ssh-keygen in a temp folder (no passphrase), for signing approvals in tests. */
export interface TestKey {
  privateKeyFile: string;
  publicKeyFile: string;
  /** The OpenSSH public key line, as a policy lists it. */
  publicKey: string;
}

/**
 * Keys made so far in this process, by label and type. On globalThis, not in this module: the unit suite is
 * bundled one test file at a time, so each file has its own copy of this module, and a module-level map would
 * make every file of a mocha worker generate its keys again (and, through the policy text that names them,
 * bootstrap its own gate server: gateServer.ts). Tests only read key files.
 */
const shared = globalThis as { __countersignTestKeys?: Map<string, TestKey> };
const made = (shared.__countersignTestKeys ??= new Map<string, TestKey>());

export function makeKey(label: string, type: 'ed25519' | 'ecdsa' | 'rsa' = 'ed25519'): TestKey {
  const cached = made.get(`${label}/${type}`);
  if (cached) return cached;
  const dir = tempDir('cs-key-');
  const privateKeyFile = path.join(dir, `id_${type}`);
  execFileSync('ssh-keygen', ['-q', '-t', type, '-N', '', '-C', label, '-f', privateKeyFile], { stdio: 'pipe' });
  const key = {
    privateKeyFile,
    publicKeyFile: `${privateKeyFile}.pub`,
    publicKey: fs.readFileSync(`${privateKeyFile}.pub`, 'utf8').trim(),
  };
  made.set(`${label}/${type}`, key);
  return key;
}

/** `ssh-keygen -Y sign -n NAMESPACE` over `data`, returning the armored signature. */
export function sshSign(key: TestKey, data: Buffer, namespace = 'countersign-review'): string {
  const dir = tempDir('cs-sig-');
  const file = path.join(dir, 'msg');
  fs.writeFileSync(file, data);
  execFileSync('ssh-keygen', ['-Y', 'sign', '-q', '-f', key.privateKeyFile, '-n', namespace, file], { stdio: 'pipe' });
  return fs.readFileSync(`${file}.sig`, 'utf8');
}
