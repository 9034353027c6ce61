import { createHash, createPublicKey, verify as cryptoVerify, type KeyObject } from 'crypto';
import { CountersignError } from './errors';
import { SUPPORTED_KEY_TYPES, isSupportedKeyType, type SshKeyType } from './sshKeyTypes';
import { keyDataProblem, sshFingerprint } from './sshKeyIdentity';
import { WireReader } from './sshWire';

/**
 * Native SSHSIG verification (the format of `ssh-keygen -Y sign`, OpenSSH PROTOCOL.sshsig), in Node's own
 * crypto so the gate can check thousands of approvals without spawning ssh-keygen. It accepts exactly what
 * `ssh-keygen -Y verify` accepts for the key types ssh-keygen generates: ssh-ed25519, ecdsa-sha2-nistp256/384/521,
 * ssh-rsa keys with rsa-sha2-256/512 signatures (legacy SHA-1 `ssh-rsa` signatures are refused, as OpenSSH
 * does for SSHSIG), and the FIDO kinds sk-ssh-ed25519@openssh.com / sk-ecdsa-sha2-nistp256@openssh.com
 * (stricter than `ssh-keygen -Y verify`, which accepts a security-key signature made without a touch: we
 * require the user-presence flag, so an approval always involved the reviewer's finger).
 */

export const REVIEW_NAMESPACE = 'countersign-review';

const MAGIC = Buffer.from('SSHSIG');
const ARMOR_BEGIN = '-----BEGIN SSH SIGNATURE-----';
const ARMOR_END = '-----END SSH SIGNATURE-----';
/** OpenSSH refuses RSA moduli below this (SSH_RSA_MINIMUM_MODULUS_SIZE). */
const RSA_MIN_BITS = 1024;
/** FIDO authenticator flag "user present" (SSH_SK_USER_PRESENCE_REQD). */
const SK_USER_PRESENT = 0x01;

/** An OpenSSH public key: the wire-format blob is its identity (what fingerprints and comparisons use). */
export interface SshPublicKey {
  type: SshKeyType;
  blob: Buffer;
  comment?: string;
  /** `SHA256:…` exactly as `ssh-keygen -l` prints it. */
  fingerprint: string;
}

/** The fields of an SSHSIG blob. */
export interface SshSignature {
  publicKey: Buffer;
  namespace: string;
  reserved: Buffer;
  hashAlgorithm: 'sha256' | 'sha512';
  /** The inner signature blob: string sig-type, then type-specific fields. */
  signature: Buffer;
}

export type SshsigVerifyResult = { ok: true; fingerprint: string; keyType: SshKeyType } | { ok: false; reason: string };

function inputError(message: string): CountersignError {
  return new CountersignError('input', message);
}

function sshString(b: Buffer | string): Buffer {
  const body = typeof b === 'string' ? Buffer.from(b, 'utf8') : b;
  const len = Buffer.alloc(4);
  len.writeUInt32BE(body.length, 0);
  return Buffer.concat([len, body]);
}

export { sshFingerprint };

/**
 * Parses one OpenSSH public key line: `TYPE BASE64 [COMMENT]` as in id_ed25519.pub, optionally preceded by
 * authorized_keys options or an allowed_signers principal (anything before the key type is skipped).
 */
export function parseSshPublicKey(line: string): SshPublicKey {
  const text = line.trim();
  const tokens = text.split(/\s+/);
  const at = tokens.findIndex((t, i) => i + 1 < tokens.length && isSupportedKeyType(t));
  if (at < 0) {
    const other = tokens.find((t) => /^(ssh|ecdsa|sk|rsa)-[a-z0-9@.-]+$/.test(t));
    if (other) throw inputError(`unsupported SSH key type ${other} (supported: ${SUPPORTED_KEY_TYPES.join(', ')})`);
    throw inputError(
      `not an OpenSSH public key: "${abbreviate(text)}" (expected a line like "ssh-ed25519 AAAA… comment", the contents of a .pub file)`,
    );
  }
  const declared = tokens[at] as SshKeyType;
  if (!/^[A-Za-z0-9+/]+=*$/.test(tokens[at + 1]))
    throw inputError(`the ${declared} public key data is not base64: "${abbreviate(tokens[at + 1])}"`);
  // One spelling per key (sshKeyIdentity.ts): a key matches signatures by its bytes, so two texts must not be one key.
  const blob = Buffer.from(tokens[at + 1], 'base64');
  const inner = new WireReader(blob, `the ${declared} public key`).text();
  if (inner !== declared) throw inputError(`public key says ${declared} but its data is a ${inner} key`);
  const problem = keyDataProblem(declared, tokens[at + 1]);
  if (problem) throw inputError(`the ${declared} public key is unusable: ${problem}`);
  // Decoding validates the blob fully (and caches the key object for verification).
  keyObjectFor(blob);
  const comment = tokens.slice(at + 2).join(' ');
  return { type: declared, blob, fingerprint: sshFingerprint(blob), ...(comment ? { comment } : {}) };
}

