import { createHash } from 'crypto';
import { CountersignError } from './errors';
import { SUPPORTED_KEY_TYPES, isSupportedKeyType, type SshKeyType } from './sshKeyTypes';
import { WireReader } from './sshWire';

/**
 * "Is this the same key": the one rule the policy's duplicate-key check, `policy add-reviewer`, signature
 * matching (approvalRules.ReviewerKeys) and approval counting (approvalDecision.countApprovals) use. A key is
 * its decoded wire-format bytes, named by their SHA256 fingerprint (as `ssh-keygen -l` prints it), never by the
 * text that spelled them: base64 ignores the low bits of the character before `=`, so one key has several
 * spellings, and one insider listed twice under two spellings gave the two approvals of a tier alone
 * (attack17 Q2).
 *
 * To keep text and bytes one-to-one, a key is also accepted only as ssh-keygen writes it: canonical base64
 * (padding bits zero, padding present), no bytes after the key's fields, and RSA integers without leading
 * zeros (`00 00 01 00 01` and `01 00 01` are one exponent, so two blobs — and a hand-made SSHSIG can embed
 * either — would be one key).
 */

/** `SHA256:…` exactly as `ssh-keygen -l` prints it, for a key's wire-format bytes. */
export function sshFingerprint(blob: Buffer): string {
  return 'SHA256:' + createHash('sha256').update(blob).digest('base64').replace(/=+$/, '');
}

/**
 * The identity of the key on an OpenSSH public key line (`TYPE BASE64 [COMMENT]`): the fingerprint of its
 * decoded bytes, or undefined when the line holds no base64 key data.
 */
export function keyIdentity(line: string): string | undefined {
  if (identities.has(line)) return identities.get(line);
  const b64 = line.trim().split(/\s+/)[1];
  const identity = !b64 || !/^[A-Za-z0-9+/]+=*$/.test(b64) ? undefined : sshFingerprint(Buffer.from(b64, 'base64'));
  if (identities.size >= MAX_IDENTITIES) identities.clear();
  identities.set(line, identity);
  return identity;
}

/**
 * Answers per key line: the gate counts approvals per person once per commit (approvalDecision.countApprovals),
 * and hashed the same few reviewer keys again each time (10,000 commits: 10,000 SHA-256s of one key). Bounded: a
 * policy of many keys only refills it.
 */
const identities = new Map<string, string | undefined>();
const MAX_IDENTITIES = 4096;

const RECOPY = 'copy the key again from the .pub file, or print it with `ssh-keygen -y -f PRIVATE_KEY_FILE`';

/** Why an OpenSSH public key line is unusable, or undefined when it looks right (type, base64 blob agreeing with it). */
export function publicKeyProblem(line: string): string | undefined {
  const words = line.trim().split(/\s+/);
  const [type, blob] = words;
  if (!type || !blob) return 'expected an OpenSSH public key line: "<type> <base64> [comment]"';
  if (!isSupportedKeyType(type)) {
    if (/PRIVATE KEY/.test(line)) return 'this is a PRIVATE key: use the .pub file';
    return `unsupported key type '${type}' (expected one of ${SUPPORTED_KEY_TYPES.join(', ')})`;
  }
  return keyDataProblem(type, blob);
}

/**
 * Why the base64 key data `b64` of a `type` key is unusable or not written as ssh-keygen writes it, or
 * undefined. Structure only (field lengths, the key type inside, canonical encodings); whether an ECDSA point
 * is on its curve is for the crypto that verifies with it (sshsig.ts).
 */
export function keyDataProblem(type: SshKeyType, b64: string): string | undefined {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(b64)) return 'the key data is not base64';
  const bytes = Buffer.from(b64, 'base64');
  if (bytes.toString('base64') !== b64)
    return `the key data is not written the way ssh-keygen writes it (its base64 ${b64.endsWith('=') ? 'has non-zero padding bits' : 'lacks its = padding or has stray bits'}, so other text could spell the same key): ${RECOPY}`;
  // The structure check wants a reason, not a throw: a truncation is the reader's own "the key data is truncated".
  try {
    const r = new WireReader(bytes, 'the key data');
    const inner = r.string();
    const named = inner.toString('latin1');
    // Only a real key type is worth quoting; the bytes of a truncated or mistyped blob printed as text are
    // garbage on the terminal (newuser14 S14).
    if (named !== type)
      return isSupportedKeyType(named)
        ? `the key data says '${named}' but the line says '${type}'`
        : `the key data is not a valid ${type} public key (truncated, mistyped, or not a key): ${RECOPY}`;
    const fields = fieldsProblem(type, r);
    if (fields) return `${fields}: ${RECOPY}`;
    if (r.remaining > 0)
      return `the key data is not written the way ssh-keygen writes it (${r.remaining} byte(s) after the key): ${RECOPY}`;
    return undefined;
  } catch (e) {
    if (CountersignError.is(e, 'input')) return e.message;
    throw e;
  }
}

function fieldsProblem(type: SshKeyType, r: WireReader): string | undefined {
  switch (type) {
    case 'ssh-ed25519':
    case 'sk-ssh-ed25519@openssh.com': {
      const pk = r.string();
      if (pk.length !== 32) return `the ${type} key has ${pk.length} bytes, expected 32`;
      if (type !== 'ssh-ed25519') r.string();
      return undefined;
    }
    case 'ssh-rsa': {
      for (const what of ['exponent', 'modulus']) {
        const problem = mpintProblem(r.string());
        if (problem) return `the key data is not written the way ssh-keygen writes it (its RSA ${what} ${problem})`;
      }
      return undefined;
    }
    default: {
      // ECDSA and sk-ECDSA: curve name, uncompressed point (fixed length, so one spelling), sk: application.
      r.string();
      r.string();
      if (type.startsWith('sk-')) r.string();
      return undefined;
    }
  }
}

/** RFC 4251 §5: an mpint is positive here, with no leading zero byte unless the next byte's top bit is set. */
function mpintProblem(m: Buffer): string | undefined {
  if (m.length === 0) return 'is zero';
  if ((m[0] & 0x80) !== 0) return 'is negative';
  if (m[0] === 0 && (m.length === 1 || (m[1] & 0x80) === 0)) return 'has leading zero bytes';
  return undefined;
}
