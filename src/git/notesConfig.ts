/** Config that `install` adds so provenance notes follow rewrites (amend, rebase). */
export const AI_NOTES_REF = 'refs/notes/ai';
export const REVIEW_NOTES_REF = 'refs/notes/countersign';

export function defaultInstallConfig(): Array<{ key: string; value: string }> {
  return [{ key: 'notes.rewriteRef', value: AI_NOTES_REF }];
}
