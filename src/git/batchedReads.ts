import { readRepoFacts, repoFactsAnswer, repoFactsWanted, type RepoFacts } from './batchedRepoFacts';
import type { GitResult, GitRunOptions } from './gitRunner';
import { batchCheckAnswer, objectCheckAnswer, revParseAnswer } from './snapshotObjects';

/**
 * Within one snapshot (gitRunner.withGitReadCache), questions that one listing answers are answered from it
 * instead of a git process each (issue 11: the review panel asked `config --get` three times, `symbolic-ref`
 * and `rev-parse --verify` of full ref names seven times, one process after another):
 * - `config --get KEY` and `config --get-regexp PATTERN` from one `git config --list -z`;
 * - `rev-parse --verify --quiet REF[^{commit}]` and `symbolic-ref --quiet REF`, for a full ref name, from one
 *   `git for-each-ref` of every ref.
 * - `rev-parse --verify --quiet OID^{commit}` and `cat-file -e OID`, for a full object name a listed ref
 *   names, from the same ref listing;
 * - `remote` (the remotes' names) from the same config listing;
 * - `for-each-ref --format=%(objectname) %(refname) PREFIX/` from the same ref listing;
 * - `rev-parse` of the repository's own facts (`--absolute-git-dir`, `--show-object-format`, resolveRepo's
 *   folders, `--verify --quiet HEAD^{commit}`) from one `git rev-parse` asking them all;
 * - a branch's upstream (`for-each-ref --format=%(upstream:remotename)%00%(upstream:remoteref) REF`) from the
 *   config listing and the ref listing;
 * - `symbolic-ref --quiet [--short] HEAD` from one `git symbolic-ref --quiet HEAD` (and the ref listing, for
 *   whether the short name would be ambiguous).
 * - in a snapshot that asks for it, object questions the listings leave (`rev-parse --verify --quiet` of
 *   `NAME^{commit}` and `OID:PATH`, `cat-file -t`, `-e` and `--batch-check`) from one batch-check (snapshotObjects.ts).
 * Each answer is the one git would give (same stdout and exit code: git's key and ref resolution rules are
 * followed); anything a listing cannot answer exactly — an unusual key or pattern, a tag of a tag, a ref
 * for-each-ref skips (a dangling symbolic ref), a bare repository's missing work tree — returns undefined,
 * and the caller runs git as before.
 */
export interface BatchedAnswer {
  stdout: string;
  code: number;
}

export type Run = (args: string[], opts: GitRunOptions) => Promise<GitResult>;
type Cache = Map<string, Promise<unknown>>;

/** section[.subsection].name, with git's characters for section and name. */
const CONFIG_KEY = /^([A-Za-z0-9-]+)\.(?:([^\n\0]*)\.)?([A-Za-z][A-Za-z0-9-]*)$/;
/** Patterns whose meaning is the same in POSIX extended and JavaScript regular expressions. */
const PLAIN_PATTERN = /^[A-Za-z0-9_.\\^$()|*+-]+$/;
/** A full ref name with nothing of revision syntax in it. */
const FULL_REF = /^refs\/(?:[A-Za-z0-9_-][A-Za-z0-9._-]*\/)*[A-Za-z0-9_-][A-Za-z0-9._-]*$/;
const PEEL_COMMIT = '^{commit}';
/** A full object name (SHA-1 or SHA-256): git takes it as that object, whatever refs are named like it. */
const OBJECT_ID = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;

