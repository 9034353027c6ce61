import { createHash } from 'crypto';

/**
 * Config that `install` adds (and `uninstall` removes again, value by value):
 * - `notes.rewriteRef = refs/notes/ai`: amend and rebase copy provenance notes to the rewritten commits.
 * - `notes.rewriteMode = ignore`: when the rewritten commit already has a note — the one prepare-commit-msg
 *   computed for it, which already includes the old commit's lines — git keeps it instead of concatenating
 *   the old one onto it (git's default, `concatenate`, would glue two authorship logs into one unreadable
 *   note; `overwrite` would throw away the lines the amend added). Where the new commit has no note the old
 *   one is still copied, and post-rewrite re-maps it by content.
 * - per remote, fetch refspecs that bring the remote's refs/notes/ai and refs/notes/countersign into
 *   `refs/countersign/remotes/<remote>/…` — never straight into refs/notes/, which a forced fetch would
 *   clobber; the reference-transaction hook then merges them into the local notes. Globs (`ai*`), so a remote
 *   without notes yet is not an error. Pushing is done by the pre-push hook, not `remote.<name>.push`: any push
 *   refspec would replace what a plain `git push` pushes.
 */
export const AI_NOTES_REF = 'refs/notes/ai';
export const REVIEW_NOTES_REF = 'refs/notes/countersign';

export const SHARED_NOTES = [
  { ref: AI_NOTES_REF, name: 'ai' },
  { ref: REVIEW_NOTES_REF, name: 'countersign' },
] as const;

/** Where fetched notes land, outside refs/notes/ so that no `refs/notes/*` push refspec ever sends them back. */
export const TRACKING_PREFIX = 'refs/countersign/remotes/';

/** A ref-name-safe stand-in for a remote given as a URL (pre-push passes the URL when there is no remote name). */
export function remoteKey(remote: string): string {
  return /^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(remote) && !remote.includes('..') && !remote.endsWith('.lock')
    ? remote
    : `url-${createHash('sha256').update(remote).digest('hex').slice(0, 12)}`;
}

/** Where `remote`'s copy of one shared notes ref is fetched to (one name per remote, whether named or a URL). */
export function trackingRef(remote: string, notesRef: (typeof SHARED_NOTES)[number]['ref']): string {
  const name = SHARED_NOTES.find((n) => n.ref === notesRef)!.name;
  return `${TRACKING_PREFIX}${remoteKey(remote)}/${name}`;
}

/**
 * The shared notes ref a fetched tracking ref mirrors: only `refs/countersign/remotes/<remote>/ai` and
 * `…/countersign` themselves. The fetch refspecs are globs (a missing exact source fails the whole fetch), so a
 * remote can hand over look-alikes such as `refs/notes/ai-x/countersign`; those are never merged.
 */
export function mirroredNotesRef(trackingName: string): (typeof SHARED_NOTES)[number]['ref'] | undefined {
  if (!trackingName.startsWith(TRACKING_PREFIX)) return undefined;
  const [remote, name, ...rest] = trackingName.slice(TRACKING_PREFIX.length).split('/');
  if (!remote || rest.length > 0 || remoteKey(remote) !== remote) return undefined;
  return SHARED_NOTES.find((n) => n.name === name)?.ref;
}

export function notesFetchRefspecs(remote: string): string[] {
  return SHARED_NOTES.map(({ ref }) => `+${ref}*:${trackingRef(remote, ref)}*`);
}

export function defaultInstallConfig(remotes: readonly string[] = []): Array<{ key: string; value: string }> {
  return [
    { key: 'notes.rewriteRef', value: AI_NOTES_REF },
    { key: 'notes.rewriteMode', value: 'ignore' },
    ...remotes.flatMap((r) => notesFetchRefspecs(r).map((value) => ({ key: `remote.${r}.fetch`, value }))),
  ];
}
