import { isProtected, POLICY_FILE, TAG_PREFIX, type Policy } from '../core/policy';
import { caseOnlyPattern, caseTwins, foldRefName, namingPattern, patternBelow } from '../core/refNameCase';
import { digitsOnlyIdName, looksLikeObjectId } from '../core/objectIdName';
import { runGit } from './gitRunner';

const HEADS = 'refs/heads/';
const NOTES = 'refs/notes/';
const OBJECT_NAME = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/i;
/** The server's git config key listing further ref prefixes clients may push (`git config --add`, one per value). */
export const ALLOW_REF_PREFIX_KEY = 'countersign.allowRefPrefix';

/**
 * Why creating `ref` is refused, or undefined. A branch or tag whose short name starts with `refs/`, is `HEAD`,
 * or is a full object name serves only to confuse git's revision lookup (DWIM): a tag named
 * `refs/remotes/origin/main` made every CI `verify --base refs/remotes/origin/main` ambiguous, and deleting it
 * was then refused as a protected tag (outside tester, session 8, H6). The server refuses to create one, for
 * every branch and tag, protected or not; deleting one that exists is judged as any deletion.
 */
export function confusingRefName(ref: string): string | undefined {
  const prefix = ref.startsWith(HEADS) ? HEADS : ref.startsWith(TAG_PREFIX) ? TAG_PREFIX : undefined;
  if (!prefix) return undefined;
  const name = ref.slice(prefix.length);
  const why = name.startsWith('refs/')
    ? `its name starts with "refs/", so git could read "${name}" as this ref instead of the ref of that full name`
    : name === 'HEAD'
      ? 'git reads "HEAD" as the current commit, never as this ref'
      : OBJECT_NAME.test(name)
        ? 'its name is a full object name, which git reads as that object, never as this ref'
        : undefined;
  const kind = prefix === HEADS ? 'branch' : 'tag';
  return why && `creating the ${kind} ${ref} is not allowed: ${why}; choose another name`;
}

/**
 * Why pushing a value to `ref` is refused because git's short-name lookup would take it for a protected branch,
 * or undefined (attack14 N5). git resolves a short name as `refs/<n>`, then `refs/tags/<n>`, then
 * `refs/heads/<n>`, then `refs/remotes/<n>`; so
 * - a tag named like a protected branch: every fresh clone's `git checkout release/2.0` took an unprotected tag
 *   `release/2.0` at the rejected draft, with no warning; and a tag `origin/main` became every clone's
 *   `origin/main` (rebase, diff, reset) before the remote-tracking branch. Refused: a tag whose name, or its part
 *   after the first `/` (a remote's name), names an existing protected branch (`branches`: after the push), or
 *   matches a protectedBranches pattern with a literal part (`release/*`, not `*`) — by its part after the `/`
 *   only while the tag itself is unprotected (a protected tag is judged: it names a reviewed commit). By its own
 *   name even a protected tag is refused (attack17 Q4): a keyless pusher's protected tag `release/2.0` on an old
 *   landed commit could not be deleted, and the release branch release/2.0 could never be created (no name is
 *   both a branch and a tag);
 * - a ref outside refs/heads/, refs/tags/ and refs/notes/ is never judged, and `refs/release/2.0` stood in for the
 *   branch release/2.0 on the server (`git archive release/2.0`, deploy hooks) and in mirrors. Refused unless the
 *   server's config allows its prefix (`allowed`, ALLOW_REF_PREFIX_KEY: e.g. git-bug's refs/bugs/); a forge's own
 *   namespaces (refs/pull/, refs/merge-requests/) are written by the forge, not pushed by clients. Even allowed, a
 *   ref `refs/<n>` whose `<n>` names or matches a protected branch is refused.
 * Deleting such a ref is never refused here, so what exists can be cleaned up.
 */
