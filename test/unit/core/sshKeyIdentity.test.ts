import * as assert from 'assert';
import * as fs from 'fs';
import { countApprovals, type CheckedStatement } from '../../../src/core/approvalDecision';
import { checkPolicy } from '../../../src/core/policy';
import { keyIdentity, publicKeyProblem } from '../../../src/core/sshKeyIdentity';
import { parseSshPublicKey } from '../../../src/core/sshsig';
import { makeKey, publicBlobOf, samekeyOtherText, sshStr, tempDir } from '../helpers/sshKeys';

/**
 * attack17 Q2: one key, several spellings. A key is its bytes (sshKeyIdentity.ts), accepted only as ssh-keygen
 * writes it, and one key is one person when approvals are counted.
 */
describe('SSH key identity: one key, one spelling, one person (attack17 Q2)', function () {
  this.timeout(60_000);
  let ecdsa: string;
  let rsa: string;
  let ed: string;
  before(() => {
    const dir = tempDir();
    ecdsa = makeKey(dir, 'ec', ['-t', 'ecdsa']).publicLine;
    rsa = makeKey(dir, 'rsa', ['-t', 'rsa', '-b', '2048']).publicLine;
    ed = makeKey(dir, 'ed', ['-t', 'ed25519']).publicLine;
    fs.rmSync(dir, { recursive: true, force: true });
  });
  const line = (type: string, blob: Buffer) => `${type} ${blob.toString('base64')} x`;

  it('keys as ssh-keygen writes them are accepted, and identity is the ssh-keygen fingerprint of their bytes', () => {
    for (const k of [ecdsa, rsa, ed]) {
      assert.strictEqual(publicKeyProblem(k), undefined, k);
      assert.strictEqual(keyIdentity(k), parseSshPublicKey(k).fingerprint);
    }
  });

  it('refuses base64 with non-zero padding bits, naming the fix; the identity is still the same key', () => {
    const other = samekeyOtherText(ecdsa);
    assert.strictEqual(keyIdentity(other), keyIdentity(ecdsa));
    assert.match(
      publicKeyProblem(other) ?? '',
      /not written the way ssh-keygen writes it.*padding bits.*ssh-keygen -y -f/,
    );
    assert.throws(() => parseSshPublicKey(other), /padding bits/);
    const unpadded = ecdsa.replace(/=+ /, ' ');
    assert.match(publicKeyProblem(unpadded) ?? '', /not written the way ssh-keygen writes it/);
  });

  it('refuses trailing bytes after any key type', () => {
    for (const k of [ecdsa, rsa, ed]) {
      const [type] = k.split(' ');
      const longer = line(type, Buffer.concat([publicBlobOf(k), Buffer.from([0])]));
      assert.match(publicKeyProblem(longer) ?? '', /1 byte\(s\) after the key/, type);
      assert.throws(() => parseSshPublicKey(longer), /after the key/);
    }
  });

  it('refuses an RSA key whose integers carry leading zero bytes (one key, two blobs)', () => {
    const blob = publicBlobOf(rsa);
    const e = blob.subarray(4 + 7 + 4, 4 + 7 + 4 + blob.readUInt32BE(4 + 7));
    const rest = blob.subarray(4 + 7 + 4 + e.length);
    const padded = Buffer.concat([sshStr('ssh-rsa'), sshStr(Buffer.concat([Buffer.alloc(2), e])), rest]);
    assert.match(publicKeyProblem(line('ssh-rsa', padded)) ?? '', /RSA exponent has leading zero bytes/);
    assert.throws(() => parseSshPublicKey(line('ssh-rsa', padded)), /leading zero/);
  });

  it('the policy refuses the same key under two spellings, whichever it meets', () => {
    const policy = (keys: string[]) =>
      JSON.stringify({
        protectedBranches: ['main'],
        reviewers: keys.map((key, i) => ({ name: `R${i}`, email: `r${i}@example.com`, key })),
      });
    const twice = checkPolicy(policy([ecdsa, samekeyOtherText(ecdsa)]), '.countersign.json');
    assert.strictEqual(twice.policy, undefined);
    assert.deepStrictEqual(new Set(twice.problems.map((p) => p.path)), new Set(['reviewers[1].key']));
    const said = twice.problems.map((p) => p.message).join('\n');
    assert.match(said, /not written the way ssh-keygen writes it/);
    assert.match(said, /the same key as reviewers\[0\] \(SHA256:/);
    const comment = checkPolicy(policy([ecdsa, ecdsa.replace(/ \S+$/, ' other-comment')]), '.countersign.json');
    assert.match(comment.problems.map((p) => p.message).join('\n'), /the same key as reviewers\[0\] \(SHA256:/);
    // newuser22 F-dupkey-fix: the fix addresses the duplicate, not the key's syntax.
    const dupe = comment.problems.find((p) => /the same key as/.test(p.message));
    assert.match(
      dupe?.fix ?? '',
      /their own key .*or, if reviewers\[0\] and reviewers\[1\] are one person, keep one entry/,
    );
    assert.doesNotMatch(dupe?.fix ?? '', /write it like/);
  });

  it('approvals by one key under two listed addresses count once, and its author under either address is self', () => {
    const statement = (email: string, key: string): CheckedStatement => ({
      signed: {
        statement: {
          v: 1,
          decision: 'approve',
          reviewer: { email },
          tip: 'a'.repeat(40),
          tree: 'a'.repeat(40),
          base: 'b'.repeat(40),
          patchId: 'c'.repeat(40),
          time: '2026-11-30T10:00:00Z',
        },
        signature: '',
      },
      reviewer: { name: email, email, key },
      fingerprint: keyIdentity(key) ?? '',
    });
    const dev = { author: { email: 'dev@example.com' }, committer: { email: 'dev@example.com' } };
    const covering = [
      { statement: statement('al@example.com', ecdsa), via: 'exact' as const },
      { statement: statement('al.two@example.com', samekeyOtherText(ecdsa)), via: 'exact' as const },
      { statement: statement('bob@example.com', ed), via: 'exact' as const },
    ];
    const r = countApprovals(dev, covering);
    assert.strictEqual(r.approvals.length, 2, 'one key under two addresses counted twice');
    assert.ok(r.approvals.some((a) => a.reviewer.email === 'bob@example.com'));
    const byAl = { author: { email: 'al@example.com' }, committer: { email: 'al@example.com' } };
    const own = countApprovals(byAl, covering);
    assert.deepStrictEqual(
      own.approvals.map((a) => a.reviewer.email),
      ['bob@example.com'],
      "Al's second address approved Al's own commit",
    );
  });
});
