/**
 * The environment a benchmark's git runs in: no system configuration, HOME in the benchmark's own temporary
 * folder (so no user configuration or hooks path either) and Ada as author and committer, so the figures do
 * not depend on how this machine's git is set up. `extra` adds or overrides variables.
 */
export function benchGitEnv(home: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    HOME: home,
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_AUTHOR_NAME: 'Ada',
    GIT_AUTHOR_EMAIL: 'ada@example.com',
    GIT_COMMITTER_NAME: 'Ada',
    GIT_COMMITTER_EMAIL: 'ada@example.com',
    ...extra,
  };
}
