import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { attach, sign, statementFor } from '../helpers/approvals';
import { commitFile, policyJson, setup } from '../helpers/gateServer';

/** The client-side entry points: the pre-push hook (convenience) and `countersign verify` (CI). */
describe('pre-push hook and verify', function () {
  this.timeout(60_000);

  it('pre-push blocks an unattested commit with an actionable message, and lets it through once approved', () => {
    const { ada, bob, server } = setup();
    assert.strictEqual(ada.cli(['install']).status, 0);
    const base = ada.git('rev-parse', 'origin/main');
    ada.write('app.ts', 'x\n');
    ada.git('add', '.');
    execFileSync('git', ['commit', '-q', '-m', 'made with hooks skipped'], {
      cwd: ada.dir,
      env: { ...ada.env, COUNTERSIGN_SKIP: '1' },
    });
    const tip = ada.git('rev-parse', 'HEAD');
    const r = ada.gitResult(['push', 'origin', 'main']);
    assert.notStrictEqual(r.status, 0);
    assert.match(r.stderr, /countersign \(pre-push\): BLOCKED — main is protected/);
    assert.match(r.stderr, /unattested/);
    assert.match(r.stderr, new RegExp(`countersign approve ${tip} --base ${base}`));
    assert.doesNotMatch(r.stderr, /pre-receive/, 'pre-push stopped it before the server was asked');
    assert.strictEqual(server.git('rev-parse', 'main'), base);

    // Bob approves from his own clone and pushes only the notes; Ada's pre-push fetches them.
    const bobDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cs-bob-'));
    execFileSync('git', ['clone', '-q', server.dir, bobDir], { env: ada.env });
    ada.git('push', '-q', '--no-verify', 'origin', 'main:refs/heads/review/ada');
    execFileSync('git', ['fetch', '-q', 'origin'], { cwd: bobDir, env: ada.env });
    attach(bobDir, sign(bob, statementFor(bobDir, { email: 'bob@example.com', tip, base })), tip, ada.env);
    execFileSync('git', ['push', '-q', 'origin', 'refs/notes/countersign'], { cwd: bobDir, env: ada.env });

    const ok = ada.gitResult(['push', 'origin', 'main']);
    assert.strictEqual(ok.status, 0, ok.stderr);
    assert.strictEqual(server.git('rev-parse', 'main'), tip);
  });

  it('pre-push says so and blocks a protected branch when the remote cannot be reached', () => {
    const { ada } = setup();
    const tip = commitFile(ada, 'a.ts', 'a\n', 'a');
    const remoteSha = ada.git('rev-parse', 'origin/main');
    ada.git('remote', 'set-url', 'origin', path.join(os.tmpdir(), 'cs-no-such-remote', 'x.git'));
    const r = ada.cli(['hook', 'pre-push', 'origin', 'unused'], {
      input: `refs/heads/main ${tip} refs/heads/main ${remoteSha}\n`,
    });
    assert.strictEqual(r.status, 1, r.stderr);
    assert.match(r.stderr, /could not reach origin/);
    assert.match(r.stderr, /BLOCKED/);
    // An unprotected branch only gets a notice.
    const r2 = ada.cli(['hook', 'pre-push', 'origin', 'unused'], {
      input: `refs/heads/feature ${tip} refs/heads/feature 0000000000000000000000000000000000000000\n`,
    });
    assert.strictEqual(r2.status, 0, r2.stderr);
  });

  it('pre-push blocks, and says why, a push to a remote it can neither reach nor has ever fetched (newuser14 S24)', () => {
    const { ada, server } = setup();
    assert.strictEqual(ada.cli(['install']).status, 0);
    commitFile(ada, 'a.ts', 'a\n', 'a');
    // Fetching from `split` fails (no such repository); pushing goes to the real server, whose main is protected.
    ada.git('remote', 'add', 'split', path.join(os.tmpdir(), 'cs-no-such-remote', 'x.git'));
    ada.git('remote', 'set-url', '--push', 'split', server.dir);
    const r = ada.gitResult(['push', 'split', 'main']);
    assert.notStrictEqual(r.status, 0);
    assert.match(r.stderr, /countersign \(pre-push\): BLOCKED/, r.stderr);
    assert.match(r.stderr, /could not reach split/);
    assert.match(r.stderr, /policy that judges this push is unknown/);
    assert.doesNotMatch(r.stderr, /pre-receive/, 'pre-push stopped it before the server was asked');
  });

  it('verify --format json / github: exit 1 when blocked with annotations and a job summary, 0 once approved', () => {
    const { ada, bob } = setup();
    const base = ada.git('rev-parse', 'origin/main');
    const tip = commitFile(
      ada,
      'x.ts',
      'x\n',
      'Add x\n\nCo-authored-by: Claude <noreply@anthropic.com>\nAI-Provenance: v1 ai=1 human=0 untracked=0',
    );
    const j = ada.cli(['verify', '--format', 'json']);
    assert.strictEqual(j.status, 1, j.stderr);
    const json = JSON.parse(j.stdout) as {
      ok: boolean;
      branch: string;
      protected: boolean;
      commits: Array<{ sha: string; needsReview: boolean; reasons: string[]; approvals: unknown[]; ok: boolean }>;
      errors: string[];
    };
    assert.deepStrictEqual(Object.keys(json).sort(), ['branch', 'commits', 'errors', 'ok', 'protected']);
    assert.strictEqual(json.ok, false);
    assert.strictEqual(json.branch, 'main');
    assert.strictEqual(json.protected, true);
    assert.strictEqual(json.commits.length, 1);
    assert.deepStrictEqual(Object.keys(json.commits[0]).sort(), ['approvals', 'needsReview', 'ok', 'reasons', 'sha']);
    assert.strictEqual(json.commits[0].sha, tip);
    assert.strictEqual(json.commits[0].needsReview, true);
    assert.ok(json.commits[0].reasons.some((r) => /co-authored by Claude/.test(r)));

    const summary = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cs-summary-')), 'summary.md');
    const g = ada.cli(['verify', '--format', 'github', '--base', base, '--head', tip, '--branch', 'main'], {
      env: { GITHUB_STEP_SUMMARY: summary },
    });
    assert.strictEqual(g.status, 1);
    assert.match(g.stdout, /^::error title=Countersign%3A [0-9a-f]{12} needs review::Add x%0A- AI-attributed/m);
    assert.match(g.stdout, /Reviewer runs: countersign approve/);
    const md = fs.readFileSync(summary, 'utf8');
    assert.match(md, /## Countersign review gate/);
    assert.match(md, /`main` — ❌ blocked/);
    assert.match(md, /\| commit \| needs review \| why \| approvals \| result \|/);
    // In CI nothing pushes again: someone re-runs the check after the approval (newuser16 F3).
    assert.match(g.stdout, /3\. After the approval, re-run this check \(GitHub: the pull request's Checks tab/);
    assert.doesNotMatch(g.stdout, /Push again/);
    assert.match(md, /Then re-run this check: an approval is a note, not a commit/);
    const gitlab = ada.cli(['verify', '--base', base, '--head', tip, '--branch', 'main'], {
      env: { CI: 'true' },
    });
    assert.match(
      gitlab.stdout,
      /re-run this check \(.*GitLab: the merge request's Pipelines tab → Run pipeline\)/,
      gitlab.stderr,
    );
    const local = ada.cli(['verify', '--base', base, '--head', tip, '--branch', 'main'], {
      env: { CI: '' },
    });
    assert.match(local.stdout, /3\. Push again; Countersign fetches the approval first/);

    attach(ada.dir, sign(bob, statementFor(ada.dir, { email: 'bob@example.com', tip, base })), tip, ada.env);
    const g2 = ada.cli(['verify', '--format', 'github', '--no-fetch'], { env: { GITHUB_STEP_SUMMARY: summary } });
    assert.strictEqual(g2.status, 0, g2.stdout + g2.stderr);
    assert.match(
      g2.stdout,
      /::notice title=Countersign%3A [0-9a-f]{12} approved::Add x — approved by bob@example\.com/,
    );
    const j2 = JSON.parse(ada.cli(['verify', '--format', 'json', '--no-fetch']).stdout) as typeof json;
    assert.strictEqual(j2.ok, true);
    assert.deepStrictEqual((j2.commits[0].approvals[0] as { reviewer: string }).reviewer, 'bob@example.com');
  });

  it('verify: an unprotected branch passes and says why; a bad --format is a usage error', () => {
    const { ada } = setup();
    commitFile(ada, 'a', 'a\n', 'a');
    // The branch exists on the remote (issue 17: a --branch that is neither there nor protected is an error).
    ada.git('push', '-q', 'origin', 'HEAD:feature/x');
    const r = ada.cli(['verify', '--branch', 'feature/x', '--format', 'json']);
    assert.strictEqual(r.status, 0, r.stderr);
    const j = JSON.parse(r.stdout) as { ok: boolean; protected: boolean };
    assert.deepStrictEqual([j.ok, j.protected], [true, false]);
    assert.strictEqual(ada.cli(['verify', '--format', 'xml']).status, 2);
  });

  it('pre-push refuses, as verify and the server do, a push that would put an invalid policy on the policy branch', () => {
    // newuser10 N3: pre-push said "✓ … none blocked" and the server then refused the push.
    const { ada, bob, carol } = setup();
    assert.strictEqual(ada.cli(['install']).status, 0);
    const base = ada.git('rev-parse', 'origin/main');
    const broken = JSON.parse(policyJson(bob, carol)) as Record<string, unknown>;
    broken.aprovals = 1;
    const tip = commitFile(ada, '.countersign.json', JSON.stringify(broken, null, 2), 'Typo in the policy');
    // newuser12 P14: not approved yet, it is blocked for both reasons; no approval can make it land as it is, so
    // the message does not send a reviewer to approve it.
    const unapproved = ada.gitResult(['push', 'origin', 'main']);
    assert.notStrictEqual(unapproved.status, 0);
    assert.match(unapproved.stderr, /would put an invalid \.countersign\.json on the policy branch main/);
    assert.doesNotMatch(unapproved.stderr, /The reviewer runs/);
    for (const [key, email] of [
      [bob, 'bob@example.com'],
      [carol, 'carol@example.com'],
    ] as const)
      attach(ada.dir, sign(key, statementFor(ada.dir, { email, tip, base })), tip, ada.env);
    const v = ada.cli(['verify']);
    assert.strictEqual(v.status, 1, v.stderr);
    const r = ada.gitResult(['push', 'origin', 'main']);
    assert.notStrictEqual(r.status, 0);
    assert.match(r.stderr, /countersign \(pre-push\): BLOCKED/);
    assert.match(r.stderr, /would put an invalid \.countersign\.json on the policy branch main/);
    assert.match(r.stderr, /unknown field 'aprovals'/);
    assert.doesNotMatch(r.stderr, /pre-receive/, 'pre-push stopped it before the server was asked');
    // Elsewhere it is only a file.
    const f = ada.gitResult(['push', 'origin', 'main:feature/typo']);
    assert.strictEqual(f.status, 0, f.stderr);
  });

  it("when the server refuses the notes pre-push shares, the push prints the server's reason", () => {
    // newuser10 N15: only "push rejected by the review gate … for the reason above" was shown, without the reason.
    const { ada } = setup();
    assert.strictEqual(ada.cli(['install']).status, 0);
    const scratch = commitFile(ada, 'scratch.txt', 'x\n', 'scratch');
    ada.git('notes', '--ref=refs/notes/ai', 'add', '-f', '-m', 'garbage note', scratch);
    ada.git('reset', '-q', '--hard', 'HEAD~1');
    commitFile(ada, 'b.txt', 'b\n', 'b');
    const r = ada.gitResult(['push', 'origin', 'HEAD:refs/heads/feature/b']);
    assert.strictEqual(r.status, 0, r.stderr);
    assert.match(r.stderr, /could not push notes/);
    assert.match(r.stderr, new RegExp(`note on ${scratch.slice(0, 12)} is unreadable`));
    // newuser14 S4: the fix names the bad notes; a forced fetch over refs/notes/ai would drop unpushed commits' notes.
    assert.match(
      r.stderr,
      new RegExp(`Fix: remove or correct each note named \\(\`git notes --ref=ai remove ${scratch.slice(0, 12)}\``),
    );
    assert.doesNotMatch(r.stderr, /git fetch origin \+refs\/notes\/ai:refs\/notes\/ai[`\s]/);
    // Not a silent one-liner: what happened and what to do (the push of an unprotected branch goes on).
    assert.match(r.stderr, /countersign \(pre-push\): WARNING — the provenance notes did not reach the remote/);
    assert.match(r.stderr, /git push origin refs\/notes\/ai refs\/notes\/countersign/);
  });

  it('a protected push whose notes cannot reach the server is blocked, loudly, until the notes go (attack16 P6)', () => {
    // The commit would otherwise land without its note, and wait for whoever pushes a note for it first.
    const { ada, bob, server } = setup();
    assert.strictEqual(ada.cli(['install']).status, 0);
    const base = ada.git('rev-parse', 'origin/main');
    const scratch = commitFile(ada, 'scratch.txt', 'x\n', 'scratch');
    ada.git('notes', '--ref=refs/notes/ai', 'add', '-f', '-m', 'garbage note', scratch);
    ada.git('reset', '-q', '--hard', 'HEAD~1');
    const tip = commitFile(ada, 'b.txt', 'b\n', 'b');
    attach(ada.dir, sign(bob, statementFor(ada.dir, { email: 'bob@example.com', tip, base })), tip, ada.env);
    const r = ada.gitResult(['push', 'origin', 'main']);
    assert.notStrictEqual(r.status, 0, 'the protected push went on without its notes');
    assert.match(r.stderr, /countersign \(pre-push\): BLOCKED — the provenance notes did not reach the remote/);
    assert.match(r.stderr, new RegExp(`note on ${scratch.slice(0, 12)} is unreadable`));
    assert.match(r.stderr, /then push again/);
    assert.strictEqual(server.git('rev-parse', 'main'), base, 'the commit landed without its notes');
    // Fixed (the unreadable note dropped), the same push goes through with its notes.
    ada.git('notes', '--ref=refs/notes/ai', 'remove', scratch);
    const again = ada.gitResult(['push', 'origin', 'main']);
    assert.strictEqual(again.status, 0, again.stderr);
    assert.strictEqual(server.git('rev-parse', 'main'), tip);
    assert.strictEqual(server.git('rev-parse', 'refs/notes/ai'), ada.git('rev-parse', 'refs/notes/ai'));
  });
});
