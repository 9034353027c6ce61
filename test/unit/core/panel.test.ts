import * as assert from 'assert';
import type { SignedStatement } from '../../../src/core/approvalStatement';
import { formatAuthorshipNote, sessionEntryKey, sessionKey, traceKey } from '../../../src/core/authorshipNote';
import { evaluateGate, type GateCommit, type GateInput } from '../../../src/core/gate';
import { aiLinesOfCommit, commitSignals } from '../../../src/core/panel/commitSignals';
import { gateStatus } from '../../../src/core/panel/gateStatus';
import {
  hostMessageSchema,
  panelModelSchema,
  parseHostMessage,
  parseWebviewMessage,
  type PanelModel,
} from '../../../src/core/panel/protocol';
import { keyBlob, reviewPreflight } from '../../../src/core/panel/reviewPreflight';
import { reviewRequest } from '../../../src/core/panel/reviewRequest';
import {
  coveredBy,
  repoView,
  reviewBranchView,
  type BranchGate,
  type RepoSnapshot,
} from '../../../src/core/panel/viewModel';
import { parsePolicy } from '../../../src/core/policy';
import { makeKey } from '../helpers/reviewerKeys';

/**
 * The review panel's pure parts: the message protocol both sides validate with, the view model built from
 * the real gate's decisions (evaluateGate on hand-built input, signatures checked by a strict stand-in),
 * the status wording, the pre-signing checks and the review-request message.
 */
const bo = makeKey('bo');
const cy = makeKey('cy');
const policy = parsePolicy(
  JSON.stringify({
    protectedBranches: ['main'],
    reviewers: [
      { name: 'Bo Reviewer', email: 'bo@example.com', key: bo.publicKey },
      { name: 'Cy Ops', email: 'cy@example.com', key: cy.publicKey, role: 'sre' },
    ],
  }),
  'p.json',
);

const hex = (n: number) => `${n.toString(16)}c0ffee`.padEnd(40, '0');
const BASE = hex(0xba5e);
const ADA = { name: 'Ada Author', email: 'ada@example.com' };

function aiNote(file: string, lines: string, model = 'claude-sonnet-4-5'): string {
  const s = sessionKey('claude-code', 'conv-1');
  return formatAuthorshipNote({
    files: [
      {
        path: file,
        entries: [
          {
            key: sessionEntryKey(s, traceKey('t1')),
            ranges: lines
              .split(',')
              .map((r) => r.split('-').map(Number) as [number, number])
              .map(([a, b]) => [a, b ?? a] as [number, number]),
          },
        ],
      },
    ],
    meta: {
      schema_version: 'authorship/3.0.0',
      base_commit_sha: '',
      prompts: {},
      sessions: { [s]: { agent_id: { tool: 'claude-code', id: 'conv-1', model } } },
    },
  });
}

function commit(n: number, message: string, extra: Partial<GateCommit> = {}): GateCommit {
  return {
    sha: hex(n),
    tree: hex(1000 + n),
    parents: [n === 1 ? BASE : hex(n - 1)],
    message,
    author: ADA,
    committer: ADA,
    files: [{ path: `src/f${n}.ts`, added: 10, deleted: 2, status: 'M' }],
    ...extra,
  };
}

function gateInput(commits: GateCommit[], statements: SignedStatement[] = []): GateInput {
  return {
    branch: 'main',
    policy: { kind: 'ok', policy, from: '.countersign.json on origin/main' },
    base: BASE,
    reviewBase: BASE,
    head: commits[commits.length - 1]?.sha ?? BASE,
    commits,
    statements: statements.map((s) => ({ attachedTo: s.statement.tip, signed: s })),
    statementErrors: [],
    baseReach: {},
    verify: (s, key) => {
      const owner = key === bo.publicKey ? 'bo@example.com' : key === cy.publicKey ? 'cy@example.com' : undefined;
      if (!owner) throw new Error(`unexpected key ${key}`);
      return s.signature === `signed-by:${owner}`
        ? { ok: true, fingerprint: `SHA256:${owner}` }
        : { ok: false, reason: 'wrong key' };
    },
  };
}

