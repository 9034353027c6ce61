import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { isolatedEnv } from '../harness/codeServer';

/** The review scenarios' start: a bare origin, Ada's clone with the policy pushed, and Bo's real SSH key. */
export interface ReviewFixture {
  env: NodeJS.ProcessEnv;
  git: (cwd: string, ...args: string[]) => string;
  origin: string;
  ada: string;
  /** Bo's private key file and public key line (the policy lists him as the reviewer). */
  boKey: string;
  boPublicKey: string;
  /** The pushed commit that holds the policy. */
  base: string;
}

/**
 * Ada's clone `adaName` of a fresh bare origin in `dir`, with `.countersign.json` (main protected, Bo Reviewer
 * with his key) and `files` committed as a human commit and pushed to main.
 */
export function reviewFixture(dir: string, adaName: string, files: Record<string, string> = {}): ReviewFixture {
  const env = isolatedEnv(path.join(dir, 'fixture-home'), {});
  const git = (cwd: string, ...args: string[]) =>
    execFileSync('git', args, { cwd, env, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] }).trim();
  fs.mkdirSync(path.join(dir, 'keys'), { recursive: true });
  const boKey = path.join(dir, 'keys', 'bo_ed25519');
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'bo@laptop', '-f', boKey]);
  const boPublicKey = fs.readFileSync(`${boKey}.pub`, 'utf8').trim();
  const origin = path.join(dir, 'origin.git');
  const ada = path.join(dir, adaName);
  git(dir, 'init', '-q', '--bare', '-b', 'main', origin);
  git(dir, 'clone', '-q', origin, ada);
  git(ada, 'config', 'user.name', 'Ada Author');
  git(ada, 'config', 'user.email', 'ada@example.com');
  fs.writeFileSync(
    path.join(ada, '.countersign.json'),
    JSON.stringify(
      {
        protectedBranches: ['main'],
        reviewers: [{ name: 'Bo Reviewer', email: 'bo@example.com', key: boPublicKey }],
      },
      null,
      2,
    ) + '\n',
  );
  for (const [file, text] of Object.entries(files)) fs.writeFileSync(path.join(ada, file), text);
  git(ada, 'add', '.');
  git(ada, 'commit', '-q', '-m', 'Add the Countersign policy', '-m', 'AI-Provenance: v1 ai=0 human=5 untracked=0');
  git(ada, 'push', '-q', 'origin', 'main');
  return { env, git, origin, ada: fs.realpathSync(ada), boKey, boPublicKey, base: git(ada, 'rev-parse', 'HEAD') };
}
