import { personLabel, type GateResult } from '../gate';
import { personKey } from '../approvalRules';
import { shortSha } from '../shortSha';

/**
 * The message a developer sends a reviewer when a push is blocked ("Request review" in the panel): which
 * commits, why each needs review, who may approve, and the exact command that approves them. Plain text,
 * so it pastes into chat, mail or a pull-request comment alike.
 */
export interface ReviewRequestInput {
  result: GateResult;
  /** `origin/main` */
  target: string;
  /** The local branch, or null when HEAD is detached. */
  branch: string | null;
  /** Where the reviewer can fetch the commits (`origin/feature/login`), or undefined when they are not pushed yet. */
  pushedAs?: string;
  remote: string;
  /** The remote's URL, when it has one, so the reviewer knows which repository. */
  remoteUrl?: string;
}

export interface ReviewRequest {
  text: string;
  /** The head is not on the remote yet: the reviewer could not fetch it. */
  needsPush: boolean;
  commits: number;
}

export function reviewRequest(r: ReviewRequestInput): ReviewRequest | undefined {
  const blocked = r.result.commits.filter((c) => !c.ok);
  if (blocked.length === 0 || !r.result.approveCommand) return undefined;
  const eligible = new Map<string, string>();
  for (const c of blocked) for (const rv of c.eligibleReviewers) eligible.set(personKey(rv.email), personLabel(rv));
  const lines: string[] = [];
  const what = r.pushedAs ?? r.branch ?? shortSha(r.result.head ?? '');
  lines.push(`Review request: ${what} → ${r.target}${r.remoteUrl ? ` (${r.remoteUrl})` : ''}`);
  lines.push('');
  lines.push(`${blocked.length} commit(s) need a review before they can land on ${r.target}:`);
  for (const c of blocked) {
    lines.push(`  ${shortSha(c.sha)} ${c.subject} — ${c.author.name} <${c.author.email}>`);
    for (const reason of c.reasons.filter((x) => !x.startsWith('may approve:'))) lines.push(`    - ${reason}`);
  }
  lines.push('');
  if (eligible.size > 0) lines.push(`May approve: ${[...eligible.values()].join(', ')}`);
  lines.push('To review, fetch and open the Countersign panel in VS Code, or run:');
  lines.push(`  git fetch ${r.remote}`);
  lines.push(`  ${r.result.approveCommand}`);
  const needsPush = r.pushedAs === undefined;
  return { text: lines.join('\n') + '\n', needsPush, commits: blocked.length };
}
