import { shQuote } from '../core/shellQuote';

/** The environment and configuration of every git process Countersign starts (gitRunner.ts and the streams). */

/**
 * Set on every git process Countersign starts. No prompt for credentials (hooks never hang), and no replace
 * objects: `refs/replace/*` would let a pushed ref substitute another commit, tree or policy blob for the one
 * the gate must judge (a tester's bypass) — Countersign always reads the objects themselves.
 */
export const GIT_ENV: Readonly<Record<string, string>> = { GIT_TERMINAL_PROMPT: '0', GIT_NO_REPLACE_OBJECTS: '1' };

/**
 * Configuration every git process Countersign starts is given, over every config file and every inherited `git -c`
 * (withGitConfig; a `-c` on the command itself still wins): git's defaults for what the gate's readers parse, so that what a server's
 * administrator, a CI runner or a user configured cannot change what the gate sees, and `verify` and the server
 * agree (attack25). log.showRoot=false gave root commits no files (a new protected branch at one adding a
 * Dockerfile landed: A25-04); diff.ignoreSubmodules=all hid gitlinks (A25-05); histogram and patience need not
 * be minimal, so a server set to histogram refused honest commits `verify` passed (A25-01); the others change
 * paths, ids, colours, encodings or the lines of a patch the readers take as they come.
 */
export const GIT_CONFIG: ReadonlyArray<[key: string, value: string]> = [
  ['diff.algorithm', 'myers'],
  ['log.showRoot', 'true'],
  ['diff.ignoreSubmodules', 'none'],
  ['diff.relative', 'false'],
  ['diff.noprefix', 'false'],
  ['diff.mnemonicPrefix', 'false'],
  ['diff.suppressBlankEmpty', 'false'],
  ['diff.indentHeuristic', 'true'],
  ['color.ui', 'never'],
  ['log.showSignature', 'false'],
  ['log.abbrevCommit', 'false'],
  ['i18n.logOutputEncoding', 'UTF-8'],
];

/** The environment of a git process: the caller's, then `extra`, then GIT_ENV (which nothing overrides), GIT_CONFIG. */
export function gitEnv(extra?: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return withGitConfig({ ...process.env, ...extra, ...GIT_ENV }, GIT_CONFIG);
}

/**
 * `env` with `pairs` appended to any GIT_CONFIG_COUNT entries already there (a CI's own stay in force), and to an
 * inherited GIT_CONFIG_PARAMETERS: git reads that list after GIT_CONFIG_COUNT, the last value winning, and it is
 * how `git -c k=v CMD` hands its options to every child, hooks included — so a forge's `git -c log.showRoot=false
 * receive-pack` beat the pins and a root commit adding a Dockerfile landed again (attack26 10). Appended in git's
 * own quoting (`'key=value'`, which every git reads); a command's own `-c`, which git appends after, still wins.
 */
export function withGitConfig(
  env: NodeJS.ProcessEnv,
  pairs: ReadonlyArray<readonly [key: string, value: string]>,
): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = { ...env };
  let n = Number(env.GIT_CONFIG_COUNT) > 0 ? Number(env.GIT_CONFIG_COUNT) : 0;
  for (const [key, value] of pairs) {
    out[`GIT_CONFIG_KEY_${n}`] = key;
    out[`GIT_CONFIG_VALUE_${n}`] = value;
    n++;
  }
  out.GIT_CONFIG_COUNT = String(n);
  const inherited = env.GIT_CONFIG_PARAMETERS;
  if (inherited !== undefined && inherited.trim() !== '') {
    out.GIT_CONFIG_PARAMETERS = [inherited, ...pairs.map(([key, value]) => shQuote(`${key}=${value}`))].join(' ');
  }
  return out;
}

/**
 * Configuration that keeps a repository from making git run its programs (issue 16, class 4): hooks run
 * git in whatever repository a payload points at, and a clone can carry a fake repository (a committed
 * bare layout whose config sets core.fsmonitor) or an embedded one. Given with git's own precedence over
 * every config file (GIT_CONFIG_COUNT, like `-c`): no implicit bare repositories, no fsmonitor hook, no
 * hooks, no external diff, no pager. Textconv and external diff drivers only run for porcelain diffs,
 * which Countersign does not ask for at hook time (its diffs are plumbing, `--no-ext-diff --no-textconv`).
 */
export const UNTRUSTED_REPO_GIT_CONFIG: ReadonlyArray<[key: string, value: string]> = [
  ['safe.bareRepository', 'explicit'],
  ['core.fsmonitor', 'false'],
  ['core.hooksPath', '/dev/null'],
  ['diff.external', ''],
  ['core.pager', 'cat'],
];

/** `env` with UNTRUSTED_REPO_GIT_CONFIG appended to any GIT_CONFIG_COUNT entries already there. */
export function untrustedRepoGitEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const out = withGitConfig(env, UNTRUSTED_REPO_GIT_CONFIG);
  delete out.GIT_EXTERNAL_DIFF;
  return out;
}
