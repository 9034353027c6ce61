import * as fs from 'fs';
import { samePerson } from '../../core/approvalRules';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import {
  addReviewer as addReviewerToPolicy,
  buildReport,
  candidateKeys,
  connectAgents,
  fingerprintOf,
  formatDoctor,
  formatReportHtml,
  hookCliInstalled,
  parseReviewerSpec,
  publicKeyLine,
  readMe,
  runDoctor,
  writeNewPolicy,
} from '../lazyServices';
import type { ReviewerEntry } from '../../app/policySetup';
import { HOOK_AGENTS, type HookAgent } from '../../core/agents/hookAgents';
import { keyBlob } from '../../core/panel/reviewPreflight';
import { POLICY_FILE } from '../../core/policy';
import { publicKeyProblem } from '../../core/policySchema';
import { Commands } from '../ids';
import { showReport } from './reportPanel';
import type { ReviewService } from './reviewService';
import type { RepositoryCommandRegistrar, RepositoryQuestion } from '../repositoryCommand';
import type { Repository } from '../repository';

/**
 * Set-up commands (the walkthrough's buttons and the panel's empty states): create and edit the policy,
 * add a reviewer's SSH key to it, choose the key this person signs approvals with, connect agents' hooks,
 * and open the provenance report. Writing commands refuse in an untrusted workspace.
 */
export interface SetupDeps {
  service: ReviewService;
  /** Registers a command that acts on one repository (resolved by the command wrapper). */
  repoCommand: RepositoryCommandRegistrar;
  log: vscode.LogOutputChannel;
  extensionUri: vscode.Uri;
  /** The CLI bundle the extension ships (hooks run copies of it; doctor compares them with it). */
  cliPath: string;
}

function untrusted(what: string): string {
  return `Countersign does not ${what} in an untrusted workspace. Trust the folder first.`;
}

/** For a path the command wrapper did not guard (Edit Policy, which needs no trust, creating the policy). */
function requireTrust(what: string): boolean {
  if (vscode.workspace.isTrusted) return true;
  void vscode.window.showWarningMessage(untrusted(what));
  return false;
}

async function openPolicy(root: string): Promise<void> {
  const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(path.join(root, POLICY_FILE)));
  await vscode.window.showTextDocument(doc);
}

/** A public key line from a .pub file the person picks, or pasted. */
async function askPublicKey(title: string): Promise<string | undefined> {
  const keys = candidateKeys();
  const browse = { label: '$(folder-opened) Choose a .pub file…', line: '' };
  const paste = { label: '$(clippy) Paste the public key line…', line: '' };
  const pick = await vscode.window.showQuickPick(
    [
      ...keys.map((k) => ({
        label: path.basename(k.file),
        description: `${k.type} ${k.comment}`,
        detail: k.fingerprint,
        line: k.line,
      })),
      browse,
      paste,
    ],
    { placeHolder: title },
  );
  if (!pick) return undefined;
  if (pick === paste) {
    return vscode.window.showInputBox({
      prompt: "The single line of the reviewer's ~/.ssh/id_ed25519.pub",
      ignoreFocusOut: true,
      validateInput: (v) => publicKeyProblem(v),
    });
  }
  if (pick === browse) {
    const uri = await vscode.window.showOpenDialog({
      canSelectMany: false,
      openLabel: 'Use this public key',
      filters: { 'SSH public key': ['pub'] },
      defaultUri: vscode.Uri.file(path.join(os.homedir(), '.ssh')),
    });
    if (!uri?.[0]) return undefined;
    return publicKeyLine(fs.readFileSync(uri[0].fsPath, 'utf8'), uri[0].fsPath);
  }
  return pick.line;
}

