// The review panel's webview script (browser, bundled to dist/webview.js). It renders the model the
// extension posts and posts back what the person clicked; every message both ways goes through the shared
// zod protocol (src/core/panel/protocol.ts). Text from git (subjects, names, paths) only ever reaches the
// page as textContent, never as HTML.
import {
  actionKey,
  parseHostMessage,
  type CommitCard,
  type DeveloperView,
  type PanelModel,
  type RepoView,
  type ReviewBranch,
  type WebviewMessage,
} from '../../src/core/panel/protocol';
import { displaySha as short } from '../../src/core/shortSha';
import { busyKey, button, chip, emptyState, h, plural, setBusy, type Child } from './dom';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const root = document.getElementById('root') as HTMLElement;
let model: PanelModel | undefined;
/** Commits whose "Request changes" comment box is open, with the draft. */
const drafts = new Map<string, string>();

function send(m: WebviewMessage): void {
  vscode.postMessage(m);
}

function renderEmpty(kind: NonNullable<PanelModel['empty']>): HTMLElement {
  switch (kind) {
    case 'loading':
      return h('p', { class: 'muted' }, 'Reading the review state…');
    case 'noFolder':
      return emptyState(
        'No folder open',
        'Open a folder that holds a git repository: Countersign shows the commits awaiting review there and the state of your branch.',
      );
    case 'notGit':
      return emptyState(
        'Not a git repository',
        'The open folder is not inside a git repository. Open a clone of the repository you review, or run git init.',
      );
    case 'untrusted':
      return emptyState(
        'Workspace not trusted',
        'Countersign runs no git commands in an untrusted workspace (a repository can configure programs git runs). Trust this folder to see the review state.',
        button('Manage Workspace Trust', () => send({ type: 'command', command: 'manageTrust' }), { kind: 'primary' }),
      );
  }
}

function reasonsList(reasons: string[]): HTMLElement {
  return h('ul', { class: 'reasons' }, ...reasons.map((r) => h('li', {}, r)));
}

function renderDeveloper(repo: RepoView, d: DeveloperView): HTMLElement {
  const heading = h(
    'div',
    { class: `gate ${d.tone}` },
    h('span', { class: 'gate-text', 'data-testid': 'gate-summary' }, d.summary),
    h('span', { class: 'muted' }, ` ${d.branch ?? 'detached HEAD'} → ${d.target ?? '?'}`),
  );
  const body: Child[] = [];
  for (const e of d.errors) body.push(h('p', { class: 'error' }, e));
  if (d.blocked.length > 0) {
    body.push(h('p', {}, `Pushing to ${d.target} is blocked until a reviewer approves:`));
    for (const c of d.blocked) {
      body.push(
        h(
          'details',
          { class: 'blocked' },
          h('summary', {}, h('code', {}, short(c.sha)), ` ${c.subject}`),
          reasonsList(c.reasons),
        ),
      );
    }
    body.push(
      h(
        'div',
        { class: 'actions' },
        button('Request review', () => send({ type: 'requestReview', repo: repo.root }), {
          kind: 'primary',
          key: actionKey('requestReview'),
          title: 'Copy a message for a reviewer: the commits, why they need review, the approve command',
        }),
      ),
    );
    if (d.approveCommand) body.push(approveCommand(repo, d.approveCommand));
  } else if (d.approvedBy.length > 0) {
    body.push(h('p', { class: 'muted' }, `Approved by ${d.approvedBy.join(', ')}: the push goes through.`));
  }
  return h('section', { class: 'developer' }, h('h2', {}, 'Your branch'), heading, ...body);
}

/**
 * "The reviewer runs: countersign approve <sha> --base <sha>": two full object names make it wider than a side
 * bar, so the command wraps anywhere (it is shown in full — an abbreviated sha could name another commit) and
 * a Copy button hands the exact text to the clipboard through the extension.
 */
function approveCommand(repo: RepoView, command: string): HTMLElement {
  return h(
    'div',
    { class: 'approve-command' },
    h('div', { class: 'muted' }, 'The reviewer runs:'),
    h(
      'div',
      { class: 'command-row' },
      h('code', { class: 'command', 'data-testid': 'approve-command' }, command),
      button('Copy', () => send({ type: 'copyApproveCommand', repo: repo.root }), {
        title: 'Copy the approve command',
        testid: 'copy-approve-command',
      }),
    ),
  );
}

