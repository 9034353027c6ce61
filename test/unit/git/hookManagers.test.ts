import * as assert from 'assert';
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { HUSKY_HOOKS, LEFTHOOK_YML, preCommitConfig } from '../../../src/cli/hookRecipes';
import { installCliLauncher } from '../../../src/git/cliLauncher';
import { setup, type Setup } from '../helpers/gateServer';
import { hookManagerBinDir, preCommitBinary } from '../helpers/hookManagers';
import { tempDir } from '../helpers/sshKeys';
import { CLI, TempRepo } from '../helpers/tempRepo';

/**
 * husky, lefthook and pre-commit, the real tools, beside Countersign (issue 17 item 3): each switches
 * Countersign's hooks off in its own way, Countersign notices and says so, and with the recipe
 * (`countersign hook NAME` called from the manager's configuration) commits are attested again and a push
 * to the protected branch is gated by pre-push.
 */
describe('hook managers: husky, lefthook and pre-commit coexist through `countersign hook`', function () {
  this.timeout(240_000);
  let managers: string;
  let launcherDir: string;

  before(function () {
    this.timeout(240_000);
    managers = hookManagerBinDir();
    launcherDir = tempDir('cs-launcher-');
    // The same launcher "Countersign: Install Command-Line Tool" writes, so `countersign` is on PATH.
    installCliLauncher({
      cliSource: CLI,
      binDir: path.join(launcherDir, 'bin'),
      dataDir: path.join(launcherDir, 'data'),
      env: { HOME: launcherDir, PATH: '' },
    });
  });
  after(() => fs.rmSync(launcherDir, { recursive: true, force: true }));

  function team(): Setup {
    const s = setup();
    Object.assign(s.ada.env, {
      PATH: `${path.join(launcherDir, 'bin')}${path.delimiter}${managers}${path.delimiter}${process.env.PATH ?? ''}`,
    });
    return s;
  }

  function run(repo: TempRepo, cmd: string, args: string[]) {
    const r = spawnSync(cmd, args, { cwd: repo.dir, env: repo.env, encoding: 'utf8', timeout: 120_000 });
    return { status: r.status ?? -1, out: `${r.stdout}${r.stderr}` };
  }

  /** An AI-assisted commit (Claude's co-author trailer) and a push of it: attested, noted, and blocked until review. */
  function assertAttestedAndGated(s: Setup, label: string): void {
    const { ada, server } = s;
    const before = server.git('rev-parse', 'main');
    ada.write('src/ai.ts', 'export const ai = true;\n');
    ada.git('add', 'src/ai.ts');
    const c = spawnSync('git', ['commit', '-q', '-m', 'AI change\n\nCo-authored-by: Claude <noreply@anthropic.com>'], {
      cwd: ada.dir,
      env: ada.env,
      encoding: 'utf8',
    });
    assert.strictEqual(c.status, 0, `${label}: commit failed: ${c.stdout}${c.stderr}`);
    assert.ok(
      ada.trailers().some((t) => /^AI-Provenance: v1 /.test(t)),
      `${label}: no AI-Provenance trailer: ${ada.trailers().join(' | ')}`,
    );
    assert.strictEqual(
      ada.gitResult(['notes', '--ref=refs/notes/ai', 'show', 'HEAD']).status,
      0,
      `${label}: no refs/notes/ai note on HEAD`,
    );
    const push = ada.gitResult(['push', 'origin', 'main']);
    assert.notStrictEqual(push.status, 0, `${label}: the push went through`);
    // pre-commit prints its hooks' output on stdout; git passes both through.
    assert.match(
      `${push.stdout}${push.stderr}`,
      /countersign \(pre-push\): BLOCKED — main is protected/,
      `${label}: ${push.stdout}${push.stderr}`,
    );
    assert.strictEqual(server.git('rev-parse', 'main'), before);
  }

  it('husky: its install takes core.hooksPath over and Countersign says so; with the recipe in .husky/*, commits are attested and pre-push gates', () => {
    const s = team();
    const { ada } = s;
    assert.strictEqual(ada.cli(['install']).status, 0);
    // What husky's `prepare` script does on every `npm install`.
    const husky = run(ada, path.join(managers, 'husky'), []);
    assert.strictEqual(husky.status, 0, husky.out);
    assert.strictEqual(ada.git('config', 'core.hooksPath'), '.husky/_');
    const status = ada.cli(['status']);
    assert.match(
      status.stderr,
      /Countersign's git hooks are switched off: core\.hooksPath is now \.husky\/_, set by husky/,
    );
    assert.match(
      ada.cli(['explain', 'HEAD']).stderr,
      /countersign: warning: Countersign's git hooks are switched off/,
      'every command run in the repository warns',
    );
    const doctor = JSON.parse(ada.cli(['doctor', '--json']).stdout) as {
      checks: Array<{ check: string; status: string; message: string }>;
    };
    assert.match(
      doctor.checks.find((c) => c.check === 'hooks-active')?.message ?? '',
      /core\.hooksPath is \.husky\/_ \(husky\)/,
    );

    const setUp = ada.cli(['install', '--hook-manager', 'husky']);
    assert.strictEqual(setUp.status, 0, setUp.stderr);
    for (const h of ['pre-push', 'reference-transaction'])
      assert.ok(setUp.stdout.includes(`.husky/${h}:  ${HUSKY_HOOKS.find((x) => x.hook === h)?.line}\n`), h);
    // husky makes no shim for reference-transaction (which merges teammates' fetched notes): install adds one.
    assert.match(setUp.stdout, /added \.husky\/_\/reference-transaction/);
    assert.strictEqual(
      ada.read('.husky/_/reference-transaction'),
      ada.read('.husky/_/pre-push'),
      "the same shim as husky's own",
    );
    assert.strictEqual(ada.git('config', 'core.hooksPath'), '.husky/_', 'husky keeps core.hooksPath');
    assert.match(ada.cli(['status']).stderr, /husky's configuration does not call `countersign hook`/);
    for (const h of HUSKY_HOOKS) ada.write(`.husky/${h.hook}`, `${h.line}\n`);
    assert.doesNotMatch(ada.cli(['status']).stderr, /warning/);
    assertAttestedAndGated(s, 'husky');

    // Someone drops the Countersign lines from two of husky's files (one kept its other command, one is
    // commented out): status and doctor must say which hooks no longer call Countersign (newuser5 major 2).
    ada.write('.husky/prepare-commit-msg', 'echo lint\n');
    ada.write('.husky/commit-msg', `# ${HUSKY_HOOKS.find((h) => h.hook === 'commit-msg')?.line}\n`);
    const dropped = ada.cli(['status']);
    assert.match(
      dropped.stderr,
      /husky's configuration does not call `countersign hook` for prepare-commit-msg, commit-msg \(\.husky\/prepare-commit-msg, \.husky\/commit-msg lack/,
    );
    const stale = JSON.parse(ada.cli(['doctor', '--json']).stdout) as {
      checks: Array<{ check: string; status: string; message: string }>;
    };
    const active = stale.checks.find((c) => c.check === 'hooks-active');
    assert.notStrictEqual(active?.status, 'ok', JSON.stringify(active));
    assert.match(active?.message ?? '', /prepare-commit-msg, commit-msg/);
  });

  it("lefthook: `lefthook install` beside Countersign's hooks is noticed; with the recipe in lefthook.yml, commits are attested and pre-push gates", () => {
    const s = team();
    const { ada } = s;
    assert.strictEqual(ada.cli(['install']).status, 0);
    ada.write('lefthook.yml', LEFTHOOK_YML);
    const first = run(ada, path.join(managers, 'lefthook'), ['install', '--force']);
    // Whatever lefthook does with a core.hooksPath that is not its own (overwrite our shims, or refuse), Countersign must know.
    const taken = ada.cli(['status']);
    if (first.status === 0)
      assert.match(
        taken.stderr,
        /switched off: its shims in .* were overwritten by lefthook/,
        `lefthook install said: ${first.out}`,
      );
    const setUp = ada.cli(['install', '--hook-manager', 'lefthook']);
    assert.strictEqual(setUp.status, 0, setUp.stderr);
    assert.strictEqual(ada.gitResult(['config', 'core.hooksPath']).status, 1, 'core.hooksPath given back');
    const lh = run(ada, path.join(managers, 'lefthook'), ['install', '--force']);
    assert.strictEqual(lh.status, 0, lh.out);
    assert.doesNotMatch(ada.cli(['status']).stderr, /warning/);
    assertAttestedAndGated(s, 'lefthook');
  });

  it("pre-commit: refuses to install over Countersign's core.hooksPath; with --hook-manager pre-commit and this repository's .pre-commit-hooks.yaml, commits are attested and pre-push gates", () => {
    const preCommit = preCommitBinary();
    const s = team();
    const { ada } = s;
    assert.strictEqual(ada.cli(['install']).status, 0);
    // This repository's .pre-commit-hooks.yaml, served from a local clone-able repository.
    const hooksRepo = TempRepo.create();
    fs.copyFileSync(path.resolve('.pre-commit-hooks.yaml'), path.join(hooksRepo.dir, '.pre-commit-hooks.yaml'));
    hooksRepo.git('add', '.');
    const rev = hooksRepo.commit('hooks');
    ada.write('.pre-commit-config.yaml', preCommitConfig(hooksRepo.dir, rev));
    const refused = run(ada, preCommit, ['install']);
    assert.notStrictEqual(refused.status, 0, 'pre-commit installs nothing while core.hooksPath is set');
    assert.match(refused.out, /core\.hooksPath/);

    assert.strictEqual(ada.cli(['install', '--hook-manager', 'pre-commit']).status, 0);
    const installed = run(ada, preCommit, ['install']);
    assert.strictEqual(installed.status, 0, installed.out);
    assert.ok(fs.existsSync(path.join(ada.dir, '.git', 'hooks', 'prepare-commit-msg')));
    ada.git('add', '.pre-commit-config.yaml'); // pre-commit refuses to run with an unstaged configuration
    assert.doesNotMatch(ada.cli(['status']).stderr, /warning/);
    assertAttestedAndGated(s, 'pre-commit');

    // A merge commit gets its note from post-merge: git runs no post-commit after `git merge`.
    const hasNote = (rev: string) =>
      spawnSync('git', ['notes', '--ref=refs/notes/ai', 'show', rev], { cwd: ada.dir, env: ada.env }).status === 0;
    ada.git('checkout', '-q', '-b', 'side');
    ada.write('side.txt', 'side\n');
    ada.git('add', 'side.txt');
    ada.commit('side');
    ada.git('checkout', '-q', '-');
    ada.write('main.txt', 'main\n');
    ada.git('add', 'main.txt');
    ada.commit('main');
    const merged = run(ada, 'git', ['merge', '--no-ff', '--no-edit', 'side']);
    assert.strictEqual(merged.status, 0, merged.out);
    assert.strictEqual(ada.git('rev-list', '--parents', '-1', 'HEAD').split(' ').length, 3);
    assert.ok(hasNote('HEAD'), `the merge commit has no note: ${merged.out}`);
    assert.ok(ada.trailers().some((t) => /^AI-Provenance: v1 /.test(t)));
  });

  it("Countersign's own shims chaining a manager that also calls `countersign hook` run Countersign once, not twice", () => {
    const s = team();
    const { ada } = s;
    run(ada, path.join(managers, 'husky'), []);
    for (const h of HUSKY_HOOKS) ada.write(`.husky/${h.hook}`, `${h.line}\n`);
    assert.strictEqual(ada.cli(['install']).status, 0, 'install chains .husky/_');
    ada.write('a.txt', 'a\n');
    ada.git('add', 'a.txt');
    execFileSync('git', ['commit', '-q', '-m', 'one'], { cwd: ada.dir, env: ada.env });
    assert.strictEqual(
      ada.trailers().filter((t) => t.startsWith('AI-Provenance:')).length,
      1,
      ada.trailers().join(' | '),
    );
  });

  it('--hook-manager: the next step to run install again keeps the mode (a plain install takes core.hooksPath away)', () => {
    const repo = TempRepo.create();
    repo.git('config', 'core.hooksPath', '.husky/_');
    const r = repo.cli(['install', '--hook-manager', 'husky']);
    assert.strictEqual(r.status, 0, r.stderr);
    assert.match(r.stdout, /Add the team's remote, then run `countersign install --hook-manager husky` again/);
    assert.strictEqual(repo.git('config', 'core.hooksPath'), '.husky/_');
  });
  it("newuser22 F-doctor-hm: the manager's recipe in place but git not running the manager (a fresh clone, core.hooksPath elsewhere, no `lefthook install`) is found by doctor and status", () => {
    const { ada } = team();
    type Doctor = { checks: Array<{ check: string; status: string; message: string; fix?: string }> };
    const active = () =>
      (JSON.parse(ada.cli(['doctor', '--json']).stdout) as Doctor).checks.find((c) => c.check === 'hooks-active');
    // husky: the team's recipe committed, husky's `prepare` not run yet (core.hooksPath unset), then pointed elsewhere.
    for (const h of HUSKY_HOOKS) ada.write(`.husky/${h.hook}`, `${h.line}\n`);
    const setUp = ada.cli(['install', '--hook-manager', 'husky']);
    assert.strictEqual(setUp.status, 0, setUp.stderr);
    for (const hooksPath of [undefined, '.other']) {
      if (hooksPath) ada.git('config', 'core.hooksPath', hooksPath);
      else ada.gitResult(['config', '--unset', 'core.hooksPath']);
      const a = active();
      assert.strictEqual(a?.status, 'fix', JSON.stringify(a));
      assert.match(
        a?.message ?? '',
        /git does not run husky for prepare-commit-msg, commit-msg, post-commit, pre-push/,
      );
      assert.match(a?.fix ?? '', /npx husky/);
      assert.match(ada.cli(['status']).stderr, /git does not run husky for prepare-commit-msg/);
    }
    ada.gitResult(['config', '--unset', 'core.hooksPath']);
    assert.strictEqual(run(ada, path.join(managers, 'husky'), []).status, 0);
    assert.strictEqual(active()?.status, 'ok', 'husky run: its shims in .husky/_ run the recipe');
    assert.doesNotMatch(ada.cli(['status']).stderr, /warning/);
    ada.write('x.txt', 'x\n');
    ada.git('add', 'x.txt');
    execFileSync('git', ['commit', '-q', '-m', 'x'], { cwd: ada.dir, env: ada.env });
    assert.ok(
      ada.trailers().some((t) => t.startsWith('AI-Provenance:')),
      'the commit is attested once doctor says ok',
    );

    // lefthook: the recipe in lefthook.yml, `lefthook install` never run in this clone.
    const lh = team().ada;
    lh.write('lefthook.yml', LEFTHOOK_YML);
    assert.strictEqual(lh.cli(['install', '--hook-manager', 'lefthook']).status, 0);
    const lhDoctor = JSON.parse(lh.cli(['doctor', '--json']).stdout) as Doctor;
    const lhActive = lhDoctor.checks.find((c) => c.check === 'hooks-active');
    assert.strictEqual(lhActive?.status, 'fix', JSON.stringify(lhActive));
    assert.match(lhActive?.fix ?? '', /lefthook install/);
    assert.match(lh.cli(['status']).stderr, /git does not run lefthook/);
    assert.strictEqual(run(lh, path.join(managers, 'lefthook'), ['install']).status, 0);
    assert.doesNotMatch(lh.cli(['status']).stderr, /warning/);
  });
  it('newuser26 N2: a clone whose husky recipe calls Countersign but that was never set up: doctor prescribes install --hook-manager, not plain install', () => {
    const { ada } = team();
    for (const h of HUSKY_HOOKS) ada.write(`.husky/${h.hook}`, `${h.line}\n`);
    type Doctor = { checks: Array<{ check: string; status: string; message: string; fix?: string }> };
    const installed = (JSON.parse(ada.cli(['doctor', '--json']).stdout) as Doctor).checks.find(
      (c) => c.check === 'hooks-installed',
    );
    assert.strictEqual(installed?.status, 'fix', JSON.stringify(installed));
    assert.match(installed?.message ?? '', /husky's configuration here calls Countersign's hooks/);
    assert.match(installed?.fix ?? '', /countersign install --hook-manager husky/);
    assert.doesNotMatch(installed?.message ?? '', /get no AI-Provenance/);
  });
});