function approval(tip: number, email: string, name?: string): SignedStatement {
  return {
    statement: {
      v: 1,
      decision: 'approve',
      reviewer: { email, ...(name ? { name } : {}) },
      tip: hex(tip),
      tree: hex(1000 + tip),
      base: BASE,
      patchId: hex(5000 + tip),
      time: '2026-01-01T00:00:00Z',
    },
    signature: `signed-by:${email}`,
  };
}

function branchGate(commits: GateCommit[], statements: SignedStatement[] = []): BranchGate {
  const input = gateInput(commits, statements);
  return {
    remote: 'origin',
    branch: 'feature/login',
    target: 'main',
    head: commits[commits.length - 1].sha,
    input,
    result: evaluateGate(input),
  };
}

describe('panel protocol', () => {
  it('accepts every webview message shape and names what is wrong with a bad one', () => {
    for (const m of [
      { type: 'ready' },
      { type: 'refresh', fetch: true },
      { type: 'openDiff', repo: '/r', sha: hex(1) },
      { type: 'openDiff', repo: '/r', sha: hex(1), path: 'a b/ü.ts' },
      { type: 'approve', repo: '/r', sha: hex(1), base: BASE },
      { type: 'requestChanges', repo: '/r', sha: hex(1), base: BASE, comment: 'rename it' },
      { type: 'explain', repo: '/r', sha: hex(2) },
      { type: 'requestReview', repo: '/r' },
      { type: 'command', command: 'createPolicy', repo: '/r' },
    ]) {
      const r = parseWebviewMessage(m);
      assert.ok(r.ok, `${JSON.stringify(m)}: ${r.ok ? '' : r.error}`);
    }
    const cases: Array<[unknown, RegExp]> = [
      [
        { type: 'approve', repo: '/r', sha: 'HEAD', base: BASE },
        /invalid webview message \(approve\): sha: a full commit id/,
      ],
      [
        { type: 'requestChanges', repo: '/r', sha: hex(1), base: BASE, comment: '   ' },
        /comment: say what must change/,
      ],
      [{ type: 'command', command: 'rm -rf /' }, /invalid webview message \(command\): command/],
      [{ type: 'approve' }, /repo/],
      [{ type: 'eval', code: 'x' }, /invalid webview message \(eval\)/],
      ['ready', /invalid webview message \(string\)/],
      [null, /invalid webview message/],
    ];
    for (const [raw, re] of cases) {
      const r = parseWebviewMessage(raw);
      assert.ok(!r.ok, `${JSON.stringify(raw)} should be refused`);
      assert.match(r.error, re);
    }
  });

  it('accepts the state the view model builds, and refuses a state the webview could not render', () => {
    const model: PanelModel = {
      repos: [repoView(snapshot([branchGate([commit(1, 'unattested change')])]))],
      updated: '2026-01-01T00:00:00.000Z',
    };
    assert.ok(parseHostMessage({ type: 'state', model }).ok);
    assert.ok(parseHostMessage({ type: 'busy', key: null }).ok);
    const broken = JSON.parse(JSON.stringify(model)) as {
      repos: Array<{ review: Array<{ commits: Array<{ aiLines: unknown }> }> }>;
    };
    broken.repos[0].review[0].commits[0].aiLines = -1;
    const r = parseHostMessage({ type: 'state', model: broken });
    assert.ok(!r.ok);
    assert.match(r.error, /aiLines/);
    // The schemas are the single declaration: a state survives a JSON round trip (postMessage) unchanged.
    assert.deepStrictEqual(panelModelSchema.parse(JSON.parse(JSON.stringify(model))), model);
    assert.ok(hostMessageSchema.safeParse({ type: 'notice', level: 'warn', text: 'x' }).success === false);
  });
});

function snapshot(branches: BranchGate[], extra: Partial<RepoSnapshot> = {}): RepoSnapshot {
  return {
    root: '/work/repo',
    name: 'repo',
    me: { email: 'bo@example.com', name: 'Bo Reviewer', signingKey: '~/.ssh/bo.pub' },
    remotes: ['origin'],
    branches,
    notices: [],
    errors: [],
    policyInWorkTree: true,
    ...extra,
  };
}

