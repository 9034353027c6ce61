import { runGit } from './gitRunner';

/**
 * The environment for a git command that writes a commit on Countersign's behalf (a notes merge, `git notes add`,
 * a notes commit taken in from another remote): git refuses to commit without an identity, and CI runners and
 * fresh clones often have none configured. Empty when git already has one, so the user's own is used.
 */
export async function identityEnv(cwd: string): Promise<NodeJS.ProcessEnv> {
  const r = await runGit(['var', 'GIT_COMMITTER_IDENT'], { cwd, okCodes: [128] });
  return r.code === 0
    ? {}
    : {
        GIT_COMMITTER_NAME: 'Countersign',
        GIT_COMMITTER_EMAIL: 'countersign@localhost',
        GIT_AUTHOR_NAME: 'Countersign',
        GIT_AUTHOR_EMAIL: 'countersign@localhost',
      };
}