export function shadowingRefName(
  ref: string,
  o: {
    policy: Policy | undefined;
    branches: ReadonlySet<string>;
    /** Tag names (without refs/tags/) there will be after the push: those named like its refs, case twins too. */
    tags?: ReadonlySet<string>;
    /** For each protected branch the push creates, the refs already on the server that shadow it (refsNamedAlike). */
    shadowedBy?: ReadonlyMap<string, readonly string[]>;
    allowed: readonly string[];
  },
): string | undefined {
  // A pattern of wildcards alone (`*`) would make every name a branch's: it counts for existing branches only.
  const protectedBranch = (n: string): { what: string; exists: boolean } | undefined => {
    if (!o.policy) return undefined;
    if (o.branches.has(n) && isProtected(o.policy, n)) return { what: `the protected branch ${n}`, exists: true };
    const pattern = namingPattern(o.policy.protectedBranches, n);
    if (pattern) return { what: `a protected branch's name (${pattern})`, exists: false };
    return caseTwin(n);
  };
  /**
   * A protected branch whose name differs from `n` only by letter case (attack20 01): on a case-insensitive file
   * system (macOS, Windows clones) both are one file under .git/refs, so the first fetch that moves `Main` makes
   * `origin/main` — or, for a tag `MAIN`, what `main` resolves to — the pushed commit in that clone.
   */
  const caseTwin = (n: string): { what: string; exists: boolean } | undefined => {
    if (!o.policy) return undefined;
    for (const b of o.branches)
      if (caseTwins(b, n) && isProtected(o.policy, b))
        return { what: `the protected branch ${b} but for letter case`, exists: true };
    const pattern = caseOnlyPattern(o.policy.protectedBranches, n);
    return pattern ? { what: `a protected branch's name (${pattern}) but for letter case`, exists: false } : undefined;
  };
  /**
   * A protected tag whose name differs from `n` only by letter case (attack24 3), protected or not itself: as for
   * branches, a macOS or Windows clone keeps `V2.0` and the reviewed release tag `v2.0` in one loose file, and the
   * fetch that brings one makes a release build from `v2.0` there take the other's commit. `tags` holds the twins
   * there will be after the push (refsNamedAlike).
   */
  const tagCaseTwin = (n: string): string | undefined => {
    if (!o.policy) return undefined;
    for (const t of o.tags ?? [])
      if (caseTwins(t, n) && isProtected(o.policy, TAG_PREFIX + t)) return `the protected tag ${t}`;
    const pattern = caseOnlyPattern(o.policy.protectedTags, n);
    return pattern && `a protected tag's name (${pattern})`;
  };
  if (ref.startsWith(HEADS)) {
    const own = ref.slice(HEADS.length);
    const twin = o.policy && !isProtected(o.policy, own) ? caseTwin(own) : undefined;
    if (twin)
      return `pushing the branch ${ref} is not allowed: "${own}" is ${twin.what}, and on a case-insensitive file system (macOS, Windows) a clone keeps both in one file, so fetching this branch would make the protected one's remote-tracking branch this commit; choose a name that differs by more than case`;
    const by = o.shadowedBy?.get(ref)?.[0];
    if (by) {
      const how =
        by === `refs/${own}`
          ? `git reads ${by} before ${ref} wherever "${own}" is named short, so it would stand in for this branch on the server (git archive, deploy hooks) and in mirrors`
          : `its name differs from this branch's only by letter case, and a clone on a case-insensitive file system (macOS, Windows) keeps the two in one file, so fetching would make it stand in for this branch there`;
      return `creating the protected branch ${ref} is not allowed: ${by} is already on this server, and ${how}; an administrator deletes it on the server first (\`git update-ref -d ${by}\`; \`countersign doctor\` there lists every such ref)`;
    }
    // A branch named like a tag (attack16 P1): `git clone --branch v2.0` and actions/checkout's `ref: v2.0` take
    // the branch before the tag, so a branch `v2.0` at a rejected draft deployed in place of the reviewed release
    // tag. No name may be both a branch and a tag (git itself calls such a name ambiguous).
    if (!o.tags?.has(own)) return undefined;
    return `pushing the branch ${ref} is not allowed: a tag ${own} exists, and \`git clone --branch ${own}\` (or a CI checkout of "${own}") would take this branch instead of the tag; choose a branch name no tag has`;
  }
  if (ref.startsWith(TAG_PREFIX)) {
    const name = ref.slice(TAG_PREFIX.length);
    const twin = tagCaseTwin(name);
    if (twin)
      return `pushing the tag ${ref} is not allowed: "${name}" is ${twin} but for letter case, and on a case-insensitive file system (macOS, Windows) a clone keeps both in one file, so fetching this tag would make the protected one this commit there; choose a name that differs by more than case`;
    if (o.branches.has(name) && !protectedBranch(name)) {
      return `pushing the tag ${ref} is not allowed: a branch ${name} exists, and \`git clone --branch ${name}\` (or a CI checkout of "${name}") would take the branch instead of this tag; delete or rename the branch first (\`git push origin --delete refs/heads/${name}\`)`;
    }
    const tagProtected = o.policy !== undefined && isProtected(o.policy, ref) !== undefined;
    const slash = name.indexOf('/');
    for (const n of slash > 0 ? [name, name.slice(slash + 1)] : [name]) {
      const shadowed = protectedBranch(n);
      // A protected tag is judged (it names a reviewed commit), so by its remote-like part only an existing branch
      // stops it; by its own name a pattern does too: it would squat that branch's name for good (attack17 Q4).
      if (!shadowed || (tagProtected && !shadowed.exists && n !== name)) continue;
      const how =
        n === name
          ? `git reads refs/tags/${n} before refs/heads/${n}, so \`git checkout ${n}\` in a fresh clone would take this tag, not the branch`
          : `in a clone whose remote is "${name.slice(0, slash)}", git reads "${name}" as this tag before the remote-tracking branch refs/remotes/${name}`;
      return `pushing the tag ${ref} is not allowed: "${n}" is ${shadowed.what} in ${POLICY_FILE}, and ${how}; choose a tag name that names no protected branch (e.g. v2.0)`;
    }
    return undefined;
  }
  if (!outsideNamespaces(ref)) return undefined;
  const rest = ref.startsWith('refs/') ? ref.slice('refs/'.length) : ref;
  const shadowed = protectedBranch(rest);
  if (shadowed)
    return `pushing ${ref} is not allowed: git reads refs/${rest} before refs/heads/${rest}, so it would stand in for ${shadowed.what} wherever "${rest}" is named short (on the server, in mirrors); push branches to refs/heads/ and tags to refs/tags/`;
  if (o.allowed.some((p) => (p.endsWith('/') ? ref.startsWith(p) : ref === p))) return undefined;
  return `pushing ${ref} is not allowed: this server accepts branches (refs/heads/), tags (refs/tags/) and notes (refs/notes/); other refs are never judged by the gate, and git reads refs/<name> before refs/tags/<name> and refs/heads/<name>, so one could stand in for a branch or tag of that name — push it as a branch or tag, or an administrator allows the prefix in the server's repository: \`git config --add ${ALLOW_REF_PREFIX_KEY} ${allowedExample(ref)}\``;
}

