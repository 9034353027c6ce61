import * as vscode from 'vscode';
import * as z from 'zod/mini';
import '../../core/zodMessages';
import { CountersignError, errorMessage } from '../../core/errors';
import type { GateCommit } from '../../core/gate';
import type { CommitCard } from '../../core/panel/protocol';
import { reviewPreflight, type PreflightCode } from '../../core/panel/reviewPreflight';
import { reviewRequest } from '../../core/panel/reviewRequest';
import { REVIEW_NOTES_REF } from '../../git/notesConfig';
import type { DecisionResult } from '../../app/reviewDecision';
import { readMe, recordDecision } from '../lazyServices';
import { Commands, Views, type CommandId } from '../ids';
import type { RepositoryCommandRegistrar, RepositoryQuestion } from '../repositoryCommand';
import type { Repository } from '../repository';
import type { RepositoryRegistry } from '../repositoryRegistry';
import type { CommitDiffView } from './commitDiffView';
import { showExplanation } from './explainDocument';
import type { ReviewService } from './reviewService';
import { displaySha, shortSha } from '../../core/shortSha';

/**
 * The reviewer's and the developer's commands: open the panel, refresh, approve / request changes (signed,
 * recorded and pushed by the same src/git code as `countersign approve` / `reject`), open a commit's diff,
 * explain a commit, and copy a review request. Each takes an argument object from the panel, or asks.
 */
const commitArgsSchema = z.object({
  repo: z.optional(z.string()),
  sha: z.optional(z.string()),
  base: z.optional(z.string()),
  comment: z.optional(z.string()),
  path: z.optional(z.string()),
  fetch: z.optional(z.boolean()),
});
type CommitArgs = z.infer<typeof commitArgsSchema>;

function argsOf(raw: unknown): CommitArgs {
  if (typeof raw === 'string') return { repo: raw };
  const r = commitArgsSchema.safeParse(raw ?? {});
  return r.success ? r.data : {};
}

export interface ReviewCommandDeps {
  service: ReviewService;
  diff: CommitDiffView;
  log: vscode.LogOutputChannel;
  command: (id: CommandId, handler: (...args: never[]) => unknown) => void;
  repoCommand: RepositoryCommandRegistrar;
  repositories: RepositoryRegistry;
}

const SET_KEY = 'Set Reviewer Signing Key';

/** The review commands' repositories: the panel's (the ones with a review state to act on). */
function panelRepository(deps: ReviewCommandDeps): RepositoryQuestion {
  return {
    none: 'Countersign works on a folder with a git repository in a trusted workspace: open one first.',
    candidates: async () => {
      if (deps.service.model.repos.length === 0) await deps.service.refresh({ fetch: false });
      return deps.service.model.repos.map((r) => deps.repositories.open(r.root));
    },
  };
}

/** A repository a caller named must be one the panel shows (it acts on the panel's review state). */
async function inPanel(service: ReviewService, repo: Repository): Promise<string> {
  if (service.repo(repo.root)) return repo.root;
  // Not known yet (the first refresh is still to come) or just added: look again before refusing.
  await service.refresh({ fetch: false });
  if (service.repo(repo.root)) return repo.root;
  throw new CountersignError('usage', `${repo.root} is not a repository of this workspace`);
}

function cardsOf(service: ReviewService, repo: string): CommitCard[] {
  return service.repo(repo)?.review.flatMap((b) => b.commits) ?? [];
}

/** The judged commit behind a sha (author, committer), from the snapshot the panel shows. */
function judgedCommit(
  service: ReviewService,
  repo: string,
  sha: string,
): { commit: GateCommit; target: string; policyFrom: string } | undefined {
  const s = service.snapshot(repo);
  for (const b of s?.branches ?? []) {
    const c = b.input.commits.find((x) => x.sha === sha);
    if (c) return { commit: c, target: b.target, policyFrom: `${b.remote}/${b.target}` };
  }
  const d = s?.developer;
  const c = d?.input.commits.find((x) => x.sha === sha);
  return c && d ? { commit: c, target: d.target, policyFrom: `${d.remote}/${d.target}` } : undefined;
}