function abbreviate(s: string): string {
  return s.length > 40 ? s.slice(0, 37) + '…' : s;
}

/** Decodes the armored `-----BEGIN SSH SIGNATURE-----` text into its fields; throws CountersignError('input'). */
export function parseSshSignature(armored: string): SshSignature {
  const text = armored.replace(/\r\n/g, '\n').trim();
  if (!text.startsWith(ARMOR_BEGIN) || !text.endsWith(ARMOR_END)) {
    throw inputError(`not an SSH signature (expected text between "${ARMOR_BEGIN}" and "${ARMOR_END}")`);
  }
  const body = text.slice(ARMOR_BEGIN.length, text.length - ARMOR_END.length).replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]*=*$/.test(body))
    throw inputError('the SSH signature armor contains characters that are not base64');
  const blob = Buffer.from(body, 'base64');
  const r = new WireReader(blob, 'the SSH signature');
  if (!r.bytes(MAGIC.length).equals(MAGIC)) throw inputError('the SSH signature does not start with SSHSIG');
  const version = r.u32();
  if (version !== 1) throw inputError(`unsupported SSHSIG version ${version} (expected 1)`);
  const publicKey = r.string();
  const namespace = r.text();
  const reserved = r.string();
  const hashAlgorithm = r.text();
  const signature = r.string();
  r.end();
  if (hashAlgorithm !== 'sha256' && hashAlgorithm !== 'sha512') {
    throw inputError(`unsupported SSHSIG hash algorithm ${hashAlgorithm} (expected sha256 or sha512)`);
  }
  return { publicKey, namespace, reserved, hashAlgorithm, signature };
}

/** The bytes the signer's key actually signs (PROTOCOL.sshsig, "Signed Data"). */
export function sshsigSignedData(
  namespace: string,
  reserved: Buffer,
  hashAlgorithm: 'sha256' | 'sha512',
  message: Buffer,
): Buffer {
  const digest = createHash(hashAlgorithm).update(message).digest();
  return Buffer.concat([MAGIC, sshString(namespace), sshString(reserved), sshString(hashAlgorithm), sshString(digest)]);
}

// ---- public keys -> Node KeyObjects ------------------------------------------------------------------

interface DecodedKey {
  type: SshKeyType;
  key: KeyObject;
  /** FIDO keys: the application string (usually "ssh:") their signatures are bound to. */
  application?: Buffer;
  /** ECDSA: field size in bytes, for IEEE-P1363 encoding of (r, s). */
  fieldBytes?: number;
  /** ECDSA: digest for the curve (RFC 5656 §6.2.1). */
  ecHash?: 'sha256' | 'sha384' | 'sha512';
}

const EC_CURVES: Record<string, { crv: string; bytes: number; hash: 'sha256' | 'sha384' | 'sha512' }> = {
  nistp256: { crv: 'P-256', bytes: 32, hash: 'sha256' },
  nistp384: { crv: 'P-384', bytes: 48, hash: 'sha384' },
  nistp521: { crv: 'P-521', bytes: 66, hash: 'sha512' },
};

/** Decoding a key is the slow part of a verification; approvals repeat a handful of keys many times. */
const keyCache = new Map<string, DecodedKey>();
const KEY_CACHE_LIMIT = 1024;

function keyObjectFor(blob: Buffer): DecodedKey {
  const id = blob.toString('base64');
  const cached = keyCache.get(id);
  if (cached) return cached;
  const decoded = decodeKey(blob);
  if (keyCache.size >= KEY_CACHE_LIMIT) keyCache.clear();
  keyCache.set(id, decoded);
  return decoded;
}

function b64url(b: Buffer): string {
  return b.toString('base64url');
}

