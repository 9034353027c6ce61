import * as assert from 'assert';
import { keyDataProblem, publicKeyProblem } from '../../../src/core/sshKeyIdentity';

/**
 * newuser14 S14: a truncated key ("ssh-ed25519 AAAAnotakey") was reported as "the key data says '\u008bZ\u0091ì'
 * but the line says 'ssh-ed25519'": bytes of a broken blob printed as text.
 */
describe('a malformed key is described, not echoed (newuser14 S14)', () => {
  it('says the key data is not a valid key of its type, with no raw bytes', () => {
    // A blob whose first field is bytes, not a type name (what a mistyped key decodes to).
    const blob = Buffer.concat([Buffer.from([0, 0, 0, 4]), Buffer.from([0x8b, 0x5a, 0x91, 0xec]), Buffer.alloc(2)]);
    const why = publicKeyProblem(`ssh-ed25519 ${blob.toString('base64')}`) ?? '';
    assert.match(why, /the key data is not a valid ssh-ed25519 public key/);
    assert.doesNotMatch(why, /[^\x20-\x7e]/, why);
  });

  it('still names a real key type found inside another line', () => {
    const rsaInside = Buffer.concat([Buffer.from([0, 0, 0, 7]), Buffer.from('ssh-rsa'), Buffer.alloc(2)]);
    const why = keyDataProblem('ssh-ed25519', rsaInside.toString('base64')) ?? '';
    assert.match(why, /the key data says 'ssh-rsa' but the line says 'ssh-ed25519'/);
  });
});