async function pickCommit(
  service: ReviewService,
  repo: Repository,
  verb: string,
): Promise<{ sha: string; base?: string } | undefined> {
  const cards = cardsOf(service, repo.root);
  const other = { label: '$(git-commit) Another commit…', sha: '', base: undefined as string | undefined };
  const items = [
    ...cards.map((c) => ({
      label: `${displaySha(c.sha)} ${c.subject}`,
      description: `${c.author.name}${c.aiLines ? ` · ${c.aiLines} AI lines` : ''}`,
      detail: c.cannotApprove,
      sha: c.sha,
      base: c.base as string | undefined,
    })),
    other,
  ];
  const pick = await vscode.window.showQuickPick(items, {
    placeHolder: `Which commit do you ${verb}? (commits awaiting review)`,
    matchOnDescription: true,
  });
  if (!pick) return undefined;
  if (pick !== other) return { sha: pick.sha, ...(pick.base ? { base: pick.base } : {}) };
  const rev = await vscode.window.showInputBox({
    prompt: `The commit to ${verb} (a sha, branch or revision; approving covers it and every commit since its base)`,
    value: 'HEAD',
  });
  if (!rev) return undefined;
  return { sha: await repo.git.resolveCommit(rev, `In ${repo.name}, the revision`) };
}

/** What a decision command returns when it stops before signing (the reason; tests read it). */
export interface Refused {
  refused: PreflightCode | 'noKey';
}

/** An error with the fix as a button, not awaited: the command finishes while the message stays up. */
function offerFix(message: string, repo: string, withKeyAction: boolean): void {
  void vscode.window.showErrorMessage(message, ...(withKeyAction ? [SET_KEY] : [])).then((choice) => {
    if (choice === SET_KEY) void vscode.commands.executeCommand(Commands.setSigningKey, repo);
  });
}

/** Checks what would make the decision not count, and offers the fix; a Refused stops the command. */
async function preflight(
  deps: ReviewCommandDeps,
  picked: Repository,
  sha: string,
  decision: 'approve' | 'reject',
): Promise<Refused | undefined> {
  const repo = picked.root;
  const me = await readMe(repo);
  const judged = judgedCommit(deps.service, repo, sha);
  const snapshot = deps.service.snapshot(repo);
  const input =
    snapshot?.branches.find((b) => b.input.commits.some((c) => c.sha === sha))?.input ?? snapshot?.developer?.input;
  const policy = input?.policy.kind === 'ok' ? input.policy.policy : undefined;
  const check = (keyLine: string | undefined, keySource: string): Refused | undefined => {
    const problem = reviewPreflight({
      email: me.email,
      policy,
      policyFrom: judged?.policyFrom ?? 'the protected branch',
      keyLine,
      keySource,
      decision,
      commits: judged ? [{ sha, author: judged.commit.author, committer: judged.commit.committer }] : [],
    });
    if (!problem) return undefined;
    deps.log.warn(`[review] ${decision} ${shortSha(sha)} refused before signing: ${problem.code}: ${problem.message}`);
    offerFix(problem.message, repo, problem.code === 'keyMismatch');
    return { refused: problem.code };
  };
  // Who first (a key is no use to someone the policy does not list), then which key.
  const who = check(undefined, '');
  if (who) return who;
  let key;
  try {
    key = await picked.git.signingKey();
  } catch (e) {
    if (!CountersignError.is(e, 'config')) throw e;
    deps.log.warn(
      `[review] ${decision} ${shortSha(sha)} refused before signing: no usable signing key: ${errorMessage(e)}`,
    );
    offerFix(`Countersign cannot sign: ${errorMessage(e)}`, repo, true);
    return { refused: 'noKey' };
  }
  return check(key.line, key.source);
}

