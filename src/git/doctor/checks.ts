import { createHash, randomBytes } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { samePerson } from '../../core/approvalRules';
import { describeBrokenHook, hookAgentName, reconnectCommand } from '../../core/agents/hookHealth';
import type { PolicySource } from '../../core/gate';
import { errorMessage } from '../../core/errors';
import { POLICY_FILE } from '../../core/policy';
import { policyBranchWarning } from '../../core/policyBranchProtection';
import { REVIEW_NAMESPACE, verifySshSignature } from '../../core/sshsig';
import { agentHookStates } from '../connectedAgents';
import { readPolicyFrom } from '../gateInput';
import { gitConfig, runGit } from '../gitRunner';
import { readManifest } from '../hookInstaller';
import { companionsBeside, HOOK_ENTRY } from '../cliBundle';
import { hookTakeover } from '../hookTakeover';
import { NODE_HOOKS, SHIM_MARKER } from '../hookScripts';
import { AI_NOTES_REF, notesFetchRefspecs } from '../notesConfig';
import { remoteDefaultBranch } from '../pushGate';
import { countersignDir } from '../repository';
import { defaultRemote, listRemotes } from '../remotes';
import { resolveSigningKey, signWithSshKeygen } from '../signer';
import { resolveCommit } from '../stagedDiff';
import type { DoctorCheck, DoctorContext, DoctorFinding } from './doctorCheck';

const INSTALL = 'run `countersign install` (it chains whatever hooks the repository has now)';

function finding(check: string, status: DoctorFinding['status'], message: string, fix?: string): DoctorFinding {
  return { check, status, message, ...(fix ? { fix } : {}) };
}

/** The hooks' shims are in `.git/countersign/hooks` and the install manifest says they were put there. */
export const hooksInstalled: DoctorCheck = {
  name: 'hooks-installed',
  async run({ repo }) {
    const manifest = readManifest(repo);
    if (!manifest)
      return [
        finding(
          this.name,
          'fix',
          "Countersign's git hooks are not installed: commits get no AI-Provenance trailer (unattested) and pushes are not checked",
          INSTALL,
        ),
      ];
    // With a hook manager in charge there are no shims: the manager calls `countersign hook NAME` (hooks-active checks that).
    if (manifest.hookManager)
      return [
        finding(
          this.name,
          'ok',
          `set up for ${manifest.hookManager} (install --hook-manager): it runs \`countersign hook NAME\``,
        ),
      ];
    const dir = path.join(countersignDir(repo), 'hooks');
    const missing = NODE_HOOKS.filter((h) => {
      try {
        return !fs.readFileSync(path.join(dir, h), 'utf8').includes(SHIM_MARKER);
      } catch {
        return true;
      }
    });
    if (missing.length > 0)
      return [finding(this.name, 'fix', `hook shims missing or replaced in ${dir}: ${missing.join(', ')}`, INSTALL)];
    return [finding(this.name, 'ok', `hooks installed in ${path.relative(repo.root ?? repo.commonDir, dir) || dir}`)];
  },
};

/**
 * Countersign's hooks still run: husky's `prepare`, lefthook or pre-commit may have taken core.hooksPath
 * over, or a manager set up with --hook-manager may not call `countersign hook`. hookTakeover.ts decides,
 * for the status bar, `status` and every CLI command alike.
 */
export const hooksStillActive: DoctorCheck = {
  name: 'hooks-active',
  async run({ cwd, repo }) {
    if (repo.bare || !readManifest(repo)) return [];
    const t = await hookTakeover(cwd);
    if (!t)
      return [
        finding(
          this.name,
          'ok',
          "Countersign's hooks run on commit and push (core.hooksPath or the hook manager calls them)",
        ),
      ];
    const message =
      t.kind !== 'hooksPath'
        ? t.message
        : `${t.hooksPath === null ? 'core.hooksPath is unset, so git runs .git/hooks' : `core.hooksPath is ${t.hooksPath}${t.by ? ` (${t.by})` : ''}`}: Countersign's hooks were taken over and no longer run`;
    return [
      finding(
        this.name,
        'fix',
        message,
        t.by ? `run \`countersign install\`, or keep ${t.by} and add the recipe from docs/hook-managers.md` : INSTALL,
      ),
    ];
  },
};

function sha256(file: string): string | undefined {
  try {
    return createHash('sha256').update(fs.readFileSync(file)).digest('hex');
  } catch {
    return undefined;
  }
}

/** `.git/countersign/bin/countersign.js`, which hooks and agents' hooks run, is this Countersign. */
export const stableCliCurrent: DoctorCheck = {
  name: 'cli-copy',
  async run({ repo, cliSource }) {
    if (repo.bare) return [];
    const copy = path.join(countersignDir(repo), 'bin', 'countersign.js');
    const have = sha256(copy);
    if (have === undefined) {
      if (!readManifest(repo)) return [];
      return [
        finding(
          this.name,
          'fix',
          `the CLI copy the hooks run is missing (${copy}): hooks skip with a warning`,
          'run `countersign install` to write it again',
        ),
      ];
    }
    const want = sha256(cliSource);
    if (want !== undefined && want !== have) {
      return [
        finding(
          this.name,
          'fix',
          `the CLI copy the hooks run (${copy}) differs from this countersign: hooks run an older or newer version`,
          'run `countersign install` to refresh it',
        ),
      ];
    }
    // The files install copies beside it: the commit hook's entry (prepare-commit-msg runs it on every commit)
    // and the commands the CLI loads on first use.
    for (const [name, shipped] of companionsBeside(cliSource)) {
      const companion = path.join(path.dirname(copy), name);
      if (sha256(shipped) !== sha256(companion)) {
        const what = name === HOOK_ENTRY ? "the commit hook's entry" : "the CLI's second bundle";
        return [
          finding(
            this.name,
            'fix',
            `${what} (${companion}) is missing or differs from this countersign's`,
            'run `countersign install` to refresh it',
          ),
        ];
      }
    }
    return [finding(this.name, 'ok', 'the CLI copy the hooks run is current')];
  },
};

