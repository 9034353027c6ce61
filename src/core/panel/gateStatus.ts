import type { GateResult } from '../gate';
import { personKey } from '../approvalRules';

/**
 * The gate's state for the current branch in one line (the status bar item and the developer view's
 * heading): "2 commits need review", "approved by Bo", "not protected". Pure, so the wording is tested
 * without an editor.
 */
export type GateTone = 'blocked' | 'approved' | 'clear' | 'unprotected' | 'error' | 'unknown';

export interface GateStatus {
  tone: GateTone;
  /** Short text without icons; the extension adds the codicon for the tone. */
  text: string;
  /** A few lines for the tooltip: the target, what blocks, what to do. */
  detail: string[];
}

function names(list: string[]): string {
  if (list.length <= 1) return list.join('');
  if (list.length === 2) return `${list[0]} and ${list[1]}`;
  return `${list.slice(0, -1).join(', ')} and ${list[list.length - 1]}`;
}

/** First names are what people say ("approved by Bo"); an email stands in when there is no name. */
export function shortName(name: string, email: string): string {
  const first = name.trim().split(/\s+/)[0];
  return first || email;
}

export function approvers(result: GateResult): string[] {
  const seen = new Map<string, string>();
  for (const c of result.commits) {
    if (!c.needsReview || !c.ok) continue;
    for (const a of c.approvals)
      if (!seen.has(personKey(a.reviewer))) seen.set(personKey(a.reviewer), shortName(a.name, a.reviewer));
  }
  return [...seen.values()];
}

export function gateStatus(result: GateResult | undefined, target: string | undefined): GateStatus {
  if (!result) return { tone: 'unknown', text: 'no gate', detail: ['Countersign has not checked this branch yet.'] };
  const onto = target ?? result.branch;
  if (result.policyError) {
    return {
      tone: 'error',
      text: 'policy unreadable',
      detail: [
        `The policy on ${onto} cannot be read, so every push to it is blocked.`,
        ...result.errors.map((e) => e.split('\n')[0]),
      ],
    };
  }
  if (!result.protected && result.errors.length === 0) {
    return { tone: 'unprotected', text: 'not protected', detail: [...result.notices.map((n) => n.split('\n')[0])] };
  }
  const blocked = result.commits.filter((c) => !c.ok);
  if (blocked.length > 0) {
    const n = blocked.length;
    const eligible = new Map<string, string>();
    for (const c of blocked) for (const r of c.eligibleReviewers) eligible.set(personKey(r.email), r.name);
    return {
      tone: 'blocked',
      text: `${n} commit${n === 1 ? '' : 's'} need${n === 1 ? 's' : ''} review`,
      detail: [
        `Pushing to ${onto} is blocked: ${n} of ${result.commits.length} commit(s) need review.`,
        ...(eligible.size > 0 ? [`May approve: ${names([...eligible.values()])}.`] : []),
      ],
    };
  }
  if (result.errors.length > 0) {
    return { tone: 'error', text: 'push blocked', detail: result.errors.map((e) => e.split('\n')[0]) };
  }
  const by = approvers(result);
  if (by.length > 0) {
    return {
      tone: 'approved',
      text: `approved by ${names(by)}`,
      detail: [`Every commit that needs review for ${onto} is approved.`],
    };
  }
  if (result.commits.length === 0) {
    return { tone: 'clear', text: `up to date with ${onto}`, detail: [`No commits to push to ${onto}.`] };
  }
  const n = result.commits.length;
  return {
    tone: 'clear',
    text: 'no review needed',
    detail: [`${n} commit${n === 1 ? '' : 's'} for ${onto}, none needing review.`],
  };
}
