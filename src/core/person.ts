/**
 * "Is this the same person": the one rule every two-person check uses (the gate, approve's preflight, the
 * panel, the policy's duplicate-reviewer check). Emails compare after Unicode NFC, trimming and lower case, so
 * a reviewer cannot be listed twice, or approve their own commit, under a differently spelled address.
 */
export function personKey(email: string): string {
  return email.normalize('NFC').trim().toLowerCase();
}

export function samePerson(a: string | undefined, b: string | undefined): boolean {
  return a !== undefined && b !== undefined && a.trim() !== '' && personKey(a) === personKey(b);
}