/** Agents' hooks that `agents connect` wrote are still there as written. */
export const agentsConnected: DoctorCheck = {
  name: 'agents',
  async run({ repo }) {
    const states = agentHookStates(repo);
    if (states.length === 0) return [];
    const out: DoctorFinding[] = [];
    for (const s of states) {
      if (s.status === 'connected')
        out.push(finding(this.name, 'ok', `${hookAgentName(s.agent)}: hooks connected (${s.files.join(', ')})`));
      else if (s.status !== 'notConnected')
        out.push(finding(this.name, 'fix', describeBrokenHook(s), `run \`${reconnectCommand(s)}\``));
    }
    if (out.length === 0) {
      out.push(
        finding(
          this.name,
          'info',
          "no agent's hooks are connected: edits by Claude Code, Codex, Gemini CLI, Cursor, Copilot or Kiro are recorded as untracked",
          'run `countersign agents connect` (or `agents connect claude` for one)',
        ),
      );
    }
    return out;
  },
};

async function configValues(cwd: string, key: string): Promise<string[]> {
  const r = await runGit(['config', '--get-all', key], { cwd, okCodes: [1] });
  return r.code === 0 ? r.stdout.split('\n').filter(Boolean) : [];
}

/** Each remote fetches refs/notes/ai and refs/notes/countersign, and notes follow amend and rebase. */
export const notesRefspecs: DoctorCheck = {
  name: 'notes-refspecs',
  async run({ cwd, repo }) {
    if (repo.bare) return [];
    const out: DoctorFinding[] = [];
    const rewrite = await configValues(cwd, 'notes.rewriteRef');
    if (!rewrite.some((v) => v === AI_NOTES_REF || v === 'refs/notes/*')) {
      out.push(
        finding(
          this.name,
          'fix',
          `notes.rewriteRef does not include ${AI_NOTES_REF}: amend and rebase drop provenance notes`,
          INSTALL,
        ),
      );
    }
    const names = await listRemotes(cwd);
    if (names.length === 0) {
      out.push(
        finding(
          this.name,
          'info',
          'no remote yet: notes and approvals are not shared',
          'after `git remote add`, run `countersign install` again',
        ),
      );
      return out;
    }
    for (const r of names) {
      const have = await configValues(cwd, `remote.${r}.fetch`);
      const missing = notesFetchRefspecs(r).filter((s) => !have.includes(s));
      out.push(
        missing.length === 0
          ? finding(this.name, 'ok', `${r} fetches refs/notes/ai and refs/notes/countersign`)
          : finding(
              this.name,
              'fix',
              `${r} does not fetch ${missing.map((s) => s.slice(1, s.indexOf(':'))).join(' and ')}: approvals and provenance from others are not seen`,
              INSTALL,
            ),
      );
    }
    return out;
  },
};

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
    const { branch, source } = await policyOf(ctx);
    const init = `run \`countersign policy init --reviewer "Name <email>" --key KEY.pub\`, commit ${POLICY_FILE} and get it onto the default branch`;
    if (!branch || !source)
      return [
        finding(
          this.name,
          'fix',
          'no policy branch: the remote has no default branch (fetch it) and there is no main or master',
          `fetch the remote (git fetch), or ${init}`,
        ),
      ];
    if (source.kind === 'none')
      return [
        finding(
          this.name,
          'fix',
          `no ${POLICY_FILE} on the policy branch ${branch.label}: no branch is protected`,
          init,
        ),
      ];
    if (source.kind === 'error')
      return [
        finding(
          this.name,
          'fix',
          source.message,
          `fix ${POLICY_FILE} (\`countersign policy check\` explains each problem) and push the fix through review`,
        ),
      ];
    const p = source.policy;
    const unnamed = policyBranchWarning(p, branch.name);
    return [
      finding(
        this.name,
        'ok',
        `${source.from} parses: protects ${p.protectedBranches.join(', ') || 'nothing'}; ${p.reviewers.length} reviewer(s)`,
      ),
      ...(unnamed ? [finding(this.name, 'info', unnamed)] : []),
    ];
  },
};

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
    if (!reviewer)
      return [
        finding(
          this.name,
          'ok',
          `${key.source} signs (you are not a reviewer in the policy, so your approvals would not count)`,
        ),
      ];
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

/** Every check `countersign doctor` runs in a working repository, in the order it prints them (a bare one: serverChecks.ts). */
export const DOCTOR_CHECKS: DoctorCheck[] = [
  hooksInstalled,
  hooksStillActive,
  stableCliCurrent,
  agentsConnected,
  notesRefspecs,
  policyOnPolicyBranch,
  signingKeyUsable,
];
