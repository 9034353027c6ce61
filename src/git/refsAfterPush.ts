import { TAG_PREFIX } from '../core/policy';
import { isNullObjectId } from '../core/nullObjectId';

const HEADS = 'refs/heads/';

/**
 * The branches and tags there will be once a push is in: its creations and updates applied, its deletions
 * removed. A policy change judges the refs it newly protects as they will be (newlyProtected.ts): read before
 * the push, a tag the same push created at a rejected draft was never judged (attack14 N2), and refs the same
 * push deleted still held the change back (N4). `updates` name the refs they move (symbolic refs resolved);
 * `commitOf` is the commit a pushed tag value names (undefined: none).
 */
export function refsAfterPush(
  before: {
    heads: ReadonlyArray<{ branch: string; sha: string }>;
    tags: ReadonlyArray<{ ref: string; commit: string | undefined }>;
  },
  updates: ReadonlyArray<{ ref: string; new: string | undefined }>,
  commitOf: (value: string) => string | undefined,
): {
  branches: Array<{ branch: string; sha: string }>;
  tags: Array<{ ref: string; commit: string | undefined }>;
} {
  const branches = new Map(before.heads.map((h) => [h.branch, h.sha]));
  const tags = new Map(before.tags.map((t) => [t.ref, t.commit]));
  for (const u of updates) {
    if (u.ref.startsWith(HEADS)) {
      const name = u.ref.slice(HEADS.length);
      if (u.new === undefined) branches.delete(name);
      else branches.set(name, u.new);
    } else if (u.ref.startsWith(TAG_PREFIX)) {
      if (u.new === undefined) tags.delete(u.ref);
      else tags.set(u.ref, commitOf(u.new));
    }
  }
  return {
    branches: [...branches].map(([branch, sha]) => ({ branch, sha })),
    tags: [...tags].map(([ref, commit]) => ({ ref, commit })),
  };
}

/**
 * The names (without refs/tags/) of the tags there will be after a push, among those it pushes, those named like
 * the branches it pushes and `twins` (existing tags named like its tags but for case, refsNamedAlike): what the
 * no-name-both-branch-and-tag and case-twin rules ask (confusingRefName.ts), without listing every tag (attack17
 * Q1). `had` says whether refs/tags/NAME existed before; `resolve` follows a symbolic ref.
 */
export function tagsAfterPush(
  updates: ReadonlyArray<{ ref: string; new: string }>,
  had: (name: string) => boolean,
  resolve: (ref: string) => string,
  twins: readonly string[] = [],
): Set<string> {
  const names = new Set<string>(twins);
  for (const u of updates)
    if (u.ref.startsWith(HEADS) && had(u.ref.slice(HEADS.length))) names.add(u.ref.slice(HEADS.length));
  for (const u of updates) {
    const ref = resolve(u.ref);
    if (!ref.startsWith(TAG_PREFIX)) continue;
    if (isNullObjectId(u.new)) names.delete(ref.slice(TAG_PREFIX.length));
    else names.add(ref.slice(TAG_PREFIX.length));
  }
  return names;
}