function decodeKey(blob: Buffer): DecodedKey {
  const r = new WireReader(blob, 'the SSH public key');
  const type = r.text();
  try {
    switch (type) {
      case 'ssh-ed25519':
      case 'sk-ssh-ed25519@openssh.com': {
        const pk = r.string();
        if (pk.length !== 32) throw inputError(`the ${type} public key has ${pk.length} bytes, expected 32`);
        const application = type === 'ssh-ed25519' ? undefined : r.string();
        r.end();
        const key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: b64url(pk) }, format: 'jwk' });
        return { type, key, ...(application ? { application } : {}) };
      }
      case 'ecdsa-sha2-nistp256':
      case 'ecdsa-sha2-nistp384':
      case 'ecdsa-sha2-nistp521':
      case 'sk-ecdsa-sha2-nistp256@openssh.com': {
        const curveName = r.text();
        const expected = type.startsWith('sk-') ? 'nistp256' : type.slice('ecdsa-sha2-'.length);
        if (curveName !== expected) throw inputError(`the ${type} public key names curve ${curveName}`);
        const curve = EC_CURVES[curveName];
        const q = r.string();
        if (q.length !== 1 + 2 * curve.bytes || q[0] !== 0x04)
          throw inputError(`the ${type} public key point is not an uncompressed ${curve.crv} point`);
        const application = type.startsWith('sk-') ? r.string() : undefined;
        r.end();
        const x = q.subarray(1, 1 + curve.bytes);
        const y = q.subarray(1 + curve.bytes);
        // createPublicKey checks that the point is on the curve.
        const key = createPublicKey({ key: { kty: 'EC', crv: curve.crv, x: b64url(x), y: b64url(y) }, format: 'jwk' });
        return { type, key, fieldBytes: curve.bytes, ecHash: curve.hash, ...(application ? { application } : {}) };
      }
      case 'ssh-rsa': {
        const e = r.mpint();
        const n = r.mpint();
        r.end();
        const bits = n.length * 8 - (n.length ? Math.clz32(n[0]) - 24 : 0);
        if (bits < RSA_MIN_BITS)
          throw inputError(`the ssh-rsa public key is ${bits} bits; at least ${RSA_MIN_BITS} are required`);
        const key = createPublicKey({ key: { kty: 'RSA', n: b64url(n), e: b64url(e) }, format: 'jwk' });
        return { type, key };
      }
      default:
        throw inputError(`unsupported SSH key type ${type} (supported: ${SUPPORTED_KEY_TYPES.join(', ')})`);
    }
  } catch (e) {
    if (CountersignError.is(e)) throw e;
    throw inputError(`the ${type} public key is invalid: ${(e as Error).message}`);
  }
}

// ---- verification -------------------------------------------------------------------------------------

/**
 * Verifies an armored SSHSIG over `message` for `publicKey` (an OpenSSH public key line, or one already
 * parsed). Checks, in order: the armor and blob parse, the namespace, that the key embedded in the signature
 * is exactly `publicKey` (blob equality, not just type), the signature algorithm matches the key, and the
 * signature itself. Never throws for a bad signature: the reason says what failed.
 */
export function verifySshSignature(opts: {
  message: Buffer;
  signature: string;
  publicKey: string | SshPublicKey;
  namespace: string;
}): SshsigVerifyResult {
  let expected: SshPublicKey;
  let sig: SshSignature;
  try {
    expected = typeof opts.publicKey === 'string' ? parseSshPublicKey(opts.publicKey) : opts.publicKey;
  } catch (e) {
    return { ok: false, reason: `the expected public key is unusable: ${(e as Error).message}` };
  }
  try {
    sig = parseSshSignature(opts.signature);
  } catch (e) {
    return { ok: false, reason: (e as Error).message };
  }
  if (sig.namespace !== opts.namespace) {
    return { ok: false, reason: `the signature is for namespace "${sig.namespace}", not "${opts.namespace}"` };
  }
  if (!sig.publicKey.equals(expected.blob)) {
    return {
      ok: false,
      reason: `the signature was made by key ${safeFingerprint(sig.publicKey)}, not by ${expected.fingerprint}`,
    };
  }
  try {
    const decoded = keyObjectFor(expected.blob);
    const signed = sshsigSignedData(sig.namespace, sig.reserved, sig.hashAlgorithm, opts.message);
    const reason = checkInnerSignature(decoded, sig.signature, signed);
    if (reason) return { ok: false, reason };
    return { ok: true, fingerprint: expected.fingerprint, keyType: decoded.type };
  } catch (e) {
    return { ok: false, reason: (e as Error).message };
  }
}

function safeFingerprint(blob: Buffer): string {
  return blob.length ? sshFingerprint(blob) : '(empty key)';
}

