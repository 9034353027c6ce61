import { CountersignError, usageError } from '../core/errors';
import { runGit } from './gitRunner';
import { listRemotes } from './remotes';
import { keptAnswer } from './refreshCache';
import { isHexName, looksLikeObjectId } from '../core/objectIdName';
import { shortSha } from '../core/shortSha';

/**
 * Resolves a revision a person names for signing (`approve REV`, `--base REV`, the editor's "Another
 * commit…"), refusing one git would resolve by guessing. `git rev-parse --verify --quiet` suppresses git's
 * "refname is ambiguous" warning and silently prefers refs/tags/X over refs/remotes/X, so a fetched tag named
 * `origin/feature` would otherwise get the approval meant for the branch (issue 16, class 5).
 */

/** git's ref_rev_parse_rules: the places a short name is looked up, in git's order of preference. */
const DWIM_RULES = ['%s', 'refs/%s', 'refs/tags/%s', 'refs/heads/%s', 'refs/remotes/%s', 'refs/remotes/%s/HEAD'];

/** The ref-name part of a revision: what precedes `^`, `~`, `:` or `@{`. `@` alone is HEAD. */
export function revisionName(rev: string): string {
  const name = rev.split(/[~^:]/, 1)[0].split('@{', 1)[0];
  return name === '@' ? 'HEAD' : name;
}

/** One thing a short name could mean: a ref (with what it points to) or an object whose id starts with it. */
export interface RevisionMeaning {
  /** The ref's full name, or the object's full id. */
  name: string;
  kind: 'ref' | 'object';
  /** How a message shows it: `refs/tags/x (commit 1b066021c524)`, `object f4d596ae61d4…` in full. */
  shown: string;
}

/** Every ref a short name could mean (as git's DWIM would look it up), and the objects a hex name abbreviates. */
export async function revisionMeanings(cwd: string, rev: string): Promise<RevisionMeaning[]> {
  const name = revisionName(rev);
  if (!name) return [];
  const candidates = DWIM_RULES.map((r) => r.replace('%s', name));
  // With what each ref points to (an annotated tag peeled once), for the message: no process of its own.
  const listed = await runGit(
    [
      'for-each-ref',
      '--format=%(refname) %(objecttype) %(objectname) %(*objecttype) %(*objectname)',
      ...candidates.filter((c) => c.startsWith('refs/')),
    ],
    { cwd },
  );
  const existing = new Map<string, string>();
  for (const line of listed.stdout.split('\n').filter(Boolean)) {
    const [ref, type, id, peeledType, peeled] = line.split(' ');
    existing.set(ref, peeled ? `${peeledType} ${shortSha(peeled)}` : `${type} ${shortSha(id)}`);
  }
  const ref = (r: string): RevisionMeaning => ({ name: r, kind: 'ref', shown: `${r} (${existing.get(r)})` });
  // A full ref name that exists is what git takes (its first rule, the name itself), whatever the other rules
  // find: a tag `refs/tags/refs/remotes/origin/main` must not make the full name the templates pass ambiguous.
  if (name.startsWith('refs/') && existing.has(name)) return [ref(name)];
  const meanings = candidates.filter((c) => existing.has(c)).map(ref);
  // The bare name itself names a ref only for HEAD-like root refs (HEAD, FETCH_HEAD, ORIG_HEAD…).
  if (/^[A-Z][A-Z_]*$/.test(name)) {
    const root = await runGit(['rev-parse', '--verify', '--quiet', '--symbolic-full-name', name], {
      cwd,
      okCodes: [1, 128],
    });
    if (root.code === 0 && !meanings.some((m) => m.name === name)) meanings.unshift({ name, kind: 'ref', shown: name });
  }
  if (isHexName(name)) {
    // An abbreviated (or full) object name that also names a ref: git takes the ref for a short one, the
    // object for a full one, without saying so where --quiet is given.
    const objects = await runGit(['rev-parse', `--disambiguate=${name}`], { cwd, okCodes: [1, 128] });
    for (const oid of objects.stdout.split('\n').filter(Boolean))
      meanings.push({ name: oid, kind: 'object', shown: `object ${oid}` });
  }
  return meanings;
}

/**
 * The commit `rev` names, or undefined when it names none; throws CountersignError('usage') when the name is
 * ambiguous (refuseAmbiguousRevision). What every command resolving a revision a person gives goes through
 * (approve/reject REV and --base, explain REV, verify --base/--head, the editor's panel and "Another commit…"),
 * so one rule decides what a name means for all of them.
 */
export async function resolveRevision(cwd: string, rev: string, what: string): Promise<string | undefined> {
  await refuseAmbiguousRevision(cwd, rev, what);
  const r = await runGit(['rev-parse', '--verify', '--quiet', '--end-of-options', `${rev}^{commit}`], {
    cwd,
    okCodes: [1],
  });
  return r.code === 0 && r.stdout.trim() ? r.stdout.trim() : undefined;
}

/**
 * The commit `rev` names, or a CountersignError('usage') that says why not: not a commit, or ambiguous —
 * naming each meaning and how to name the one meant in full. `what` names the argument in messages ("REV",
 * "--base"). Outside a repository git's own "not a git repository" error comes through (exit 128 is not
 * taken for "not a commit").
 */
