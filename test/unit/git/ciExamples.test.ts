import * as assert from 'assert';
import * as crypto from 'crypto';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { attach, sign, statementFor } from '../helpers/approvals';
import { withoutGate } from '../helpers/gateAgreement';
import { commitFile, setup } from '../helpers/gateServer';
import { CLI, type TempRepo } from '../helpers/tempRepo';

/**
 * The CI examples in ci-examples/ are run, not just shipped: their install, fetch and gate steps are extracted
 * from the YAML and run verbatim in a clone of a real server as the CI job would (a pull request whose commit
 * needs review, then with the approval pushed). The install step installs a real tarball of the built CLI
 * (npm's layout, `package/…`) after its sha256 check — refusing the placeholder and a wrong checksum — into
 * the folder outside the checkout; only the download is stood in for (a file:// URL for GitLab's curl, a
 * `gh` that copies the file for GitHub's release). Every checkout carries a fake
 * `node_modules/.bin/countersign` that says "approved", and the verdict must not change (issue 10, class 8).
 * The clone has no origin/HEAD: the templates name the policy branch from the forge's variable.
 */
function foldedBlock(lines: string[], start: number): string {
  const indent = (l: string) => l.length - l.trimStart().length;
  const body: string[] = [];
  const first = lines[start + 1];
  const level = indent(first);
  for (let i = start + 1; i < lines.length && (lines[i].trim() === '' || indent(lines[i]) >= level); i++)
    body.push(lines[i].trim());
  return body.join(' ');
}

/** A `run: |` block, its lines kept (relative indentation does not matter to sh). */
function literalBlock(lines: string[], start: number): string {
  const indent = (l: string) => l.length - l.trimStart().length;
  const level = indent(lines[start + 1]);
  const body: string[] = [];
  for (let i = start + 1; i < lines.length && (lines[i].trim() === '' || indent(lines[i]) >= level); i++)
    body.push(lines[i].trim());
  return body.join('\n');
}

function githubStep(name: RegExp): string {
  const lines = fs.readFileSync('ci-examples/github-actions.yml', 'utf8').split('\n');
  const step = lines.findIndex((l) => name.test(l));
  const run = lines.findIndex((l, i) => i > step && /run: [>|]-?$/.test(l));
  return /run: >-/.test(lines[run]) ? foldedBlock(lines, run) : literalBlock(lines, run);
}

function githubGateCommand(): string {
  return githubStep(/- name: Review gate/);
}

