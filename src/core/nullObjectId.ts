/**
 * git's null object id: all zeros, in either hash's length (40 for SHA-1, 64 for SHA-256), and git blame's
 * uncommitted lines. It stands for "no object" — a ref created or deleted, a file added or removed, a line not
 * committed yet — never for an object. One test for every git output and hook input that may carry it.
 */
export function isNullObjectId(oid: string): boolean {
  return /^0+$/.test(oid);
}