export function batchedAnswer(
  args: string[],
  opts: GitRunOptions,
  cache: Cache,
  run: Run,
): Promise<BatchedAnswer | undefined> | undefined {
  const [sub, a, b, c] = args;
  if (
    sub === 'cat-file' &&
    args.length === 2 &&
    typeof opts.input === 'string' &&
    opts.env === undefined &&
    !opts.bytes
  )
    return batchCheckAnswer(opts.cwd, cache, a, opts.input);
  if (opts.env !== undefined || opts.input !== undefined || opts.bytes) return undefined;
  if (sub === 'config' && args.length === 3 && a === '--get' && CONFIG_KEY.test(b))
    return configEntries(opts.cwd, cache, run).then((entries) => entries && configGet(entries, b));
  if (sub === 'config' && args.length === 3 && a === '--get-regexp' && PLAIN_PATTERN.test(b))
    return configEntries(opts.cwd, cache, run).then((entries) => entries && configGetRegexp(entries, b));
  if (sub === 'rev-parse' && args.length === 4 && a === '--verify' && (b === '--quiet' || b === '-q')) {
    const name = c.endsWith(PEEL_COMMIT) ? c.slice(0, -PEEL_COMMIT.length) : '';
    // What the ref listing cannot answer, a snapshot's shared batch-check may (snapshotObjects.ts).
    const objects = () => revParseAnswer(opts.cwd, cache, c);
    if (isFullRef(name))
      return refTable(opts.cwd, cache, run).then((refs) => (refs && verifyCommit(refs, name)) ?? objects());
    if (OBJECT_ID.test(name))
      return refTable(opts.cwd, cache, run).then((refs) =>
        refs && listedType(refs, name) === 'commit' ? { stdout: `${name}\n`, code: 0 } : objects(),
      );
    // A full ref name unpeeled (unfetchedNotes asks for the shared notes refs): the listed ref of any type.
    if (!name && isFullRef(c)) return refTable(opts.cwd, cache, run).then((refs) => refs && verifyRef(refs, c));
    if (!name) return objects();
  }
  if (sub === 'cat-file' && args.length === 3 && a === '-e' && OBJECT_ID.test(b))
    return refTable(opts.cwd, cache, run).then((refs) =>
      refs && listedType(refs, b) ? { stdout: '', code: 0 } : objectCheckAnswer(opts.cwd, cache, a, b),
    );
  if (sub === 'cat-file' && args.length === 3 && a === '-t' && OBJECT_ID.test(b))
    return objectCheckAnswer(opts.cwd, cache, a, b);
  if (sub === 'symbolic-ref' && args.length === 3 && a === '--quiet' && isFullRef(b))
    return refTable(opts.cwd, cache, run).then((refs) => refs && symbolicRef(refs, b));
  if (
    sub === 'for-each-ref' &&
    args.length === 3 &&
    a === UPSTREAM_FORMAT &&
    b.startsWith('refs/heads/') &&
    isFullRef(b)
  )
    return Promise.all([configEntries(opts.cwd, cache, run), refTable(opts.cwd, cache, run)]).then(
      ([entries, refs]) => entries && refs && upstreamOf(entries, refs, b),
    );
  if (sub === 'remote' && args.length === 1)
    // Only inside a repository: outside one `git config --list` still reads the user's config, `git remote` fails.
    return Promise.all([configEntries(opts.cwd, cache, run), repoFacts(opts.cwd, cache, run)]).then(
      ([entries, facts]) => (entries && facts ? remoteNames(entries) : undefined),
    );
  if (sub === 'for-each-ref' && args.length === 3 && a === OID_AND_NAME && isRefPrefix(b))
    return refTable(opts.cwd, cache, run).then((refs) => refs && refsUnder(refs, b));
  if (sub === 'rev-parse') {
    const wanted = repoFactsWanted(args.slice(1));
    if (wanted)
      return repoFacts(opts.cwd, cache, run).then((facts) => (facts ? repoFactsAnswer(facts, wanted) : undefined));
  }
  if (sub === 'symbolic-ref' && args.length === 3 && a === '--quiet' && b === 'HEAD')
    return headRef(opts.cwd, cache, run).then((head) => head && { stdout: head.stdout, code: head.code });
  if (sub === 'symbolic-ref' && args.length === 4 && a === '--quiet' && b === '--short' && c === 'HEAD')
    return Promise.all([headRef(opts.cwd, cache, run), refTable(opts.cwd, cache, run)]).then(
      ([head, refs]) => head && refs && shortHead(head, refs),
    );
  return undefined;
}

/**
 * Starts the listings a snapshot of the repository at `cwd` will ask for, all at once: the questions that
 * use them then wait for processes already running side by side, not for one after another (issue 11).
 */
export function startListings(cwd: string, cache: Cache, run: Run, opts: { head?: boolean } = {}): void {
  void configEntries(cwd, cache, run);
  void refTable(cwd, cache, run);
  void repoFacts(cwd, cache, run);
  if (opts.head !== false) void headRef(cwd, cache, run);
}

const FACTS_KEY = 'batched\0rev-parse\0';
const HEAD_KEY = 'batched\0head\0';

