import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { attach, sign, statementFor } from '../helpers/approvals';
import { commitFile, setup } from '../helpers/gateServer';
import { CLI, type TempRepo } from '../helpers/tempRepo';

/**
 * The CI examples in ci-examples/ are run, not just shipped: their gate commands are extracted from the YAML
 * and run verbatim in a clone of a real server as the CI job would (a pull request whose commit needs review,
 * then with the approval pushed). The pinned install outside the checkout is stood in for by the built CLI
 * at the path `npm install --prefix` gives it (no registry here); every checkout carries a fake
 * `node_modules/.bin/countersign` that says "approved", and the verdict must not change (issue 10, class 8).
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
  const r = spawnSync('bash', ['-c', script], { cwd, env, encoding: 'utf8' });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** What `npm install --prefix DIR countersign@X` leaves: DIR/node_modules/.bin/countersign running the CLI. */
function pinnedInstall(dir: string): void {
  const bin = path.join(dir, 'node_modules', '.bin');
  fs.mkdirSync(bin, { recursive: true });
  fs.writeFileSync(path.join(bin, 'countersign'), `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(CLI)} "$@"\n`, { mode: 0o755 });
}

/** A pull request's attempt to replace the gate: a committed node_modules/.bin/countersign that always passes. */
function commitFakeGate(repo: TempRepo): void {
  repo.write('node_modules/.bin/countersign', '#!/bin/sh\necho "countersign: all commits approved"\nexit 0\n');
  fs.chmodSync(path.join(repo.dir, 'node_modules/.bin/countersign'), 0o755);
  repo.git('add', '-f', 'node_modules/.bin/countersign');
}

/** The template installs a pinned version outside the checkout and never runs countersign through npx. */
function assertPinned(yaml: string): void {
  assert.doesNotMatch(yaml, /^[^#]*npx/m, 'no npx: it resolves node_modules/.bin of the checkout first');
  assert.match(yaml, /COUNTERSIGN_VERSION: \d+\.\d+\.\d+\n/, 'an exact version');
  assert.match(yaml, /--ignore-scripts "countersign@\$COUNTERSIGN_VERSION"/);
  assert.ok(yaml.includes(`COUNTERSIGN_VERSION: ${(JSON.parse(fs.readFileSync('package.json', 'utf8')) as { version: string }).version}\n`), 'the version this repository is at');
}

describe('CI examples', function () {
  this.timeout(60_000);

  it('GitHub Actions: fails the pull request check until a reviewer approves, with annotations and a job summary', () => {
    const { ada, bob } = setup();
    const yaml = fs.readFileSync('ci-examples/github-actions.yml', 'utf8');
    assertPinned(yaml);
    assert.ok(yaml.indexOf('Install Countersign') < yaml.indexOf('actions/checkout'), 'installed before anything from the pull request is on disk');
    assert.match(yaml, /working-directory: \$\{\{ runner\.temp \}\}/);
    const base = ada.git('rev-parse', 'origin/main');
    ada.git('checkout', '-q', '-b', 'pr');
    commitFakeGate(ada);
    const head = commitFile(ada, 'feature.ts', 'x\n', 'Feature\n\nAssisted-by: Claude:claude-sonnet-4-5 claude-code\nAI-Provenance: v1 ai=1 human=0 untracked=0');
    ada.git('push', '-q', 'origin', 'pr');
    const ci = fs.mkdtempSync(path.join(os.tmpdir(), 'cs-gha-'));
    spawnSync('git', ['clone', '-q', ada.git('remote', 'get-url', 'origin'), ci], { env: ada.env });
    spawnSync('git', ['checkout', '-q', head], { cwd: ci, env: ada.env });
    const cmd = githubGateCommand()
      .replace(/\$\{\{ github\.base_ref \}\}/g, 'main')
      .replace(/\$\{\{ github\.event\.pull_request\.head\.sha \}\}/g, head);
    assert.match(cmd, /^"\$RUNNER_TEMP\/countersign\/node_modules\/\.bin\/countersign" verify .*--format github/);
    const runnerTemp = fs.mkdtempSync(path.join(os.tmpdir(), 'cs-runner-'));
    pinnedInstall(path.join(runnerTemp, 'countersign'));
    const summary = path.join(ci, 'summary.md');
    const env = { ...ada.env, GITHUB_STEP_SUMMARY: summary, RUNNER_TEMP: runnerTemp };
    // The checkout's fake would have passed the old template (`npx countersign` runs it).
    assert.ok(fs.existsSync(path.join(ci, 'node_modules/.bin/countersign')));
    assert.strictEqual(sh(ci, `npx --no-install countersign verify --branch main`, env).status, 0, 'the fake gate passes when npx resolves it');
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
    assertPinned(fs.readFileSync('ci-examples/gitlab-ci.yml', 'utf8'));
    const base = ada.git('rev-parse', 'origin/main');
    ada.git('checkout', '-q', '-b', 'mr');
    commitFakeGate(ada);
    const head = commitFile(ada, 'deploy/main.tf', 'resource "x" "y" {}\n', 'Infra\n\nAI-Provenance: v1 ai=0 human=1 untracked=0');
    ada.git('push', '-q', 'origin', 'mr');
    const ci = fs.mkdtempSync(path.join(os.tmpdir(), 'cs-gl-'));
    spawnSync('git', ['clone', '-q', '--no-checkout', ada.git('remote', 'get-url', 'origin'), ci], { env: ada.env });
    spawnSync('git', ['checkout', '-q', head], { cwd: ci, env: ada.env });
    const home = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cs-gl-home-')), 'countersign');
    pinnedInstall(home);
    const env = { ...ada.env, CI_MERGE_REQUEST_TARGET_BRANCH_NAME: 'main', CI_COMMIT_SHA: head, COUNTERSIGN_HOME: home, COUNTERSIGN_VERSION: '0.1.0' };
    const lines = gitlabScript();
    assert.match(lines[0], /npm install --prefix "\$COUNTERSIGN_HOME"/, 'the first step installs the pinned version');
    assert.match(lines[lines.length - 1], /^"\$COUNTERSIGN_HOME\/node_modules\/\.bin\/countersign" verify /);
    // The install step needs the registry; the stand-in above is what it leaves behind.
    const script = lines.slice(1).join('\n');
    assert.ok(fs.existsSync(path.join(ci, 'node_modules/.bin/countersign')), 'the merge request carries its fake gate');
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
