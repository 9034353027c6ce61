import type { GitResult, GitRunOptions } from './gitRunner';

/**
 * Within one snapshot (gitRunner.withGitReadCache), questions that one listing answers are answered from it
 * instead of a git process each (issue 11: the review panel asked `config --get` three times, `symbolic-ref`
 * and `rev-parse --verify` of full ref names seven times, one process after another):
 * - `config --get KEY` and `config --get-regexp PATTERN` from one `git config --list -z`;
 * - `rev-parse --verify --quiet REF^{commit}` and `symbolic-ref --quiet REF`, for a full ref name, from one
 *   `git for-each-ref` of every ref.
 * Each answer is the one git would give (same stdout and exit code: git's key and ref resolution rules are
 * followed); anything a listing cannot answer exactly — an unusual key or pattern, a tag of a tag, a ref
 * for-each-ref skips (a dangling symbolic ref) — returns undefined, and the caller runs git as before.
 */
export interface BatchedAnswer {
  stdout: string;
  code: number;
}

type Run = (args: string[], opts: GitRunOptions) => Promise<GitResult>;
type Cache = Map<string, Promise<unknown>>;

/** section[.subsection].name, with git's characters for section and name. */
const CONFIG_KEY = /^([A-Za-z0-9-]+)\.(?:([^\n\0]*)\.)?([A-Za-z][A-Za-z0-9-]*)$/;
/** Patterns whose meaning is the same in POSIX extended and JavaScript regular expressions. */
const PLAIN_PATTERN = /^[A-Za-z0-9_.\\^$()|*+-]+$/;
/** A full ref name with nothing of revision syntax in it. */
const FULL_REF = /^refs\/(?:[A-Za-z0-9_-][A-Za-z0-9._-]*\/)*[A-Za-z0-9_-][A-Za-z0-9._-]*$/;
const PEEL_COMMIT = '^{commit}';

export function batchedAnswer(
  args: string[],
  opts: GitRunOptions,
  cache: Cache,
  run: Run,
): Promise<BatchedAnswer | undefined> | undefined {
  if (opts.env !== undefined || opts.input !== undefined || opts.bytes) return undefined;
  const [sub, a, b, c] = args;
  if (sub === 'config' && args.length === 3 && a === '--get' && CONFIG_KEY.test(b))
    return configEntries(opts.cwd, cache, run).then((entries) => entries && configGet(entries, b));
  if (sub === 'config' && args.length === 3 && a === '--get-regexp' && PLAIN_PATTERN.test(b))
    return configEntries(opts.cwd, cache, run).then((entries) => entries && configGetRegexp(entries, b));
  if (sub === 'rev-parse' && args.length === 4 && a === '--verify' && (b === '--quiet' || b === '-q')) {
    const name = c.endsWith(PEEL_COMMIT) ? c.slice(0, -PEEL_COMMIT.length) : '';
    if (!isFullRef(name)) return undefined;
    return refTable(opts.cwd, cache, run).then((refs) => refs && verifyCommit(refs, name));
  }
  if (sub === 'symbolic-ref' && args.length === 3 && a === '--quiet' && isFullRef(b))
    return refTable(opts.cwd, cache, run).then((refs) => refs && symbolicRef(refs, b));
  return undefined;
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

interface RefEntry {
  type: string;
  oid: string;
  peeledType: string;
  peeledOid: string;
  symref: string;
}

function refTable(cwd: string, cache: Cache, run: Run): Promise<Map<string, RefEntry> | undefined> {
  return shared(cache, `batched\0refs\0${cwd}`, async () => {
    const r = await run(
      [
        'for-each-ref',
        '--format=%(refname)%00%(objecttype)%00%(objectname)%00%(*objecttype)%00%(*objectname)%00%(symref)',
      ],
      { cwd },
    );
    const refs = new Map<string, RefEntry>();
    for (const line of r.stdout.split('\n')) {
      const [name, type, oid, peeledType, peeledOid, symref] = line.split('\0');
      if (name && oid) refs.set(name, { type, oid, peeledType, peeledOid, symref: symref ?? '' });
    }
    return refs;
  });
}

/**
 * `git rev-parse --verify --quiet NAME^{commit}`: NAME resolved by git's rules for a name (NAME, refs/NAME,
 * refs/tags/NAME, refs/heads/NAME, refs/remotes/NAME, refs/remotes/NAME/HEAD; the first that exists), then
 * peeled to its commit. Only a commit or a tag of a commit is answered here (git explains other types on stderr).
 */
function verifyCommit(refs: Map<string, RefEntry>, name: string): BatchedAnswer | undefined {
  const rules = [name, `refs/${name}`, `refs/tags/${name}`, `refs/heads/${name}`, `refs/remotes/${name}`];
  const ref = [...rules, `refs/remotes/${name}/HEAD`].map((n) => refs.get(n)).find((r) => r !== undefined);
  if (!ref) return { stdout: '', code: 1 };
  if (ref.type === 'commit') return { stdout: `${ref.oid}\n`, code: 0 };
  if (ref.type === 'tag' && ref.peeledType === 'commit') return { stdout: `${ref.peeledOid}\n`, code: 0 };
  return undefined;
}

/** `git symbolic-ref --quiet REF` for a ref the listing has: its target, or 1 when it is not symbolic. */
function symbolicRef(refs: Map<string, RefEntry>, name: string): BatchedAnswer | undefined {
  const ref = refs.get(name);
  if (!ref) return undefined; // absent, or a symbolic ref to nothing (which for-each-ref skips): ask git
  return ref.symref ? { stdout: `${ref.symref}\n`, code: 0 } : { stdout: '', code: 1 };
}
