import { errorMessage } from '../core/errors';
import { pushNotes } from '../git/notesSync';
import type { PushedRef } from '../git/prePush';
import type { CliContext } from './command';
import { hookLogger } from './hookLogger';

/**
 * The notes push that follows a successful pre-push. The other client hooks Node runs for are in
 * provenanceHookRuns.ts, which ships in dist/cli-ledger.js: a push does not compile the working ledger's code.
 */

/**
 * After pre-push let a push through: push refs/notes/ai and refs/notes/countersign to the same remote
 * (fetching and merging first when the remote moved on), so notes travel however the push names its refs.
 * A notes ref the push itself updates is left to git: pushing it here first would move it on the remote under
 * git's feet, and git's own update of it would then fail ("cannot lock ref", exit 1) although the notes arrived.
 *
 * A failure (the remote refused a note, or could not be reached) is said on stderr, loudly, with the remote's
 * reason and what to do; the answer is whether the notes reached the remote. The caller treats it as pre-push
 * treats an unreachable remote: it blocks a push to a protected branch or tag — whose commits would otherwise land
 * without their line-level provenance, the note reviewers approved over and blame, report and incident responders
 * read, and a landed commit without its note waits on whoever pushes a note for it first (attack16 P6) — and is
 * only a warning for any other push (the trailers still attest the commits).
 */
export async function pushNotesAfterGate(
  remote: string,
  ctx: CliContext,
  pushed: PushedRef[] = [],
  protectedPush = false,
  remoteHas?: ReadonlyMap<string, string>,
): Promise<boolean> {
  if (ctx.env.COUNTERSIGN_NOTES_SYNC === '1') return true;
  const logger = hookLogger(ctx, 'pre-push');
  try {
    const timeoutMs = Number(ctx.env.COUNTERSIGN_NOTES_TIMEOUT_MS) || 20000;
    const skip = pushed.map((p) => p.remoteRef);
    await pushNotes(ctx.cwd, remote, { timeoutMs, logger, skip, ...(remoteHas ? { remoteHas } : {}) });
    return true;
  } catch (e) {
    ctx.stderr(notesPushFailure(remote, errorMessage(e), protectedPush));
    return false;
  }
}

function notesPushFailure(remote: string, why: string, protectedPush: boolean): string {
  const retry = `\`git push ${remote} refs/notes/ai refs/notes/countersign\``;
  const head = protectedPush
    ? 'countersign (pre-push): BLOCKED — the provenance notes did not reach the remote'
    : 'countersign (pre-push): WARNING — the provenance notes did not reach the remote';
  const what = protectedPush
    ? `This push updates a protected branch or tag, and its commits would land without their notes (refs/notes/ai: which lines an AI wrote; refs/notes/countersign: the reviews). What to do: fix what the remote says above, push the notes with ${retry}, then push again. (\`git push --no-verify\` skips this check along with the rest of pre-push; the server's gate still judges the push.)`
    : `The push goes on: its commits carry their trailers, but not yet their notes. What to do: fix what the remote says above, then push the notes with ${retry} — before the commits reach a protected branch.`;
  return `${head}\n  ${why}\n  ${what}\n`;
}
