import * as assert from 'assert';
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import {
  parseStatementNote,
  statementCovers,
  verifySignedStatement,
  type SignedStatement,
} from '../../../src/core/approvalStatement';
import { fetchApprovals, pushApprovals, readAllStatements, recordStatement } from '../../../src/git/approvalsStore';
import { REVIEW_NOTES_REF } from '../../../src/git/notesConfig';
import { stablePatchId } from '../../../src/git/patchId';
import { cloneAs as cloneRepoAs, pushFeature } from '../helpers/approvals';
import { makeKey, sshKeygenVerify, tempDir, TestAgent, type TestKey } from '../helpers/sshKeys';
import { CLI, TempRepo } from '../helpers/tempRepo';
import { canonicalStatementBytes } from '../../../src/core/approvalStatement';

/**
 * `countersign approve` / `reject` end to end: real repositories, a real bare remote, real ssh-keygen keys
 * (files and ssh-agent), notes pushed, fetched in another clone and merged with cat_sort_uniq.
 */
describe('approvals: approve/reject through the CLI with real keys and remotes', function () {
  this.timeout(60_000);
  let keys: string;
  let rita: TestKey;
  let sam: TestKey;
  let remote: TempRepo;
  let author: TempRepo;
  let base: string;
  let tip: string;

  function cloneAs(name: string, email: string, key?: TestKey): TempRepo {
    return cloneRepoAs(remote.dir, name, email, key?.publicFile);
  }

  /** Runs git's own API in-process against a repo: point process.env at its isolated HOME meanwhile. */
  async function inRepo<T>(repo: TempRepo, f: () => Promise<T>): Promise<T> {
    const prev = process.env;
    process.env = { ...prev, ...repo.env };
    try {
      return await f();
    } finally {
      process.env = prev;
    }
  }

  function cliAsync(repo: TempRepo, args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
    return new Promise((resolve) => {
      const child = spawn(process.execPath, [CLI, ...args], { cwd: repo.dir, env: repo.env });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => {
        stdout += d;
      });
      child.stderr.on('data', (d: Buffer) => {
        stderr += d;
      });
      child.on('close', (code) => resolve({ status: code ?? -1, stdout, stderr }));
    });
  }

  before(() => {
    keys = tempDir();
    rita = makeKey(keys, 'rita', ['-t', 'ed25519']);
    sam = makeKey(keys, 'sam', ['-t', 'ecdsa', '-b', '256']);
  });
  after(() => fs.rmSync(keys, { recursive: true, force: true }));

  beforeEach(() => {
    remote = TempRepo.create({ bare: true });
    author = TempRepo.create();
    ({ base, tip } = pushFeature(author, remote.dir, { 'README.md': 'hello\n' }));
  });

  it('approve: signs tip, tree, merge-base and patch-id; records one note line on the tip; pushes; another clone fetches and verifies it', async () => {
    const reviewer = cloneAs('Rita Reviewer', 'rita@example.com', rita);
    const r = reviewer.cli(['approve', 'origin/feature', '--comment', 'looks right']);
    assert.strictEqual(r.status, 0, r.stderr);
    assert.match(r.stdout, /Approved origin\/feature/);
    assert.match(r.stdout, /merge-base with origin\/main/);
    assert.match(r.stdout, new RegExp(`signed: +ssh-ed25519 SHA256:`));
    assert.match(r.stdout, /pushed: +origin refs\/notes\/countersign/);

    // The remote has it, as one JSON line on the tip.
    const note = remote.git('notes', `--ref=${REVIEW_NOTES_REF}`, 'show', tip);
    const parsed = parseStatementNote(note, tip);
    assert.deepStrictEqual(parsed.errors, []);
    assert.strictEqual(parsed.statements.length, 1);
    const s = parsed.statements[0];
    assert.deepStrictEqual(
      {
        decision: s.statement.decision,
        reviewer: s.statement.reviewer,
        tip: s.statement.tip,
        base: s.statement.base,
        comment: s.statement.comment,
      },
      {
        decision: 'approve',
        reviewer: { name: 'Rita Reviewer', email: 'rita@example.com' },
        tip,
        base,
        comment: 'looks right',
      },
    );
    assert.strictEqual(s.statement.tree, author.git('rev-parse', `${tip}^{tree}`));
    assert.strictEqual(s.statement.patchId, await inRepo(author, () => stablePatchId(author.dir, base, tip)));
    // Both verifiers accept it with Rita's key.
    assert.ok(verifySignedStatement(s, rita.publicLine).ok);
    assert.ok(sshKeygenVerify(rita.publicLine, canonicalStatementBytes(s.statement), s.signature));

    // The author's clone fetches it and sees it covering the pushed span.
    const fetched = await inRepo(author, () => fetchApprovals(author.dir, 'origin', 10_000));
    assert.ok(fetched.merged && fetched.remoteTip);
    const all = await inRepo(author, () => readAllStatements(author.dir));
    assert.deepStrictEqual(all.errors, []);
    const found = all.byCommit.get(tip);
    assert.strictEqual(found?.length, 1);
    const patchId = await inRepo(author, () => stablePatchId(author.dir, base, tip));
    assert.strictEqual(statementCovers(found[0].statement, { tip, tree: s.statement.tree, base, patchId }), 'exact');
  });

  it('approve --json prints the signed statement; approving twice keeps one line per statement', async () => {
    const reviewer = cloneAs('Rita Reviewer', 'rita@example.com', rita);
    const r = reviewer.cli(['approve', 'origin/feature', '--json', '--no-push']);
    assert.strictEqual(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout) as {
      statement: SignedStatement['statement'];
      signature: string;
      fingerprint: string;
      pushed: unknown;
    };
    assert.strictEqual(out.statement.tip, tip);
    assert.match(out.signature, /^-----BEGIN SSH SIGNATURE-----/);
    assert.strictEqual(out.pushed, null);
    assert.strictEqual(
      reviewer.gitResult(['ls-remote', 'origin', REVIEW_NOTES_REF]).stdout,
      '',
      '--no-push pushed nothing',
    );
    // Recording the very same signed statement again is a no-op.
    await inRepo(reviewer, () => recordStatement(reviewer.dir, { statement: out.statement, signature: out.signature }));
    assert.strictEqual(reviewer.git('notes', `--ref=${REVIEW_NOTES_REF}`, 'show', tip).split('\n').length, 1);
    // Approving the same tip the same way again signs nothing new (issue 17: a no-op); a new comment is a new statement.
    assert.strictEqual(reviewer.cli(['approve', 'origin/feature', '--no-push']).status, 0);
    assert.strictEqual(reviewer.git('notes', `--ref=${REVIEW_NOTES_REF}`, 'show', tip).split('\n').length, 1);
    assert.strictEqual(reviewer.cli(['approve', 'origin/feature', '--no-push', '--comment', 'looked again']).status, 0);
    assert.strictEqual(reviewer.git('notes', `--ref=${REVIEW_NOTES_REF}`, 'show', tip).split('\n').length, 2);
  });

  it('reject: requires --comment (exit 2, nothing recorded); with a comment records a rejection', () => {
    const reviewer = cloneAs('Rita Reviewer', 'rita@example.com', rita);
    const bad = reviewer.cli(['reject', 'origin/feature']);
    assert.strictEqual(bad.status, 2);
    assert.match(bad.stderr, /--comment TEXT is required/);
    assert.strictEqual(reviewer.gitResult(['rev-parse', '--verify', '-q', REVIEW_NOTES_REF]).status, 1);
    const ok = reviewer.cli(['reject', 'origin/feature', '--comment', 'drops the prod database']);
    assert.strictEqual(ok.status, 0, ok.stderr);
    assert.match(ok.stdout, /Rejected/);
    const [s] = parseStatementNote(remote.git('notes', `--ref=${REVIEW_NOTES_REF}`, 'show', tip)).statements;
    assert.strictEqual(s.statement.decision, 'reject');
    assert.strictEqual(s.statement.comment, 'drops the prod database');
  });

  it('configuration errors exit 2, say how to fix them, and record nothing', () => {
    const reviewer = cloneAs('Rita Reviewer', 'rita@example.com');
    const noKey = reviewer.cli(['approve', 'origin/feature']);
    assert.strictEqual(noKey.status, 2);
    assert.match(
      noKey.stderr,
      /no signing key configured.*git config user\.signingkey ~\/\.ssh\/id_ed25519\.pub.*--key/,
    );

    reviewer.git('config', 'user.signingkey', '3AA5C34371567BD2');
    const gpg = reviewer.cli(['approve', 'origin/feature']);
    assert.strictEqual(gpg.status, 2);
    assert.match(gpg.stderr, /looks like a GPG key.*--key/);
    reviewer.git('config', '--unset', 'user.signingkey');

    const missing = reviewer.cli(['approve', 'origin/feature', '--key', path.join(keys, 'nope')]);
    assert.strictEqual(missing.status, 2);
    assert.match(missing.stderr, /signing key file .*nope .*does not exist/);

    const notCommit = reviewer.cli(['approve', 'no-such-branch', '--key', rita.privateFile]);
    assert.strictEqual(notCommit.status, 2);
    assert.match(notCommit.stderr, /REV no-such-branch is not a commit/);

    reviewer.git('config', '--unset', 'user.email');
    const noEmail = reviewer.cli(['approve', 'origin/feature', '--key', rita.privateFile], { env: { EMAIL: '' } });
    assert.strictEqual(noEmail.status, 2);
    assert.match(noEmail.stderr, /user\.email is not set.*git config user\.email/);

    assert.strictEqual(
      reviewer.gitResult(['rev-parse', '--verify', '-q', REVIEW_NOTES_REF]).status,
      1,
      'nothing recorded',
    );
  });

  it('ssh-agent: signs with a key that exists only in the agent, given as a .pub path or a literal key:: user.signingkey', async () => {
    const dir = tempDir();
    const agent = TestAgent.start(dir);
    try {
      const agentKey = makeKey(dir, 'agent-only', ['-t', 'ed25519']);
      agent.add(agentKey.privateFile);
      fs.rmSync(agentKey.privateFile); // only the agent can sign now
      const reviewer = cloneAs('Rita Reviewer', 'rita@example.com');
      reviewer.git('config', 'user.signingkey', agentKey.publicFile);
      const viaPub = reviewer.cli(['approve', 'origin/feature', '--no-push'], { env: agent.env() });
      assert.strictEqual(viaPub.status, 0, viaPub.stderr);

      reviewer.git('config', 'user.signingkey', `key::${agentKey.publicLine}`);
      const viaLiteral = reviewer.cli(
        ['approve', 'origin/feature', '--no-push', '--json', '--comment', 'via the literal key'],
        { env: agent.env() },
      );
      assert.strictEqual(viaLiteral.status, 0, viaLiteral.stderr);
      const out = JSON.parse(viaLiteral.stdout) as { statement: SignedStatement['statement']; signature: string };
      assert.ok(verifySignedStatement(out, agentKey.publicLine).ok);

      // Without the agent the literal key cannot sign: exit 2 with what to do.
      const noAgent = reviewer.cli(['approve', 'origin/feature', '--no-push', '--comment', 'no agent'], {
        env: { SSH_AUTH_SOCK: '' },
      });
      assert.strictEqual(noAgent.status, 2);
      assert.match(noAgent.stderr, /ssh-keygen could not sign.*ssh-agent/);
    } finally {
      agent.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('two reviewers approving concurrently from two clones: both approvals reach the remote (cat_sort_uniq union)', async () => {
    const r1 = cloneAs('Rita Reviewer', 'rita@example.com', rita);
    const r2 = cloneAs('Sam Second', 'sam@example.com', sam);
    const [a, b] = await Promise.all([
      cliAsync(r1, ['approve', 'origin/feature']),
      cliAsync(r2, ['approve', 'origin/feature']),
    ]);
    assert.strictEqual(a.status, 0, a.stderr);
    assert.strictEqual(b.status, 0, b.stderr);
    const onRemote = parseStatementNote(remote.git('notes', `--ref=${REVIEW_NOTES_REF}`, 'show', tip));
    assert.deepStrictEqual(onRemote.statements.map((s) => s.statement.reviewer.email).sort(), [
      'rita@example.com',
      'sam@example.com',
    ]);
    // A third clone sees both after one fetch.
    const third = cloneAs('Thea', 'thea@example.com');
    await inRepo(third, () => fetchApprovals(third.dir, 'origin', 10_000));
    const all = await inRepo(third, () => readAllStatements(third.dir));
    assert.strictEqual(all.byCommit.get(tip)?.length, 2);
  });

  it("a push rejected as non-fast-forward is retried after fetching and merging the other reviewer's approvals", async () => {
    const r1 = cloneAs('Rita Reviewer', 'rita@example.com', rita);
    const r2 = cloneAs('Sam Second', 'sam@example.com', sam);
    assert.strictEqual(r2.cli(['approve', 'origin/feature', '--no-push']).status, 0);
    assert.strictEqual(r1.cli(['approve', 'origin/feature']).status, 0);
    const pushed = await inRepo(r2, () => pushApprovals(r2.dir, 'origin'));
    assert.deepStrictEqual({ ok: pushed.ok, attempts: pushed.attempts }, { ok: true, attempts: 2 });
    const lines = remote.git('notes', `--ref=${REVIEW_NOTES_REF}`, 'show', tip).split('\n');
    assert.strictEqual(lines.length, 2);
    assert.deepStrictEqual([...lines].sort(), lines, 'lines stay sorted and unique, as cat_sort_uniq leaves them');
  });

  it('a failed push keeps the local record and exits 1 with the command to share it later', () => {
    const reviewer = cloneAs('Rita Reviewer', 'rita@example.com', rita);
    reviewer.git('remote', 'set-url', 'origin', path.join(keys, 'gone.git'));
    const r = reviewer.cli(['approve', 'origin/feature']);
    assert.strictEqual(r.status, 1);
    assert.match(r.stderr, /recorded locally, but pushing to origin failed/);
    assert.match(r.stderr, /git push origin refs\/notes\/countersign/);
    assert.strictEqual(
      parseStatementNote(reviewer.git('notes', `--ref=${REVIEW_NOTES_REF}`, 'show', tip)).statements.length,
      1,
    );
  });

  it('fetching from an unreachable remote fails in bounded time with remoteUnreachable', async function () {
    // The "ssh" below answers after 20 s and the fetch is bounded at 1.5 s: without the bound this test runs
    // past its own 20 s timeout. No wall-clock assertion (those flake under load).
    this.timeout(20_000);
    const reviewer = cloneAs('Rita Reviewer', 'rita@example.com');
    reviewer.git('remote', 'add', 'slow', 'ssh://countersign.invalid/repo.git');
    await assert.rejects(
      inRepo(reviewer, async () => {
        process.env.GIT_SSH_COMMAND = 'sleep 20;';
        return fetchApprovals(reviewer.dir, 'slow', 1_500);
      }),
      (e: unknown) => (e as { reason?: string }).reason === 'remoteUnreachable',
    );
  });

  it('a remote without approvals yet is not an error', async () => {
    const reviewer = cloneAs('Rita Reviewer', 'rita@example.com');
    const r = await inRepo(reviewer, () => fetchApprovals(reviewer.dir, 'origin', 10_000));
    assert.deepStrictEqual(r, { remoteTip: undefined, merged: false });
  });

  it('default base: REV^ when there is no protected branch to compare with; --base overrides', () => {
    const solo = TempRepo.create();
    solo.git('config', 'user.email', 'rita@example.com');
    solo.git('checkout', '-q', '-b', 'trunk');
    solo.write('a.txt', '1\n');
    solo.git('add', '.');
    const first = solo.commit('one');
    solo.write('a.txt', '2\n');
    solo.commit('two', '-a');
    const r = solo.cli(['approve', '--json', '--key', rita.privateFile]);
    assert.strictEqual(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout) as {
      statement: { base: string };
      baseSource: string;
      ownCommits: string[];
      pushed: unknown;
    };
    assert.strictEqual(out.statement.base, first);
    assert.match(out.baseSource, /parent/);
    assert.strictEqual(out.pushed, null, 'no remote: nothing pushed');
    const root = solo.cli(['approve', first, '--json', '--key', rita.privateFile]);
    assert.strictEqual(
      (JSON.parse(root.stdout) as { statement: { base: string } }).statement.base,
      solo.git('hash-object', '-t', 'tree', '/dev/null'),
    );
    const explicit = solo.cli(['approve', '--json', '--base', first, '--key', rita.privateFile]);
    assert.strictEqual((JSON.parse(explicit.stdout) as { baseSource: string }).baseSource, '--base');
  });

  it('refuses a reviewer who approves their own commits (the gate will not count it); --force records it with a warning', () => {
    const selfie = cloneAs('Ada Author', 'ada@example.com', rita);
    const r = selfie.cli(['approve', 'origin/feature', '--no-push']);
    assert.strictEqual(r.status, 2, r.stderr);
    assert.match(r.stderr, /You authored [0-9a-f]{12} \(and 1 more of the 2 commits this decision covers\)/);
    const forced = selfie.cli(['approve', 'origin/feature', '--no-push', '--force']);
    assert.strictEqual(forced.status, 0, forced.stderr);
    assert.match(forced.stderr, /recorded anyway \(--force\), but the gate does not count it/);
  });

  it('a missing key file is refused before the commits are listed (nothing reads as started)', () => {
    const reviewer = cloneAs('Rita Reviewer', 'rita@example.com');
    reviewer.git('config', 'user.signingkey', '/nonexistent/key.pub');
    const r = reviewer.cli(['approve', 'origin/feature', '--no-push']);
    assert.strictEqual(r.status, 2, r.stderr);
    assert.match(r.stderr, /signing key file \/nonexistent\/key\.pub .* does not exist/);
    assert.doesNotMatch(r.stdout, /covers/);
  });

  it('readAllStatements reports a malformed note line naming the commit, and still returns the good ones', async () => {
    const reviewer = cloneAs('Rita Reviewer', 'rita@example.com', rita);
    assert.strictEqual(reviewer.cli(['approve', 'origin/feature', '--no-push']).status, 0);
    const good = reviewer.git('notes', `--ref=${REVIEW_NOTES_REF}`, 'show', tip);
    reviewer.git('notes', `--ref=${REVIEW_NOTES_REF}`, 'add', '-f', '-m', `${good}\n{"statement": "forged"}`, tip);
    const all = await inRepo(reviewer, () => readAllStatements(reviewer.dir));
    assert.strictEqual(all.byCommit.get(tip)?.length, 1);
    assert.strictEqual(all.errors.length, 1);
    assert.strictEqual(all.errors[0].attachedTo, tip, 'the commit is a field of the error, not text to search for');
    assert.ok(all.errors[0].error.includes(tip), all.errors[0].error);
  });
});
