import { workTreePolicyProblem } from '../workTreePolicy';
import { randomBytes } from 'crypto';
import { samePerson } from '../../core/approvalRules';
import type { PolicySource } from '../../core/gate';
import { errorMessage } from '../../core/errors';
import { POLICY_FILE } from '../../core/policy';
import { invalidPolicyFix } from '../../core/policyRecovery';
import { policyBranchWarning } from '../../core/policyBranchProtection';
import { REVIEW_NAMESPACE, verifySshSignature } from '../../core/sshsig';
import { readPolicyFrom } from '../policyRead';
import { gitConfig } from '../gitRunner';
import { remoteDefaultBranch } from '../policyBranch';
import { defaultRemote } from '../remotes';
import { resolveSigningKey, signWithSshKeygen } from '../signer';
import { resolveCommit } from '../stagedDiff';
import { finding, type DoctorCheck, type DoctorContext, type DoctorFinding } from './doctorCheck';

/**
 * The doctor's checks of the policy as the gate will read it: the policy branch holds a readable
 * `.countersign.json`, and a reviewer's signing key signs what the policy's key for them verifies.
 */

interface PolicyBranch {
  rev: string;
  label: string;
  /** The branch's short name (`main`), which the gate always judges as protected. */
  name: string;
}

/** The policy branch on a client: the remote's default branch (`<remote>/HEAD`, else main, else master), else local main/master. */
async function policyBranch(cwd: string): Promise<PolicyBranch | undefined> {
  const remote = await defaultRemote(cwd);
  if (remote) {
    const branch = await remoteDefaultBranch(cwd, remote);
    if (branch) {
      const rev = await resolveCommit(cwd, `refs/remotes/${remote}/${branch}`);
      if (rev) return { rev, label: `${remote}/${branch}`, name: branch };
    }
  }
  for (const b of ['main', 'master']) {
    const rev = await resolveCommit(cwd, `refs/heads/${b}`);
    if (rev) return { rev, label: b, name: b };
  }
  return undefined;
}

const policyMemo = new WeakMap<DoctorContext, Promise<{ branch?: PolicyBranch; source?: PolicySource }>>();

/** The policy on the policy branch, read once per doctor run (the policy and signing-key checks share it). */
function policyOf(ctx: DoctorContext): Promise<{ branch?: PolicyBranch; source?: PolicySource }> {
  let p = policyMemo.get(ctx);
  if (!p) {
    p = (async () => {
      const branch = await policyBranch(ctx.cwd);
      if (!branch) return {};
      return { branch, source: await readPolicyFrom(ctx.cwd, [{ rev: branch.rev, label: branch.label }]) };
    })();
    policyMemo.set(ctx, p);
  }
  return p;
}

/** A `.countersign.json` on the policy branch that parses. */
export const policyOnPolicyBranch: DoctorCheck = {
  name: 'policy',
  async run(ctx) {
    // What the gate reads comes first; a broken copy in the work tree would be refused once committed, and
    // "Nothing to fix." hid it (newuser16 F5).
    const local = ctx.repo.root ? workTreePolicyProblem(ctx.repo.root) : undefined;
    const gate = await policyBranchFindings(this.name, ctx);
    return local
      ? [...gate, finding(this.name, 'fix', local, 'run `countersign policy check` and fix what it names')]
      : gate;
  },
};

async function policyBranchFindings(name: string, ctx: DoctorContext): Promise<DoctorFinding[]> {
  const { branch, source } = await policyOf(ctx);
  const init = `run \`countersign policy init --reviewer "Name <email>" --key KEY.pub\`, commit ${POLICY_FILE} and get it onto the default branch`;
  if (!branch || !source)
    return [
      finding(
        name,
        'fix',
        'no policy branch: the remote has no default branch (fetch it) and there is no main or master',
        `fetch the remote (git fetch), or ${init}`,
      ),
    ];
  if (source.kind === 'none')
    return [
      finding(name, 'fix', `no ${POLICY_FILE} on the policy branch ${branch.label}: no branch is protected`, init),
    ];
  if (source.kind === 'error')
    return [
      finding(
        name,
        'fix',
        source.message,
        `\`countersign policy check\` explains each problem; ${invalidPolicyFix().replace(/^fix: /, '')}`,
      ),
    ];
  const p = source.policy;
  const unnamed = policyBranchWarning(p, branch.name);
  return [
    finding(
      name,
      'ok',
      `${source.from} parses: protects ${p.protectedBranches.join(', ') || 'nothing'}; ${p.reviewers.length} reviewer(s)`,
    ),
    ...(unnamed ? [finding(name, 'info', unnamed)] : []),
  ];
}