/**
 * Why creating the branch `ref` is refused because a protected branch's name lies above it (attack25 A25-02), or
 * protected names could lie below it (`release` under `release/*`: attack26 01): git
 * keeps refs as files, so while `release/1.0/x` exists `release/1.0` cannot be created — and `release/*` does not
 * protect the longer name, so a keyless pusher could keep a release branch from ever existing. A pattern of
 * wildcards alone (`*`) names no branch in particular and is passed over, as in shadowingRefName.
 */
export function squatsProtectedBranch(ref: string, policy: Policy | undefined): string | undefined {
  if (!policy || !ref.startsWith(HEADS)) return undefined;
  const own = ref.slice(HEADS.length);
  for (let i = own.indexOf('/'); i > 0; i = own.indexOf('/', i + 1)) {
    const above = own.slice(0, i);
    const pattern = namingPattern(policy.protectedBranches, above);
    if (pattern)
      return `creating the branch ${ref} is not allowed: "${above}" is a protected branch's name (${pattern}) in ${POLICY_FILE}, and git keeps refs as files, so while ${own} exists the branch ${above} could never be created; choose a name that does not start with "${above}/"`;
  }
  const below = patternBelow(policy.protectedBranches, own);
  if (below)
    return `creating the branch ${ref} is not allowed: protected branches named ${below} in ${POLICY_FILE} lie below "${own}/", and git keeps refs as files, so while ${own} exists none of them could be created; choose another name`;
  return undefined;
}

