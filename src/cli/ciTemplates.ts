import githubActions from '../../ci-examples/github-actions.yml';
import gitlabCi from '../../ci-examples/gitlab-ci.yml';

/**
 * The CI templates `init` writes for the remote's forge: the files in ci-examples/, bundled into the CLI as
 * text (esbuild's text loader), so what `init` writes is exactly what the repository documents and tests.
 */
export type Forge = 'github' | 'gitlab';

export const FORGES: readonly Forge[] = ['github', 'gitlab'];

export function ciTemplate(forge: Forge): string {
  return forge === 'github' ? githubActions : gitlabCi;
}

/** The forge a remote URL points at, when it can be told from the host name. */
export function forgeOfRemoteUrl(url: string): Forge | undefined {
  const host = /^[a-z+]+:\/\/(?:[^@/]*@)?([^/:]+)/i.exec(url)?.[1] ?? /^(?:[^@/]*@)?([^/:]+):/.exec(url)?.[1] ?? '';
  if (/(^|\.)github\.com$/i.test(host) || /^github\./i.test(host)) return 'github';
  if (/(^|\.)gitlab\.com$/i.test(host) || /^gitlab\./i.test(host)) return 'gitlab';
  return undefined;
}