describe('panel view model', () => {
  it('lists the commits of a fetched branch that await review, newest first, with agents, models, AI lines and blast radius', () => {
    const c1 = commit(1, 'add login\n\nAI-Provenance: v1 ai=3 human=7 untracked=0', {
      aiNote: aiNote('src/f1.ts', '1-3'),
    });
    const c2 = commit(2, 'human docs\n\nAI-Provenance: v1 ai=0 human=4 untracked=0', {
      files: [{ path: 'README.md', added: 4, deleted: 0, status: 'M' }],
    });
    const c3 = commit(
      3,
      'drop the old infra\n\nAssisted-by: Codex:gpt-5 codex\nAI-Provenance: v1 ai=2 human=0 untracked=0',
      {
        files: [
          { path: 'infra/main.tf', added: 0, deleted: 120, status: 'D' },
          { path: 'k8s/app.yaml', added: 2, deleted: 40, status: 'M' },
        ],
      },
    );
    const view = reviewBranchView(branchGate([c1, c2, c3]), { email: 'bo@example.com' });
    assert.ok(view);
    assert.deepStrictEqual(
      view.commits.map((c) => c.sha),
      [hex(3), hex(1)],
      'the human-only commit needs nothing and is not listed',
    );
    assert.strictEqual(view.settled, 1);
    const [infra, login] = view.commits;
    assert.deepStrictEqual(login.agents, [{ agent: 'claude-code', model: 'claude-sonnet-4-5', lines: 3 }]);
    assert.strictEqual(login.aiLines, 3);
    assert.deepStrictEqual(
      login.files.map((f) => [f.path, f.aiLines]),
      [['src/f1.ts', 3]],
    );
    assert.strictEqual(login.base, BASE);
    assert.strictEqual(login.cannotApprove, undefined);
    assert.deepStrictEqual(infra.agents, [{ agent: 'codex', model: 'gpt-5' }]);
    assert.strictEqual(infra.deletedFiles, 1);
    assert.strictEqual(infra.deletedLines, 160);
    assert.deepStrictEqual(infra.infrastructurePaths, ['infra/main.tf', 'k8s/app.yaml']);
    assert.deepStrictEqual(infra.tiers, ['infrastructure'], 'the default infrastructure tier applies');
    assert.ok(infra.reasons.some((r) => /tier 'infrastructure'/.test(r)));
    // What approving each card covers, as `countersign approve` lists it: base..that commit, newest first.
    assert.deepStrictEqual(
      infra.covers.map((k) => [k.sha, k.aiLines]),
      [
        [hex(3), 2],
        [hex(2), 0],
        [hex(1), 3],
      ],
    );
    assert.deepStrictEqual(
      login.covers.map((k) => k.sha),
      [hex(1)],
    );
    assert.strictEqual(infra.covers[1].subject, c2.message.split('\n')[0]);
  });

  it('covers follow ancestry, not list order: a side branch merged later is not covered by a commit before the merge', () => {
    const a = commit(1, 'a');
    const side = commit(2, 'side', { parents: [BASE] });
    const b = commit(3, 'b', { parents: [hex(1)] });
    const merge = commit(4, 'merge', { parents: [hex(3), hex(2)] });
    assert.deepStrictEqual(
      coveredBy(hex(3), [a, side, b, merge]).map((c) => c.sha),
      [hex(3), hex(1)],
    );
    assert.deepStrictEqual(
      coveredBy(hex(4), [a, side, b, merge]).map((c) => c.sha),
      [hex(4), hex(3), hex(2), hex(1)],
    );
  });

  it('says why the person may not approve: own commit, not a reviewer, no user.email', () => {
    const g = branchGate([commit(1, 'unattested')]);
    const bos = branchGate([commit(1, 'unattested', { author: { name: 'Bo', email: 'Bo@Example.com' } })]);
    assert.match(
      reviewBranchView(bos, { email: 'bo@example.com' })?.commits[0].cannotApprove ?? '',
      /You authored this commit/,
    );
    assert.match(
      reviewBranchView(g, { email: 'eve@example.com' })?.commits[0].cannotApprove ?? '',
      /You \(eve@example.com\) are not a reviewer in \.countersign\.json on origin\/main/,
    );
    assert.match(reviewBranchView(g, {})?.commits[0].cannotApprove ?? '', /Set git user\.email/);
    const committed = branchGate([commit(1, 'unattested', { committer: { name: 'Bo', email: 'bo@example.com' } })]);
    assert.match(
      reviewBranchView(committed, { email: 'bo@example.com' })?.commits[0].cannotApprove ?? '',
      /You committed this commit/,
    );
  });

  it('drops a branch once an approval covers it', () => {
    assert.strictEqual(
      reviewBranchView(branchGate([commit(1, 'a'), commit(2, 'b')], [approval(2, 'bo@example.com', 'Bo Reviewer')]), {
        email: 'cy@example.com',
      }),
      undefined,
    );
  });

  it('the repository states: no remote, no policy (in the working tree or not), unreadable policy', () => {
    assert.strictEqual(repoView(snapshot([], { remotes: [] })).state, 'noRemote');
    const none: GateInput = { ...gateInput([]), policy: { kind: 'none', looked: ['origin/main'] } };
    const dev = { branch: 'main', remote: 'origin', target: 'main', input: none, result: evaluateGate(none) };
    const v = repoView(snapshot([], { developer: dev }));
    assert.strictEqual(v.state, 'noPolicy');
    assert.match(v.message ?? '', /in your working tree but not on origin\/main yet/);
    assert.match(repoView(snapshot([], { developer: dev, policyInWorkTree: false })).message ?? '', /Create a policy/);
    const bad: GateInput = {
      ...gateInput([]),
      policy: {
        kind: 'error',
        message: '.countersign.json on origin/main is not a valid Countersign policy',
        from: 'x',
      },
    };
    const broken = repoView(snapshot([], { developer: { ...dev, input: bad, result: evaluateGate(bad) } }));
    assert.strictEqual(broken.state, 'policyError');
    assert.strictEqual(broken.developer?.tone, 'error');
    // Said once: the policy's box holds the message and its fix; "Your branch" does not repeat them.
    assert.match(
      broken.message ?? '',
      /is not a valid Countersign policy\nfix: correct \.countersign\.json on the policy branch/,
    );
    assert.deepStrictEqual(broken.developer?.errors, []);
    const ok = repoView(snapshot([branchGate([commit(1, 'x')])]));
    assert.strictEqual(ok.state, 'ok');
    assert.strictEqual(ok.me.reviewer, 'Bo Reviewer <bo@example.com>');
  });
});