/**
 * The refs on the server named like the pushed ones, for the rules about refs a push does not name: the tags whose
 * names equal a pushed tag's but for letter case (`twinTags`, tagCaseTwin: attack24 3), and for each protected
 * branch the push creates (`branches`), the refs that already shadow its short name (`shadowedBy`, attack24 5):
 * `refs/<name>` and a tag of the name (git reads both before refs/heads/<name>), and case twins of those and of the
 * branch (one file on a case-insensitive clone) — not the tag of the same name and case, which the
 * branch-and-tag rule judges with the push's deletions. One `for-each-ref --ignore-case` of those names, run only
 * for a push of tags or a new protected branch: git lists every ref name then (it cannot look a name up
 * case-insensitively) but reads no object: 0.15 s beside 100,000 packed tags at load 14, where reading their
 * objects made attack17 Q1's flood cost a minute a push.
 */
export async function refsNamedAlike(
  cwd: string,
  o: { tags: readonly string[]; branches: readonly string[] },
): Promise<{ twinTags: string[]; shadowedBy: Map<string, string[]> }> {
  const tags = o.tags.filter((r) => r.startsWith(TAG_PREFIX));
  const branches = o.branches.filter((r) => r.startsWith(HEADS));
  const shadowedBy = new Map<string, string[]>();
  if (tags.length === 0 && branches.length === 0) return { twinTags: [], shadowedBy };
  const shadowNames = (b: string) => [b, `refs/${b.slice(HEADS.length)}`, TAG_PREFIX + b.slice(HEADS.length)];
  const patterns = [...new Set([...tags, ...branches.flatMap(shadowNames)])];
  const r = await runGit(['for-each-ref', '--ignore-case', '--format=%(refname)', '--', ...patterns], { cwd });
  const listed = r.stdout.split('\n').filter(Boolean);
  const tagNames = new Set(tags.map(foldRefName));
  const twinTags = listed
    .filter((ref) => ref.startsWith(TAG_PREFIX) && tagNames.has(foldRefName(ref)) && !tags.includes(ref))
    .map((ref) => ref.slice(TAG_PREFIX.length));
  for (const b of branches) {
    const names = new Set(shadowNames(b).map(foldRefName));
    const by = listed.filter(
      (ref) => names.has(foldRefName(ref)) && ref !== b && ref !== TAG_PREFIX + b.slice(HEADS.length),
    );
    if (by.length > 0) shadowedBy.set(b, by);
  }
  return { twinTags, shadowedBy };
}

/** At most this many new branch or tag names of digits alone are looked up among the objects per push. */
export const MAX_DIGIT_NAMES = 100;

/**
 * Why creating each of `created` (full names of branches and tags the push creates) is refused because its
 * name reads as an abbreviated object id (attack P2), by ref. A tag named like the short id of the commit a
 * reviewer was about to approve, at the attacker's own commit, was what `countersign approve <id>`, `explain`,
 * `git show` and a CI checkout of that id took: git reads a short name as a ref before it tries it as an id.
 * Refused: 7 to 64 hex digits with a letter (objectIdName.ts); digits alone where an object here (the pushed
 * ones included: the hook reads the quarantine) has an id starting with them, so release dates stay allowed.
 * Only the whole name counts, not its last path component: git matches a short name against what follows
 * refs/, refs/tags/, refs/heads/ or refs/remotes/ whole, and an id has no '/', so `build/f4d596ae61d4` is
 * never read as one. Full object names are confusingRefName's. No allowance: renaming costs nothing, and an
 * allowed name would be the attack itself. One git process for all the digit names, at most MAX_DIGIT_NAMES.
 */