/**
 * The listings still true after `git ARGS`, a write that moves refs alone (their keys' prefixes; every other answer
 * goes): the config, after a fetch or an update-ref (neither writes config; `fetch --set-upstream` does, and is
 * not one), and after a fetch the repository's facts and HEAD too (git refuses to fetch into the branch checked
 * out, unless --update-head-ok), as after an update-ref of a notes or Countersign ref (no branch HEAD names). verify's and pre-push's fetch of the approvals, and the merge after it, each took
 * the config listing and the facts again, two or three git processes a run for answers that had not changed.
 */
export function listingsKeptAfter(args: string[]): string[] {
  let i = 0;
  while (args[i] === '-c') i += 2;
  const [sub, ...rest] = args.slice(i);
  const config = 'batched\0config\0';
  if (sub === 'update-ref') {
    // A notes or Countersign ref is no branch HEAD names: HEAD's commit and branch stay too.
    const ref = rest.find((a, j) => !a.startsWith('-') && rest[j - 1] !== '-m');
    const notHead = ref !== undefined && ['refs/notes/', 'refs/countersign/'].some((p) => ref.startsWith(p));
    return rest.includes('--stdin') || !notHead ? [config] : [config, FACTS_KEY, HEAD_KEY];
  }
  if (sub !== 'fetch' || rest.some((a) => ['--set-upstream', '-u', '--update-head-ok'].includes(a))) return [];
  return [config, FACTS_KEY, HEAD_KEY];
}

function isFullRef(name: string): boolean {
  return FULL_REF.test(name) && !name.includes('..') && !name.endsWith('.lock');
}

/** One listing per repository and snapshot; a listing git could not give answers nothing (git is asked). */
function shared<T>(cache: Cache, key: string, compute: () => Promise<T>): Promise<T | undefined> {
  let p = cache.get(key) as Promise<T | undefined> | undefined;
  if (!p) {
    p = compute().catch(() => undefined);
    cache.set(key, p);
  }
  return p;
}

interface ConfigEntry {
  key: string;
  /** null: the key is given without `=` (git's implicit true). */
  value: string | null;
}

function configEntries(cwd: string, cache: Cache, run: Run): Promise<ConfigEntry[] | undefined> {
  return shared(cache, `batched\0config\0${cwd}`, async () => {
    const r = await run(['config', '--list', '-z'], { cwd });
    const out: ConfigEntry[] = [];
    for (const entry of r.stdout.split('\0')) {
      if (entry === '') continue;
      const nl = entry.indexOf('\n');
      out.push(nl < 0 ? { key: entry, value: null } : { key: entry.slice(0, nl), value: entry.slice(nl + 1) });
    }
    return out;
  });
}

/** git's canonical key: section and name lower-cased, the subsection as written. */
function canonicalKey(key: string): string {
  const m = CONFIG_KEY.exec(key) as RegExpExecArray;
  return `${m[1].toLowerCase()}.${m[2] === undefined ? '' : `${m[2]}.`}${m[3].toLowerCase()}`;
}

/** `git config --get KEY`: the last value, then a newline (a key without `=` prints an empty line); 1 when unset. */
function configGet(entries: ConfigEntry[], key: string): BatchedAnswer {
  const want = canonicalKey(key);
  for (let i = entries.length - 1; i >= 0; i--)
    if (entries[i].key === want) return { stdout: `${entries[i].value ?? ''}\n`, code: 0 };
  return { stdout: '', code: 1 };
}

/** `git config --get-regexp PATTERN`: `key value` (or `key`) per matching key, in order; 1 when none. */
function configGetRegexp(entries: ConfigEntry[], pattern: string): BatchedAnswer | undefined {
  let re: RegExp;
  try {
    re = new RegExp(pattern);
  } catch {
    return undefined;
  }
  const lines = entries.filter((e) => re.test(e.key)).map((e) => (e.value === null ? e.key : `${e.key} ${e.value}`));
  return lines.length > 0 ? { stdout: lines.map((l) => `${l}\n`).join(''), code: 0 } : { stdout: '', code: 1 };
}

/**
 * `git remote`: the names of the remotes the config defines (any `remote.NAME.*` key; git skips a NAME that
 * starts with `/`), sorted byte by byte, each once.
 */
function remoteNames(entries: ConfigEntry[]): BatchedAnswer | undefined {
  const names = new Set<string>();
  for (const { key } of entries) {
    const m = /^remote\.(.*)\.[^.]*$/s.exec(key);
    if (m?.[1] === '') return undefined; // `remote..url`: left to git
    if (m && !m[1].startsWith('/')) names.add(m[1]);
  }
  const sorted = [...names].sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y)));
  return { stdout: sorted.map((n) => `${n}\n`).join(''), code: 0 };
}

