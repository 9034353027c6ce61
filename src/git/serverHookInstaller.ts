import { ensureReceiveFsck, type ReceiveFsck } from './serverFsck';
import preReceiveTemplate from './shell/preReceive.sh';
import commitLockPart from './shell/parts/commitLock.sh';
import referenceTransactionTemplate from './shell/referenceTransaction.sh';
import { fillShellTemplate, inlineShellParts } from './shellTemplate';
import * as fs from 'fs';
import * as path from 'path';
import { CountersignError } from '../core/errors';
import { checkPolicy, POLICY_FILE } from '../core/policy';
import { chainedPath, installChainedHook, uninstallChainedHook, type ServerHook } from './serverHookChain';
import { scopeFileCurrent, writeCliBundleCopy } from './cliBundle';
import { gitConfig, runGit } from './gitRunner';
import {
  grantRecovery,
  lastReadablePolicy,
  POLICY_BRANCH_KEY,
  policyTextAt,
  rememberPolicy,
  serverPolicyBranch,
  unreadablePolicy,
  type UnreadablePolicy,
} from './policyBranch';
import { refuseSymlinkedPath } from './symlinkGuard';
import { cliCopyPath, countersignDir, resolveRepo, type RepoPaths } from './repository';

/**
 * `countersign install --server`: a pre-receive hook in a bare repository that runs the gate on every ref
 * update (the real enforcement: unlike pre-push it cannot be skipped by the pusher). The hook calls a stable
 * copy of the CLI inside the repository, so upgrading or removing the npm package never leaves the server
 * without its check. A pre-receive hook that was there before keeps running first (renamed, chained).
 *
 * Unlike the client hooks, the server hook fails closed everywhere: no Node, a crash or a timeout rejects.
 */
export const SERVER_MARKER = 'countersign-server-hook v1';
const PRE_RECEIVE: ServerHook = { name: 'pre-receive', marker: SERVER_MARKER };
/**
 * The reference-transaction hook refuses a judged push's ref update when another push moved refs since its
 * judgement began (attack17 Q8/Q9), and a transaction holding some but not all of the push's refs that must land
 * together (issue 10; src/git/shell/referenceTransaction.sh). The pre-receive gate refuses every push while it is
 * missing, and a push with refs that must land together while it is v1. The marker names no version, so install
 * replaces (and uninstall removes) every version of it; doctor compares the whole text.
 */
const REF_TRANSACTION: ServerHook = { name: 'reference-transaction', marker: 'countersign-ref-transaction v' };
const referenceTransactionScript = inlineShellParts(referenceTransactionTemplate, { 'commitLock.sh': commitLockPart });
/** What that hook keeps in countersign/: removed with it. */
const REF_TRANSACTION_STATE = [
  'ref-generation',
  'ref-log',
  'judged',
  'together',
  'reads',
  'policy',
  'ref-commit.lock',
  'ref-commit.lock.steal',
  'ref-commit.depth',
];

export function serverHookScript(opts: { nodeBinary: string | undefined; timeoutSeconds: number }): string {
  return fillShellTemplate(preReceiveTemplate, {
    FALLBACK_NODE: opts.nodeBinary ?? '',
    TIMEOUT_SECONDS: String(opts.timeoutSeconds),
  });
}

export interface ServerInstallResult {
  repo: RepoPaths;
  hook: string;
  chained: string | undefined;
  /** The reference-transaction hook it also writes (concurrent pushes), and the earlier one it chains, if any. */
  refTransaction: { hook: string; chained: string | undefined };
  reinstalled: boolean;
  /** The policy branch recorded in the repository's config, and whether it exists yet. */
  policyBranch: string | undefined;
  policyBranchExists: boolean;
  /** The policy branch's policy cannot be read: what the server remembers and what the gate refuses meanwhile. */
  unreadable?: UnreadablePolicy;
  /** HEAD named this branch, which did not exist, and now names the policy branch (newuser14 S15). */
  headWas?: string;
  /** Whether git checks pushed objects here (serverFsck.ts): turned on by this install when nobody had set it. */
  fsck: ReceiveFsck | { state: 'turnedOn' };
}

