import { POLICY_FILE } from '../../core/policy';
import { readPolicyFrom } from '../policyRead';
import { runGit } from '../gitRunner';
import {
  lastReadablePolicy,
  recoveryGrant,
  serverPolicyBranch,
  unreadablePolicy,
  unreadablePolicyText,
} from '../policyBranch';
import { serverGateState } from '../serverHookInstaller';
import { receiveFsck, receiveFsckProblem } from '../serverFsck';
import { refusedServerRefs } from '../serverRefAudit';
import { finding, type DoctorCheck, type DoctorFinding } from './doctorCheck';
import { shortSha } from '../../core/shortSha';

/**
 * `doctor` in a bare repository — a server with `install --server`: only what the server relies on. Nobody
 * commits, signs or runs an agent there, so the clients' checks (signing key, agents, notes refspecs, hooks
 * taken over) would only report noise, and a healthy server must exit 0.
 */

const REINSTALL = 'run `countersign install --server` in this repository (it keeps the recorded policy branch)';

/** The pre-receive gate is Countersign's, executable, the script this version writes, and runs this CLI. */
export const serverGate: DoctorCheck = {
  name: 'hooks-installed',
  about: 'the pre-receive gate is installed, executable and the script this version writes',
  alsoReports: { 'cli-copy': 'the copy of the CLI the gate runs is this version' },
  async run({ cwd, cliSource }) {
    const g = await serverGateState(cwd, cliSource);
    switch (g.state) {
      case 'missing':
        return [
          finding(
            this.name,
            'fix',
            "a bare repository without Countersign's server gate: pushes to protected branches are not judged here",
            'run `countersign install --server` in this repository',
          ),
        ];
      case 'notExecutable':
        return [
          finding(this.name, 'fix', `${g.hook} is not executable: git skips it, so no push is judged`, REINSTALL),
        ];
      case 'hookOutdated':
        return [
          finding(
            this.name,
            'fix',
            `${g.hook} is not the script this countersign installs (another version, or edited by hand)`,
            REINSTALL,
          ),
        ];
      case 'commitCheckOutdated':
        return [
          finding(
            this.name,
            'fix',
            `${g.hook} is missing or not the script this countersign installs: the gate refuses every push without it (it stops concurrent pushes landing on stale verdicts), and every push whose refs must land together with an older one`,
            REINSTALL,
          ),
        ];
      case 'cliMissing':
        return [
          finding(this.name, 'ok', 'a bare repository with the server gate installed'),
          finding(
            'cli-copy',
            'fix',
            `the CLI copy the gate runs is missing (${g.cli}): every push is refused`,
            REINSTALL,
          ),
        ];
      case 'cliOutdated':
        return [
          finding(this.name, 'ok', 'a bare repository with the server gate installed'),
          finding(
            'cli-copy',
            'fix',
            `the CLI copy the gate runs (${g.cli}) differs from this countersign: the server judges with an older or newer version`,
            REINSTALL,
          ),
        ];
      case 'current':
        return [
          finding(this.name, 'ok', 'a bare repository with the server gate installed (pre-receive judges every push)'),
          finding('cli-copy', 'ok', 'the CLI copy the gate runs is current'),
        ];
    }
  },
};

/** The policy branch is recorded, exists, and its `.countersign.json` is one the gate can read. */
export const serverPolicy: DoctorCheck = {
  name: 'policy-branch',
  about: 'the policy branch is recorded (install --server --policy-branch) and exists',
  alsoReports: { policy: 'a .countersign.json that parses on the policy branch' },
  async run({ cwd, repo }) {
    const pb = await serverPolicyBranch(repo.commonDir);
    if (!pb)
      return [
        finding(
          this.name,
          'fix',
          'no policy branch: none is recorded and HEAD names no branch',
          'run `countersign install --server --policy-branch NAME` (the branch whose .countersign.json judges pushes, e.g. main)',
        ),
      ];
    const out: DoctorFinding[] = [
      pb.recorded
        ? finding(this.name, 'ok', `the policy branch is ${pb.branch} (recorded by install --server)`)
        : finding(
            this.name,
            'info',
            `no policy branch is recorded; the branch HEAD names, ${pb.branch}, is used`,
            `run \`countersign install --server --policy-branch ${pb.branch}\` to record it`,
          ),
    ];
    const tip = await runGit(['rev-parse', '--verify', '--quiet', `refs/heads/${pb.branch}^{commit}`], {
      cwd,
      okCodes: [1],
    });
    if (tip.code !== 0) {
      out.push(await missingPolicyBranch(cwd, pb.branch));
      return out;
    }
    const source = await readPolicyFrom(cwd, [{ rev: tip.stdout.trim(), label: pb.branch }]);
    if (source.kind === 'none') {
      out.push(
        finding(
          'policy',
          'fix',
          `no ${POLICY_FILE} on the policy branch ${pb.branch}: no branch is protected, every push is accepted`,
          `push a ${POLICY_FILE} to ${pb.branch} (\`countersign init\` in a clone writes one)`,
        ),
      );
    } else if (source.kind === 'error') {
      // Seeds the server's memory as install --server does (newuser12 P5), then says what the gate refuses.
      const u = await unreadablePolicy(cwd, pb.branch, tip.stdout.trim());
      const said = u
        ? unreadablePolicyText(pb.branch, u, await recoveryGrant(cwd, pb.branch, tip.stdout.trim()))
        : { message: source.message, fix: `push a fixed ${POLICY_FILE} to ${pb.branch}` };
      out.push(finding('policy', 'fix', `${said.message}\n${source.message}`, said.fix));
    } else {
      const p = source.policy;
      out.push(
        finding(
          'policy',
          'ok',
          `${source.from} parses: protects ${[...new Set([pb.branch, ...p.protectedBranches])].join(', ')}; ${p.reviewers.length} reviewer(s)`,
        ),
      );
    }
    return out;
  },
};