describe('gate status wording', () => {
  it('blocked, approved by (first names), up to date, no review needed, not protected, policy unreadable', () => {
    const blocked = gateStatus(evaluateGate(gateInput([commit(1, 'a'), commit(2, 'b')])), 'origin/main');
    assert.strictEqual(blocked.text, '2 commits need review');
    assert.strictEqual(blocked.tone, 'blocked');
    assert.match(blocked.detail.join('\n'), /May approve: Bo Reviewer and Cy Ops/);
    assert.strictEqual(
      gateStatus(evaluateGate(gateInput([commit(1, 'a')])), 'origin/main').text,
      '1 commit needs review',
    );
    const approved = gateStatus(
      evaluateGate(gateInput([commit(1, 'a')], [approval(1, 'bo@example.com')])),
      'origin/main',
    );
    assert.deepStrictEqual([approved.tone, approved.text], ['approved', 'approved by Bo']);
    const two = gateStatus(
      evaluateGate(
        gateInput([commit(1, 'a'), commit(2, 'b')], [approval(1, 'cy@example.com'), approval(2, 'bo@example.com')]),
      ),
      'origin/main',
    );
    assert.strictEqual(two.text, 'approved by Cy and Bo');
    assert.strictEqual(gateStatus(evaluateGate(gateInput([])), 'origin/main').text, 'up to date with origin/main');
    assert.strictEqual(
      gateStatus(evaluateGate(gateInput([commit(1, 'x\n\nAI-Provenance: v1 ai=0 human=3 untracked=0')])), 'origin/main')
        .text,
      'no review needed',
    );
    const none = evaluateGate({ ...gateInput([]), policy: { kind: 'none', looked: ['origin/main'] } });
    assert.deepStrictEqual(
      [gateStatus(none, 'origin/main').tone, gateStatus(none, 'origin/main').text],
      ['unprotected', 'not protected'],
    );
    const bad = evaluateGate({
      ...gateInput([commit(1, 'a')]),
      policy: { kind: 'error', message: 'broken', from: 'x' },
    });
    assert.strictEqual(gateStatus(bad, 'origin/main').text, 'policy unreadable');
    assert.strictEqual(gateStatus(undefined, undefined).tone, 'unknown');
  });
});

