import * as assert from 'assert';
import { execFileSync } from 'child_process';
import { generateKeyPairSync, sign as cryptoSign } from 'crypto';
import * as fs from 'fs';
import { CountersignError } from '../../../src/core/errors';
import { parseSshPublicKey, parseSshSignature, REVIEW_NAMESPACE, verifySshSignature } from '../../../src/core/sshsig';
import {
  armor,
  buildSshsig,
  sshMpint,
  sshStr,
  KEY_SPECS,
  makeKey,
  makeSkKey,
  publicBlobOf,
  rsaSshsig,
  sshKeygenSign,
  sshKeygenVerify,
  tempDir,
  type TestKey,
} from '../helpers/sshKeys';

/**
 * Native SSHSIG verification, cross-checked against `ssh-keygen -Y verify` on the same inputs: for every
 * case both verifiers must give the same answer, and the attack cases must be rejected by both.
 */
describe('sshsig: native verification agrees with ssh-keygen -Y verify', function () {
  this.timeout(60_000);
  let dir: string;
  const keys = new Map<string, TestKey>();
  let other: TestKey;
  const message = Buffer.from('{"decision":"approve","tip":"0123"}');

  before(() => {
    dir = tempDir();
    for (const spec of KEY_SPECS) keys.set(spec.name, makeKey(dir, spec.name, spec.args));
    other = makeKey(dir, 'other', ['-t', 'ed25519']);
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  function native(publicLine: string, msg: Buffer, sig: string, namespace = REVIEW_NAMESPACE) {
    return verifySshSignature({ message: msg, signature: sig, publicKey: publicLine, namespace });
  }

  /** Asserts both verifiers give `expected`; returns the native result for further checks. */
  function both(publicLine: string, msg: Buffer, sig: string, expected: boolean) {
    const n = native(publicLine, msg, sig);
    const k = sshKeygenVerify(publicLine, msg, sig);
    assert.strictEqual(k, expected, `ssh-keygen -Y verify said ${k}`);
    assert.strictEqual(n.ok, expected, `native verify said ${JSON.stringify(n)}`);
    return n;
  }

  for (const spec of KEY_SPECS) {
    for (const hashalg of ['sha512', 'sha256'] as const) {
      it(`${spec.name}, message hash ${hashalg}: a genuine ssh-keygen signature verifies`, () => {
        const key = keys.get(spec.name)!;
        const sig = sshKeygenSign(key.privateFile, message, { hashalg });
        assert.strictEqual(parseSshSignature(sig).hashAlgorithm, hashalg);
        const r = both(key.publicLine, message, sig, true);
        assert.ok(r.ok);
        assert.strictEqual(r.fingerprint, parseSshPublicKey(key.publicLine).fingerprint);
      });
    }

    it(`${spec.name}: attacks are rejected by both`, () => {
      const key = keys.get(spec.name)!;
      const sig = sshKeygenSign(key.privateFile, message);
      // One changed byte in the statement.
      const tampered = Buffer.from(message);
      tampered[5] ^= 0x01;
      assert.match(String((both(key.publicLine, tampered, sig, false) as { reason: string }).reason), /does not match/);
      // A signature by another key, presented for this reviewer.
      const byOther = sshKeygenSign(other.privateFile, message);
      assert.match(String((both(key.publicLine, message, byOther, false) as { reason: string }).reason), /made by key/);
      // The right key, the wrong namespace (e.g. a git commit signature, namespace "git").
      const wrongNs = sshKeygenSign(key.privateFile, message, { namespace: 'git' });
      assert.match(
        String((both(key.publicLine, message, wrongNs, false) as { reason: string }).reason),
        /namespace "git"/,
      );
      // A genuine signature of a different statement, replayed.
      const replayed = sshKeygenSign(key.privateFile, Buffer.from('{"decision":"approve","tip":"4567"}'));
      both(key.publicLine, message, replayed, false);
    });
  }

  it('ecdsa signatures whose r or s is shorter than the field still verify (mpint → fixed-width conversion)', () => {
    // About 1 in 128 ECDSA signatures has an r or s with a leading zero byte, which SSH's mpint drops. Make
    // P-256 signatures in Node until one is short, then let both verifiers judge it.
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const jwk = publicKey.export({ format: 'jwk' });
    const point = Buffer.concat([Buffer.from([4]), Buffer.from(jwk.x!, 'base64url'), Buffer.from(jwk.y!, 'base64url')]);
    const blob = Buffer.concat([sshStr('ecdsa-sha2-nistp256'), sshStr('nistp256'), sshStr(point)]);
    const line = `ecdsa-sha2-nistp256 ${blob.toString('base64')}`;
    let found = 0;
    for (let i = 0; i < 20_000 && found < 3; i++) {
      let short = false;
      const msg = Buffer.from(`statement ${i}`);
      const sig = buildSshsig({
        publicBlob: blob,
        namespace: REVIEW_NAMESPACE,
        hashalg: 'sha512',
        message: msg,
        innerSign: (data) => {
          const p = cryptoSign('sha256', data, { key: privateKey, dsaEncoding: 'ieee-p1363' });
          short = p[0] === 0 || p[32] === 0;
          return Buffer.concat([
            sshStr('ecdsa-sha2-nistp256'),
            sshStr(Buffer.concat([sshMpint(p.subarray(0, 32)), sshMpint(p.subarray(32))])),
          ]);
        },
      });
      if (!short) continue;
      found++;
      both(line, msg, sig, true);
    }
    assert.strictEqual(found, 3);
  });

  it('rsa: rsa-sha2-256 and rsa-sha2-512 verify; legacy SHA-1 ssh-rsa signatures are refused by both', () => {
    const key = keys.get('rsa')!;
    both(key.publicLine, message, rsaSshsig(key, message, 'rsa-sha2-256'), true);
    both(key.publicLine, message, rsaSshsig(key, message, 'rsa-sha2-512'), true);
    const sha1 = both(key.publicLine, message, rsaSshsig(key, message, 'ssh-rsa'), false);
    assert.match(String((sha1 as { reason: string }).reason), /SHA-1/);
    both(key.publicLine, Buffer.from('other'), rsaSshsig(key, message, 'rsa-sha2-256'), false);
  });

  for (const type of ['sk-ssh-ed25519@openssh.com', 'sk-ecdsa-sha2-nistp256@openssh.com'] as const) {
    it(`${type} (security keys): verifies with user presence, tamper rejected like ssh-keygen; refused without a touch`, () => {
      const sk = makeSkKey(type);
      both(sk.publicLine, message, sk.sign(message), true);
      // Stricter than ssh-keygen on purpose: `ssh-keygen -Y verify` accepts a signature made without a touch
      // (allowed_signers has no verify-required here); an approval should involve the reviewer's finger.
      const untouched = sk.sign(message, { flags: 0x00 });
      assert.strictEqual(sshKeygenVerify(sk.publicLine, message, untouched), true);
      const noTouch = native(sk.publicLine, message, untouched);
      assert.ok(!noTouch.ok && /user presence/.test(noTouch.reason), JSON.stringify(noTouch));
      both(sk.publicLine, Buffer.from('x'), sk.sign(message), false);
      both(sk.publicLine, message, sk.sign(message, { namespace: 'file' }), false);
    });
  }

  it("an embedded key swapped for the expected one does not make another key's signature valid", () => {
    const victim = keys.get('ed25519')!;
    const sig = parseSshSignature(sshKeygenSign(other.privateFile, message));
    // Re-wrap other's inner signature with the victim's public key in the envelope.
    const forged = buildSshsig({
      publicBlob: publicBlobOf(victim.publicLine),
      namespace: REVIEW_NAMESPACE,
      hashalg: 'sha512',
      message,
      innerSign: () => sig.signature,
    });
    both(victim.publicLine, message, forged, false);
  });

  it('a signature whose key type differs from the signature algorithm is refused', () => {
    const ed = keys.get('ed25519')!;
    const ec = keys.get('ecdsa-p256')!;
    const ecSig = parseSshSignature(sshKeygenSign(ec.privateFile, message));
    const mixed = buildSshsig({
      publicBlob: publicBlobOf(ed.publicLine),
      namespace: REVIEW_NAMESPACE,
      hashalg: 'sha512',
      message,
      innerSign: () => ecSig.signature,
    });
    const r = both(ed.publicLine, message, mixed, false);
    assert.match(String((r as { reason: string }).reason), /cannot make/);
  });

  it('garbage, truncated and trailing-data signatures are refused with a reason, never thrown', () => {
    const key = keys.get('ed25519')!;
    const good = sshKeygenSign(key.privateFile, message);
    const blob = Buffer.from(good.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64');
    const cases = [
      'not a signature',
      armor(blob.subarray(0, blob.length - 10)),
      armor(Buffer.concat([blob, Buffer.from([0])])),
      armor(Buffer.concat([Buffer.from('SSHSIG'), Buffer.from([0, 0, 0, 2]), blob.subarray(10)])),
      good.replace('-----END SSH SIGNATURE-----', ''),
    ];
    for (const c of cases) {
      const n = native(key.publicLine, message, c);
      assert.strictEqual(n.ok, false, c);
      assert.strictEqual(sshKeygenVerify(key.publicLine, message, c), false, c);
    }
  });
});

describe('sshsig: public keys', () => {
  let dir: string;
  before(() => {
    dir = tempDir();
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('computes SHA256 fingerprints exactly like ssh-keygen -l, for every default key type', () => {
    for (const spec of KEY_SPECS) {
      const key = makeKey(dir, spec.name, spec.args, 'Ada Reviewer <ada@example.com>');
      const expected = execFileSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', key.publicFile], {
        encoding: 'utf8',
      }).split(' ')[1];
      const parsed = parseSshPublicKey(key.publicLine);
      assert.strictEqual(parsed.fingerprint, expected);
      assert.strictEqual(parsed.comment, 'Ada Reviewer <ada@example.com>');
    }
  });

  it('reads authorized_keys lines with options and allowed_signers lines with a principal', () => {
    const key = makeKey(dir, 'opt', ['-t', 'ed25519']);
    const [type, b64] = key.publicLine.split(' ');
    const a = parseSshPublicKey(`no-pty,command="echo hi" ${type} ${b64} laptop`);
    const b = parseSshPublicKey(`ada@example.com namespaces="countersign-review" ${type} ${b64}`);
    assert.ok(a.blob.equals(b.blob));
    assert.strictEqual(a.comment, 'laptop');
    assert.strictEqual(b.comment, undefined);
  });

  it('refuses unsupported or malformed keys with a CountersignError naming the problem', () => {
    const bad = (line: string, re: RegExp) =>
      assert.throws(
        () => parseSshPublicKey(line),
        (e: unknown) => CountersignError.is(e, 'input') && re.test((e as Error).message),
      );
    bad('ssh-dss AAAAB3NzaC1kc3MAAACBAP', /unsupported SSH key type ssh-dss/);
    bad('hello world', /not an OpenSSH public key/);
    const key = makeKey(dir, 'mismatch', ['-t', 'ed25519']);
    bad(
      `ecdsa-sha2-nistp256 ${key.publicLine.split(' ')[1]}`,
      /says ecdsa-sha2-nistp256 but its data is a ssh-ed25519 key/,
    );
    bad('ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIA==', /truncated|expected 32/);
  });

  it('refuses RSA keys below 1024 bits, as OpenSSH does', () => {
    // Build a 768-bit ssh-rsa blob by hand (ssh-keygen refuses to make one).
    const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 768 });
    const jwk = publicKey.export({ format: 'jwk' });
    const blob = Buffer.concat([
      sshStr('ssh-rsa'),
      sshMpint(Buffer.from(jwk.e!, 'base64url')),
      sshMpint(Buffer.from(jwk.n!, 'base64url')),
    ]);
    assert.throws(() => parseSshPublicKey(`ssh-rsa ${blob.toString('base64')}`), /768 bits; at least 1024/);
  });
});
