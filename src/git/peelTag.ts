import { MAX_COMMIT_BYTES, oversizedObjectRefusal } from '../core/commitBound';
import type { GateResult, PolicySource } from '../core/gate';
import { isProtected } from '../core/policy';
import { shortSha } from '../core/shortSha';
import { readObjects } from './catFileBatch';
import { objectInfo } from './notesAdditions';

/**
 * The commit a tag's value names (through annotated tags), or why it names none. The server's pre-receive,
 * the client's pre-push and `verify` judge a tag as the commit it names (docs/design.md, `protectedTags`).
 */
export async function peelTag(cwd: string, oidValue: string): Promise<{ commit: string } | { error: string }> {
  const peeled = await peelValues(cwd, [oidValue]);
  const commit = peeled.commits.get(oidValue);
  return commit !== undefined ? { commit } : { error: peeled.whyNoCommit(oidValue) };
}

/** Annotated tags wrapping tags deeper than this name no commit (git's own tags wrap a commit directly). */
const MAX_TAG_DEPTH = 16;

/** What pushed or listed values name: the commit each peels to, and why one names none (peelValues). */
export interface Peeled {
  /** Each value that names a commit (through annotated tags) → that commit. */
  commits: Map<string, string>;
  /** Why `value` names no commit: a tag object over the bound on its way, or none at all. */
  whyNoCommit(value: string): string;
}

/**
 * The commit each of `oids` names, through annotated tags, no tag object over core/commitBound.ts MAX_COMMIT_BYTES
 * read (attack26 07): each object's type and size are asked first (`cat-file --batch-check`, which reads a header,
 * never the object), and only tags within the bound are read, for their `object` line. `OID^{commit}` had git parse
 * a 200 MB tag message whole for every push that listed the protected tags, for good. One batch-check, and one read
 * of the tags met, per level of wrapping. A tag whose `type` line is not its object's type names none (git's peel
 * fails on it too).
 */
export async function peelValues(cwd: string, oids: readonly string[]): Promise<Peeled> {
  const commits = new Map<string, string>();
  const oversized = new Map<string, { tag: string; bytes: number }>();
  // Each value still being peeled → the object its chain has reached, and the type the tag before it declared.
  let at = new Map([...new Set(oids)].map((v) => [v, { id: v, type: undefined as string | undefined }]));
  for (let depth = 0; depth <= MAX_TAG_DEPTH && at.size > 0; depth++) {
    const info = await objectInfo(cwd, [...new Set([...at.values()].map((a) => a.id))]);
    const tags = new Set<string>();
    for (const [v, a] of at) {
      const i = info.get(a.id);
      if (i?.type === 'commit' && (a.type === undefined || a.type === 'commit')) commits.set(v, a.id);
      else if (i?.type === 'tag' && (a.type === undefined || a.type === 'tag') && depth < MAX_TAG_DEPTH) {
        if (Number(i.size) > MAX_COMMIT_BYTES) oversized.set(v, { tag: a.id, bytes: Number(i.size) });
        else tags.add(a.id);
      }
    }
    const wraps = new Map<string, { id: string; type: string }>();
    await readObjects(
      cwd,
      [...tags],
      (name, content, type) => {
        const m =
          content && type === 'tag'
            ? /^object ([0-9a-f]+)\ntype ([a-z]+)\n/.exec(content.toString('latin1', 0, 200))
            : null;
        if (m) wraps.set(name, { id: m[1], type: m[2] });
      },
      { maxBytes: MAX_COMMIT_BYTES },
    );
    const next = new Map<string, { id: string; type: string | undefined }>();
    for (const [v, a] of at) if (wraps.has(a.id)) next.set(v, wraps.get(a.id) as { id: string; type: string });
    at = next;
  }
  return {
    commits,
    whyNoCommit: (value) => {
      const o = oversized.get(value);
      if (!o) return notACommit(value);
      const wrapped = o.tag === value ? '' : ` (wrapped by the tag ${shortSha(value)})`;
      return oversizedObjectRefusal(
        'tag object',
        o.tag,
        o.bytes,
        'refs/tags/',
        `no tag \`git tag -a\` writes comes near that: write the tag again with a shorter message${wrapped}`,
      );
    },
  };
}

/** Why a tag whose value names no commit is refused (also for values peeled in a batch, pushFacts.ts). */
export function notACommit(oidValue: string): string {
  return `the tag names ${shortSha(oidValue)}, which is not a commit: a protected tag must name a reviewed commit`;
}

/**
 * The verdict on a push of `ref` whose value names no commit (`why`, from notACommit): where the policy protects
 * `ref` it is refused outright, before any commit is judged; elsewhere undefined, and the ref is judged as any
 * other. One decision for the server's pre-receive, the client's pre-push and `verify`, so that they agree.
 */
export function nonCommitTagVerdict(
  policy: PolicySource,
  ref: string,
  shown: string,
  why: string,
): GateResult | undefined {
  if (policy.kind !== 'ok' || isProtected(policy.policy, ref) === undefined) return undefined;
  return {
    ok: false,
    branch: shown,
    protected: true,
    commits: [],
    errors: [why],
    notices: [],
    policyFrom: policy.from,
  };
}