async function createPolicy(deps: SetupDeps, repo: Repository): Promise<void> {
  const root = repo.root;
  if (!requireTrust('write a policy')) return;
  if (fs.existsSync(path.join(root, POLICY_FILE))) {
    void vscode.window.showInformationMessage(`${POLICY_FILE} already exists in ${path.basename(root)}; opening it.`);
    return openPolicy(root);
  }
  const def = await repo.git.defaultRemoteBranch();
  const protect = await vscode.window.showInputBox({
    prompt: "Protected branches (comma-separated patterns): pushes to them need a reviewer's signed approval",
    value: def ?? 'main',
    validateInput: (v) => (v.split(',').some((s) => s.trim()) ? undefined : 'Name at least one branch'),
  });
  if (!protect) return;
  const patterns = protect
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const me = await readMe(root);
  const addMe =
    me.email && me.name
      ? await vscode.window.showQuickPick(
          [
            { label: `Add me as a reviewer (${me.name} <${me.email}>)`, add: true },
            { label: 'No reviewers yet (add them with "Add Reviewer\'s SSH Key")', add: false },
          ],
          { placeHolder: 'Reviewers approve commits on the protected branches' },
        )
      : { add: false };
  if (!addMe) return;
  const reviewers: ReviewerEntry[] = [];
  if (addMe.add) {
    const key = await askPublicKey('Your SSH public key (approvals you sign must verify with it)');
    if (!key) return;
    reviewers.push({ name: me.name as string, email: me.email as string, key });
  }
  const written = writeNewPolicy(root, { protect: patterns, reviewers });
  deps.log.info(`[policy] wrote ${written.file}: protects ${patterns.join(', ')}; ${reviewers.length} reviewer(s)`);
  await openPolicy(root);
  void vscode.window.showInformationMessage(
    `Wrote ${POLICY_FILE}. Commit it and get it onto ${protect.split(',')[0].trim()} (through review): the gate reads the policy from the protected branch on the remote.`,
  );
  deps.service.schedule();
}

async function addReviewer(deps: SetupDeps, repo: Repository): Promise<void> {
  const root = repo.root;
  const file = path.join(root, POLICY_FILE);
  if (!fs.existsSync(file)) {
    const create = 'Create Policy';
    if (
      (await vscode.window.showInformationMessage(
        `There is no ${POLICY_FILE} in ${path.basename(root)} yet.`,
        create,
      )) === create
    )
      await createPolicy(deps, repo);
    return;
  }
  const who = await vscode.window.showInputBox({
    prompt: 'The reviewer, as "Name <email>" (the email their git user.email will have)',
    ignoreFocusOut: true,
    validateInput: (v) => (parseReviewerSpec(v) ? undefined : 'Write it like: Bo Reviewer <bo@example.com>'),
  });
  const reviewer = who ? parseReviewerSpec(who) : undefined;
  if (!reviewer) return;
  const key = await askPublicKey(`${reviewer.name}'s SSH public key`);
  if (!key) return;
  const role = await vscode.window.showInputBox({
    prompt: 'Role (optional, e.g. sre or security; tiers can require one)',
    ignoreFocusOut: true,
  });
  if (role === undefined) return;
  addReviewerToPolicy(root, { ...reviewer, key, ...(role.trim() ? { role: role.trim() } : {}) });
  await openPolicy(root);
  void vscode.window.showInformationMessage(
    `Added ${reviewer.name} <${reviewer.email}> (${fingerprintOf(key) ?? 'key'}) to ${POLICY_FILE}. The change needs review under the current policy before it counts.`,
  );
  deps.service.schedule();
}

async function setSigningKey(deps: SetupDeps, repo: Repository): Promise<void> {
  const root = repo.root;
  const me = await readMe(root);
  const listed = deps.service.snapshot(root)?.developer?.input.policy;
  const mine = listed?.kind === 'ok' ? listed.policy.reviewers.find((r) => samePerson(r.email, me.email)) : undefined;
  const keys = candidateKeys();
  const browse = { label: '$(folder-opened) Choose a key file…', file: '' };
  const pick = await vscode.window.showQuickPick(
    [
      ...keys.map((k) => ({
        label: path.basename(k.file),
        description: `${k.type} ${k.comment}`,
        detail: `${k.fingerprint}${mine ? (keyBlob(k.line) === keyBlob(mine.key) ? ' — the key the policy lists for you' : ' — not the key the policy lists for you') : ''}`,
        file: k.file,
      })),
      browse,
    ],
    { placeHolder: `The SSH key you sign approvals with (git user.signingkey)${me.email ? ` as ${me.email}` : ''}` },
  );
  if (!pick) return;
  let file = pick.file;
  if (pick === browse) {
    const uri = await vscode.window.showOpenDialog({
      canSelectMany: false,
      openLabel: 'Sign approvals with this key',
      defaultUri: vscode.Uri.file(path.join(os.homedir(), '.ssh')),
    });
    if (!uri?.[0]) return;
    file = uri[0].fsPath;
  }
  const scope = await vscode.window.showQuickPick(
    [
      { label: `This repository (${path.basename(root)})`, scope: 'local' as const },
      { label: 'All my repositories (--global)', scope: 'global' as const },
    ],
    { placeHolder: 'Where to set user.signingkey' },
  );
  if (!scope) return;
  await repo.git.setConfig('user.signingkey', file, scope.scope);
  deps.log.info(`[review] user.signingkey (${scope.scope}) = ${file}`);
  void vscode.window.showInformationMessage(
    `Approvals from ${path.basename(root)} will be signed with ${file}.${me.email ? '' : ' Set git user.email too: approvals name the reviewer by it.'}`,
  );
  deps.service.schedule();
}

