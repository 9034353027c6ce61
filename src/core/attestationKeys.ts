import { createHash } from 'crypto';

/**
 * The attestation keys of git-ai's authorship log (authorshipNote.ts), derived as git-ai derives them: an AI
 * session checkpoint's `s_<14 hex>::t_<14 hex>` and a human's `h_<14 hex>`, and how a key is routed.
 */

/** Keys are derived per attested line (a 1,000-line AI change asks for the same few thousands of times): remembered. */
const hexCache = new Map<string, string>();

function hex14(text: string): string {
  let h = hexCache.get(text);
  if (h === undefined) {
    h = createHash('sha256').update(text, 'utf8').digest('hex').slice(0, 14);
    if (hexCache.size >= 4096) hexCache.clear();
    hexCache.set(text, h);
  }
  return h;
}

/** Session id as git-ai derives it: `s_` + first 14 hex of SHA-256 of `<tool>:<conversation id>`. */
export function sessionKey(tool: string, conversationId: string): string {
  return `s_${hex14(`${tool}:${conversationId}`)}`;
}

/** Trace id for one checkpoint of a session; git-ai draws it at random, Countersign derives it from `seed`. */
export function traceKey(seed: string): string {
  return `t_${hex14(seed)}`;
}

/** An attestation key for an AI session checkpoint: `s_<14hex>::t_<14hex>`. */
export function sessionEntryKey(session: string, trace: string): string {
  return `${session}::${trace}`;
}

/** Human key: `h_` + first 14 hex of SHA-256 of `Name <email>`. */
export function humanKey(author: string): string {
  return `h_${hex14(author)}`;
}

export type KeyKind = 'session' | 'human' | 'prompt';

/** How git-ai routes an attestation key: `s_` to sessions, `h_` to humans, anything else to prompts. */
export function keyKind(key: string): KeyKind {
  if (key.startsWith('s_')) return 'session';
  if (key.startsWith('h_')) return 'human';
  return 'prompt';
}

/** The session part of an `s_…::t_…` key (git-ai: split on `::`, take the first part). */
export function sessionOfKey(key: string): string {
  const i = key.indexOf('::');
  return i < 0 ? key : key.slice(0, i);
}