describe('review preflight (before ssh-keygen runs)', () => {
  const base = {
    email: 'bo@example.com',
    policy,
    policyFrom: 'origin/main',
    keyLine: bo.publicKey,
    keySource: 'user.signingkey bo.pub',
    decision: 'approve' as const,
    commits: [{ sha: hex(1), author: ADA, committer: ADA }],
  };
  it("passes the listed reviewer with the listed key on someone else's commit", () => {
    assert.strictEqual(reviewPreflight(base), undefined);
    assert.strictEqual(
      reviewPreflight({
        ...base,
        email: 'BO@example.com',
        keyLine: `${bo.publicKey.split(' ').slice(0, 2).join(' ')} other-comment`,
      }),
      undefined,
    );
  });
  it('refuses: no user.email, not a reviewer, another key, own commit (approve only)', () => {
    assert.strictEqual(reviewPreflight({ ...base, email: undefined })?.code, 'noEmail');
    const nr = reviewPreflight({ ...base, email: 'eve@example.com' });
    assert.strictEqual(nr?.code, 'notReviewer');
    assert.match(nr?.message ?? '', /it lists Bo Reviewer <bo@example.com>, Cy Ops <cy@example.com> \(sre\)/);
    const km = reviewPreflight({ ...base, keyLine: cy.publicKey });
    assert.strictEqual(km?.code, 'keyMismatch');
    assert.match(km?.message ?? '', /not the key \.countersign\.json on origin\/main lists for bo@example\.com/);
    assert.match(km?.message ?? '', /Countersign: Set Reviewer Signing Key/, 'in the editor, its command');
    const kmCli = reviewPreflight({ ...base, keyLine: cy.publicKey, surface: 'cli' });
    assert.match(
      kmCli?.message ?? '',
      /Sign with the listed key: git config user\.signingkey FILE\.pub \(or --key FILE\.pub\)/,
    );
    assert.doesNotMatch(kmCli?.message ?? '', /Countersign: Set Reviewer/, 'no editor command in the CLI');
    const own = reviewPreflight({
      ...base,
      commits: [{ sha: hex(1), author: { name: 'Bo', email: 'bo@example.com' }, committer: ADA }],
    });
    assert.strictEqual(own?.code, 'ownCommit');
    assert.match(own?.message ?? '', /You authored 1c0ffee00000: .* Ask Cy Ops <cy@example.com> \(sre\)\./);
    assert.strictEqual(
      reviewPreflight({
        ...base,
        decision: 'reject',
        commits: [{ sha: hex(1), author: { name: 'Bo', email: 'bo@example.com' }, committer: ADA }],
      }),
      undefined,
      'requesting changes on your own commit is allowed (it only blocks)',
    );
    // approve covers base..tip: one own commit among several is enough to refuse, and the message counts them.
    const range = reviewPreflight({
      ...base,
      commits: [
        { sha: hex(2), author: ADA, committer: ADA },
        { sha: hex(1), author: ADA, committer: { name: 'Bo', email: 'bo@example.com' } },
      ],
    });
    assert.strictEqual(range?.code, 'ownCommit');
    assert.match(range?.message ?? '', /You committed 1c0ffee00000/);
    const unreadable = reviewPreflight({
      ...base,
      policy: undefined,
      policyProblem: 'reviewers[0].key: not an SSH key',
    });
    assert.strictEqual(unreadable?.code, 'policyUnreadable');
    assert.match(
      unreadable?.message ?? '',
      /on origin\/main cannot be read \(reviewers\[0\]\.key: not an SSH key\), so the gate counts no approval/,
    );
  });
  it('an unreadable key (passphrase-protected, no .pub) is not refused here: ssh-keygen and the gate decide', () => {
    assert.strictEqual(reviewPreflight({ ...base, keyLine: undefined }), undefined);
    assert.strictEqual(keyBlob('ssh-ed25519 AAAA comment'), 'AAAA');
  });
});

