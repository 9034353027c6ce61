import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { tempDir } from '../helpers/tempDirs';
import { TempRepo } from '../helpers/tempRepo';

/**
 * newuser10 N13: `agents connect --local` — what `install` and `doctor` suggest — wrote hooks for all seven agents
 * (eight files) on a machine that had none of them. With no agent named it now connects the agents found on this
 * machine or in this repository, says which and how to add the others; `--all` still connects every one.
 */
describe('agents connect --local without AGENT: only the agents found here', function () {
  this.timeout(60_000);

  /** A PATH with git and node only, plus a bin folder holding the `programs` named (empty executables). */
  function pathWith(programs: string[]): string {
    const bin = tempDir('cs-bin-');
    for (const p of programs) {
      fs.writeFileSync(path.join(bin, p), '#!/bin/sh\nexit 0\n');
      fs.chmodSync(path.join(bin, p), 0o755);
    }
    const gitDir = path.dirname(fs.realpathSync('/usr/bin/git'));
    return [bin, gitDir, path.dirname(process.execPath)].join(path.delimiter);
  }

  function repoWith(programs: string[]): TempRepo {
    const repo = TempRepo.create({ env: { PATH: pathWith(programs), TERM_PROGRAM: '' } });
    repo.write('README.md', 'hi\n');
    repo.git('add', '.');
    repo.commit('first');
    return repo;
  }

  function ours(repo: TempRepo): string[] {
    const out: string[] = [];
    for (const f of [
      '.claude/settings.local.json',
      '.codex/hooks.json',
      '.gemini/settings.json',
      '.cursor/hooks.json',
      '.github/hooks/countersign.json',
      '.github/hooks/countersign-vscode.json',
      '.kiro/hooks/countersign-before-tool.kiro.hook',
    ])
      if (fs.existsSync(path.join(repo.dir, f))) out.push(f);
    return out;
  }

  it('claude on PATH and a .cursorrules in the repository: connects Claude Code and Cursor, names them and the way to add others', () => {
    const repo = repoWith(['claude']);
    repo.write('.cursorrules', 'be brief\n');
    const r = repo.cli(['agents', 'connect', '--local']);
    assert.strictEqual(r.status, 0, r.stderr);
    assert.deepStrictEqual(ours(repo), ['.claude/settings.local.json', '.cursor/hooks.json']);
    assert.match(r.stdout, /found: claude \(claude on PATH\); cursor \(\.cursorrules in this repository\)/);
    assert.match(
      r.stdout,
      /others \(codex, gemini, copilot, kiro, vscode\): countersign agents connect --local AGENT, or --all/,
    );
    const json = JSON.parse(repo.cli(['agents', 'connect', '--local', '--json']).stdout);
    assert.deepStrictEqual(
      json.detected.map((d: { agent: string }) => d.agent),
      ['claude', 'cursor'],
    );
  });

  it('nothing found: writes nothing and says how to name an agent or connect all', () => {
    const repo = repoWith([]);
    const r = repo.cli(['agents', 'connect', '--local']);
    assert.strictEqual(r.status, 0, r.stderr);
    assert.deepStrictEqual(ours(repo), []);
    assert.match(r.stdout, /No AI agent found on this machine or in this repository/);
    assert.match(r.stdout, /countersign agents connect --local AGENT/);
    assert.match(r.stdout, /countersign agents connect --local --all/);
  });

  it('--all connects every agent, found or not; naming agents and --all together is a usage error', () => {
    const repo = repoWith([]);
    const r = repo.cli(['agents', 'connect', '--local', '--all']);
    assert.strictEqual(r.status, 0, r.stderr);
    assert.strictEqual(ours(repo).length, 7, ours(repo).join(', '));
    assert.strictEqual(repo.cli(['agents', 'connect', '--local', '--all', 'claude']).status, 2);
  });
});