/** Returns undefined when the signature is valid, otherwise why not. */
function checkInnerSignature(k: DecodedKey, sigBlob: Buffer, data: Buffer): string | undefined {
  const r = new WireReader(sigBlob, 'the inner signature');
  const sigType = r.text();
  switch (k.type) {
    case 'ssh-ed25519': {
      if (sigType !== 'ssh-ed25519') return `an ${k.type} key cannot make a ${sigType} signature`;
      const s = r.string();
      r.end();
      if (s.length !== 64) return 'the ed25519 signature is not 64 bytes';
      return cryptoVerify(null, data, k.key, s) ? undefined : 'the signature does not match the statement';
    }
    case 'ecdsa-sha2-nistp256':
    case 'ecdsa-sha2-nistp384':
    case 'ecdsa-sha2-nistp521': {
      if (sigType !== k.type) return `an ${k.type} key cannot make a ${sigType} signature`;
      const p1363 = ecdsaP1363(r.string(), k.fieldBytes ?? 0);
      r.end();
      if (!p1363) return 'the ECDSA signature is malformed';
      return cryptoVerify(k.ecHash ?? 'sha256', data, { key: k.key, dsaEncoding: 'ieee-p1363' }, p1363)
        ? undefined
        : 'the signature does not match the statement';
    }
    case 'ssh-rsa': {
      // SSHSIG forbids SHA-1: OpenSSH's sshsig.c accepts only rsa-sha2-256/512 here.
      if (sigType === 'ssh-rsa')
        return 'the RSA signature uses SHA-1 (ssh-rsa), which SSHSIG does not accept; sign with rsa-sha2-512';
      const hash = sigType === 'rsa-sha2-256' ? 'sha256' : sigType === 'rsa-sha2-512' ? 'sha512' : undefined;
      if (!hash) return `an ssh-rsa key cannot make a ${sigType} signature`;
      let s = r.string();
      r.end();
      const modBytes = Math.ceil((k.key.asymmetricKeyDetails?.modulusLength ?? 0) / 8);
      if (s.length > modBytes) return 'the RSA signature is longer than the key modulus';
      // OpenSSH left-pads short signatures (a leading zero byte may have been dropped by the signer).
      if (s.length < modBytes) s = Buffer.concat([Buffer.alloc(modBytes - s.length), s]);
      return cryptoVerify(hash, data, k.key, s) ? undefined : 'the signature does not match the statement';
    }
    case 'sk-ssh-ed25519@openssh.com':
    case 'sk-ecdsa-sha2-nistp256@openssh.com': {
      if (sigType !== k.type) return `an ${k.type} key cannot make a ${sigType} signature`;
      const inner = r.string();
      const flags = r.u8();
      const counter = r.u32();
      r.end();
      if ((flags & SK_USER_PRESENT) === 0) return 'the security-key signature was made without user presence (touch)';
      // The authenticator signs sha256(application) || flags || counter || sha256(data) (OpenSSH PROTOCOL.u2f).
      const counterBytes = Buffer.alloc(4);
      counterBytes.writeUInt32BE(counter, 0);
      const signed = Buffer.concat([
        createHash('sha256')
          .update(k.application ?? Buffer.alloc(0))
          .digest(),
        Buffer.from([flags]),
        counterBytes,
        createHash('sha256').update(data).digest(),
      ]);
      if (k.type === 'sk-ssh-ed25519@openssh.com') {
        if (inner.length !== 64) return 'the ed25519 signature is not 64 bytes';
        return cryptoVerify(null, signed, k.key, inner) ? undefined : 'the signature does not match the statement';
      }
      const p1363 = ecdsaP1363(inner, 32);
      if (!p1363) return 'the ECDSA signature is malformed';
      return cryptoVerify('sha256', signed, { key: k.key, dsaEncoding: 'ieee-p1363' }, p1363)
        ? undefined
        : 'the signature does not match the statement';
    }
  }
}

/** SSH encodes an ECDSA signature as mpint r, mpint s; Node takes r || s, each padded to the field size. */
function ecdsaP1363(blob: Buffer, fieldBytes: number): Buffer | undefined {
  const r = new WireReader(blob, 'the ECDSA signature');
  const rr = r.mpint();
  const ss = r.mpint();
  r.end();
  if (rr.length === 0 || ss.length === 0 || rr.length > fieldBytes || ss.length > fieldBytes) return undefined;
  const out = Buffer.alloc(2 * fieldBytes);
  rr.copy(out, fieldBytes - rr.length);
  ss.copy(out, 2 * fieldBytes - ss.length);
  return out;
}
