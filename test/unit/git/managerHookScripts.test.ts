import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { HUSKY_HOOKS, LEFTHOOK_YML, preCommitConfig } from '../../../src/cli/hookRecipes';
import { installCliLauncher } from '../../../src/git/cliLauncher';
import { MANAGED_HOOKS, SHIM_MARKER } from '../../../src/git/hookNames';
import { hookManagerBinDir, preCommitBinary } from '../helpers/hookManagers';
import { tempDir } from '../helpers/tempDirs';
import { CLI, TempRepo } from '../helpers/tempRepo';

/**
 * newuser25 N4: with a hook manager, each `countersign hook NAME` of the old recipe started Node, five or more
 * times a commit. `install --hook-manager` now writes Countersign's own hook scripts too, and the recipe's lines
 * run them (src/git/managerHookLine.ts): Node starts once per commit, as with Countersign's own shims. Real husky
 * and lefthook (test/unit/helpers/hookManagers.ts); Node starts counted by a logging `node` first on PATH.
 */
describe('hook managers run the hook scripts: Node once per commit (newuser25 N4)', function () {
  this.timeout(240_000);
  let managers: string;
  let launcherDir: string;
  let nodeDir: string;
  let nodeLog: string;

  before(function () {
    this.timeout(240_000);
    managers = hookManagerBinDir();
    launcherDir = tempDir('cs-launcher-');
    installCliLauncher({
      cliSource: CLI,
      binDir: path.join(launcherDir, 'bin'),
      dataDir: path.join(launcherDir, 'data'),
      env: { HOME: launcherDir, PATH: '' },
    });
    // Every `node` a hook or the `countersign` launcher starts (both look it up on PATH) leaves a line.
    nodeDir = tempDir('cs-node-');
    nodeLog = path.join(nodeDir, 'starts.log');
    fs.writeFileSync(
      path.join(nodeDir, 'node'),
      `#!/bin/sh\necho "$*" >> '${nodeLog}'\nexec '${process.execPath}' "$@"\n`,
      { mode: 0o755 },
    );
  });
  after(() => {
    fs.rmSync(launcherDir, { recursive: true, force: true });
    fs.rmSync(nodeDir, { recursive: true, force: true });
  });

  function repo(): TempRepo {
    const r = TempRepo.create();
    const dirs = [nodeDir, path.join(launcherDir, 'bin'), managers, process.env.PATH ?? ''];
    Object.assign(r.env, { PATH: dirs.join(path.delimiter) });
    return r;
  }

  function run(r: TempRepo, cmd: string, args: string[], cwd = r.dir) {
    const p = spawnSync(cmd, args, { cwd, env: r.env, encoding: 'utf8', timeout: 120_000 });
    return { status: p.status ?? -1, out: `${p.stdout}${p.stderr}` };
  }

  /**
   * An AI-assisted commit in `cwd`: it must carry AI-Provenance and its refs/notes/ai note. Returns Countersign's
   * Node starts (the CLI or its commit-hook entry; lefthook's npm wrapper is Node too, and not counted).
   */
  function aiCommit(r: TempRepo, label: string, cwd = r.dir): number {
    fs.writeFileSync(nodeLog, '');
    const file = `ai-${label.replace(/\W+/g, '-')}.ts`;
    fs.writeFileSync(path.join(cwd, file), `export const ai = '${label}';\n`);
    assert.strictEqual(run(r, 'git', ['add', file], cwd).status, 0);
    const c = run(r, 'git', ['commit', '-q', '-m', 'AI change\n\nCo-authored-by: Claude <noreply@anthropic.com>'], cwd);
    assert.strictEqual(c.status, 0, `${label}: commit failed: ${c.out}`);
    const msg = run(r, 'git', ['log', '-1', '--format=%B'], cwd).out;
    assert.match(msg, /^AI-Provenance: v1 /m, `${label}: no AI-Provenance trailer: ${msg}`);
    const note = run(r, 'git', ['notes', '--ref=refs/notes/ai', 'show', 'HEAD'], cwd);
    assert.strictEqual(note.status, 0, `${label}: no refs/notes/ai note on HEAD: ${note.out}`);
    const starts = fs.readFileSync(nodeLog, 'utf8').split('\n').filter(Boolean);
    return starts.filter((l) => /(^|\/)(countersign|hook)\.js( |$)/.test(l)).length;
  }

  const scripts = (r: TempRepo) => path.join(r.dir, '.git', 'countersign', 'hooks');

  it('husky: install --hook-manager writes the scripts and leaves core.hooksPath; a commit through the recipe starts Node once; without the scripts it falls back to `countersign hook` and status, doctor say so', () => {
    const r = repo();
    assert.strictEqual(run(r, path.join(managers, 'husky'), []).status, 0);
    for (const h of HUSKY_HOOKS) r.write(`.husky/${h.hook}`, `${h.line}\n`);
    const setUp = r.cli(['install', '--hook-manager', 'husky']);
    assert.strictEqual(setUp.status, 0, setUp.stderr);
    assert.strictEqual(r.git('config', 'core.hooksPath'), '.husky/_', 'husky keeps core.hooksPath');
    for (const h of MANAGED_HOOKS) {
      const file = path.join(scripts(r), h);
      assert.ok(fs.readFileSync(file, 'utf8').includes(SHIM_MARKER), h);
      fs.accessSync(file, fs.constants.X_OK);
    }
    assert.match(setUp.stdout, /\.husky\/pre-push: {2}.*"\$cs\/countersign\/hooks\/pre-push" "\$@"/);
    assert.doesNotMatch(r.cli(['status']).stderr, /warning/);
    assert.strictEqual(aiCommit(r, 'husky'), 1, 'Node starts once for a commit (prepare-commit-msg)');

    // A clone where the scripts are not there (install not run since, or removed): the recipe still attests, by
    // `countersign hook`, and status and doctor name the fix.
    fs.rmSync(scripts(r), { recursive: true });
    const status = r.cli(['status']).stderr;
    assert.match(
      status,
      /hook scripts (husky|lefthook)'s recipe runs are missing .*Fix: run `countersign install --hook-manager husky`/,
    );
    type Doctor = { checks: Array<{ check: string; status: string; message: string; fix?: string }> };
    const checks = (JSON.parse(r.cli(['doctor', '--json']).stdout) as Doctor).checks;
    for (const name of ['hooks-installed', 'hooks-active']) {
      const c = checks.find((x) => x.check === name);
      assert.strictEqual(c?.status, 'fix', JSON.stringify(c));
      assert.match(c?.fix ?? '', /countersign install --hook-manager husky/, name);
    }
    const fallback = aiCommit(r, 'husky fallback');
    assert.ok(fallback >= 5, `the fallback starts Node for each hook: ${fallback}`);

    assert.strictEqual(r.cli(['install', '--hook-manager', 'husky']).status, 0);
    assert.doesNotMatch(r.cli(['status']).stderr, /warning/);
    // A line of the team's own that runs the script without the fallback is Countersign's call too.
    r.write(
      '.husky/commit-msg',
      'npx lint-staged\n"$(git rev-parse --git-common-dir)/countersign/hooks/commit-msg" "$@"\n',
    );
    assert.doesNotMatch(r.cli(['status']).stderr, /warning/);
    r.write('.husky/commit-msg', '# "$(git rev-parse --git-common-dir)/countersign/hooks/commit-msg" "$@"\n');
    assert.match(r.cli(['status']).stderr, /does not call `countersign hook` for commit-msg/);
    r.write('.husky/commit-msg', `${HUSKY_HOOKS.find((h) => h.hook === 'commit-msg')?.line}\n`);
    assert.strictEqual(aiCommit(r, 'husky again'), 1);
    const un = r.cli(['uninstall']);
    assert.strictEqual(un.status, 0, un.stderr);
    assert.ok(!fs.existsSync(scripts(r)), 'uninstall removes the scripts');
    assert.strictEqual(r.git('config', 'core.hooksPath'), '.husky/_', "uninstall leaves husky's core.hooksPath");
  });

  it("husky in a linked worktree: the recipe finds the scripts in the common git dir, and the commit's note and trailers are the worktree's", () => {
    const r = repo();
    assert.strictEqual(run(r, path.join(managers, 'husky'), []).status, 0);
    for (const h of HUSKY_HOOKS) r.write(`.husky/${h.hook}`, `${h.line}\n`);
    r.git('add', '.husky'); // the team's recipe, committed: the linked worktree checks it out
    assert.strictEqual(r.cli(['install', '--hook-manager', 'husky']).status, 0);
    assert.strictEqual(aiCommit(r, 'main worktree'), 1);
    const wt = path.join(tempDir('cs-wt-'), 'linked');
    assert.strictEqual(run(r, 'git', ['worktree', 'add', '-q', '-b', 'side', wt]).status, 0);
    // husky's .husky/_ is per checkout (it ignores itself): its `prepare` runs in the new worktree too.
    assert.strictEqual(run(r, path.join(managers, 'husky'), [], wt).status, 0);
    assert.strictEqual(aiCommit(r, 'linked worktree', wt), 1);
    assert.notStrictEqual(run(r, 'git', ['rev-parse', 'side']).out, run(r, 'git', ['rev-parse', 'main']).out);
  });

  it('lefthook: with the recipe in lefthook.yml and `lefthook install`, a commit starts Node once', () => {
    const r = repo();
    r.write('lefthook.yml', LEFTHOOK_YML);
    assert.strictEqual(r.cli(['install', '--hook-manager', 'lefthook']).status, 0);
    const lh = run(r, path.join(managers, 'lefthook'), ['install']);
    assert.strictEqual(lh.status, 0, lh.out);
    assert.doesNotMatch(r.cli(['status']).stderr, /warning/);
    assert.strictEqual(aiCommit(r, 'lefthook'), 1);
    fs.rmSync(scripts(r), { recursive: true });
    assert.match(r.cli(['status']).stderr, /hook scripts (husky|lefthook)'s recipe runs are missing/);
    assert.ok(aiCommit(r, 'lefthook fallback') > 1, 'the fallback still attests');
  });

  it("pre-commit: with this repository's .pre-commit-hooks.yaml, a commit starts Node once, and a merge commit gets its note", () => {
    const preCommit = preCommitBinary();
    const r = repo();
    const hooksRepo = TempRepo.create();
    fs.copyFileSync(path.resolve('.pre-commit-hooks.yaml'), path.join(hooksRepo.dir, '.pre-commit-hooks.yaml'));
    hooksRepo.git('add', '.');
    r.write('.pre-commit-config.yaml', preCommitConfig(hooksRepo.dir, hooksRepo.commit('hooks')));
    assert.strictEqual(r.cli(['install', '--hook-manager', 'pre-commit']).status, 0);
    const installed = run(r, preCommit, ['install']);
    assert.strictEqual(installed.status, 0, installed.out);
    r.git('add', '.pre-commit-config.yaml'); // pre-commit refuses to run with an unstaged configuration
    assert.doesNotMatch(r.cli(['status']).stderr, /warning/);
    assert.strictEqual(aiCommit(r, 'pre-commit'), 1);
    // post-merge's squash flag and post-checkout's arguments come from pre-commit's environment.
    r.git('checkout', '-q', '-b', 'side');
    aiCommit(r, 'side');
    r.git('checkout', '-q', 'main');
    aiCommit(r, 'main');
    const merged = run(r, 'git', ['merge', '--no-ff', '--no-edit', 'side']);
    assert.strictEqual(merged.status, 0, merged.out);
    assert.strictEqual(run(r, 'git', ['notes', '--ref=refs/notes/ai', 'show', 'HEAD']).status, 0, merged.out);
  });
});