/**
 * The policy branch is missing. The gate (receiveGate.ts) then refuses every push but the one creating it —
 * or, once a policy was read, pushes to it and to what that policy protected — so either way it is a fix,
 * even on a brand-new server: a push refused for this leaves no trace here, so "before the team's first push"
 * and "after the team's main was refused" look alike, and only the administrator knows the team's branch.
 */
async function missingPolicyBranch(cwd: string, branch: string): Promise<DoctorFinding> {
  const other =
    "if the team's policy lives on another branch, run `countersign install --server --policy-branch NAME` here";
  const last = await lastReadablePolicy(cwd);
  if (last)
    return finding(
      'policy',
      'fix',
      `${branch} does not exist here (its ${POLICY_FILE} was last read at ${shortSha(last.remembered.commit)}): pushes to it and to the branches that policy protected are refused`,
      `push ${branch} again (judged under that policy); ${other}`,
    );
  const heads = (await runGit(['for-each-ref', '--format=%(refname:short)', 'refs/heads/'], { cwd })).stdout
    .split('\n')
    .filter(Boolean);
  const here = heads.length ? ` (branches here: ${heads.slice(0, 5).join(', ')})` : '';
  return finding(
    'policy',
    'fix',
    `${branch} does not exist here yet: every push is refused except one creating ${branch}, whose ${POLICY_FILE} then judges every push`,
    `push ${branch} with the team's ${POLICY_FILE} first (\`countersign init\` in a clone writes one); ${other}${here}`,
  );
}

/** At most this many refs are listed one by one; the rest are counted. */
const REFS_SHOWN = 20;

/**
 * Refs the push rules would refuse to create, replace refs and info/grafts already on the server (attack24 5:
 * planted before the gate, they stayed): each a fix, with the command that removes it (serverRefAudit.ts).
 */
export const serverRefs: DoctorCheck = {
  name: 'server-refs',
  about: 'no ref a push could not create today (planted before the gate), no replace ref, no info/grafts',
  async run({ repo }) {
    const found = await refusedServerRefs(repo.commonDir);
    if (found.length === 0)
      return [
        finding(this.name, 'ok', 'no ref here that a push could not create today, no replace ref, no info/grafts'),
      ];
    const out = found.slice(0, REFS_SHOWN).map((p) => finding(this.name, 'fix', `${p.what}: ${p.why}`, p.fix));
    if (found.length > REFS_SHOWN)
      out.push(
        finding(
          this.name,
          'fix',
          `and ${found.length - REFS_SHOWN} more such refs`,
          'remove the ones above and run `countersign doctor` again',
        ),
      );
    return out;
  },
};

/** git checks every pushed object (receive.fsckObjects, serverFsck.ts): install --server turns it on; off is a fix. */
export const serverFsck: DoctorCheck = {
  name: 'receive-fsck',
  about: 'git checks every pushed object (receive.fsckObjects): no tree listing a path twice lands',
  async run({ repo }) {
    const problem = receiveFsckProblem(await receiveFsck(repo.commonDir));
    if (problem) return [finding(this.name, 'fix', problem.message, problem.fix)];
    return [finding(this.name, 'ok', 'git checks every pushed object (receive.fsckObjects)')];
  },
};

/** Every check `countersign doctor` runs in a bare repository, in the order it prints them. */
export const SERVER_DOCTOR_CHECKS: DoctorCheck[] = [serverGate, serverPolicy, serverRefs, serverFsck];