function signals(c: CommitCard): HTMLElement {
  const chips: HTMLElement[] = [];
  for (const a of c.agents)
    chips.push(
      chip(
        `${a.agent}${a.model ? ` · ${a.model}` : ''}${a.lines !== undefined ? ` · ${plural(a.lines, 'line')}` : ''}`,
        'agent',
      ),
    );
  chips.push(
    chip(
      c.aiLines === null ? 'AI lines unknown' : `${c.aiLines} of ${c.addedLines} added lines AI`,
      c.aiLines ? 'ai' : '',
    ),
  );
  if (!c.attested) chips.push(chip('unattested', 'warn', 'No AI-Provenance trailer: hooks bypassed or not installed'));
  if (c.deletedLines > 0) chips.push(chip(`−${plural(c.deletedLines, 'line')}`, c.deletedLines >= 200 ? 'warn' : ''));
  if (c.deletedFiles > 0) chips.push(chip(`${plural(c.deletedFiles, 'file')} deleted`, 'warn'));
  if (c.infrastructurePaths.length > 0)
    chips.push(
      chip(
        `infrastructure: ${c.infrastructurePaths.slice(0, 3).join(', ')}${c.infrastructurePaths.length > 3 ? '…' : ''}`,
        'warn',
      ),
    );
  for (const t of c.tiers) chips.push(chip(`tier: ${t}`, 'tier'));
  return h('div', { class: 'chips' }, ...chips);
}

function renderCommit(repo: RepoView, c: CommitCard): HTMLElement {
  const card = h('article', { class: 'commit', 'data-sha': c.sha });
  card.append(
    h(
      'header',
      {},
      h('div', { class: 'subject' }, c.subject),
      h('div', { class: 'muted' }, h('code', {}, short(c.sha)), ` ${c.author.name} <${c.author.email}>`),
    ),
    signals(c),
  );
  if (c.reasons.length > 0)
    card.append(h('details', {}, h('summary', {}, 'Why it needs review'), reasonsList(c.reasons)));
  if (c.files.length > 0) {
    const files = h(
      'ul',
      { class: 'files' },
      ...c.files.map((f) => {
        const link = button(f.path, () => send({ type: 'openDiff', repo: repo.root, sha: c.sha, path: f.path }), {
          kind: 'link',
          title: `Open the diff of ${f.path}`,
        });
        return h(
          'li',
          {},
          link,
          h(
            'span',
            { class: 'muted' },
            ` ${f.status}${f.added !== null ? ` +${f.added}` : ''}${f.deleted !== null ? ` −${f.deleted}` : ''}`,
          ),
          f.aiLines > 0 ? chip(`${f.aiLines} AI`, 'ai') : null,
          f.infrastructure ? chip('infra', 'warn') : null,
        );
      }),
    );
    card.append(h('details', {}, h('summary', {}, plural(c.files.length, 'file')), files));
  }
  const actions = h(
    'div',
    { class: 'actions' },
    button('Open diff', () => send({ type: 'openDiff', repo: repo.root, sha: c.sha }), {
      key: actionKey('openDiff', c.sha),
      testid: 'open-diff',
    }),
    button('Approve', () => send({ type: 'approve', repo: repo.root, sha: c.sha, base: c.base }), {
      kind: 'primary',
      key: actionKey('approve', c.sha),
      disabled: c.cannotApprove,
      title: `Sign an approval of ${short(c.base)}..${short(c.sha)} with your SSH key and share it`,
      testid: 'approve',
    }),
    button(
      'Request changes',
      () => {
        drafts.set(c.sha, drafts.get(c.sha) ?? '');
        render();
      },
      { key: actionKey('requestChanges', c.sha), disabled: c.cannotApprove, testid: 'request-changes' },
    ),
    button('Explain', () => send({ type: 'explain', repo: repo.root, sha: c.sha }), { kind: 'link' }),
  );
  card.append(actions);
  if (c.covers.length > 0) {
    // What the signature will cover: approving a commit approves every commit since the base (countersign approve lists the same).
    // null: nothing says (no trailer, no note) — an unattested commit, not one without AI lines (newuser15 #2).
    const aiChip = (n: number | null) =>
      n === null ? chip('AI lines unknown', 'warn') : n > 0 ? chip(`${n} AI`, 'ai') : null;
    const items = c.covers.map((k) => h('li', {}, h('code', {}, short(k.sha)), ` ${k.subject}`, aiChip(k.aiLines)));
    card.append(
      h(
        'details',
        { class: 'covers', 'data-testid': 'covers' },
        h('summary', {}, `Approving covers ${plural(c.covers.length, 'commit')} (${short(c.base)}..${short(c.sha)})`),
        h('ul', {}, ...items),
      ),
    );
  }
  if (c.cannotApprove) card.append(h('p', { class: 'muted' }, c.cannotApprove));
  if (drafts.has(c.sha)) {
    const area = h('textarea', {
      rows: '3',
      placeholder: 'What must change before you would approve?',
      'aria-label': 'Comment',
    });
    area.value = drafts.get(c.sha) ?? '';
    area.addEventListener('input', () => drafts.set(c.sha, area.value));
    const submit = button(
      'Send change request',
      () => {
        const comment = area.value.trim();
        if (!comment) {
          area.focus();
          return;
        }
        drafts.delete(c.sha);
        send({ type: 'requestChanges', repo: repo.root, sha: c.sha, base: c.base, comment });
      },
      { kind: 'primary', key: actionKey('requestChanges', c.sha) },
    );
    const cancel = button('Cancel', () => {
      drafts.delete(c.sha);
      render();
    });
    card.append(h('div', { class: 'comment' }, area, h('div', { class: 'actions' }, submit, cancel)));
  }
  return card;
}

