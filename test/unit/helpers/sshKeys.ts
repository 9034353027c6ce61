import * as assert from 'assert';
import { execFileSync, spawnSync } from 'child_process';
import { createHash, createPrivateKey, generateKeyPairSync, sign as cryptoSign, type KeyObject } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { tempDir as runTempDir } from './tempDirs';

/** Real OpenSSH keys and signatures for tests: ssh-keygen makes them, and ssh-keygen -Y verify is the referee. */
export interface TestKey {
  name: string;
  /** Private key file (OpenSSH format, or PEM for RSA so Node can also sign with it). */
  privateFile: string;
  publicFile: string;
  publicLine: string;
}

export const KEY_SPECS: Array<{ name: string; args: string[] }> = [
  { name: 'ed25519', args: ['-t', 'ed25519'] },
  { name: 'ecdsa-p256', args: ['-t', 'ecdsa', '-b', '256'] },
  { name: 'ecdsa-p384', args: ['-t', 'ecdsa', '-b', '384'] },
  { name: 'ecdsa-p521', args: ['-t', 'ecdsa', '-b', '521'] },
  // PEM so the test can also make rsa-sha2-256 signatures with Node (ssh-keygen -Y sign always uses rsa-sha2-512).
  { name: 'rsa', args: ['-t', 'rsa', '-b', '2048', '-m', 'PEM'] },
];

export function tempDir(prefix = 'cs-ssh-'): string {
  return runTempDir(prefix);
}

export function makeKey(dir: string, name: string, args: string[], comment = `${name}@test`): TestKey {
  const privateFile = path.join(dir, `id_${name}`);
  execFileSync('ssh-keygen', ['-q', ...args, '-N', '', '-C', comment, '-f', privateFile], { stdio: 'pipe' });
  const publicFile = privateFile + '.pub';
  return { name, privateFile, publicFile, publicLine: fs.readFileSync(publicFile, 'utf8').trim() };
}

/** `ssh-keygen -Y sign` of `message`; returns the armored signature. */
export function sshKeygenSign(
  key: string,
  message: Buffer,
  opts: { namespace?: string; hashalg?: 'sha256' | 'sha512'; env?: NodeJS.ProcessEnv; agentOnly?: boolean } = {},
): string {
  const args = [
    '-Y',
    'sign',
    '-n',
    opts.namespace ?? 'countersign-review',
    ...(opts.hashalg ? ['-O', `hashalg=${opts.hashalg}`] : []),
    ...(opts.agentOnly ? ['-U'] : []),
    '-f',
    key,
  ];
  const r = spawnSync('ssh-keygen', args, { input: message, env: opts.env ?? process.env });
  if (r.status !== 0) throw new Error(`ssh-keygen -Y sign failed: ${r.stderr.toString()}`);
  return r.stdout.toString('utf8');
}