export async function objectIdRefNames(cwd: string, created: readonly string[]): Promise<Map<string, string>> {
  const refused = new Map<string, string>();
  const digits: Array<{ ref: string; kind: string; name: string }> = [];
  for (const ref of created) {
    const prefix = ref.startsWith(HEADS) ? HEADS : ref.startsWith(TAG_PREFIX) ? TAG_PREFIX : undefined;
    if (!prefix) continue;
    const name = ref.slice(prefix.length);
    const kind = prefix === HEADS ? 'branch' : 'tag';
    if (OBJECT_NAME.test(name)) continue;
    if (looksLikeObjectId(name))
      refused.set(ref, idNameRefusal(kind, ref, name, 'looks like an abbreviated object id'));
    else if (digitsOnlyIdName(name)) digits.push({ ref, kind, name });
  }
  for (const d of digits.slice(MAX_DIGIT_NAMES))
    refused.set(
      d.ref,
      `creating the ${d.kind} ${d.ref} is not allowed: this push creates more than ${MAX_DIGIT_NAMES} branches and tags named by digits alone, and each is looked up among the repository's objects (a name that abbreviates an object's id is refused); push them in parts`,
    );
  const asked = digits.slice(0, MAX_DIGIT_NAMES);
  if (asked.length === 0) return refused;
  // `--disambiguate=P` lists every object whose id starts with P; one call answers every name (matched back by prefix).
  const listed = await runGit(['rev-parse', ...asked.map((d) => `--disambiguate=${d.name}`)], {
    cwd,
    okCodes: [1, 128],
  });
  const ids = listed.stdout.split('\n').filter(Boolean);
  for (const d of asked) {
    const hits = ids.filter((id) => id.startsWith(d.name));
    if (hits.length === 0) continue;
    const which = `abbreviates ${hits[0]}${hits.length > 1 ? ` (and ${hits.length - 1} more)` : ''}, an object in this repository`;
    refused.set(d.ref, idNameRefusal(d.kind, d.ref, d.name, which));
  }
  return refused;
}

function idNameRefusal(kind: string, ref: string, name: string, why: string): string {
  return `creating the ${kind} ${ref} is not allowed: "${name}" ${why}, and git reads a short name as a branch or tag before it tries it as an id, so \`countersign approve ${name}\` (or explain, git show, a CI checkout) would act on this ${kind}'s commit instead of the commit whose id starts with ${name}; rename it (e.g. ${kind === 'tag' ? 'build' : 'ci'}-${name})`;
}

/** Whether `ref` lies outside the namespaces clients push to (branches, tags, notes; replace refs are refused apart). */
export function outsideNamespaces(ref: string): boolean {
  return ![HEADS, TAG_PREFIX, NOTES, 'refs/replace/'].some((p) => ref.startsWith(p));
}

/** A prefix to allow for `ref`: its first two components (`refs/bugs/`). */
function allowedExample(ref: string): string {
  const parts = ref.split('/');
  return parts.length > 2 ? `${parts.slice(0, 2).join('/')}/` : ref;
}

/** The server's extra allowed ref prefixes (ALLOW_REF_PREFIX_KEY), each a `refs/…/` prefix or a full ref. */
export async function allowedRefPrefixes(cwd: string): Promise<string[]> {
  const r = await runGit(['config', '--get-all', ALLOW_REF_PREFIX_KEY], { cwd, okCodes: [1] });
  return r.stdout
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.startsWith('refs/') && l !== 'refs/');
}