interface RefEntry {
  type: string;
  oid: string;
  peeledType: string;
  peeledOid: string;
  symref: string;
}

/** Every ref, in for-each-ref's order (by name); `complete` is false when git skipped a broken one. */
type RefTable = Map<string, RefEntry> & { complete?: boolean; types?: Map<string, string> };

/**
 * The type of object `oid` when a listed ref names it (or peels to it): git read it to list the ref, so it is
 * in the repository. Undefined for any other object (git is asked).
 */
function listedType(refs: RefTable, oid: string): string | undefined {
  if (!refs.types) {
    refs.types = new Map();
    for (const r of refs.values()) {
      refs.types.set(r.oid, r.type);
      if (r.peeledOid) refs.types.set(r.peeledOid, r.peeledType);
    }
  }
  return refs.types.get(oid);
}

/** Set in a snapshot that never lists every ref (withGitReadCache's refListing: false): each question asks git. */
export const NO_REF_LISTING = 'batched\0no-ref-listing';

function refTable(cwd: string, cache: Cache, run: Run): Promise<RefTable | undefined> {
  if (cache.has(NO_REF_LISTING)) return Promise.resolve(undefined);
  return shared(cache, `batched\0refs\0${cwd}`, async () => {
    const r = await run(
      [
        'for-each-ref',
        '--format=%(refname)%00%(objecttype)%00%(objectname)%00%(*objecttype)%00%(*objectname)%00%(symref)',
      ],
      { cwd },
    );
    const refs: RefTable = new Map<string, RefEntry>();
    for (const line of r.stdout.split('\n')) {
      const [name, type, oid, peeledType, peeledOid, symref] = line.split('\0');
      if (name && oid) refs.set(name, { type, oid, peeledType, peeledOid, symref: symref ?? '' });
    }
    // git warns on stderr for each ref it leaves out (one to a missing object): such a ref still exists.
    refs.complete = r.stderr.trim() === '';
    return refs;
  });
}

const OID_AND_NAME = '--format=%(objectname) %(refname)';
const UPSTREAM_FORMAT = '--format=%(upstream:remotename)%00%(upstream:remoteref)';

/**
 * `git for-each-ref --format=%(upstream:remotename)%00%(upstream:remoteref) refs/heads/NAME`: nothing when the
 * branch does not exist; else, when it has an upstream — branch.NAME.remote (the last) and branch.NAME.merge
 * (the first) set, and that ref mapped by one of the remote's fetch refspecs — the two, else two empty fields.
 * Left to git: a remote of `.`, a remote without fetch refspecs in the config (git also reads the legacy
 * .git/remotes files), negative or unusual refspecs, and refs below the name (for-each-ref matches them too).
 */
function upstreamOf(entries: ConfigEntry[], refs: RefTable, ref: string): BatchedAnswer | undefined {
  if (!refs.complete) return undefined;
  for (const name of refs.keys()) if (name.startsWith(`${ref}/`)) return undefined;
  if (!refs.has(ref)) return { stdout: '', code: 0 };
  const branch = ref.slice('refs/heads/'.length);
  const values = (key: string) => entries.filter((e) => e.key === key).map((e) => e.value);
  const remotes = values(`branch.${branch}.remote`);
  const merges = values(`branch.${branch}.merge`);
  if (remotes.includes(null) || merges.includes(null)) return undefined; // git refuses a key without a value
  const none = { stdout: '\0\n', code: 0 };
  const remote = remotes[remotes.length - 1];
  const merge = merges[0];
  if (remote === undefined || remote === null || merge === undefined || merge === null) return none;
  if (remote === '.') return undefined;
  const fetch = values(`remote.${remote}.fetch`);
  if (fetch.length === 0) return undefined;
  let tracked = false;
  for (const spec of fetch) {
    const m = spec === null ? null : /^\+?([^:^*]*)(\*?)([^:*]*):(.+)$/.exec(spec);
    if (!m) return undefined;
    const [, before, star, after] = m;
    const src = merge;
    if (
      star
        ? src.length >= before.length + after.length && src.startsWith(before) && src.endsWith(after)
        : src === before + after
    )
      tracked = true;
  }
  return tracked ? { stdout: `${remote}\0${merge}\n`, code: 0 } : none;
}

function isRefPrefix(p: string): boolean {
  return p.endsWith('/') && isFullRef(p.slice(0, -1));
}