/** The referee: `ssh-keygen -Y verify` with an allowed_signers file holding exactly `publicLine` for `principal`. */
export function sshKeygenVerify(
  publicLine: string,
  message: Buffer,
  signature: string,
  namespace = 'countersign-review',
): boolean {
  const dir = tempDir('cs-verify-');
  try {
    const keyPart = publicLine.trim().split(/\s+/).slice(0, 2).join(' ');
    fs.writeFileSync(path.join(dir, 'allowed_signers'), `reviewer@example.com ${keyPart}\n`);
    fs.writeFileSync(path.join(dir, 'sig'), signature);
    const r = spawnSync(
      'ssh-keygen',
      [
        '-Y',
        'verify',
        '-f',
        path.join(dir, 'allowed_signers'),
        '-I',
        'reviewer@example.com',
        '-n',
        namespace,
        '-s',
        path.join(dir, 'sig'),
      ],
      { input: message },
    );
    return r.status === 0;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

// ---- hand-made SSHSIG blobs, for signature kinds ssh-keygen will not produce here ----------------------

export function sshStr(b: Buffer | string): Buffer {
  const body = typeof b === 'string' ? Buffer.from(b) : b;
  const len = Buffer.alloc(4);
  len.writeUInt32BE(body.length);
  return Buffer.concat([len, body]);
}

export function sshMpint(b: Buffer): Buffer {
  let i = 0;
  while (i < b.length - 1 && b[i] === 0) i++;
  let v = b.subarray(i);
  if (v[0] & 0x80) v = Buffer.concat([Buffer.from([0]), v]);
  return sshStr(v);
}

export function armor(blob: Buffer): string {
  const b64 = blob.toString('base64').match(/.{1,70}/g) ?? [];
  return ['-----BEGIN SSH SIGNATURE-----', ...b64, '-----END SSH SIGNATURE-----', ''].join('\n');
}

export function publicBlobOf(line: string): Buffer {
  return Buffer.from(line.trim().split(/\s+/)[1], 'base64');
}

/** Builds an SSHSIG whose inner signature `innerSign` makes over the signed data. */
export function buildSshsig(opts: {
  publicBlob: Buffer;
  namespace: string;
  hashalg: 'sha256' | 'sha512';
  message: Buffer;
  innerSign: (signedData: Buffer) => Buffer;
}): string {
  const magic = Buffer.from('SSHSIG');
  const digest = createHash(opts.hashalg).update(opts.message).digest();
  const signedData = Buffer.concat([magic, sshStr(opts.namespace), sshStr(''), sshStr(opts.hashalg), sshStr(digest)]);
  const version = Buffer.alloc(4);
  version.writeUInt32BE(1);
  const blob = Buffer.concat([
    magic,
    version,
    sshStr(opts.publicBlob),
    sshStr(opts.namespace),
    sshStr(''),
    sshStr(opts.hashalg),
    sshStr(opts.innerSign(signedData)),
  ]);
  return armor(blob);
}

/** RSA SSHSIG with a chosen signature algorithm (rsa-sha2-256, rsa-sha2-512, or legacy SHA-1 ssh-rsa). */
export function rsaSshsig(
  key: TestKey,
  message: Buffer,
  sigAlg: 'rsa-sha2-256' | 'rsa-sha2-512' | 'ssh-rsa',
  namespace = 'countersign-review',
): string {
  const priv = createPrivateKey(fs.readFileSync(key.privateFile));
  const hash = sigAlg === 'rsa-sha2-256' ? 'sha256' : sigAlg === 'rsa-sha2-512' ? 'sha512' : 'sha1';
  return buildSshsig({
    publicBlob: publicBlobOf(key.publicLine),
    namespace,
    hashalg: 'sha512',
    message,
    innerSign: (data) => Buffer.concat([sshStr(sigAlg), sshStr(cryptoSign(hash, data, priv))]),
  });
}

/** A synthetic FIDO key (sk-ssh-ed25519 or sk-ecdsa-sha2-nistp256) whose "authenticator" is a Node key pair. */
export interface SkKey {
  type: 'sk-ssh-ed25519@openssh.com' | 'sk-ecdsa-sha2-nistp256@openssh.com';
  publicLine: string;
  sign(message: Buffer, opts?: { flags?: number; namespace?: string }): string;
}

export function makeSkKey(type: SkKey['type'], application = 'ssh:'): SkKey {
  const ed = type === 'sk-ssh-ed25519@openssh.com';
  const { privateKey, publicKey } = ed
    ? generateKeyPairSync('ed25519')
    : generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwk = publicKey.export({ format: 'jwk' });
  const x = Buffer.from(jwk.x ?? '', 'base64url');
  const blob = ed
    ? Buffer.concat([sshStr(type), sshStr(x), sshStr(application)])
    : Buffer.concat([
        sshStr(type),
        sshStr('nistp256'),
        sshStr(Buffer.concat([Buffer.from([4]), x, Buffer.from(jwk.y ?? '', 'base64url')])),
        sshStr(application),
      ]);
  const publicLine = `${type} ${blob.toString('base64')} sk@test`;
  const sign = (message: Buffer, opts: { flags?: number; namespace?: string } = {}) =>
    buildSshsig({
      publicBlob: blob,
      namespace: opts.namespace ?? 'countersign-review',
      hashalg: 'sha512',
      message,
      innerSign: (data) => skInner(type, privateKey, application, data, opts.flags ?? 0x01),
    });
  return { type, publicLine, sign };
}

function skInner(type: SkKey['type'], key: KeyObject, application: string, data: Buffer, flags: number): Buffer {
  const counter = Buffer.alloc(4);
  counter.writeUInt32BE(7);
  const signed = Buffer.concat([
    createHash('sha256').update(application).digest(),
    Buffer.from([flags]),
    counter,
    createHash('sha256').update(data).digest(),
  ]);
  let sig: Buffer;
  if (type === 'sk-ssh-ed25519@openssh.com') {
    sig = sshStr(cryptoSign(null, signed, key));
  } else {
    const p1363 = cryptoSign('sha256', signed, { key, dsaEncoding: 'ieee-p1363' });
    sig = sshStr(Buffer.concat([sshMpint(p1363.subarray(0, 32)), sshMpint(p1363.subarray(32))]));
  }
  return Buffer.concat([sshStr(type), sig, Buffer.from([flags]), counter]);
}

/** An ssh-agent on its own socket, for tests that sign with a key that exists only in the agent. */
export class TestAgent {
  private constructor(
    readonly sock: string,
    readonly pid: number,
  ) {}

  static start(dir: string): TestAgent {
    const sock = path.join(dir, 'agent.sock');
    const out = execFileSync('ssh-agent', ['-s', '-a', sock], { encoding: 'utf8' });
    const pid = Number(/SSH_AGENT_PID=(\d+)/.exec(out)?.[1]);
    if (!pid) throw new Error(`could not start ssh-agent: ${out}`);
    return new TestAgent(sock, pid);
  }

  env(): NodeJS.ProcessEnv {
    return { SSH_AUTH_SOCK: this.sock };
  }

  add(privateFile: string): void {
    execFileSync('ssh-add', ['-q', privateFile], { env: { ...process.env, SSH_AUTH_SOCK: this.sock }, stdio: 'pipe' });
  }

  stop(): void {
    try {
      process.kill(this.pid);
    } catch {
      /* already gone */
    }
  }
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/**
 * The same key in other base64 text: a 104-byte ECDSA blob ends in `X=`, and the low 2 bits of X are padding that
 * every decoder ignores. Flipping one gives a different string that decodes to the same bytes.
 */
export function samekeyOtherText(line: string): string {
  const [type, blob, ...rest] = line.split(' ');
  const i = blob.indexOf('=') - 1;
  assert.ok(i > 0, 'the key needs base64 padding for this trick');
  const v = B64.indexOf(blob[i]);
  const other = blob.slice(0, i) + B64[(v & ~3) | ((v & 3) ^ 1)] + blob.slice(i + 1);
  assert.notStrictEqual(other, blob);
  assert.ok(Buffer.from(other, 'base64').equals(Buffer.from(blob, 'base64')), 'same key bytes');
  return [type, other, ...rest].join(' ');
}
