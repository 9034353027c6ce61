import { DIFF_ARGS } from './commitDiff';
import { GIT_ENV, seedGitAnswer } from './gitRunner';
import { REPO_AND_HEAD_ARGS } from './repository';

/**
 * The commit hook's prelude (issue 11). prepare-commit-msg asks git the same four things on every commit: the
 * repository and HEAD, the index's tree, the config and identity (`git var -l`) and the staged diff against
 * HEAD. A process Node spawns costs several times what the same process costs started by the shell (Node's
 * spawn, its pipes and sockets), so the shim (src/git/shell/clientHook.sh) asks them itself while Node starts
 * and pipes the answers into the hook's stdin with COUNTERSIGN_PRELUDE=1. Node seeds them into runGit
 * (seedGitAnswer), keyed by the exact arguments: a question asked differently (an amend diffs against HEAD^,
 * a shim from another version) is not answered by them and runs git as before, so the answers can only save
 * processes, never change a result.
 *
 * Each answer: `a ARGS\n` + stdout + `\0` + exit code + `\n`, ARGS the argv joined by spaces; the last one may
 * be `z ARGS\n` (stdout may hold NULs: `diff -z`), whose stdout runs to the last NUL of the input.
 */

/** prepare-commit-msg's questions besides the repository and the diff (src/git/commitProvenance.ts). */
export const SETTINGS_ARGS = ['var', '-l'];
export const INDEX_TREE_ARGS = ['write-tree'];

/** The queries as the shim's template gets them: each one word list, split by the shell. */
/** `args` as one word list the shim splits unquoted (on purpose): each must survive as one word. */
export function shellWords(args: readonly string[]): string {
  for (const a of args) {
    // Split unquoted by the shell: a word with a space or a glob character would not survive.
    if (!/^[\w^{}./=:-]+$/.test(a)) throw new Error(`hook shim: ${JSON.stringify(a)} cannot be a shell word`);
  }
  return args.join(' ');
}

export function preludeTemplateValues(): Record<string, string> {
  const words = shellWords;
  return {
    PRELUDE_REPO: words(REPO_AND_HEAD_ARGS),
    PRELUDE_TREE: words(INDEX_TREE_ARGS),
    PRELUDE_SETTINGS: words(SETTINGS_ARGS),
    PRELUDE_DIFF: words([...DIFF_ARGS, '--cached']),
    PRELUDE_GIT_ENV: words(Object.entries(GIT_ENV).map(([k, v]) => `${k}=${v}`)),
  };
}

/** Seeds the answers in `input` (the hook's stdin) for git queries run in `cwd`; returns how many. */
export function seedPrelude(cwd: string, input: Buffer): number {
  let at = 0;
  let n = 0;
  while (at < input.length) {
    const nl = input.indexOf(10, at);
    if (nl < 0) break;
    const header = input.toString('utf8', at, nl);
    const mode = header.slice(0, 2);
    if (mode !== 'a ' && mode !== 'z ') break;
    const end = mode === 'z ' ? input.lastIndexOf(0) : input.indexOf(0, nl + 1);
    if (end <= nl) break;
    let stop = input.indexOf(10, end);
    if (stop < 0) stop = input.length;
    const code = input.toString('latin1', end + 1, stop);
    if (!/^\d+$/.test(code)) break;
    seedGitAnswer(cwd, header.slice(2).split(' '), input.toString('utf8', nl + 1, end), Number(code));
    n++;
    at = stop + 1;
    if (mode === 'z ') break;
  }
  return n;
}