async function decide(
  deps: ReviewCommandDeps,
  picked: Repository,
  raw: unknown,
  decision: 'approve' | 'reject',
): Promise<DecisionResult | Refused | undefined> {
  const args = argsOf(raw);
  const repo = await inPanel(deps.service, picked);
  let target = args.sha
    ? { sha: args.sha, ...(args.base ? { base: args.base } : {}) }
    : await pickCommit(deps.service, picked, decision === 'approve' ? 'approve' : 'request changes on');
  if (!target) return undefined;
  if (!target.base) {
    const card = cardsOf(deps.service, repo).find((c) => c.sha === target?.sha);
    if (card) target = { ...target, base: card.base };
  }
  let comment = args.comment;
  if (decision === 'reject' && !comment?.trim()) {
    comment = await vscode.window.showInputBox({
      prompt: `What must change in ${shortSha(target.sha)} before you would approve it?`,
      ignoreFocusOut: true,
      validateInput: (v) => (v.trim() ? undefined : 'Say what must change'),
    });
    if (!comment?.trim()) return undefined;
  }
  const refused = await preflight(deps, picked, target.sha, decision);
  if (refused) return refused;
  const verb = decision === 'approve' ? 'approval' : 'change request';
  const result = await vscode.window.withProgress(
    {
      location: vscode.ProgressLocation.Notification,
      title: `Countersign: ${verb} of ${shortSha(target.sha)}`,
      cancellable: false,
    },
    async (progress) => {
      progress.report({ message: 'signing with ssh-keygen, recording in refs/notes/countersign, pushing…' });
      return recordDecision({
        cwd: repo,
        decision,
        rev: target.sha,
        ...(target.base ? { base: target.base, baseMayFork: true } : {}),
        ...(comment?.trim() ? { comment: comment.trim() } : {}),
      });
    },
  );
  const s = result.signed.statement;
  const who = s.reviewer.name ? `${s.reviewer.name} <${s.reviewer.email}>` : s.reviewer.email;
  deps.log.info(
    `[review] ${decision} ${s.tip} (base ${s.base}, ${result.baseSource}) signed as ${who} with ${result.keyType} ${result.fingerprint}; push: ${result.push ? (result.push.error ?? 'ok') : 'no remote'}`,
  );
  const what = `${decision === 'approve' ? 'Approved' : 'Requested changes on'} ${shortSha(s.tip)} as ${who}`;
  if (result.push?.error) {
    void vscode.window.showWarningMessage(
      `${what}. Recorded locally, but pushing to ${result.push.remote} failed: ${result.push.error}. Share it later with: git push ${result.push.remote} ${REVIEW_NOTES_REF}`,
    );
  } else {
    const own =
      decision === 'approve' && result.ownCommits.length > 0
        ? ` Note: you authored or committed ${result.ownCommits.length} of these commits; the gate does not count your approval for them.`
        : '';
    void vscode.window.showInformationMessage(
      `${what}${result.push ? `; shared with ${result.push.remote}.` : ' (no remote: recorded locally).'}${own}`,
    );
  }
  await deps.service.refresh({ fetch: false });
  return result;
}

export function registerReviewCommands(deps: ReviewCommandDeps): void {
  const { command, repoCommand, service } = deps;
  const question = panelRepository(deps);
  command(Commands.openReviewPanel, async () => {
    await vscode.commands.executeCommand(`workbench.view.extension.${Views.container}`);
    await vscode.commands.executeCommand(`${Views.review}.focus`);
  });
  command(Commands.refreshReview, async (raw?: unknown) => {
    // From the view's title bar or the palette, a refresh fetches; git state changes refresh locally by themselves.
    const args = argsOf(raw);
    await service.refresh({ fetch: args.fetch ?? true });
  });
  repoCommand(Commands.approveCommit, (r, raw?: unknown) => decide(deps, r, raw, 'approve'), question);
  repoCommand(Commands.requestChanges, (r, raw?: unknown) => decide(deps, r, raw, 'reject'), question);
  repoCommand(Commands.openCommitDiff, (r, raw?: unknown) => openCommitDiff(deps, r, raw), question);
  repoCommand(Commands.explainCommit, (r, raw?: unknown) => explainCommit(deps, r, raw), question);
  repoCommand(Commands.requestReview, (r) => requestReview(deps, r), question);
}

