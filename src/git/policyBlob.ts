import { CountersignError } from '../core/errors';
import { MAX_POLICY_BYTES, type PolicyText } from '../core/policy';
import { runGit } from './gitRunner';
import { noLazyFetchEnv } from './missingObjects';

/** Room for cat-file's header line (`<oid> blob <size>\n`) and the newline after the content. */
const FRAMING = 160;

/**
 * Every read of a `.countersign.json` blob (attack21 01). A pusher chooses that blob, and 2 GB of spaces before
 * a valid policy are 2 MB on the wire: read whole (`git cat-file blob`, buffered, then a string) they took the
 * server's pre-receive to 4 GB and ERR_STRING_TOO_LONG. Here one `git cat-file --batch` says the size before the
 * content, and git is stopped past MAX_POLICY_BYTES, so a larger blob costs about that much and is answered with
 * its size alone; core/policy.ts refuses it with the one size message (checkPolicy, parsePolicy).
 *
 * `name` is an object id or `REV:PATH`. Answers `missing` when git has no such object (a path absent from the
 * revision, or a blob a partial clone lacks: never fetched), undefined when it names no file (a tree).
 */
export async function readPolicyBlob(cwd: string, name: string): Promise<PolicyText | 'missing' | undefined> {
  if (/[\n\r]/.test(name))
    throw new CountersignError('input', `object name ${JSON.stringify(name)} contains a line break`);
  const r = await runGit(['cat-file', '--batch'], {
    cwd,
    input: `${name}\n`,
    env: noLazyFetchEnv(),
    maxStdoutBytes: MAX_POLICY_BYTES + FRAMING,
  });
  const nl = r.stdout.indexOf('\n');
  const header = nl < 0 ? r.stdout : r.stdout.slice(0, nl);
  if (header.endsWith(' missing') || header.endsWith(' ambiguous')) return 'missing';
  const [, type, sizeText] = header.split(' ');
  const size = Number(sizeText);
  if (!Number.isSafeInteger(size)) throw new CountersignError('git', `unexpected git cat-file output: ${header}`);
  if (type !== 'blob') return undefined;
  if (size > MAX_POLICY_BYTES) return { unreadBytes: size };
  // Within the bound the whole answer came (the cap is above it): the content, then cat-file's newline.
  if (r.truncated) throw new CountersignError('git', `git cat-file stopped short of ${name} (${size} bytes)`);
  return r.stdout.slice(nl + 1, -1);
}
