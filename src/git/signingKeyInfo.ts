import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { publicKeyProblem } from '../core/policySchema';
import { sshFingerprint } from '../core/sshsig';
import { resolveSigningKey } from './signer';

/**
 * The public half of the key approvals would be signed with (git's user.signingkey or an explicit one),
 * read without signing anything: so the editor can say "this key is not the one the policy lists" before
 * ssh-keygen runs. Throws CountersignError('config') when no key is configured or the file is missing,
 * exactly as `countersign approve` would.
 */
export interface SigningKeyInfo {
  /** The OpenSSH public key line, when it could be read (a passphrase-protected key without a .pub next to it cannot). */
  line?: string;
  fingerprint?: string;
  /** Where it came from: "user.signingkey ~/.ssh/id_ed25519.pub". */
  source: string;
}

function firstKeyLine(file: string): string | undefined {
  try {
    const line = fs
      .readFileSync(file, 'utf8')
      .split('\n')
      .map((l) => l.trim())
      .find((l) => l && !l.startsWith('#'));
    return line && !publicKeyProblem(line) ? line : undefined;
  } catch {
    return undefined;
  }
}

export function fingerprintOf(line: string): string | undefined {
  const blob = line.trim().split(/\s+/)[1];
  return blob ? sshFingerprint(Buffer.from(blob, 'base64')) : undefined;
}

export async function signingKeyInfo(
  cwd: string,
  explicit?: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<SigningKeyInfo> {
  const key = await resolveSigningKey(cwd, explicit, env);
  try {
    let line = firstKeyLine(key.keyFile);
    if (!line && !key.keyFile.endsWith('.pub')) line = firstKeyLine(`${key.keyFile}.pub`);
    if (!line && !key.agentOnly) {
      // A private key without its .pub: ssh-keygen derives the public half (fails fast for a protected key: no prompt without a TTY).
      const r = spawnSync('ssh-keygen', ['-y', '-f', key.keyFile], {
        env: { ...env, SSH_ASKPASS: '', DISPLAY: '' },
        encoding: 'utf8',
        timeout: 5_000,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const derived = r.status === 0 ? r.stdout.trim() : '';
      if (derived && !publicKeyProblem(derived)) line = derived;
    }
    const fingerprint = line ? fingerprintOf(line) : undefined;
    return { ...(line ? { line } : {}), ...(fingerprint ? { fingerprint } : {}), source: key.source };
  } finally {
    key.dispose();
  }
}

export interface CandidateKey {
  file: string;
  line: string;
  type: string;
  comment: string;
  fingerprint: string;
}

/** The public keys in ~/.ssh, for choosing user.signingkey. */
export function candidateKeys(home = os.homedir()): CandidateKey[] {
  const dir = path.join(home, '.ssh');
  let names: string[];
  try {
    names = fs
      .readdirSync(dir)
      .filter((n) => n.endsWith('.pub'))
      .sort();
  } catch {
    return [];
  }
  const out: CandidateKey[] = [];
  for (const n of names) {
    const file = path.join(dir, n);
    const line = firstKeyLine(file);
    if (!line) continue;
    const [type, , ...comment] = line.split(/\s+/);
    out.push({ file, line, type, comment: comment.join(' '), fingerprint: fingerprintOf(line) ?? '' });
  }
  return out;
}

/** The key files ssh-keygen writes by default (`-t ed25519`, `ecdsa`, the security-key types, `rsa`), preferred first. */
const STANDARD_KEYS = ['id_ed25519', 'id_ecdsa', 'id_ed25519_sk', 'id_ecdsa_sk', 'id_rsa'];

/**
 * The first standard public key in HOME/.ssh that reads as a key, as `~/.ssh/NAME.pub` (what to type in
 * `git config user.signingkey`) and its path: what `init` offers when user.signingkey is unset, and what its
 * "not set" step names instead of a key the user may not have (newuser16 F20).
 */
export function standardPublicKey(home: string | undefined): { shown: string; file: string } | undefined {
  if (!home) return undefined;
  for (const name of STANDARD_KEYS) {
    const file = path.join(home, '.ssh', `${name}.pub`);
    if (firstKeyLine(file)) return { shown: `~/.ssh/${name}.pub`, file };
  }
  return undefined;
}
