import { TAG_PREFIX } from '../core/policy';

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
