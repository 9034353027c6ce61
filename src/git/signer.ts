import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CountersignError } from '../core/errors';
import { REVIEW_NAMESPACE } from '../core/sshsig';
import { gitConfig, runGit } from './gitRunner';

/**
 * Signs approval statements with `ssh-keygen -Y sign -n countersign-review`, resolving the key the way git
 * resolves `user.signingkey` for `gpg.format=ssh`: a path to a private key, a path to a public key whose
 * private half is in ssh-agent (or next to it), or a literal `key::ssh-ed25519 AAAA…` (also the legacy bare
 * `ssh-ed25519 AAAA…`), which is written to a temporary file and signed through the agent only (`-U`), as git does.
 */
export interface SigningKey {
  /** What to pass to `ssh-keygen -f`. */
  keyFile: string;
  /** Where the key came from, for messages: "--key ~/.ssh/id_ed25519", "user.signingkey (literal key)". */
  source: string;
  /** The key lives only in ssh-agent (a literal public key): pass -U. */
  agentOnly: boolean;
  dispose(): void;
}

// Said by doctor too, which has no --key: the option is named with the commands that take it (newuser25 N8).
const SET_KEY_HINT =
  'set one with `git config user.signingkey ~/.ssh/id_ed25519.pub` (approve and reject also take --key FILE)';

function expandHome(p: string, env: NodeJS.ProcessEnv): string {
  if (p === '~' || p.startsWith('~/')) return path.join(env.HOME ?? os.homedir(), p.slice(1));
  return p;
}

function isLiteralKey(value: string): boolean {
  return value.startsWith('key::') || /^(ssh|ecdsa|sk)-[a-z0-9@.-]+\s+[A-Za-z0-9+/]/.test(value);
}

/**
 * The key from `--key` (relative to `cwd`) or git's user.signingkey (relative to the repository root, as
 * git passes it to ssh-keygen). Throws CountersignError('config') naming the fix when there is none or the
 * file is missing.
 */
export async function resolveSigningKey(
  cwd: string,
  explicit: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): Promise<SigningKey> {
  if (explicit !== undefined && explicit !== '') {
    if (isLiteralKey(explicit)) return literalKey(explicit, '--key (literal key)');
    return keyFile(path.resolve(cwd, expandHome(explicit, env)), `--key ${explicit}`);
  }
  const value = await gitConfig(cwd, 'user.signingkey');
  if (value === undefined) {
    throw new CountersignError('config', `no signing key configured: ${SET_KEY_HINT}`);
  }
  if (isLiteralKey(value)) return literalKey(value, 'user.signingkey (literal key)');
  // Many people have user.signingkey set to a GPG key for signed commits; say so instead of "file not found".
  if (/^(0x)?[0-9A-Fa-f]{8,40}!?$/.test(value) || (/@/.test(value) && !/[/\\]/.test(value))) {
    throw new CountersignError(
      'config',
      `user.signingkey is ${value}, which looks like a GPG key; approvals are signed with an SSH key: pass --key ~/.ssh/id_ed25519.pub (or set it in this repository with \`git config user.signingkey ~/.ssh/id_ed25519.pub\`)`,
    );
  }
  const top = await runGit(['rev-parse', '--show-toplevel'], { cwd, okCodes: [128] });
  const base = top.code === 0 && top.stdout.trim() ? top.stdout.trim() : cwd;
  return keyFile(path.resolve(base, expandHome(value, env)), `user.signingkey ${value}`);
}

function keyFile(file: string, source: string): SigningKey {
  if (!fs.existsSync(file)) {
    throw new CountersignError(
      'config',
      `the signing key file ${file} (from ${source}) does not exist; ${SET_KEY_HINT}`,
    );
  }
  return { keyFile: file, source, agentOnly: false, dispose: () => undefined };
}

function literalKey(value: string, source: string): SigningKey {
  const line = value.startsWith('key::') ? value.slice('key::'.length).trim() : value.trim();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'countersign-key-'));
  const file = path.join(dir, 'signing_key.pub');
  fs.writeFileSync(file, line + '\n', { mode: 0o600 });
  return { keyFile: file, source, agentOnly: true, dispose: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/**
 * Signs `message` and returns the armored SSH signature. `timeoutMs` bounds the wait (a passphrase prompt or
 * a security key waiting for a touch counts against it).
 */
export function signWithSshKeygen(
  message: Buffer,
  key: SigningKey,
  opts: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs?: number },
): Promise<string> {
  const args = ['-Y', 'sign', '-n', REVIEW_NAMESPACE, ...(key.agentOnly ? ['-U'] : []), '-f', key.keyFile];
  return new Promise((resolve, reject) => {
    const child = spawn('ssh-keygen', args, {
      cwd: opts.cwd,
      env: opts.env ?? process.env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 120_000);
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(
        new CountersignError(
          'config',
          `could not run ssh-keygen (OpenSSH 8.2 or later is needed to sign approvals): ${e.message}`,
          undefined,
          { cause: e },
        ),
      );
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const stderr = Buffer.concat(err)
        .toString('utf8')
        .replace(/\r/g, '')
        .split('\n')
        .filter((l) => l.trim() && !/^Signing data on standard input/.test(l))
        .join(' ');
      const stdout = Buffer.concat(out).toString('utf8');
      if (signal === 'SIGKILL') {
        reject(
          new CountersignError(
            'signature',
            `ssh-keygen did not finish signing with ${key.source} in time (waiting for a passphrase or a security-key touch?)`,
          ),
        );
        return;
      }
      if (code !== 0 || !stdout.includes('-----BEGIN SSH SIGNATURE-----')) {
        const hint = key.agentOnly
          ? 'the private key must be loaded in ssh-agent (`ssh-add -l` lists it; SSH_AUTH_SOCK must be set)'
          : /\.pub$/.test(key.keyFile)
            ? 'for a .pub file the private key must be in ssh-agent (`ssh-add`) or next to it without the .pub suffix'
            : 'check that the file is an OpenSSH private key you can read';
        reject(
          new CountersignError(
            'signature',
            `ssh-keygen could not sign with ${key.source} (${key.keyFile}): ${stderr || `exit ${code}`}; ${hint}`,
            stderr,
          ),
        );
        return;
      }
      resolve(stdout.trim() + '\n');
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(message);
  });
}
