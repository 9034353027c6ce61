import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { verifySignedStatement } from '../../../src/core/approvalStatement';
import { formatAuthorshipNote, sessionEntryKey, sessionKey, traceKey } from '../../../src/core/authorshipNote';
import { repoView } from '../../../src/core/panel/viewModel';
import { readStatementsOn } from '../../../src/git/approvalsStore';
import { recordDecision } from '../../../src/app/reviewDecision';
import { judgingContext } from '../../../src/app/explainGate';
import { fetchForReview, repoSnapshot } from '../../../src/app/reviewSnapshot';
import { signingKeyInfo } from '../../../src/git/signingKeyInfo';
import { makeKey } from '../helpers/reviewerKeys';
import { isolatedEnv } from '../helpers/tempRepo';

/**
 * The panel's data source on real repositories: a bare origin, Ada's clone that pushes a feature branch
 * with a provenance note, and Bo's reviewer clone. The reviewer queue, the developer's gate and the
 * signing-key lookup run the real gate code (verifyRange) and real ssh-keygen keys.
 */
describe('review snapshot (panel data source)', function () {
  this.timeout(60_000);
  const bo = makeKey('bo-panel');
  const env = isolatedEnv();
  const tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'cs-panel-')));
  const origin = path.join(tmp, 'origin.git');
  const ada = path.join(tmp, 'ada');
  const bob = path.join(tmp, 'bo');
  const git = (cwd: string, ...args: string[]) =>
    execFileSync('git', args, { cwd, env, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] }).trim();
  let feature = '';
  let base = '';

  /** Runs in-process git code against these repositories with the isolated HOME (as approvals.test.ts does). */
  async function inEnv<T>(f: () => Promise<T>): Promise<T> {
    const prev = process.env;
    process.env = { ...prev, ...env };
    try {
      return await f();
    } finally {
      process.env = prev;
    }
  }

  before(() => {
    git(tmp, 'init', '-q', '--bare', '-b', 'main', origin);
    git(tmp, 'clone', '-q', origin, ada);
    git(ada, 'config', 'user.name', 'Ada Author');
    git(ada, 'config', 'user.email', 'ada@example.com');
    fs.writeFileSync(
      path.join(ada, '.countersign.json'),
      JSON.stringify(
        {
          protectedBranches: ['main'],
          reviewers: [{ name: 'Bo Reviewer', email: 'bo@example.com', key: bo.publicKey }],
        },
        null,
        2,
      ),
    );
    git(ada, 'add', '.');
    git(ada, 'commit', '-q', '-m', 'Add policy', '-m', 'AI-Provenance: v1 ai=0 human=3 untracked=0');
    git(ada, 'push', '-q', 'origin', 'main');
    base = git(ada, 'rev-parse', 'HEAD');
    git(ada, 'checkout', '-q', '-b', 'feature/login');
    fs.mkdirSync(path.join(ada, 'src'));
    fs.writeFileSync(
      path.join(ada, 'src', 'login.ts'),
      'export function login() {\n  return check();\n}\nconst x = 1;\n',
    );
    git(ada, 'add', '.');
    git(
      ada,
      'commit',
      '-q',
      '-m',
      'Add login',
      '-m',
      'Assisted-by: Claude:claude-sonnet-4-5 claude-code\nAI-Provenance: v1 ai=3 human=1 untracked=0',
    );
    feature = git(ada, 'rev-parse', 'HEAD');
    const s = sessionKey('claude-code', 'conv');
    const note = formatAuthorshipNote({
      files: [{ path: 'src/login.ts', entries: [{ key: sessionEntryKey(s, traceKey('t')), ranges: [[1, 3]] }] }],
      meta: {
        schema_version: 'authorship/3.0.0',
        base_commit_sha: base,
        prompts: {},
        sessions: { [s]: { agent_id: { tool: 'claude-code', id: 'conv', model: 'claude-sonnet-4-5' } } },
      },
    });
    git(ada, 'notes', '--ref=refs/notes/ai', 'add', '-m', note, feature);
    git(ada, 'push', '-q', '-u', 'origin', 'feature/login', 'refs/notes/ai');
    git(tmp, 'clone', '-q', origin, bob);
    git(bob, 'config', 'user.name', 'Bo Reviewer');
    git(bob, 'config', 'user.email', 'bo@example.com');
    git(bob, 'config', 'user.signingkey', bo.privateKeyFile);
  });

  it("lists the fetched branch's commit awaiting review, with the note's AI lines, for the reviewer", async () => {
    await inEnv(() => fetchForReview(bob, 'origin', 20_000));
    const view = repoView(await inEnv(() => repoSnapshot(bob)));
    assert.strictEqual(view.state, 'ok', view.message);
    assert.strictEqual(view.me.reviewer, 'Bo Reviewer <bo@example.com>');
    assert.deepStrictEqual(
      view.review.map((b) => `${b.remote}/${b.branch} -> ${b.target}`),
      ['origin/feature/login -> main'],
    );
    const [card] = view.review[0].commits;
    assert.strictEqual(card.sha, feature);
    assert.strictEqual(card.base, base);
    assert.strictEqual(card.aiLines, 3);
    assert.deepStrictEqual(card.agents, [{ agent: 'claude-code', model: 'claude-sonnet-4-5', lines: 3 }]);
    assert.deepStrictEqual(
      card.files.map((f) => [f.path, f.aiLines, f.added]),
      [['src/login.ts', 3, 4]],
    );
    assert.strictEqual(card.cannotApprove, undefined);
    assert.strictEqual(view.developer?.target, 'origin/main');
    assert.strictEqual(view.developer?.summary, 'up to date with origin/main', "Bo's main has nothing to push");
  });

  it('the author sees the same commit as not theirs to approve, and their branch blocked', async () => {
    const view = repoView(await inEnv(() => repoSnapshot(ada)));
    assert.match(view.review[0]?.commits[0]?.cannotApprove ?? '', /not a reviewer/);
    assert.strictEqual(view.developer?.branch, 'feature/login');
    assert.strictEqual(
      view.developer?.target,
      'origin/main',
      'a feature branch is judged against the default branch, not its own upstream',
    );
    assert.strictEqual(view.developer?.summary, '1 commit needs review');
    assert.strictEqual(view.developer?.approveCommand, `countersign approve ${feature} --base ${base}`);
  });

  it('"Your branch" is judged where explain judges it (one rule, landingTarget): upstream, tracking main, none', async () => {
    const agree = async (label: string, expected: string) => {
      const view = repoView(await inEnv(() => repoSnapshot(ada)));
      const ctx = await inEnv(() => judgingContext(ada, {}, git(ada, 'rev-parse', 'HEAD').trim()));
      assert.strictEqual(view.developer?.target, `origin/${expected}`, `panel, ${label}`);
      assert.strictEqual(ctx.branch, expected, `explain, ${label}`);
    };
    try {
      await agree('feature branch with its own upstream', 'main');
      git(ada, 'checkout', '-q', '-b', 'hotfix', '--track', 'origin/main');
      await agree('a branch whose upstream is the protected main', 'main');
      git(ada, 'checkout', '-q', '-b', 'scratch', 'feature/login');
      await agree('a branch with no upstream', 'main');
    } finally {
      git(ada, 'checkout', '-q', 'feature/login');
    }
  });

  it('reads the public half of the signing key: a private key with its .pub, or derived with ssh-keygen -y', async () => {
    const info = await inEnv(() => signingKeyInfo(bob));
    assert.strictEqual(info.line?.split(' ')[1], bo.publicKey.split(' ')[1]);
    assert.match(info.source, /user\.signingkey/);
    const lone = path.join(tmp, 'lone_key');
    fs.copyFileSync(bo.privateKeyFile, lone);
    fs.chmodSync(lone, 0o600);
    const derived = await inEnv(() => signingKeyInfo(bob, lone));
    assert.strictEqual(derived.line?.split(' ')[1], bo.publicKey.split(' ')[1]);
    assert.strictEqual(derived.fingerprint, info.fingerprint);
  });

  it("after the reviewer approves (recordDecision, as the panel does) the queue empties and the author's gate says approved by Bo", async () => {
    const r = await inEnv(() => recordDecision({ cwd: bob, decision: 'approve', rev: feature, base }));
    assert.strictEqual(r.push?.error, undefined, r.push?.error);
    const stored = await inEnv(() => readStatementsOn(bob, feature));
    assert.strictEqual(stored.statements.length, 1);
    assert.ok(verifySignedStatement(stored.statements[0], bo.publicKey).ok);
    const reviewer = repoView(await inEnv(() => repoSnapshot(bob)));
    assert.deepStrictEqual(reviewer.review, [], 'nothing awaits review once approved');
    await inEnv(() => fetchForReview(ada, 'origin', 20_000));
    const author = repoView(await inEnv(() => repoSnapshot(ada)));
    assert.strictEqual(author.developer?.summary, 'approved by Bo');
    assert.strictEqual(author.developer?.tone, 'approved');
  });

  it('a repository without a remote says so instead of an empty list', async () => {
    const lonely = path.join(tmp, 'lonely');
    git(tmp, 'init', '-q', '-b', 'main', lonely);
    const view = repoView(await inEnv(() => repoSnapshot(lonely)));
    assert.strictEqual(view.state, 'noRemote');
    assert.match(view.message ?? '', /git remote add origin/);
  });
});