function renderBranch(repo: RepoView, b: ReviewBranch): HTMLElement {
  return h(
    'section',
    { class: 'branch' },
    h(
      'h3',
      {},
      `${b.remote}/${b.branch}`,
      h('span', { class: 'muted' }, ` → ${b.target}${b.settled > 0 ? ` · ${b.settled} more need nothing` : ''}`),
    ),
    ...b.errors.map((e) => h('p', { class: 'error' }, e)),
    ...b.commits.map((c) => renderCommit(repo, c)),
  );
}

function renderRepo(repo: RepoView, many: boolean): HTMLElement {
  const out = h('div', { class: 'repo' });
  if (many) out.append(h('h1', {}, repo.name));
  if (repo.state === 'noRemote' || repo.state === 'error') {
    out.append(
      emptyState(
        repo.state === 'noRemote' ? 'No remote' : 'Could not read the review state',
        repo.message ?? '',
        button('Show Log', () => send({ type: 'command', command: 'showLog' })),
      ),
    );
    return out;
  }
  if (repo.state === 'noPolicy') {
    out.append(
      emptyState(
        'No policy',
        repo.message ?? '',
        button('Create a policy', () => send({ type: 'command', command: 'createPolicy', repo: repo.root }), {
          kind: 'primary',
        }),
      ),
    );
  } else if (repo.state === 'policyError') {
    out.append(
      emptyState(
        'The policy cannot be read',
        repo.message ?? '',
        button('Edit policy', () => send({ type: 'command', command: 'editPolicy', repo: repo.root })),
      ),
    );
  }
  if (repo.developer && repo.state !== 'noPolicy') out.append(renderDeveloper(repo, repo.developer));

  const review = h('section', { class: 'review' }, h('h2', {}, 'Awaiting review'));
  const me = repo.me.reviewer
    ? `Reviewing as ${repo.me.reviewer}${repo.me.signingKey ? `, signing with ${repo.me.signingKey}` : ''}`
    : repo.me.email
      ? `${repo.me.email} is not a reviewer in the policy`
      : 'git user.email is not set';
  review.append(h('p', { class: 'muted me' }, me));
  if (repo.me.reviewer && !repo.me.signingKey) {
    review.append(
      h(
        'div',
        { class: 'actions' },
        button('Set Reviewer Signing Key', () => send({ type: 'command', command: 'setSigningKey', repo: repo.root })),
      ),
    );
  }
  if (repo.review.length === 0) {
    review.append(
      h(
        'p',
        { class: 'muted', 'data-testid': 'nothing-to-review' },
        repo.state === 'ok'
          ? 'Nothing awaits review on the fetched branches. Refresh fetches the remote; commits that need review appear here.'
          : 'Nothing to review until a policy is on the protected branch.',
      ),
    );
  }
  for (const b of repo.review) review.append(renderBranch(repo, b));
  out.append(review);
  if (repo.hooksWarning)
    out.append(h('p', { class: 'notice', 'data-testid': 'hooks-warning' }, `⚠ ${repo.hooksWarning}`));
  for (const n of repo.notices) out.append(h('p', { class: 'muted notice' }, n));
  return out;
}

function render(): void {
  const focusedSha = (document.activeElement as HTMLElement | null)?.closest?.('[data-sha]')?.getAttribute('data-sha');
  const toolbar = h(
    'div',
    { class: 'toolbar' },
    button('Refresh', () => send({ type: 'refresh', fetch: true }), {
      key: actionKey('refresh'),
      title: 'Fetch the remotes and recompute',
    }),
    busyKey() ? h('span', { class: 'muted busy' }, 'Working…') : null,
  );
  const body: Child[] = [];
  if (!model) body.push(h('p', { class: 'muted' }, 'Loading…'));
  else if (model.empty) body.push(renderEmpty(model.empty));
  else for (const r of model.repos) body.push(renderRepo(r, model.repos.length > 1));
  root.replaceChildren(toolbar, ...body.filter((b): b is Node | string => !!b));
  if (focusedSha) root.querySelector<HTMLTextAreaElement>(`[data-sha="${focusedSha}"] textarea`)?.focus();
}

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  const parsed = parseHostMessage(event.data);
  if (!parsed.ok) {
    console.warn(`[countersign panel] ${parsed.error}`);
    return;
  }
  const m = parsed.message;
  switch (m.type) {
    case 'state':
      model = m.model;
      render();
      break;
    case 'busy':
      setBusy(m.key);
      render();
      break;
    case 'notice':
      root.prepend(h('p', { class: m.level === 'error' ? 'error' : 'muted' }, m.text));
      break;
  }
});

render();
// The handshake: the extension posts nothing until the page is listening.
send({ type: 'ready' });
