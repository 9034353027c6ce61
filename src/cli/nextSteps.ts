import * as os from 'os';
import { gitConfig } from '../git/gitRunner';
import { policyForDecision } from '../git/decisionPolicy';
import { defaultRemote } from '../git/remotes';
import { standardPublicKey } from '../git/signingKeyInfo';

/**
 * What is still missing after `install` (and `init`) on the way to "a push to main is blocked until a
 * teammate approves", each with the command that does it: a remote, the policy on the policy branch, the
 * reviewer's signing key, the server-side enforcement.
 */
export async function nextStepsAfterInstall(cwd: string, remotes: string[], hookManager?: string): Promise<string> {
  return formatNextSteps(await nextSteps(cwd, remotes, hookManager ? { hookManager } : {}));
}

export function formatNextSteps(steps: string[]): string {
  return steps.length === 0 ? '' : `\nNext steps:\n${steps.map((s, i) => `  ${i + 1}. ${s}`).join('\n')}\n`;
}

export async function nextSteps(
  cwd: string,
  remotes: string[],
  o: { agentsConnected?: boolean; hookManager?: string } = {},
): Promise<string[]> {
  const steps: string[] = [];
  const remote = remotes.length > 0 ? await defaultRemote(cwd) : undefined;
  // The same mode again: a plain `install` would take core.hooksPath away from the hook manager (newuser14 S16).
  const install = o.hookManager ? `countersign install --hook-manager ${o.hookManager}` : 'countersign install';
  if (remotes.length === 0)
    steps.push(
      `Add the team's remote, then run \`${install}\` again (it sets up notes fetching per remote): git remote add origin URL`,
    );
  // The key first: `countersign init` cannot list you as a reviewer in the policy without it (newuser10 N2).
  if (!(await gitConfig(cwd, 'user.signingkey'))) {
    const found = standardPublicKey(os.homedir());
    steps.push(
      `Reviewers: choose the SSH key approvals are signed with: git config user.signingkey ${found ? `${found.shown} (the key found in your ~/.ssh)` : '~/.ssh/id_ed25519.pub'}`,
    );
  }
  const policy = await policyForDecision(cwd, remote);
  if (policy.source.kind === 'none') {
    steps.push(
      `Write the policy and share it on ${policy.from}: countersign init (or countersign policy init --protect main --reviewer "Name <email>" --key ~/.ssh/id_ed25519.pub), then commit .countersign.json and push it`,
    );
  } else if (policy.source.kind === 'error') {
    steps.push(`Fix the policy on ${policy.from}: ${policy.source.message} (countersign policy check)`);
  }
  if (!o.agentsConnected)
    steps.push('Connect your AI agents so their lines are recorded: countersign agents connect --local');
  steps.push(
    // Every teammate's init prints this; only whoever administers the server or CI acts on it (newuser19 F12).
    // With the branch named: a bare `git init --bare` names master, and the server would then refuse main (newuser24 F2).
    `Enforce it where nobody can skip it, unless your team already does: \`countersign install --server --policy-branch ${policy.branch}\` in the bare repository of a self-hosted server, or \`countersign verify\` as a required CI check (docs/rollout.md)`,
  );
  return steps;
}
