import * as fs from 'fs';
import * as path from 'path';
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
import { gitConfig, runGit } from '../gitRunner';
import { defaultProtectedBranch, remoteDefaultBranch } from '../policyBranch';
import { readRegularFile } from '../regularFile';
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
  about:
    "a .countersign.json that parses on the policy branch (the remote's default branch: <remote>/HEAD,\n" +
    "else main, else master), and the work tree's copy parses",
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
  // After `init` the policy is written but not yet on any branch: `policy init` would refuse to overwrite it, so
  // the fix is the commit and push that init's own next steps name (newuser19 F3).
  const written = ctx.repo.root !== undefined && fs.existsSync(path.join(ctx.repo.root, POLICY_FILE));
  if (!branch || !source) return [await noPolicyBranch(name, ctx, written ? undefined : init)];
  if (source.kind === 'none')
    return [
      finding(
        name,
        'fix',
        `no ${POLICY_FILE} on the policy branch ${branch.label}: no branch is protected`,
        written ? await shareWrittenPolicy(ctx.cwd, branch.name) : init,
      ),
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

/**
 * No policy branch at all: no remote branch in this clone and no local main or master. Whether to fetch depends
 * on what this clone knows of the remote, told without asking it (doctor stays off the network): with no remote,
 * or one seen empty, there is nothing to fetch. `init` is the fix when the work tree has no policy to share.
 */
async function noPolicyBranch(name: string, ctx: DoctorContext, init: string | undefined): Promise<DoctorFinding> {
  const remote = await defaultRemote(ctx.cwd);
  const target = ctx.repo.root ? await defaultProtectedBranch(ctx.repo.root, remote) : 'main';
  const share = init ?? (await shareWrittenPolicy(ctx.cwd, target));
  if (!remote)
    return finding(name, 'fix', 'no policy branch yet: there is no remote and no main or master branch', share);
  if (await remoteSeenEmpty(ctx.cwd, remote))
    return finding(
      name,
      'fix',
      `no policy branch yet: ${remote} had no branches when this clone last fetched it, and there is no main or master here`,
      share,
    );
  return finding(
    name,
    'fix',
    `no policy branch: this clone has no branch of ${remote} (not fetched yet?) and no main or master`,
    `fetch it (git fetch ${remote}) and run \`countersign doctor\` again; if ${remote} is empty: ${share}`,
  );
}

/** The fix for a policy written in the work tree but on no branch yet. */
async function shareWrittenPolicy(cwd: string, branch: string): Promise<string> {
  const remote = await defaultRemote(cwd);
  return remote
    ? `commit ${POLICY_FILE} and push it to ${branch}`
    : `commit ${POLICY_FILE} on ${branch}, then add the team's remote (git remote add origin URL) and push it to ${branch}`;
}

/**
 * Whether this clone last saw `remote` empty: `git clone` of an empty repository leaves an unborn HEAD whose
 * branch already tracks the remote, and a fetch that found nothing leaves an empty FETCH_HEAD.
 */
async function remoteSeenEmpty(cwd: string, remote: string): Promise<boolean> {
  const fetchHead = (await runGit(['rev-parse', '--git-path', 'FETCH_HEAD'], { cwd })).stdout.trim();
  const fetched = readRegularFile(path.resolve(cwd, fetchHead), { maxBytes: 1 << 20 });
  if (fetched.kind === 'ok') return fetched.content.toString('utf8').trim() === '';
  if (await resolveCommit(cwd, 'HEAD')) return false;
  const head = await runGit(['symbolic-ref', '--quiet', '--short', 'HEAD'], { cwd, okCodes: [1, 128] });
  return head.code === 0 && (await gitConfig(cwd, `branch.${head.stdout.trim()}.remote`)) === remote;
}

/** When the user is a reviewer: their signing key signs, and the signature verifies with the key the policy lists for them. */
export const signingKeyUsable: DoctorCheck = {
  name: 'signing-key',
  about: 'your signing key signs, and verifies with the key the policy lists for you (reviewers)',
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