const AGENT_DESCRIPTIONS: Record<HookAgent, string> = {
  claude: 'Claude Code — .claude/settings.json',
  cursor: 'Cursor — .cursor/hooks.json',
  codex: 'Codex CLI — .codex/hooks.json',
  gemini: 'Gemini CLI — .gemini/settings.json',
  copilot: 'Copilot CLI and coding agent — .github/hooks/countersign.json',
  kiro: 'Kiro — .kiro/hooks/',
  vscode: "VS Code's own agent mode (Copilot; Claude and Codex harnesses) — .github/hooks/countersign-vscode.json",
};

async function connectAgentsFromEditor(deps: SetupDeps, root: string): Promise<void> {
  if (!(await hookCliInstalled(root))) {
    const install = 'Install Hooks';
    const choice = await vscode.window.showInformationMessage(
      'Agents\' hooks run the copy of the Countersign CLI that "Install Git Hooks" puts in .git/countersign; install the hooks first.',
      install,
    );
    if (choice !== install) return;
    await vscode.commands.executeCommand(Commands.installHooks, root);
    if (!(await hookCliInstalled(root))) return;
  }
  const picks = await vscode.window.showQuickPick(
    HOOK_AGENTS.map((a) => ({ label: a, description: AGENT_DESCRIPTIONS[a], picked: true })),
    { canPickMany: true, placeHolder: "Which agents' hooks should record what they write?" },
  );
  if (!picks || picks.length === 0) return;
  const r = await connectAgents(root, { agents: picks.map((p) => p.label), local: false, cliSource: deps.cliPath });
  deps.log.info(
    `[agents] connected ${picks.map((p) => p.label).join(', ')}: ${r.plans.map((p) => `${p.file} ${p.text === undefined ? 'unchanged' : p.created ? 'created' : 'updated'}`).join('; ')}`,
  );
  void vscode.window.showInformationMessage(
    `Connected ${picks.map((p) => p.label).join(', ')}: their tool calls now record which lines they write. Commit the hook files so teammates get them.`,
  );
}

/** `countersign doctor`, in-process, shown as a plain-text document: each finding with its fix. */
async function checkSetup(deps: SetupDeps, root: string): Promise<vscode.TextDocument | undefined> {
  const r = await runDoctor(root, process.env, deps.cliPath);
  deps.log.info(`[doctor] ${path.basename(root)}: ${r.ok ? 'nothing to fix' : 'needs fixing'}`);
  const content = `countersign doctor — ${root}\n\n${formatDoctor(r)}`;
  const doc = await vscode.workspace.openTextDocument({ content, language: 'plaintext' });
  await vscode.window.showTextDocument(doc, { preview: true });
  return doc;
}

export function registerSetupCommands(deps: SetupDeps): void {
  const { repoCommand } = deps;
  const repo: RepositoryQuestion = {
    none: 'Countersign works on a folder with a git repository: open one first.',
  };
  const trusted = (what: string): RepositoryQuestion => ({ ...repo, untrusted: untrusted(what) });
  repoCommand(Commands.createPolicy, (r) => createPolicy(deps, r), trusted('write a policy'));
  repoCommand(
    Commands.editPolicy,
    (r) => (fs.existsSync(path.join(r.root, POLICY_FILE)) ? openPolicy(r.root) : createPolicy(deps, r)),
    repo,
  );
  repoCommand(Commands.addReviewer, (r) => addReviewer(deps, r), trusted('edit the policy'));
  repoCommand(Commands.setSigningKey, (r) => setSigningKey(deps, r), trusted('change git config'));
  repoCommand(Commands.connectAgents, (r) => connectAgentsFromEditor(deps, r.root), trusted('connect agents'));
  repoCommand(Commands.checkSetup, (r) => checkSetup(deps, r.root), trusted('run git'));
  repoCommand(
    Commands.openReport,
    async (r) => {
      const { report } = await buildReport(r.root, { revs: [] });
      for (const w of report.warnings ?? []) deps.log.warn(`[report] ${w}`);
      showReport(r.name, formatReportHtml(report));
    },
    trusted('run git'),
  );
}