async function hooksDir(repo: RepoPaths): Promise<string> {
  const configured = await gitConfig(repo.commonDir, 'core.hooksPath');
  return configured ? path.resolve(repo.commonDir, configured) : path.join(repo.commonDir, 'hooks');
}

export async function installServer(
  cwd: string,
  opts: { cliSource: string; nodeBinary?: string; timeoutSeconds?: number; policyBranch?: string },
): Promise<ServerInstallResult> {
  const repo = await resolveRepo(cwd);
  if (!repo.bare) {
    throw new CountersignError(
      'config',
      `${repo.root ?? cwd} is a working repository: \`install --server\` is for the bare repository on the server (use \`countersign install\` here)`,
    );
  }
  const hooks = await hooksDir(repo);
  const copy = cliCopyPath(repo);
  refuseSymlinkedPath(repo.commonDir, copy, 'install into');
  fs.mkdirSync(path.dirname(copy), { recursive: true });
  fs.mkdirSync(hooks, { recursive: true });
  writeCliBundleCopy(opts.cliSource, copy);
  const hook = path.join(hooks, PRE_RECEIVE.name);
  // The ref-update check first: a pre-receive gate without it refuses every push (fails closed).
  installChainedHook(hooks, REF_TRANSACTION, referenceTransactionScript);
  // The policy branch (docs/design.md, "The policy"): --policy-branch, else what was recorded before, else HEAD's branch.
  let policyBranch =
    opts.policyBranch ??
    (await gitConfig(repo.commonDir, POLICY_BRANCH_KEY)) ??
    (await serverPolicyBranch(repo.commonDir))?.branch;
  if (policyBranch !== undefined) {
    policyBranch = policyBranch.replace(/^refs\/heads\//, '');
    const valid = await runGit(['check-ref-format', '--branch', policyBranch], { cwd: repo.commonDir, okCodes: [128] });
    if (valid.code !== 0)
      throw new CountersignError('usage', `--policy-branch ${policyBranch} is not a valid branch name`);
    await runGit(['config', POLICY_BRANCH_KEY, policyBranch], { cwd: repo.commonDir });
  }
  const headWas = policyBranch !== undefined ? await pointUnbornHeadAt(repo.commonDir, policyBranch) : undefined;
  const fsck = await ensureReceiveFsck(repo.commonDir);
  const { reinstalled } = installChainedHook(
    hooks,
    PRE_RECEIVE,
    serverHookScript({ nodeBinary: opts.nodeBinary, timeoutSeconds: opts.timeoutSeconds ?? 120 }),
  );
  const tip =
    policyBranch !== undefined
      ? await runGit(['rev-parse', '--verify', '--quiet', `refs/heads/${policyBranch}^{commit}`], {
          cwd: repo.commonDir,
          okCodes: [1],
        })
      : undefined;
  const exists = tip?.code === 0;
  let unreadable: UnreadablePolicy | undefined;
  if (exists && policyBranch !== undefined) {
    // Remember the policy as it is now, so a later breakage keeps what it protects closed.
    const text = await policyTextAt(repo.commonDir, tip.stdout.trim());
    if (typeof text === 'string' && checkPolicy(text, POLICY_FILE).policy)
      await rememberPolicy(repo.commonDir, { branch: policyBranch, commit: tip.stdout.trim(), text });
    // Unreadable: remember the newest readable one in its history, and say what the gate refuses meanwhile.
    else if (text !== undefined) unreadable = await unreadablePolicy(repo.commonDir, policyBranch, tip.stdout.trim());
  }
  return {
    repo,
    hook,
    chained: fs.existsSync(chainedPath(hooks, PRE_RECEIVE)) ? chainedPath(hooks, PRE_RECEIVE) : undefined,
    refTransaction: {
      hook: path.join(hooks, REF_TRANSACTION.name),
      chained: fs.existsSync(chainedPath(hooks, REF_TRANSACTION)) ? chainedPath(hooks, REF_TRANSACTION) : undefined,
    },
    reinstalled,
    policyBranch,
    policyBranchExists: exists,
    ...(unreadable ? { unreadable } : {}),
    ...(headWas ? { headWas } : {}),
    fsck,
  };
}

/**
 * A bare repository made with `git init --bare` names `master` (or init.defaultBranch) in HEAD before anything is
 * pushed. When that branch does not exist and the policy branch is another, every clone would warn that the
 * remote HEAD names a missing ref and check out nothing, and reviewers' commands that default to HEAD would fail
 * (newuser14 S15). HEAD then names the policy branch, the branch clones should start on. A HEAD naming a branch
 * that exists is the administrator's choice, and is left alone. Returns the branch HEAD named before, if moved.
 */
async function pointUnbornHeadAt(gitDir: string, policyBranch: string): Promise<string | undefined> {
  const head = await runGit(['symbolic-ref', '--quiet', 'HEAD'], { cwd: gitDir, okCodes: [1, 128] });
  if (head.code !== 0) return undefined;
  const named = head.stdout.trim();
  if (named === `refs/heads/${policyBranch}` || !named.startsWith('refs/heads/')) return undefined;
  const exists = await runGit(['rev-parse', '--verify', '--quiet', `${named}^{commit}`], {
    cwd: gitDir,
    okCodes: [1],
  });
  if (exists.code === 0) return undefined;
  await runGit(['symbolic-ref', 'HEAD', `refs/heads/${policyBranch}`], { cwd: gitDir });
  return named.slice('refs/heads/'.length);
}

/**
 * `install --server --recover`: the administrator's one-time permission to repair a policy branch whose
 * policy the gate cannot read (or that went missing). The next push that puts a valid policy on it is judged
 * under the last policy the server could read, instead of being refused like every other push to it.
 */
export async function grantServerRecovery(
  cwd: string,
): Promise<{ branch: string; tip: string | undefined; lastReadable: boolean }> {
  const repo = await resolveRepo(cwd);
  if (!repo.bare)
    throw new CountersignError('config', '`install --server --recover` runs in the bare repository on the server');
  const pb = await serverPolicyBranch(repo.commonDir);
  if (!pb)
    throw new CountersignError(
      'config',
      'this repository has no policy branch: run `countersign install --server --policy-branch NAME` first',
    );
  const r = await runGit(['rev-parse', '--verify', '--quiet', `refs/heads/${pb.branch}^{commit}`], {
    cwd: repo.commonDir,
    okCodes: [1],
  });
  const tip = r.code === 0 ? r.stdout.trim() : undefined;
  await grantRecovery(repo.commonDir, { branch: pb.branch, tip: tip ?? null, grantedAt: new Date().toISOString() });
  return { branch: pb.branch, tip, lastReadable: (await lastReadablePolicy(repo.commonDir)) !== undefined };
}

/** What `doctor` finds of the server gate: the hook, and the CLI copy it runs. */
export interface ServerGateState {
  hook: string;
  cli: string;
  state:
    'missing' | 'notExecutable' | 'hookOutdated' | 'commitCheckOutdated' | 'cliMissing' | 'cliOutdated' | 'current';
}

/**
 * Whether this bare repository's gate is installed and current: the pre-receive hook is Countersign's, executable,
 * and the script this version writes (the values filled in at install aside); the CLI copy it runs is `cliSource`.
 */
export async function serverGateState(cwd: string, cliSource: string): Promise<ServerGateState> {
  const repo = await resolveRepo(cwd);
  const hooks = await hooksDir(repo);
  const hook = path.join(hooks, PRE_RECEIVE.name);
  const cli = cliCopyPath(repo);
  let text: string;
  try {
    text = fs.readFileSync(hook, 'utf8');
  } catch {
    return { hook, cli, state: 'missing' };
  }
  if (!text.includes(SERVER_MARKER)) return { hook, cli, state: 'missing' };
  if ((fs.statSync(hook).mode & 0o111) === 0) return { hook, cli, state: 'notExecutable' };
  // The install-time values (Node's fallback path, the timeout) are the installed script's own lines.
  const filledLine = (t: string, name: string) => new RegExp(`^${name}=.*$`, 'm').exec(t)?.[0] ?? '';
  let expected = serverHookScript({ nodeBinary: '', timeoutSeconds: 0 });
  for (const name of ['fallback_node', 'timeout_seconds'])
    expected = expected.replace(filledLine(expected, name), () => filledLine(text, name));
  if (expected !== text) return { hook, cli, state: 'hookOutdated' };
  const check = path.join(hooks, REF_TRANSACTION.name);
  let checkText: string | undefined;
  try {
    checkText = fs.readFileSync(check, 'utf8');
  } catch {
    checkText = undefined;
  }
  if (checkText !== referenceTransactionScript || (fs.statSync(check).mode & 0o111) === 0)
    return { hook: check, cli, state: 'commitCheckOutdated' };
  let copy: Buffer;
  try {
    copy = fs.readFileSync(cli);
  } catch {
    return { hook, cli, state: 'cliMissing' };
  }
  let source: Buffer | undefined;
  try {
    source = fs.readFileSync(cliSource);
  } catch {
    source = undefined; // the running CLI is not a file (a test harness): nothing to compare with
  }
  // A copy written before its package.json was (attack26 05) is refreshed like an older version.
  return { hook, cli, state: (source && !source.equals(copy)) || !scopeFileCurrent(cli) ? 'cliOutdated' : 'current' };
}

/** Removes the server hooks and puts chained ones back. */
/**
 * Removes the gate, and says what went (newuser17 F8: the one line it printed left out the second hook, the CLI
 * copy and the remembered policy, which matters to a later install): undefined when no gate was installed.
 */
export async function uninstallServer(cwd: string): Promise<{ removed: string[]; kept: string[] } | undefined> {
  const repo = await resolveRepo(cwd);
  const hooks = await hooksDir(repo);
  const removed: string[] = [];
  const hook = (h: ServerHook, how: 'removed' | 'restored' | false) => {
    if (how) removed.push(`hooks/${h.name}${how === 'restored' ? ' (the hook it chained is back in its place)' : ''}`);
  };
  const gate = uninstallChainedHook(hooks, PRE_RECEIVE);
  if (!gate) return undefined;
  hook(PRE_RECEIVE, gate);
  hook(REF_TRANSACTION, uninstallChainedHook(hooks, REF_TRANSACTION));
  const dir = countersignDir(repo);
  refuseSymlinkedPath(repo.commonDir, path.join(dir, 'bin', 'x'), 'remove');
  if (fs.existsSync(path.join(dir, 'bin'))) removed.push('countersign/bin (the CLI copy the hooks ran)');
  fs.rmSync(path.join(dir, 'bin'), { recursive: true, force: true });
  if (fs.existsSync(path.join(dir, 'last-policy.json')))
    removed.push(
      'countersign/last-policy.json (the policy last read: fix an unreadable policy before installing again)',
    );
  for (const state of ['last-policy.json', 'recover.json', ...REF_TRANSACTION_STATE])
    fs.rmSync(path.join(dir, state), { recursive: true, force: true });
  // Nothing of ours left: leave no empty countersign/ behind (anything else in it is someone's, and stays).
  try {
    if (fs.readdirSync(dir).length === 0) fs.rmdirSync(dir);
  } catch {
    // absent already
  }
  const branch = await gitConfig(repo.commonDir, POLICY_BRANCH_KEY);
  await runGit(['config', '--unset', POLICY_BRANCH_KEY], { cwd: repo.commonDir, okCodes: [5] });
  if (branch !== undefined) removed.push(`config ${POLICY_BRANCH_KEY} (was ${branch})`);
  return { removed, kept: await keptByServerUninstall(repo.commonDir, branch) };
}

/**
 * What install --server may have set that uninstall --server keeps, said with the command that undoes each
 * (newuser24 F15): git checking pushed objects protects any server, and HEAD names the branch clones start on;
 * neither is recorded as install's, so neither is undone behind the administrator's back.
 */
async function keptByServerUninstall(gitDir: string, branch: string | undefined): Promise<string[]> {
  const kept: string[] = [];
  if ((await gitConfig(gitDir, 'receive.fsckObjects')) === 'true')
    kept.push(
      'receive.fsckObjects=true (git checks pushed objects; to turn it off: git config --unset receive.fsckObjects)',
    );
  const head = await runGit(['symbolic-ref', '--quiet', 'HEAD'], { cwd: gitDir, okCodes: [1, 128] });
  if (branch !== undefined && head.stdout.trim() === `refs/heads/${branch}`)
    kept.push(
      `HEAD names ${branch} (the branch clones start on; to name another: git symbolic-ref HEAD refs/heads/NAME)`,
    );
  return kept;
}