export async function resolveCommitStrictly(cwd: string, rev: string, what: string): Promise<string> {
  const resolved = await resolveRevision(cwd, rev, what);
  if (resolved === undefined) {
    const remote = await remoteOf(cwd, rev);
    // A remote branch not fetched yet: say so, and do not fetch here — what gets signed is what this clone
    // has (and the reviewer has seen), never a tip that arrived unseen a moment ago (newuser10 N10).
    throw new CountersignError(
      'usage',
      remote
        ? `${what} ${rev} is not in this clone yet: run \`git fetch ${remote}\` (or \`countersign review\`, which fetches and lists what awaits you), look at it, then run this again`
        : `${what} ${rev} is not a commit in this repository (try \`git log --oneline -5\`, or fetch it first)`,
    );
  }
  return resolved;
}

/**
 * Throws CountersignError('usage') when `rev` could mean more than one thing, or names a ref whose name looks
 * like a commit id (attack P2: a fetched tag named like the short id a reviewer was shown, at another commit,
 * was what `approve <id>` signed where the clone lacked that commit; objectIdName.ts). A full object name is
 * never ambiguous (git takes the object over a ref of that name), so it costs no git process; nor is HEAD,
 * which git looks up first, so no tag or branch named HEAD can take its place (HEAD~2 neither).
 */
export async function refuseAmbiguousRevision(cwd: string, rev: string, what: string): Promise<void> {
  if (revisionName(rev) === 'HEAD' || /^([0-9a-f]{40}|[0-9a-f]{64})$/i.test(rev)) return;
  const meanings = await revisionMeanings(cwd, rev);
  const name = revisionName(rev);
  const rest = rev.slice(name.length);
  const refs = meanings.filter((m) => m.kind === 'ref');
  const objects = meanings.filter((m) => m.kind === 'object');
  if (meanings.length > 1) {
    // Where the name abbreviates a commit id, that id is what was copied: it comes first, not the ref named like it.
    const example =
      objects.length === 1
        ? [`${objects[0].name}${rest} (the object's full id)`, ...refs.map((m) => `${m.name}${rest}`)].join(' or ')
        : `${(refs.find((m) => m.name.startsWith('refs/remotes/')) ?? refs[0] ?? meanings[0]).name}${rest}`;
    throw new CountersignError(
      'usage',
      `${what} ${rev} is ambiguous: it could mean ${meanings.map((m) => m.shown).join(' or ')}. Name the one you mean in full, e.g. ${example}; a tag or branch named like a remote branch or a commit id is a known way to get the wrong commit judged or signed`,
    );
  }
  if (refs.length === 1 && looksLikeObjectId(name)) {
    throw new CountersignError(
      'usage',
      `${what} ${rev} looks like an abbreviated commit id, but names only ${refs[0].shown}, no object here: git would take that ref, and a tag or branch named like a commit id is a known way to get the wrong commit judged or signed. If you mean that ref, name it in full (${refs[0].name}${rest}); if you mean a commit, fetch it (\`git fetch\`) and give its full id`,
    );
  }
}

/**
 * Whether HEAD names a branch with no commit yet (a fresh `git init`): report, export and explain then say "no
 * commits yet" rather than "not a revision … fetch it" (newuser14 S23).
 */
export async function headIsUnborn(cwd: string): Promise<boolean> {
  if ((await revParse(cwd, 'HEAD')) !== undefined) return false;
  return (await runGit(['symbolic-ref', '--quiet', 'HEAD'], { cwd, okCodes: [1, 128] })).code === 0;
}

/** The object `rev` names (`git rev-parse --verify --quiet`), or undefined when it names none. */
export async function revParse(cwd: string, rev: string): Promise<string | undefined> {
  const ask = async () => {
    const r = await runGit(['rev-parse', '--verify', '--quiet', rev], { cwd, okCodes: [1, 128] });
    return r.code === 0 ? r.stdout.trim() : undefined;
  };
  // An entry of a commit's tree (OID:path) never changes: kept for the panel's next refresh (refreshCache.ts).
  return /^(?:[0-9a-f]{40}|[0-9a-f]{64}):/.test(rev) ? keptAnswer(cwd, 'revParse', async () => [rev], ask) : ask();
}

/**
 * A revision or range git could not walk (its exit 128 on `git log`/`rev-list`), as one sentence naming it
 * and the fix (exit 2) instead of git's "fatal: bad revision": what `report` and `export` say alike.
 */
export function unknownRangeError(command: string, revs: string[], gitStderr: string): CountersignError {
  const why = gitStderr
    .trim()
    .split('\n')[0]
    .replace(/^fatal: /, '');
  return usageError(
    `${command}: ${revs.join(' ')} is not a revision or range in this repository (${why}); check the name, or fetch it (git fetch)`,
  );
}

/** The configured remote `rev` names a branch of (`origin/feature/x` -> origin), if it has that shape. */
async function remoteOf(cwd: string, rev: string): Promise<string | undefined> {
  if (/[~^:@]/.test(rev)) return undefined;
  const remotes = await listRemotes(cwd);
  return remotes.find((r) => rev.startsWith(`${r}/`) && rev.length > r.length + 1);
}