/** `git for-each-ref --format='%(objectname) %(refname)' PREFIX/`: the listing's refs under it, in its order. */
function refsUnder(refs: RefTable, prefix: string): BatchedAnswer {
  let stdout = '';
  for (const [name, ref] of refs) if (name.startsWith(prefix)) stdout += `${ref.oid} ${name}\n`;
  return { stdout, code: 0 };
}

/**
 * `git rev-parse --verify --quiet NAME^{commit}`: NAME resolved by git's rules for a name (NAME, refs/NAME,
 * refs/tags/NAME, refs/heads/NAME, refs/remotes/NAME, refs/remotes/NAME/HEAD; the first that exists), then
 * peeled to its commit. Only a commit or a tag of a commit is answered here (git explains other types on stderr).
 */
function verifyCommit(refs: Map<string, RefEntry>, name: string): BatchedAnswer | undefined {
  const ref = byNameRules(refs, name);
  if (!ref) return { stdout: '', code: 1 };
  if (ref.type === 'commit') return { stdout: `${ref.oid}\n`, code: 0 };
  if (ref.type === 'tag' && ref.peeledType === 'commit') return { stdout: `${ref.peeledOid}\n`, code: 0 };
  return undefined;
}

/** The ref git's rules for a name find first (NAME, refs/NAME, refs/tags/NAME, …, refs/remotes/NAME/HEAD). */
function byNameRules(refs: Map<string, RefEntry>, name: string): RefEntry | undefined {
  const rules = [name, `refs/${name}`, `refs/tags/${name}`, `refs/heads/${name}`, `refs/remotes/${name}`];
  return [...rules, `refs/remotes/${name}/HEAD`].map((n) => refs.get(n)).find((r) => r !== undefined);
}

/**
 * `git rev-parse --verify --quiet REF`, unpeeled: the object of the ref the rules find, whatever its type; exit 1
 * when none exists — only from a listing git skipped nothing of (a ref to a missing object still resolves).
 */
function verifyRef(refs: RefTable, name: string): BatchedAnswer | undefined {
  const ref = byNameRules(refs, name);
  if (ref) return { stdout: `${ref.oid}\n`, code: 0 };
  return refs.complete ? { stdout: '', code: 1 } : undefined;
}

/** `git symbolic-ref --quiet REF` for a ref the listing has: its target, or 1 when it is not symbolic. */
function symbolicRef(refs: Map<string, RefEntry>, name: string): BatchedAnswer | undefined {
  const ref = refs.get(name);
  if (!ref) return undefined; // absent, or a symbolic ref to nothing (which for-each-ref skips, silently): ask git
  return ref.symref ? { stdout: `${ref.symref}\n`, code: 0 } : { stdout: '', code: 1 };
}

/** One `git rev-parse` of the repository's facts per repository and snapshot (batchedRepoFacts.ts). */
function repoFacts(cwd: string, cache: Cache, run: Run): Promise<RepoFacts | undefined> {
  return shared(cache, `${FACTS_KEY}${cwd}`, () => readRepoFacts(cwd, run));
}

/** `git symbolic-ref --quiet HEAD`, asked once: the branch checked out, or exit 1 (detached). */
function headRef(cwd: string, cache: Cache, run: Run): Promise<BatchedAnswer | undefined> {
  return shared(cache, `${HEAD_KEY}${cwd}`, async () => {
    const r = await run(['symbolic-ref', '--quiet', 'HEAD'], { cwd, okCodes: [1] });
    return { stdout: r.stdout, code: r.code };
  });
}

/**
 * `git symbolic-ref --quiet --short HEAD`: git shortens `refs/heads/NAME` to NAME unless NAME would also
 * name `refs/NAME` or `refs/tags/NAME` (or a pseudo-ref such as FETCH_HEAD, all capitals): those few cases,
 * and a listing that skipped a broken ref, are left to git.
 */
function shortHead(head: BatchedAnswer, refs: RefTable): BatchedAnswer | undefined {
  if (head.code !== 0) return head;
  const full = head.stdout.trim();
  if (!full.startsWith('refs/heads/') || !refs.complete) return undefined;
  const name = full.slice('refs/heads/'.length);
  if (/^[A-Z_]+$/.test(name) || refs.has(`refs/${name}`) || refs.has(`refs/tags/${name}`)) return undefined;
  return { stdout: `${name}\n`, code: 0 };
}
