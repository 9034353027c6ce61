/**
 * Reading what a clone has, never fetching what it lacks (issue 12: snapshots and partial clones are normal).
 * In a blobless partial clone git fetches a missing blob from the promisor remote the moment a command reads
 * it — one fetch per blob, over the network, from a command that only meant to report. Git 2.44 and later
 * turn that off with GIT_NO_LAZY_FETCH=1 (the object then reads as missing); older git (Debian's 2.39) has no
 * such switch, so GIT_ALLOW_PROTOCOL=none makes any lazy fetch fail at once instead of reaching a remote.
 * Callers that read from a partial clone ask only for objects `git rev-list --missing=print` found present.
 */
export function noLazyFetchEnv(): Record<string, string> {
  return { GIT_NO_LAZY_FETCH: '1', GIT_ALLOW_PROTOCOL: 'none' };
}
