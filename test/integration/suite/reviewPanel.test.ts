import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import { formatAuthorshipNote, sessionEntryKey, sessionKey, traceKey } from '../../../src/core/authorshipNote';
import type { CountersignApi } from '../../../src/extension/extension';
import { Commands, EXTENSION_ID } from '../../../src/extension/ids';
import { recordDecision } from '../../../src/app/reviewDecision';

/**
 * The review panel and the gate's status bar item in a real VS Code, on the workspace repository the harness
 * opened: a policy on origin/main naming Bo (a real ssh-keygen key), a commit of Ada's on a feature branch
 * that needs review. The status bar follows the gate — blocked, then "approved by Bo" once Bo's signed
 * approval is fetched into the workspace (the git watcher refreshes it, no call from the test) — and the
 * panel's model lists the commit awaiting review. Everything is undone afterwards (other suites share the
 * workspace).
 */
async function api(): Promise<CountersignApi> {
  const ext = vscode.extensions.getExtension<CountersignApi>(EXTENSION_ID);
  assert.ok(ext, `${EXTENSION_ID} is not loaded`);
  const activated = await ext.activate();
  await activated.ready; // the services bundle loads just after activate() returns
  return activated;
}

async function waitFor<T>(what: string, check: () => T | undefined | false, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = check();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('Review panel and gate status in a real VS Code', function () {
  this.timeout(90_000);
  const ws = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? '';
  const tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'cs-review-it-')));
  const origin = path.join(tmp, 'origin.git');
  const seed = path.join(tmp, 'seed');
  const bo = path.join(tmp, 'bo');
  const key = path.join(tmp, 'bo_ed25519');
  const git = (cwd: string, ...args: string[]) =>
    execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] }).trim();
  let feature = '';
  let base = '';
  let startBranch = '';

  before(() => {
    assert.ok(ws, 'no workspace folder');
    startBranch = git(ws, 'rev-parse', '--abbrev-ref', 'HEAD');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'bo@laptop', '-f', key]);
    git(tmp, 'init', '-q', '--bare', '-b', 'main', origin);
    git(ws, 'remote', 'add', 'origin', origin);
    git(ws, 'push', '-q', 'origin', 'main');
    // A maintainer puts the policy on origin/main from their own clone.
    git(tmp, 'clone', '-q', origin, seed);
    fs.writeFileSync(
      path.join(seed, '.countersign.json'),
      JSON.stringify(
        {
          protectedBranches: ['main'],
          reviewers: [
            { name: 'Bo Reviewer', email: 'bo@example.com', key: fs.readFileSync(`${key}.pub`, 'utf8').trim() },
          ],
        },
        null,
        2,
      ) + '\n',
    );
    git(seed, 'add', '.');
    git(
      seed,
      '-c',
      'user.name=Mae Maintainer',
      '-c',
      'user.email=mae@example.com',
      'commit',
      '-q',
      '-m',
      'Add the Countersign policy',
      '-m',
      'AI-Provenance: v1 ai=0 human=4 untracked=0',
    );
    git(seed, 'push', '-q', 'origin', 'main');
    // Ada's feature commit in the workspace: an agent wrote two of its lines (note), no hooks ran (unattested).
    git(ws, 'fetch', '-q', 'origin');
    base = git(ws, 'rev-parse', 'origin/main');
    git(ws, 'checkout', '-q', '-b', 'feature/status', base);
    fs.writeFileSync(
      path.join(ws, 'status.ts'),
      'export const state = "blocked";\nexport const next = "approved";\nexport const human = true;\n',
    );
    git(ws, 'add', 'status.ts');
    git(ws, 'commit', '-q', '-m', 'Add status');
    feature = git(ws, 'rev-parse', 'HEAD');
    const s = sessionKey('codex', 'it-session');
    git(
      ws,
      'notes',
      '--ref=refs/notes/ai',
      'add',
      '-m',
      formatAuthorshipNote({
        files: [{ path: 'status.ts', entries: [{ key: sessionEntryKey(s, traceKey('t')), ranges: [[1, 2]] }] }],
        meta: {
          schema_version: 'authorship/3.0.0',
          base_commit_sha: base,
          prompts: {},
          sessions: { [s]: { agent_id: { tool: 'codex', id: 'it-session', model: 'gpt-5-codex' } } },
        },
      }),
      feature,
    );
    git(ws, 'push', '-q', 'origin', 'feature/status');
  });

  after(() => {
    // Leave the workspace as the harness made it for the suites that follow.
    try {
      git(ws, 'checkout', '-q', '-f', startBranch);
      git(ws, 'branch', '-q', '-D', 'feature/status');
      git(ws, 'remote', 'remove', 'origin');
      for (const ref of ['refs/notes/ai', 'refs/notes/countersign'])
        execFileSync('git', ['update-ref', '-d', ref], { cwd: ws });
    } catch (e) {
      console.warn(`reviewPanel.test cleanup: ${e instanceof Error ? e.message : String(e)}`);
    }
  });

  it('the status bar says how many commits need review on the current branch', async () => {
    const { review } = await api();
    await review.refresh();
    const text = await waitFor('the gate status bar item', () => review.statusBarText());
    assert.match(text, /1 commit needs review/);
    assert.match(review.statusBarTooltip() ?? '', /feature\/status → origin\/main/);
  });

  it("the panel's data source lists the pushed commit awaiting review, with the note's agent, model and AI lines", async () => {
    const { review } = await api();
    const model = await review.refresh();
    const repo = model.repos.find((r) => r.root === ws);
    assert.ok(repo, `no view of ${ws}: ${JSON.stringify(model).slice(0, 400)}`);
    assert.strictEqual(repo.state, 'ok', repo.message);
    const branch = repo.review.find((b) => b.branch === 'feature/status');
    assert.ok(branch, `origin/feature/status is not listed: ${JSON.stringify(repo.review)}`);
    const [card] = branch.commits;
    assert.strictEqual(card.sha, feature);
    assert.strictEqual(card.base, base);
    assert.deepStrictEqual(card.agents, [{ agent: 'codex', model: 'gpt-5-codex', lines: 2 }]);
    assert.match(card.reasons.join('\n'), /unattested/);
    assert.match(card.cannotApprove ?? '', /ada@example\.com\) are not a reviewer/, 'Ada cannot approve her own work');
  });

  it('a refresh with fetch shows what the clone has before the fetch ends, then the answer after it', async () => {
    const { review } = await api();
    // A second remote whose fetch takes 4 s and fails (its ssh is a sleep): the refresh's fetch cannot end sooner.
    git(ws, 'remote', 'add', 'slow', 'ssh://countersign.invalid/slow.git');
    git(ws, 'config', 'core.sshCommand', "sh -c 'sleep 4; exit 1'");
    try {
      // Let the refresh the config change schedules run first, so the next change of the model is ours.
      await new Promise((r) => setTimeout(r, 1500));
      await review.refresh();
      const before = review.model.updated;
      let ended = false;
      const refreshed = review.refresh({ fetch: true }).finally(() => (ended = true));
      await waitFor('a model before the fetch ends', () => review.model.updated !== before);
      assert.strictEqual(ended, false, 'the model changed only when the refresh and its fetch had ended');
      const local = review.model;
      const listed = (m: typeof local) =>
        m.repos.find((r) => r.root === ws)?.review.some((b) => b.branch === 'feature/status') === true;
      assert.ok(
        listed(local),
        `the answer before the fetch does not list feature/status: ${JSON.stringify(local).slice(0, 400)}`,
      );
      const after = await refreshed;
      assert.notStrictEqual(after.updated, local.updated, 'no answer after the fetch');
      assert.strictEqual(review.model.updated, after.updated);
      assert.ok(listed(after));
    } finally {
      git(ws, 'config', '--unset', 'core.sshCommand');
      git(ws, 'remote', 'remove', 'slow');
    }
  });

  it('the panel view opens and completes the ready handshake', async () => {
    const { review } = await api();
    await vscode.commands.executeCommand(Commands.openReviewPanel);
    await waitFor('the webview to post ready', () => review.panelReady());
  });

  it('Open Commit Diff shows the commit with its AI-written lines marked', async () => {
    const { review } = await api();
    const marked = await vscode.commands.executeCommand<number>(Commands.openCommitDiff, {
      repo: ws,
      sha: feature,
      path: 'status.ts',
    });
    assert.strictEqual(marked, 2);
    await waitFor('two marked lines in a visible diff editor', () => review.markedDiffLines() === 2);
    // Line 3 was added by the commit and attested to nobody: shown as untracked beside the AI lines.
    await waitFor('one untracked line marked beside them', () => review.markedUntrackedDiffLines() === 1);
    const right = vscode.window.visibleTextEditors.find(
      (e) => e.document.uri.scheme === 'countersign-git' && e.document.getText().includes('approved'),
    );
    assert.ok(right, 'the committed revision is open');
  });

  it('Explain Commit opens the explanation read-only', async () => {
    const doc = await vscode.commands.executeCommand<vscode.TextDocument>(Commands.explainCommit, {
      repo: ws,
      sha: feature,
    });
    assert.ok(doc, 'explainCommit returned no document');
    assert.strictEqual(doc.uri.scheme, 'countersign-explain');
    assert.match(doc.getText(), new RegExp(`^commit ${feature}`));
    assert.match(doc.getText(), /UNATTESTED/);
  });

  it('Request Review copies the approve command for the reviewer', async () => {
    const text = await vscode.commands.executeCommand<string>(Commands.requestReview, { repo: ws });
    assert.ok(text, 'no review request');
    assert.ok(text.includes(`countersign approve ${feature} --base ${base}`), text);
    assert.strictEqual(await vscode.env.clipboard.readText(), text);
  });

  it('Open Provenance Report shows the HTML report in a webview tab; Edit Policy opens .countersign.json', async () => {
    await vscode.commands.executeCommand(Commands.openReport, ws);
    const tab = await waitFor('the report tab', () =>
      vscode.window.tabGroups.all
        .flatMap((g) => g.tabs)
        .find((t) => t.input instanceof vscode.TabInputWebview && t.label.startsWith('Countersign report')),
    );
    assert.match(tab.label, new RegExp(`Countersign report — ${path.basename(ws)}`));
    await vscode.commands.executeCommand(Commands.editPolicy, ws);
    await waitFor(
      'the policy in the active editor',
      () => vscode.window.activeTextEditor?.document.uri.fsPath === path.join(ws, '.countersign.json'),
    );
  });

  it('Approve stops before signing, with the reason, when the person is not a reviewer, has no key, or has another key; nothing is recorded', async () => {
    const approve = () => vscode.commands.executeCommand(Commands.approveCommit, { repo: ws, sha: feature, base });
    assert.deepStrictEqual(await approve(), { refused: 'notReviewer' }, 'Ada is not a reviewer');
    const other = path.join(tmp, 'other_ed25519');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', other]);
    git(ws, 'config', 'user.email', 'bo@example.com');
    try {
      assert.deepStrictEqual(await approve(), { refused: 'noKey' });
      git(ws, 'config', 'user.signingkey', other);
      assert.deepStrictEqual(await approve(), { refused: 'keyMismatch' });
    } finally {
      execFileSync('git', ['config', '--unset', 'user.signingkey'], { cwd: ws, stdio: 'ignore' });
      git(ws, 'config', 'user.email', 'ada@example.com');
    }
    const notes = execFileSync('git', ['for-each-ref', 'refs/notes/countersign'], { cwd: ws, encoding: 'utf8' });
    assert.strictEqual(notes.trim(), '', 'a refused approval records nothing');
  });

  it('the status bar follows the gate: "approved by Bo" once his signed approval is recorded in the workspace repository', async () => {
    const { review } = await api();
    git(tmp, 'clone', '-q', origin, bo);
    git(bo, 'config', 'user.name', 'Bo Reviewer');
    git(bo, 'config', 'user.email', 'bo@example.com');
    git(bo, 'config', 'user.signingkey', key);
    git(bo, 'fetch', '-q', 'origin', 'feature/status');
    const r = await recordDecision({ cwd: bo, decision: 'approve', rev: feature, base, remote: null });
    assert.strictEqual(r.signed.statement.reviewer.email, 'bo@example.com');
    // The approval arrives in the workspace the way a fetch brings it; the ref change alone must refresh the item.
    git(ws, 'fetch', '-q', bo, 'refs/notes/countersign:refs/notes/countersign');
    await waitFor('"approved by Bo" in the status bar', () => /approved by Bo/.test(review.statusBarText() ?? ''));
    const repo = review.model.repos.find((x) => x.root === ws);
    assert.strictEqual(
      repo?.review.find((b) => b.branch === 'feature/status'),
      undefined,
      'an approved branch leaves the review list',
    );
  });
});
