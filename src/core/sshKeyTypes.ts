/**
 * The OpenSSH public key types Countersign verifies natively (src/core/sshsig.ts) and therefore accepts in a
 * policy's reviewer list: one list, so the policy never admits a key the gate cannot check.
 */
export const SUPPORTED_KEY_TYPES = [
  'ssh-ed25519',
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521',
  'ssh-rsa',
  'sk-ssh-ed25519@openssh.com',
  'sk-ecdsa-sha2-nistp256@openssh.com',
] as const;
export type SshKeyType = (typeof SUPPORTED_KEY_TYPES)[number];

export function isSupportedKeyType(t: string): t is SshKeyType {
  return (SUPPORTED_KEY_TYPES as readonly string[]).includes(t);
}
