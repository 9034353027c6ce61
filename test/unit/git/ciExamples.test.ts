import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { attach, sign, statementFor } from '../helpers/approvals';
import { commitFile, setup } from '../helpers/gateServer';
import { CLI } from '../helpers/tempRepo';

/**
 * The CI examples in ci-examples/ are run, not just shipped: their gate commands are extracted from the YAML,
 * `npx --yes countersign` is pointed at the built CLI, and they run in a clone of a real server as the CI
 * job would (a pull request whose commit needs review, then with the approval pushed).
 */
function foldedBlock(lines: string[], start: number): string {
  const indent = (l: string) => l.length - l.trimStart().length;
  const body: string[] = [];
  const first = lines[start + 1];
  const level = indent(first);
  for (let i = start + 1; i < lines.length && (lines[i].trim() === '' || indent(lines[i]) >= level); i++) body.push(lines[i].trim());
  return body.join(' ');
}

function githubGateCommand(): string {
  const lines = fs.readFileSync('ci-examples/github-actions.yml', 'utf8').split('\n');
  const step = lines.findIndex((l) => /- name: Review gate/.test(l));
  const run = lines.findIndex((l, i) => i > step && /run: >-/.test(l));
  return foldedBlock(lines, run);
}

function gitlabScript(): string[] {
  const lines = fs.readFileSync('ci-examples/gitlab-ci.yml', 'utf8').split('\n');
  const start = lines.findIndex((l) => /^\s+script:/.test(l));
  const out: string[] = [];
  for (let i = start + 1; i < lines.length; i++) {
    const l = lines[i];
    if (/^\s+#/.test(l) || l.trim() === '') continue;
    if (!/^\s+- /.test(l)) break;
    out.push(l.trim() === '- >-' ? foldedBlock(lines, i) : l.trim().slice(2));
  }
  return out;
}

function sh(cwd: string, script: string, env: NodeJS.ProcessEnv) {
  const r = spawnSync('bash', ['-c', script.replace(/npx --yes countersign/g, `node ${JSON.stringify(CLI)}`)], { cwd, env, encoding: 'utf8' });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

describe('CI examples', function () {
  this.timeout(60_000);

  it('GitHub Actions: fails the pull request check until a reviewer approves, with annotations and a job summary', () => {
    const { ada, bob } = setup();
    const base = ada.git('rev-parse', 'origin/main');
    ada.git('checkout', '-q', '-b', 'pr');
    const head = commitFile(ada, 'feature.ts', 'x\n', 'Feature\n\nAssisted-by: Claude:claude-sonnet-4-5 claude-code\nAI-Provenance: v1 ai=1 human=0 untracked=0');
    ada.git('push', '-q', 'origin', 'pr');
    const ci = fs.mkdtempSync(path.join(os.tmpdir(), 'cs-gha-'));
    spawnSync('git', ['clone', '-q', ada.git('remote', 'get-url', 'origin'), ci], { env: ada.env });
    spawnSync('git', ['checkout', '-q', head], { cwd: ci, env: ada.env });
    const cmd = githubGateCommand()
      .replace(/\$\{\{ github\.base_ref \}\}/g, 'main')
      .replace(/\$\{\{ github\.event\.pull_request\.head\.sha \}\}/g, head);
    assert.match(cmd, /countersign verify .*--format github/);
    const summary = path.join(ci, 'summary.md');
    const env = { ...ada.env, GITHUB_STEP_SUMMARY: summary };
    const fetchNotes = `git fetch --no-tags origin '+refs/notes/countersign:refs/notes/countersign' '+refs/notes/ai:refs/notes/ai' || true`;
    assert.ok(fs.readFileSync('ci-examples/github-actions.yml', 'utf8').includes(fetchNotes), 'the workflow fetches the approvals');
    const blocked = sh(ci, `${fetchNotes}\n${cmd}`, env);
    assert.strictEqual(blocked.status, 1, blocked.stdout + blocked.stderr);
    assert.match(blocked.stdout, /::error title=Countersign%3A [0-9a-f]{12} needs review::Feature/);
    assert.match(fs.readFileSync(summary, 'utf8'), /❌ blocked/);

    attach(ada.dir, sign(bob, statementFor(ada.dir, { email: 'bob@example.com', tip: head, base })), head, ada.env);
    ada.git('push', '-q', 'origin', 'refs/notes/countersign');
    const passed = sh(ci, `${fetchNotes}\n${cmd}`, env);
    assert.strictEqual(passed.status, 0, passed.stdout + passed.stderr);
    assert.match(passed.stdout, /approved by bob@example\.com/);
  });

  it('GitLab CI: the merge request job blocks, then passes once approved', () => {
    const { ada, bob, carol } = setup();
    const base = ada.git('rev-parse', 'origin/main');
    ada.git('checkout', '-q', '-b', 'mr');
    const head = commitFile(ada, 'deploy/main.tf', 'resource "x" "y" {}\n', 'Infra\n\nAI-Provenance: v1 ai=0 human=1 untracked=0');
    ada.git('push', '-q', 'origin', 'mr');
    const ci = fs.mkdtempSync(path.join(os.tmpdir(), 'cs-gl-'));
    spawnSync('git', ['clone', '-q', '--no-checkout', ada.git('remote', 'get-url', 'origin'), ci], { env: ada.env });
    spawnSync('git', ['checkout', '-q', head], { cwd: ci, env: ada.env });
    const env = { ...ada.env, CI_MERGE_REQUEST_TARGET_BRANCH_NAME: 'main', CI_COMMIT_SHA: head };
    const script = gitlabScript().join('\n');
    const blocked = sh(ci, `set -e\n${script}`, env);
    assert.strictEqual(blocked.status, 1, blocked.stdout + blocked.stderr);
    assert.match(blocked.stdout, /tier 'infrastructure': touches deploy\/main\.tf — needs 2 approval/);
    // Two approvals for the infrastructure tier (the default policy's tiers).
    attach(ada.dir, sign(bob, statementFor(ada.dir, { email: 'bob@example.com', tip: head, base })), head, ada.env);
    attach(ada.dir, sign(carol, statementFor(ada.dir, { email: 'carol@example.com', tip: head, base })), head, ada.env);
    ada.git('push', '-q', 'origin', 'refs/notes/countersign');
    const passed = sh(ci, `set -e\n${script}`, env);
    assert.strictEqual(passed.status, 0, passed.stdout + passed.stderr);
  });
});
