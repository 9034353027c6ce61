import * as assert from 'assert';
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { tempDir } from '../helpers/sshKeys';
import { installCliLauncher } from '../../../src/git/cliLauncher';
import { CLI } from '../helpers/tempRepo';

/**
 * The npm tarball (issue 17 item 1): `npm pack` carries the bundled CLI and nothing else (.npmignore is the
 * allowlist), it installs into a fresh prefix without the registry (the bundle has no runtime
 * dependencies), and the installed `countersign` runs. Packed from a copy of the package files beside
 * decoys, with the CLI this test run built, so the repository's own dist/ is not rebuilt.
 */
describe('npm package: npm pack gives a working countersign and nothing else', function () {
  this.timeout(180_000);

  it('packs exactly package.json, README.md, LICENSE, dist/cli.js, dist/cli-lazy.js, dist/cli-ledger.js, dist/cli-gate.js and dist/hook.js; installs offline into a prefix; countersign --version and a lazily loaded command run', () => {
    const dir = tempDir('cs-pack-');
    try {
      const pkg = path.join(dir, 'pkg');
      for (const f of ['package.json', '.npmignore', 'LICENSE', 'README.md']) {
        fs.mkdirSync(pkg, { recursive: true });
        fs.copyFileSync(path.resolve(f), path.join(pkg, f));
      }
      fs.mkdirSync(path.join(pkg, 'dist'), { recursive: true });
      fs.copyFileSync(CLI, path.join(pkg, 'dist', 'cli.js'));
      // The commit hook's entry, which `countersign install` copies beside the CLI (src/cli/hookMain.ts).
      fs.copyFileSync(path.join(path.dirname(CLI), 'hook.js'), path.join(pkg, 'dist', 'hook.js'));
      // The commands cli.js loads on first use (src/cli/lazyCommands.ts).
      fs.copyFileSync(path.join(path.dirname(CLI), 'cli-lazy.js'), path.join(pkg, 'dist', 'cli-lazy.js'));
      // And the working ledger's commands (src/cli/ledgerCommands.ts).
      fs.copyFileSync(path.join(path.dirname(CLI), 'cli-ledger.js'), path.join(pkg, 'dist', 'cli-ledger.js'));
      // And the commands that judge by hand: verify, review, approve, reject, explain (src/cli/gateCommands.ts).
      fs.copyFileSync(path.join(path.dirname(CLI), 'cli-gate.js'), path.join(pkg, 'dist', 'cli-gate.js'));
      // What a working tree also holds, none of which belongs in the tarball.
      for (const decoy of [
        'dist/extension.js',
        'dist/cli.js.map',
        'dist/countersign.vsix',
        'src/cli/main.ts',
        'test/unit/x.test.js',
        'docs/rollout.md',
        '.countersign.json',
        'ci-examples/gitlab-ci.yml',
        'media/icon.png',
      ]) {
        fs.mkdirSync(path.dirname(path.join(pkg, decoy)), { recursive: true });
        fs.writeFileSync(path.join(pkg, decoy), 'decoy\n');
      }
      const npm = (args: string[], cwd: string) =>
        execFileSync('npm', args, {
          cwd,
          encoding: 'utf8',
          env: {
            ...process.env,
            npm_config_update_notifier: 'false',
            npm_config_fund: 'false',
            npm_config_audit: 'false',
          },
          timeout: 150_000,
        });
      const packed = JSON.parse(npm(['pack', '--ignore-scripts', '--json', '--pack-destination', dir], pkg)) as Array<{
        filename: string;
        files: Array<{ path: string }>;
      }>;
      assert.deepStrictEqual(packed[0].files.map((f) => f.path).sort(), [
        'LICENSE',
        'README.md',
        'dist/cli-gate.js',
        'dist/cli-lazy.js',
        'dist/cli-ledger.js',
        'dist/cli.js',
        'dist/hook.js',
        'package.json',
      ]);
      const manifest = JSON.parse(fs.readFileSync(path.resolve('package.json'), 'utf8')) as {
        version: string;
        bin: Record<string, string>;
        dependencies?: object;
      };
      assert.deepStrictEqual(manifest.bin, { countersign: 'dist/cli.js' });
      assert.strictEqual(
        manifest.dependencies,
        undefined,
        'the CLI is one bundle: installing it needs nothing from the registry',
      );

      const prefix = path.join(dir, 'prefix');
      npm(
        [
          'install',
          '--global',
          '--offline',
          '--ignore-scripts',
          '--prefix',
          prefix,
          path.join(dir, packed[0].filename),
        ],
        dir,
      );
      const bin = path.join(prefix, 'bin', 'countersign');
      const version = execFileSync(bin, ['--version'], {
        encoding: 'utf8',
        env: { ...process.env, PATH: `${path.dirname(process.execPath)}${path.delimiter}/usr/bin:/bin` },
      });
      assert.match(version, new RegExp(`\\b${manifest.version.replace(/\./g, '\\.')}\\b`));
      // `explain` lives in dist/cli-lazy.js: the installed package finds it beside cli.js through npm's bin link.
      const repo = path.join(dir, 'repo');
      execFileSync('git', ['init', '-q', repo]);
      execFileSync('git', [
        '-C',
        repo,
        '-c',
        'user.name=A',
        '-c',
        'user.email=a@example.com',
        'commit',
        '-q',
        '--allow-empty',
        '-m',
        'first',
      ]);
      const explained = spawnSync(bin, ['explain', 'HEAD'], {
        cwd: repo,
        encoding: 'utf8',
        env: { ...process.env, PATH: `${path.dirname(process.execPath)}${path.delimiter}/usr/bin:/bin` },
      });
      assert.strictEqual(explained.status, 0, explained.stderr);
      assert.match(explained.stdout, /^commit [0-9a-f]{40}/m);
      // `checkpoint`'s help lives in dist/cli-ledger.js.
      const checkpointHelp = execFileSync(bin, ['checkpoint', '--help'], {
        encoding: 'utf8',
        env: { ...process.env, PATH: `${path.dirname(process.execPath)}${path.delimiter}/usr/bin:/bin` },
      });
      assert.match(checkpointHelp, /^Usage: countersign checkpoint /);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

/** "Countersign: Install Command-Line Tool": the launcher and the copy of the extension's CLI it runs. */
describe('the command-line launcher the extension installs', () => {
  it('puts a countersign launcher in a folder, says when that folder is not on PATH, upgrades in place, refuses a foreign file', () => {
    const home = tempDir('cs-launcher-');
    try {
      // A PATH without node (only sh's own tools): the launcher must fall back to the Node that installed it.
      const tools = path.join(home, 'tools');
      fs.mkdirSync(tools);
      for (const t of ['sh', 'dirname'])
        fs.symlinkSync(execFileSync('sh', ['-c', `command -v ${t}`], { encoding: 'utf8' }).trim(), path.join(tools, t));
      const env = { HOME: home, PATH: tools };
      const r = installCliLauncher({ cliSource: CLI, env, fallbackNode: process.execPath });
      assert.strictEqual(r.launcher, path.join(home, '.local', 'bin', 'countersign'));
      assert.strictEqual(r.onPath, false);
      assert.match(r.pathHint ?? '', /export PATH=".*\.local\/bin:\$PATH"/);
      assert.match(execFileSync(r.launcher, ['--version'], { encoding: 'utf8', env }), /\d+\.\d+\.\d+/);
      assert.deepStrictEqual(
        installCliLauncher({ cliSource: CLI, env: { ...env, PATH: `${path.dirname(r.launcher)}:${tools}` } }).onPath,
        true,
        'run again: upgraded in place',
      );
      fs.writeFileSync(r.launcher, '#!/bin/sh\necho mine\n');
      assert.throws(() => installCliLauncher({ cliSource: CLI, env }), /exists and was not written by Countersign/);
    } finally {
      fs.rmSync(home, { recursive: true, force: true });
    }
  });
});