describe('review request message', () => {
  it('names the commits, why, who may approve and the exact approve command; says when the branch is not pushed', () => {
    const result = evaluateGate(gateInput([commit(1, 'add login'), commit(2, 'wire it')]));
    const pushed = reviewRequest({
      result,
      target: 'origin/main',
      branch: 'feature/login',
      pushedAs: 'origin/feature/login',
      remote: 'origin',
      remoteUrl: 'git@example.com:acme/app.git',
    });
    assert.ok(pushed);
    assert.strictEqual(pushed.needsPush, false);
    assert.strictEqual(pushed.commits, 2);
    assert.match(
      pushed.text,
      /^Review request: origin\/feature\/login → origin\/main \(git@example.com:acme\/app.git\)\n/,
    );
    assert.match(pushed.text, /1c0ffee00000 add login — Ada Author <ada@example.com>\n {4}- unattested/);
    assert.match(pushed.text, /May approve: Bo Reviewer <bo@example.com>, Cy Ops <cy@example.com> \(sre\)/);
    assert.ok(pushed.text.includes(`  git fetch origin\n  countersign approve ${hex(2)} --base ${BASE}\n`));
    assert.doesNotMatch(pushed.text, /- may approve:/, 'the gate\'s own "may approve" line is not repeated per commit');
    assert.strictEqual(
      reviewRequest({ result, target: 'origin/main', branch: 'feature/login', remote: 'origin' })?.needsPush,
      true,
    );
    assert.strictEqual(
      reviewRequest({ result: evaluateGate(gateInput([])), target: 'origin/main', branch: 'x', remote: 'origin' }),
      undefined,
    );
  });
});

describe('commit signals', () => {
  it('counts the larger of note and trailer, names note sessions with their models, and keeps trailer-only agents', () => {
    const c = commit(
      1,
      'x\n\nAssisted-by: Claude:claude-sonnet-4-5 claude-code\nAssisted-by: Copilot:inline vscode\nAI-Provenance: v1 ai=9 human=1 untracked=0',
      { aiNote: aiNote('src/f1.ts', '2-4') },
    );
    const s = commitSignals(c, policy);
    assert.strictEqual(s.aiLines, 9);
    assert.deepStrictEqual(s.agents, [
      { agent: 'claude-code', model: 'claude-sonnet-4-5', lines: 3 },
      { agent: 'inline-completion' },
    ]);
    assert.ok(s.attested);
  });
  it('an unreadable note is reported, not thrown', () => {
    const s = commitSignals(commit(1, 'x', { aiNote: 'not a note at all\n---\n{' }), policy);
    assert.ok(s.noteError);
    assert.strictEqual(s.aiLines, null);
    assert.strictEqual(s.attested, false);
  });
  it('aiLinesOfCommit gives 1-based lines per file with agent and model', () => {
    const m = aiLinesOfCommit(aiNote('a b/ü.ts', '1,3-4', 'm1'), hex(1), 'a b/ü.ts', 10);
    assert.deepStrictEqual(
      m,
      [1, 3, 4].map((line) => ({ line, agent: 'claude-code', model: 'm1' })),
    );
    assert.strictEqual(aiLinesOfCommit(undefined, hex(1), 'a b/ü.ts', 10).length, 0);
  });
  it('aiLinesOfCommit marks only the lines the committed file has (a note claiming 1-9999999 on a 3-line file)', () => {
    assert.deepStrictEqual(
      aiLinesOfCommit(aiNote('f.ts', '1-9999999'), hex(1), 'f.ts', 3).map((l) => l.line),
      [1, 2, 3],
    );
  });
});
