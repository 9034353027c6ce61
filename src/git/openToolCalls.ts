import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { writeFileAtomic } from './atomicFile';

/**
 * VS Code's agent tool calls in progress, as its hooks announce them: `checkpoint --from vscode` writes one
 * small file per call at PreToolUse and removes it at PostToolUse. VS Code's agent edits open documents in
 * memory, and those edits may not reach the disk before the `after` hook runs; the extension reads this
 * folder when a document changes without a user's action, so the change is credited to the call that made
 * it (agent, model, session) rather than to the "unexplained insertion" rule.
 *
 * Kept beside the worktree's ledger (`.git/countersign/open-calls`, or the linked worktree's folder). A call
 * whose `after` never comes (VS Code runs PostToolUse only for tools that succeed) stops counting after
 * OPEN_CALL_MAX_AGE_MS.
 */
export interface OpenToolCall {
  id: string;
  agent: string;
  model?: string;
  session?: string;
  /** Repository-relative paths, forward slashes. */
  files: string[];
  /** When the `before` hook ran (ms since the epoch). */
  at: number;
}

export const OPEN_CALL_MAX_AGE_MS = 5 * 60_000;

export function openCallsDir(ledgerDir: string): string {
  return path.join(path.dirname(ledgerDir), 'open-calls');
}

function callFile(ledgerDir: string, id: string): string {
  return path.join(openCallsDir(ledgerDir), `${createHash('sha256').update(id).digest('hex').slice(0, 20)}.json`);
}

export function markCallOpen(ledgerDir: string, call: OpenToolCall): void {
  writeFileAtomic(callFile(ledgerDir, call.id), JSON.stringify(call));
}

export function markCallClosed(ledgerDir: string, id: string): void {
  fs.rmSync(callFile(ledgerDir, id), { force: true });
}

/** The calls open now that name `file`, newest first; stale or unreadable entries are ignored (and stale ones removed). */
export async function openCallsFor(ledgerDir: string, file: string, now = Date.now()): Promise<OpenToolCall[]> {
  const dir = openCallsDir(ledgerDir);
  let names: string[];
  try {
    names = await fs.promises.readdir(dir);
  } catch {
    return []; // no call was ever announced here
  }
  const calls: OpenToolCall[] = [];
  for (const name of names) {
    if (!name.endsWith('.json')) continue;
    const full = path.join(dir, name);
    let call: OpenToolCall | undefined;
    try {
      call = asCall(JSON.parse(await fs.promises.readFile(full, 'utf8')));
    } catch {
      continue; // removed meanwhile, or half-written by a crashed hook
    }
    if (!call) continue;
    if (now - call.at > OPEN_CALL_MAX_AGE_MS) {
      await fs.promises.rm(full, { force: true }).catch(() => undefined);
      continue;
    }
    if (call.files.includes(file)) calls.push(call);
  }
  return calls.sort((a, b) => b.at - a.at);
}

function asCall(v: unknown): OpenToolCall | undefined {
  if (typeof v !== 'object' || v === null) return undefined;
  const o = v as Record<string, unknown>;
  const optional = (x: unknown) => (typeof x === 'string' && x.length > 0 ? x : undefined);
  if (typeof o.id !== 'string' || typeof o.agent !== 'string' || typeof o.at !== 'number' || !Array.isArray(o.files))
    return undefined;
  return {
    id: o.id,
    agent: o.agent,
    model: optional(o.model),
    session: optional(o.session),
    at: o.at,
    files: o.files.filter((f): f is string => typeof f === 'string'),
  };
}