/** When the user is a reviewer: their signing key signs, and the signature verifies with the key the policy lists for them. */
export const signingKeyUsable: DoctorCheck = {
  name: 'signing-key',
  async run(ctx) {
    const email = await gitConfig(ctx.cwd, 'user.email');
    const { source } = await policyOf(ctx);
    const reviewer =
      source?.kind === 'ok' && email ? source.policy.reviewers.find((r) => samePerson(r.email, email)) : undefined;
    const configured = (await gitConfig(ctx.cwd, 'user.signingkey')) !== undefined;
    if (!reviewer && !configured) {
      return [
        finding(
          this.name,
          'info',
          `${email ?? 'you (user.email is unset)'} ${email ? 'is' : 'are'} not a reviewer in the policy and no signing key is configured: nothing to sign with`,
          'reviewers set `git config user.signingkey ~/.ssh/id_ed25519.pub`',
        ),
      ];
    }
    let key;
    try {
      key = await resolveSigningKey(ctx.cwd, undefined, ctx.env);
    } catch (e) {
      return [
        finding(
          this.name,
          'fix',
          errorMessage(e),
          'git config user.signingkey ~/.ssh/id_ed25519.pub (the key whose .pub line the policy lists for you)',
        ),
      ];
    }
    const probe = Buffer.from(`countersign doctor ${randomBytes(8).toString('hex')}\n`);
    let signature: string;
    try {
      signature = await signWithSshKeygen(probe, key, {
        cwd: ctx.cwd,
        env: { ...ctx.env, SSH_ASKPASS: '', DISPLAY: '' },
        timeoutMs: 15_000,
      });
    } catch (e) {
      return [
        finding(
          this.name,
          'fix',
          `${key.source} cannot sign: ${errorMessage(e)}`,
          'load the key into ssh-agent (`ssh-add`) or point user.signingkey at a key you can use',
        ),
      ];
    } finally {
      key.dispose();
    }
    if (!reviewer) {
      // newuser12 P4: the policy lists this very key under another address (a typo in the policy or in
      // user.email). "ok, not a reviewer" hid it: approve refuses, and the approvals already signed under the
      // other address stop counting once the policy says otherwise (landed history turns "unreviewed").
      const listed =
        source?.kind === 'ok'
          ? source.policy.reviewers.find(
              (r) =>
                verifySshSignature({ message: probe, signature, publicKey: r.key, namespace: REVIEW_NAMESPACE }).ok,
            )
          : undefined;
      if (listed)
        return [
          finding(
            this.name,
            'fix',
            `${key.source} is the key the policy lists for ${listed.email}, but your user.email is ${email ?? '(unset)'}: approvals are matched by address, so yours would be refused, and approvals signed as ${email ?? 'you'} do not count as ${listed.email}'s`,
            `if ${listed.email} is your address: git config user.email ${listed.email}; if the policy has it wrong, correct it in ${POLICY_FILE} (through review)`,
          ),
        ];
      return [
        finding(
          this.name,
          'ok',
          // Whether they are a reviewer is what an unreadable policy cannot tell (newuser16 F19).
          source?.kind === 'ok'
            ? `${key.source} signs (you are not a reviewer in the policy, so your approvals would not count)`
            : `${key.source} signs (whether you are a reviewer cannot be told: the policy on the policy branch cannot be read)`,
        ),
      ];
    }
    const v = verifySshSignature({ message: probe, signature, publicKey: reviewer.key, namespace: REVIEW_NAMESPACE });
    if (!v.ok) {
      return [
        finding(
          this.name,
          'fix',
          `${key.source} signs, but not with the key the policy lists for ${reviewer.email} (${v.reason}): your approvals would not count`,
          `set user.signingkey to the key in ${POLICY_FILE}, or change your key there (through review)`,
        ),
      ];
    }
    return [
      finding(
        this.name,
        'ok',
        `${key.source} signs approvals the policy accepts for ${reviewer.email} (${v.fingerprint})`,
      ),
    ];
  },
};
