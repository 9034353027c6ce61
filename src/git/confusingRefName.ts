import { TAG_PREFIX } from '../core/policy';

const HEADS = 'refs/heads/';
const OBJECT_NAME = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/i;

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
