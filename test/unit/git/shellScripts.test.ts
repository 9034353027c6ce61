import * as assert from 'assert';
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { tempDir } from '../helpers/sshKeys';
import { launcherScript } from '../../../src/git/cliLauncher';
import { NODE_HOOKS, SHIM_MARKER } from '../../../src/git/hookNames';
import { hookScript } from '../../../src/git/hookScripts';
import { SERVER_MARKER, serverHookScript } from '../../../src/git/serverHookInstaller';
import { fillShellTemplate, inlineShellParts } from '../../../src/git/shellTemplate';

/**
 * The scripts Countersign installs are .sh files filled in at install (src/git/shell/, issue 14 item 5).
 * What goes into them comes from the machine (a Node path, the previous hooks folder), so a value with quotes,
 * spaces or `$(…)` must arrive as one literal word, never as shell code.
 */
const HOSTILE = `/tmp/it's a "dir" $(touch PWNED) \`touch PWNED2\``;

describe('installed shell scripts: filled from .sh templates', () => {
  it('refuses a template with a hole or a value with nowhere to go', () => {
    assert.strictEqual(fillShellTemplate(`a='@@X@@'\n`, { X: `it's` }), `a='it'\\''s'\n`);
    assert.throws(() => fillShellTemplate(`a='@@X@@' b='@@Y@@'\n`, { X: '1' }), /no value for @@Y@@/);
    assert.throws(() => fillShellTemplate(`a='@@X@@'\n`, { X: '1', Z: '2' }), /no placeholder for Z/);
  });

  it('inlines a part where the script sources it, and refuses a part with no place or a place with no part', () => {
    const src = (name: string) => `# shellcheck source=src/git/shell/parts/${name}\n. "$here/parts/${name}"\n`;
    const script = `a=1\n${src('p.sh')}b=2\n`;
    assert.strictEqual(inlineShellParts(script, { 'p.sh': 'f() { :; }\n' }), 'a=1\nf() { :; }\nb=2\n');
    assert.throws(() => inlineShellParts(script, {}), /no part p\.sh/);
    assert.throws(() => inlineShellParts(script, { 'p.sh': '', 'q.sh': '' }), /no place for part q\.sh/);
    assert.throws(() => inlineShellParts(`. "$here/parts/p.sh"\n`, {}), /sourced without its name/);
  });

  it('every script parses as POSIX sh with hostile values, keeps its marker, and leaves no placeholder', () => {
    const scripts = {
      client: hookScript({
        chainedDir: HOSTILE,
        fallbackNode: HOSTILE,
        fallbackIsElectron: true,
        timeoutSeconds: 7,
        cliPath: HOSTILE,
      }),
      server: serverHookScript({ nodeBinary: HOSTILE, timeoutSeconds: 7 }),
      launcher: launcherScript(HOSTILE, HOSTILE, true),
    };
    for (const [name, text] of Object.entries(scripts)) {
      assert.doesNotMatch(text, /'@@[A-Z_]+@@'/, `${name}: a placeholder was left`);
      const r = spawnSync('sh', ['-n'], { input: text, encoding: 'utf8' });
      assert.strictEqual(r.status, 0, `${name} does not parse: ${r.stderr}`);
    }
    assert.ok(scripts.client.includes(SHIM_MARKER));
    assert.ok(scripts.server.includes(SERVER_MARKER));
    assert.ok(
      scripts.server.includes('pre-receive.countersign-chained'),
      'the chained hook name the installer renames to',
    );
  });

  it('the launcher runs the fallback Node at a hostile path as one word, with no command substitution', () => {
    const dir = tempDir('cs-shell-');
    try {
      const nodeDir = path.join(dir, `it's a "dir" $(touch PWNED)`);
      fs.mkdirSync(nodeDir);
      const fakeNode = path.join(nodeDir, 'node');
      // A stand-in for Node that reports how it was called: the launcher must exec it with the CLI path as given.
      fs.writeFileSync(fakeNode, '#!/bin/sh\nprintf "%s|" "$ELECTRON_RUN_AS_NODE" "$@"\n', { mode: 0o755 });
      const launcher = path.join(dir, 'countersign');
      fs.writeFileSync(launcher, launcherScript(`${dir}/cli $(touch PWNED2).js`, fakeNode, true), { mode: 0o755 });
      const out = execFileSync(launcher, ['--version'], {
        cwd: dir,
        encoding: 'utf8',
        env: { PATH: nodeDir + '-none' },
      }); // no node on PATH: the fallback runs
      assert.strictEqual(out, `1|${dir}/cli $(touch PWNED2).js|--version|`);
      assert.deepStrictEqual(
        fs.readdirSync(dir).filter((f) => f.startsWith('PWNED')),
        [],
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the client hook has a dispatch branch for each hook Countersign acts in', () => {
    const text = hookScript({ chainedDir: '', fallbackNode: undefined, fallbackIsElectron: false, timeoutSeconds: 7 });
    // The `case "$hook"` dispatch: every NODE_HOOKS name has a branch that does not end in an unconditional exit.
    for (const hook of NODE_HOOKS)
      assert.match(text, new RegExp(`^  (?:[a-z-]+\\|)*${hook}(?:\\|[a-z-]+)*\\)`, 'm'), hook);
    assert.match(text, /^ {2}\*\) exit 0 ;;$/m, 'any other hook stops in the shell');
  });
});