function gitlabScript(): string[] {
  const lines = fs.readFileSync('ci-examples/gitlab-ci.yml', 'utf8').split('\n');
  const start = lines.findIndex((l) => /^\s+script:/.test(l));
  const out: string[] = [];
  for (let i = start + 1; i < lines.length; i++) {
    const l = lines[i];
    if (/^\s+#/.test(l) || l.trim() === '') continue;
    if (!/^\s+- /.test(l)) break;
    if (l.trim() !== '- >-') {
      out.push(l.trim().slice(2));
      continue;
    }
    out.push(foldedBlock(lines, i));
    const level = lines[i + 1].length - lines[i + 1].trimStart().length;
    while (
      i + 1 < lines.length &&
      lines[i + 1].trim() !== '' &&
      lines[i + 1].length - lines[i + 1].trimStart().length >= level
    )
      i++;
  }
  return out;
}

function sh(cwd: string, script: string, env: NodeJS.ProcessEnv) {
  const r = spawnSync('bash', ['-c', script], { cwd, env, encoding: 'utf8' });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** A tarball laid out as `npm pack` lays it out (package/…), holding the CLI this test run built, and its sha256. */
function builtTarball(): { file: string; sha256: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cs-tgz-'));
  const pkg = path.join(dir, 'package');
  fs.mkdirSync(path.join(pkg, 'dist'), { recursive: true });
  const { version } = JSON.parse(fs.readFileSync('package.json', 'utf8')) as { version: string };
  fs.writeFileSync(
    path.join(pkg, 'package.json'),
    JSON.stringify({ name: 'countersign', version, bin: { countersign: 'dist/cli.js' } }),
  );
  fs.copyFileSync(CLI, path.join(pkg, 'dist', 'cli.js'));
  // And what npm pack ships beside it (.npmignore): the bundles cli.js loads on first use and the hook's entry.
  for (const beside of ['cli-lazy.js', 'cli-ledger.js', 'cli-gate.js', 'hook.js'])
    fs.copyFileSync(path.join(path.dirname(CLI), beside), path.join(pkg, 'dist', beside));
  const file = path.join(dir, `countersign-${version}.tgz`);
  const tar = spawnSync('tar', ['czf', file, 'package'], { cwd: dir });
  assert.strictEqual(tar.status, 0, String(tar.stderr));
  return { file, sha256: crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex') };
}

/** The install step refuses the template's placeholder and a wrong checksum (installing nothing), then installs. */
function installAsTheTemplate(
  run: (extra: NodeJS.ProcessEnv) => { status: number; stdout: string; stderr: string },
  bin: string,
  sha256: string,
): void {
  const placeholder = run({});
  assert.strictEqual(placeholder.status, 2, placeholder.stdout + placeholder.stderr);
  assert.match(placeholder.stdout, /sha256sum into COUNTERSIGN_SHA256/);
  // newuser17 F11: a pasted `sha256sum` line (digits, then the file name) or a cut-off value is named as such
  // before anything is downloaded, by both templates alike.
  for (const bad of [`${sha256}  countersign.tgz`, sha256.slice(0, 40), sha256.toUpperCase().replace(/[0-9]/g, 'G')]) {
    const r = run({ COUNTERSIGN_SHA256: bad });
    assert.strictEqual(r.status, 2, `${bad}: ${r.stdout}${r.stderr}`);
    assert.match(r.stdout, /COUNTERSIGN_SHA256 must be the 64 hex digits/, bad);
  }
  const wrong = run({ COUNTERSIGN_SHA256: sha256.replace(/^./, (c) => (c === '0' ? '1' : '0')) });
  assert.notStrictEqual(wrong.status, 0, 'a tarball that is not the pinned one is refused');
  assert.match(wrong.stdout + wrong.stderr, /FAILED/);
  assert.ok(!fs.existsSync(bin), 'nothing installed from a tarball that failed its check');
  const ok = run({ COUNTERSIGN_SHA256: sha256 });
  assert.strictEqual(ok.status, 0, ok.stdout + ok.stderr);
  assert.ok(fs.existsSync(bin), 'npm install --prefix put countersign where the gate step calls it');
}

/** A pull request's attempt to replace the gate: a committed node_modules/.bin/countersign that always passes. */
function commitFakeGate(repo: TempRepo): void {
  repo.write('node_modules/.bin/countersign', '#!/bin/sh\necho "countersign: all commits approved"\nexit 0\n');
  fs.chmodSync(path.join(repo.dir, 'node_modules/.bin/countersign'), 0o755);
  repo.git('add', '-f', 'node_modules/.bin/countersign');
}

/**
 * The template installs a checked tarball outside the checkout, never anything by name from a registry (no
 * such package exists: E404, and whoever registers the name would run code in every adopter's CI) except
 * in a comment for when it is published, and never runs countersign through npx.
 */
function assertPinned(yaml: string): void {
  assert.doesNotMatch(yaml, /^[^#]*npx/m, 'no npx: it resolves node_modules/.bin of the checkout first');
  assert.match(yaml, /COUNTERSIGN_VERSION: \d+\.\d+\.\d+\n/, 'an exact version');
  assert.doesNotMatch(yaml, /^[^#]*countersign@/m, 'nothing installed by name from the registry, except in a comment');
  assert.match(
    yaml,
    /^\s*# .*--ignore-scripts "countersign@\$COUNTERSIGN_VERSION"/m,
    'the registry form, exact version, as a commented alternative',
  );
  assert.match(yaml, /sha256sum -c -/);
  assert.match(yaml, /--ignore-scripts --offline "\.\/\$tgz"/);
  assert.ok(
    yaml.includes(
      `COUNTERSIGN_VERSION: ${(JSON.parse(fs.readFileSync('package.json', 'utf8')) as { version: string }).version}\n`,
    ),
    'the version this repository is at',
  );
}

describe('CI examples', function () {
  this.timeout(240_000);

  it('GitHub Actions: every trigger carries a pull request, and the template says how to re-check after an approval', () => {
    // A run without a pull request (workflow_dispatch, push, schedule) has no head.sha or base_ref: the gate
    // would run `verify --head ""` and exit 2, and the PR's required check would not change (newuser12 P2).
    const yaml = fs.readFileSync('ci-examples/github-actions.yml', 'utf8');
    const lines = yaml.split('\n');
    const on = lines.findIndex((l) => /^on:/.test(l));
    const triggers: string[] = [];
    for (let i = on + 1; i < lines.length && !/^\S/.test(lines[i]); i++) {
      const key = /^ {2}([a-z_]+):/.exec(lines[i]);
      if (key) triggers.push(key[1]);
    }
    assert.deepStrictEqual(triggers, ['pull_request']);
    assert.match(yaml, /Re-run/, "tells the team to re-run the pull request's own check once a reviewer approved");
    const gitlab = fs.readFileSync('ci-examples/gitlab-ci.yml', 'utf8');
    assert.match(
      gitlab,
      /rules:\n\s+- if: \$CI_PIPELINE_SOURCE == "merge_request_event"\n/,
      'merge request pipelines only',
    );
    assert.match(
      gitlab,
      /Run pipeline/,
      "tells the team to re-run the merge request's pipeline once a reviewer approved",
    );
  });

  it('GitHub Actions: fails the pull request check until a reviewer approves, with annotations and a job summary', () => {
    const { ada, bob, server } = setup();
    const yaml = fs.readFileSync('ci-examples/github-actions.yml', 'utf8');
    assertPinned(yaml);
    assert.ok(
      yaml.indexOf('Install Countersign') < yaml.indexOf('actions/checkout'),
      'installed before anything from the pull request is on disk',
    );
    assert.match(yaml, /working-directory: \$\{\{ runner\.temp \}\}/);
    const base = ada.git('rev-parse', 'origin/main');
    ada.git('checkout', '-q', '-b', 'pr');
    commitFakeGate(ada);
    const head = commitFile(
      ada,
      'feature.ts',
      'x\n',
      'Feature\n\nAssisted-by: Claude:claude-sonnet-4-5 claude-code\nAI-Provenance: v1 ai=1 human=0 untracked=0',
    );
    ada.git('push', '-q', 'origin', 'pr');
    // A tag named like the target's remote-tracking branch, at the head (outside tester G3): it must not
    // become the base, which would judge no commit. Planted as on a forge with no pre-receive gate.
    withoutGate(server, () => ada.git('push', '-q', 'origin', `${head}:refs/tags/origin/main`));
    const ci = fs.mkdtempSync(path.join(os.tmpdir(), 'cs-gha-'));
    spawnSync('git', ['clone', '-q', ada.git('remote', 'get-url', 'origin'), ci], { env: ada.env });
    spawnSync('git', ['checkout', '-q', head], { cwd: ci, env: ada.env });
    spawnSync('git', ['remote', 'set-head', 'origin', '-d'], { cwd: ci, env: ada.env });
    const cmd = githubGateCommand()
      .replace(/\$\{\{ github\.base_ref \}\}/g, 'main')
      .replace(/\$\{\{ github\.event\.repository\.default_branch \}\}/g, 'main')
      .replace(/\$\{\{ github\.event\.pull_request\.head\.sha \}\}/g, head);
    assert.match(
      cmd,
      /^"\$RUNNER_TEMP\/countersign\/node_modules\/\.bin\/countersign" verify .*--policy-branch "main" .*--format github/,
    );
    const runnerTemp = fs.mkdtempSync(path.join(os.tmpdir(), 'cs-runner-'));
    // The release download is GitHub's; the stand-in `gh` copies the tarball (a real one) where it would land.
    const tgz = builtTarball();
    const tools = fs.mkdtempSync(path.join(os.tmpdir(), 'cs-gh-'));
    fs.writeFileSync(path.join(tools, 'gh'), `#!/bin/sh\ncp ${JSON.stringify(tgz.file)} .\n`, { mode: 0o755 });
    const ghEnv = {
      ...ada.env,
      RUNNER_TEMP: runnerTemp,
      GITHUB_REPOSITORY: 'team/app',
      COUNTERSIGN_VERSION: '0.1.0',
      COUNTERSIGN_RELEASE: 'countersign-v0.1.0',
      COUNTERSIGN_SHA256: 'REPLACE-WITH-THE-sha256sum-OF-countersign-0.1.0.tgz',
      PATH: `${tools}${path.delimiter}${ada.env.PATH ?? process.env.PATH}`,
      npm_config_update_notifier: 'false',
    };
    installAsTheTemplate(
      (extra) => sh(runnerTemp, `set -e\n${githubStep(/- name: Install Countersign/)}`, { ...ghEnv, ...extra }),
      path.join(runnerTemp, 'countersign/node_modules/.bin/countersign'),
      tgz.sha256,
    );
    const summary = path.join(ci, 'summary.md');
    const env = { ...ada.env, GITHUB_STEP_SUMMARY: summary, RUNNER_TEMP: runnerTemp };
    // The checkout's fake would have passed the old template (`npx countersign` runs it).
    assert.ok(fs.existsSync(path.join(ci, 'node_modules/.bin/countersign')));
    assert.strictEqual(
      sh(ci, `npx --no-install countersign verify --branch main`, env).status,
      0,
      'the fake gate passes when npx resolves it',
    );
    // Each notes ref is fetched on its own: no approvals on the server yet must not stop refs/notes/ai.
    const fetchNotes = `set -e\n${githubStep(/- name: Fetch approvals/)}`;
    assert.strictEqual(
      ada.gitResult(['ls-remote', '--exit-code', 'origin', 'refs/notes/countersign']).status,
      2,
      'no approvals on the server yet',
    );
    const note = 'README.md\n  h_0123456789abcd 1\n---\n{"schema_version":"authorship/3.0.0"}';
    ada.git('notes', '--ref=ai', 'add', '-f', '-m', note, base);
    ada.git('push', '-q', 'origin', 'refs/notes/ai');
    const blocked = sh(ci, `${fetchNotes}\n${cmd}`, env);
    assert.strictEqual(blocked.status, 1, blocked.stdout + blocked.stderr);
    assert.match(blocked.stdout, /no refs\/notes\/countersign on origin yet/);
    assert.strictEqual(
      spawnSync('git', ['rev-parse', '-q', '--verify', 'refs/notes/ai'], { cwd: ci }).status,
      0,
      'refs/notes/ai fetched although refs/notes/countersign is missing',
    );
    assert.match(blocked.stdout, /::error title=Countersign%3A [0-9a-f]{12} needs review::Feature/);
    assert.match(fs.readFileSync(summary, 'utf8'), /❌ blocked/);

    attach(ada.dir, sign(bob, statementFor(ada.dir, { email: 'bob@example.com', tip: head, base })), head, ada.env);
    ada.git('push', '-q', 'origin', 'refs/notes/countersign');
    const passed = sh(ci, `${fetchNotes}\n${cmd}`, env);
    assert.strictEqual(passed.status, 0, passed.stdout + passed.stderr);
    assert.match(passed.stdout, /approved by bob@example\.com/);
  });

  it('GitLab CI: the merge request job blocks, then passes once approved', () => {
    const { ada, bob, carol, server } = setup();
    assertPinned(fs.readFileSync('ci-examples/gitlab-ci.yml', 'utf8'));
    const base = ada.git('rev-parse', 'origin/main');
    ada.git('checkout', '-q', '-b', 'mr');
    commitFakeGate(ada);
    const head = commitFile(
      ada,
      'deploy/main.tf',
      'resource "x" "y" {}\n',
      'Infra\n\nAI-Provenance: v1 ai=0 human=1 untracked=0',
    );
    ada.git('push', '-q', 'origin', 'mr');
    withoutGate(server, () => ada.git('push', '-q', 'origin', `${head}:refs/tags/origin/main`));
    const ci = fs.mkdtempSync(path.join(os.tmpdir(), 'cs-gl-'));
    spawnSync('git', ['clone', '-q', '--no-checkout', ada.git('remote', 'get-url', 'origin'), ci], { env: ada.env });
    spawnSync('git', ['checkout', '-q', head], { cwd: ci, env: ada.env });
    spawnSync('git', ['remote', 'set-head', 'origin', '-d'], { cwd: ci, env: ada.env });
    const home = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cs-gl-home-')), 'countersign');
    const tgz = builtTarball();
    const env = {
      ...ada.env,
      CI_MERGE_REQUEST_TARGET_BRANCH_NAME: 'main',
      CI_DEFAULT_BRANCH: 'main',
      CI_COMMIT_SHA: head,
      COUNTERSIGN_HOME: home,
      COUNTERSIGN_VERSION: '0.1.0',
      COUNTERSIGN_SHA256: 'REPLACE-WITH-THE-sha256sum-OF-countersign-0.1.0.tgz',
      CI_JOB_TOKEN: 'job-token',
      COUNTERSIGN_TARBALL_URL: `file://${tgz.file}`,
      npm_config_update_notifier: 'false',
    };
    const lines = gitlabScript();
    assert.match(
      lines[0],
      /curl -fsSL .*sha256sum -c -; .*npm install --prefix "\$COUNTERSIGN_HOME"/,
      'the first step installs the checked tarball',
    );
    assert.match(
      lines[lines.length - 1],
      /^"\$COUNTERSIGN_HOME\/node_modules\/\.bin\/countersign" verify .*--policy-branch "\$CI_DEFAULT_BRANCH"/,
    );
    // The project's package registry is stood in for by a file:// URL for the template's own curl.
    installAsTheTemplate(
      (extra) => sh(ci, lines[0], { ...env, ...extra }),
      path.join(home, 'node_modules/.bin/countersign'),
      tgz.sha256,
    );
    const script = lines.slice(1).join('\n');
    assert.ok(fs.existsSync(path.join(ci, 'node_modules/.bin/countersign')), 'the merge request carries its fake gate');
    const blocked = sh(ci, `set -e\n${script}`, { ...env, COUNTERSIGN_SHA256: tgz.sha256 });
    assert.strictEqual(blocked.status, 1, blocked.stdout + blocked.stderr);
    assert.match(blocked.stdout, /tier 'infrastructure': touches deploy\/main\.tf — needs 2 approval/);
    // Two approvals for the infrastructure tier (the default policy's tiers).
    attach(ada.dir, sign(bob, statementFor(ada.dir, { email: 'bob@example.com', tip: head, base })), head, ada.env);
    attach(ada.dir, sign(carol, statementFor(ada.dir, { email: 'carol@example.com', tip: head, base })), head, ada.env);
    ada.git('push', '-q', 'origin', 'refs/notes/countersign');
    const passed = sh(ci, `set -e\n${script}`, { ...env, COUNTERSIGN_SHA256: tgz.sha256 });
    assert.strictEqual(passed.status, 0, passed.stdout + passed.stderr);
  });
});