async function openCommitDiff(deps: ReviewCommandDeps, r: Repository, raw: unknown): Promise<unknown> {
  const args = argsOf(raw);
  const repo = await inPanel(deps.service, r);
  const target = args.sha ? { sha: args.sha } : await pickCommit(deps.service, r, 'open');
  if (!target) return undefined;
  let file = args.path;
  if (!file) {
    const files = await deps.diff.changedFiles(r, target.sha);
    const card = cardsOf(deps.service, repo).find((c) => c.sha === target.sha);
    const ai = new Map(card?.files.map((f) => [f.path, f.aiLines]) ?? []);
    if (files.length === 0) throw new CountersignError('usage', `${shortSha(target.sha)} changes no files`);
    if (files.length === 1) file = files[0].path;
    else {
      // AI-heavy files first: that is where a reviewer starts.
      const items = files
        .map((f) => ({
          label: f.path,
          description: `${f.status}${ai.get(f.path) ? ` · ${ai.get(f.path)} AI lines` : ''}`,
          n: ai.get(f.path) ?? 0,
        }))
        .sort((a, b) => b.n - a.n || a.label.localeCompare(b.label));
      file = (await vscode.window.showQuickPick(items, { placeHolder: `Which file of ${shortSha(target.sha)}?` }))
        ?.label;
    }
  }
  if (!file) return undefined;
  return deps.diff.open(r, target.sha, file);
}

async function explainCommit(deps: ReviewCommandDeps, r: Repository, raw: unknown): Promise<unknown> {
  const args = argsOf(raw);
  const repo = await inPanel(deps.service, r);
  let sha = args.sha;
  if (!sha) {
    const rev = await vscode.window.showInputBox({
      prompt: 'Explain which commit? (a sha, branch or revision)',
      value: 'HEAD',
    });
    if (!rev) return undefined;
    sha = rev;
  }
  return showExplanation(repo, sha);
}

async function requestReview(deps: ReviewCommandDeps, r: Repository): Promise<unknown> {
  const repo = await inPanel(deps.service, r);
  const dev = deps.service.snapshot(repo)?.developer;
  if (!dev)
    throw new CountersignError(
      'config',
      `${r.name} has no remote branch to judge the current branch against: add a remote and fetch it`,
    );
  const head = dev.result.head;
  const pushed = head ? await pushedAs(r, dev.remote, head, dev.target) : undefined;
  const url = await r.git.remoteUrl(dev.remote);
  const req = reviewRequest({
    result: dev.result,
    target: `${dev.remote}/${dev.target}`,
    branch: dev.branch,
    remote: dev.remote,
    ...(url ? { remoteUrl: url } : {}),
    ...(pushed ? { pushedAs: pushed } : {}),
  });
  if (!req) {
    void vscode.window.showInformationMessage(
      `Nothing on ${dev.branch ?? 'HEAD'} needs review for ${dev.remote}/${dev.target}.`,
    );
    return undefined;
  }
  await vscode.env.clipboard.writeText(req.text);
  deps.log.info(`[review] review request copied:\n${req.text}`);
  if (req.needsPush) {
    void vscode.window.showWarningMessage(
      `Review request copied (${req.commits} commit(s)). Push your branch first so the reviewer can fetch it: git push -u ${dev.remote} ${dev.branch ?? 'HEAD'}`,
    );
  } else {
    void vscode.window.showInformationMessage(
      `Review request for ${req.commits} commit(s) copied to the clipboard: paste it to a reviewer.`,
    );
  }
  return req.text;
}

/** The remote branch (other than the target) that already has `head`, so a reviewer can fetch it. */
async function pushedAs(repo: Repository, remote: string, head: string, target: string): Promise<string | undefined> {
  return (await repo.git.remoteBranchesContaining(remote, head)).find(
    (s) => s && s !== `${remote}/HEAD` && s !== `${remote}/${target}` && s !== remote,
  );
}
