import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { TempRepo } from '../helpers/tempRepo';

describe('countersign status', function () {
  this.timeout(30_000);
  let repo: TempRepo;
  beforeEach(() => {
    repo = TempRepo.create();
    repo.write('a.txt', 'one\ntwo\n');
    repo.write('clean.txt', 'stays\n');
    repo.write('.gitignore', 'build/\n');
    repo.git('add', '.');
    repo.commit('init');
  });

  it('prints exactly {"files": {PATH: {ai, human, untracked, agents}}} counting the working-tree lines', () => {
    repo.cli(['checkpoint', '--phase', 'before', '--agent', 'codex', 'a.txt', 'b.txt']);
    repo.write('a.txt', 'one\ntwo\nthree\r\nfour');
    repo.write('b.txt', 'new\n\n');
    repo.cli(['checkpoint', '--phase', 'after', '--agent', 'codex', 'a.txt', 'b.txt']);
    repo.write('untracked.txt', 'x\ny\nz\n');
    const r = repo.cli(['status', '--json']);
    assert.strictEqual(r.status, 0, r.stderr);
    assert.deepStrictEqual(JSON.parse(r.stdout), {
      files: {
        'a.txt': { ai: 2, human: 0, untracked: 2, agents: ['codex'] },
        'b.txt': { ai: 2, human: 0, untracked: 0, agents: ['codex'] },
        'untracked.txt': { ai: 0, human: 0, untracked: 3, agents: [] },
      },
    });
  });

  it('includes a file the ledger tracks that git ignores, and deleted and binary files; leaves out clean ones (newuser22 F-status-deletion)', () => {
    repo.cli(['checkpoint', '--phase', 'before', '--agent', 'claude', 'build/gen.js', 'clean.txt']);
    repo.write('build/gen.js', 'generated\n');
    repo.cli(['checkpoint', '--phase', 'after', '--agent', 'claude', 'build/gen.js', 'clean.txt']);
    fs.rmSync(path.join(repo.dir, 'a.txt'));
    fs.writeFileSync(path.join(repo.dir, 'blob.bin'), Buffer.from([0, 1, 2, 10, 0]));
    const files = (JSON.parse(repo.cli(['status', '--json']).stdout) as { files: Record<string, unknown> }).files;
    assert.deepStrictEqual(Object.keys(files), ['a.txt', 'blob.bin', 'build/gen.js']);
    assert.deepStrictEqual(files['build/gen.js'], { ai: 1, human: 0, untracked: 0, agents: ['claude-code'] });
    // A binary file's lines are its bytes split on newlines, as the commit counts them (core/textLines.ts).
    assert.deepStrictEqual(files['blob.bin'], { ai: 0, human: 0, untracked: 2, agents: [] });
    assert.deepStrictEqual(files['a.txt'], { ai: 0, human: 0, untracked: 0, agents: [], deleted: true });
  });

  it("names the agent whose tool call deleted a file, as the next commit's Assisted-by will (newuser22 F-status-deletion)", () => {
    const shell = (phase: string) => repo.cli(['checkpoint', '--phase', phase, '--agent', 'claude', '--session', 's']);
    shell('before');
    fs.rmSync(path.join(repo.dir, 'a.txt'));
    shell('after');
    const files = (JSON.parse(repo.cli(['status', '--json']).stdout) as { files: Record<string, unknown> }).files;
    assert.deepStrictEqual(files, {
      'a.txt': { ai: 0, human: 0, untracked: 0, agents: ['claude-code'], deleted: true },
    });
    const text = repo.cli(['status']).stdout;
    assert.doesNotMatch(text, /No uncommitted changes/);
    assert.match(text, /a\.txt \(deleted\) .* claude-code/);
  });

  it("names the agent whose shell call changed a file over the snapshot bound, as the next commit's Assisted-by will", () => {
    // No snapshot reads a file over 2 MB, so none of its lines count as the agent's; its name must not vanish.
    const big = Array.from({ length: 60_000 }, (_, i) => `var v${i} = ${i}; // padding padding`).join('\n') + '\n';
    assert.ok(big.length > 2 * 1024 * 1024);
    repo.write('bundle.js', big);
    repo.git('add', 'bundle.js');
    repo.commit('bundle');
    const shell = (phase: string) => repo.cli(['checkpoint', '--phase', phase, '--agent', 'claude', '--session', 's']);
    shell('before');
    repo.write('bundle.js', big.replace('var v100 = 100;', 'var v100 = 101;'));
    shell('after');
    const files = (JSON.parse(repo.cli(['status', '--json']).stdout) as { files: Record<string, unknown> }).files;
    assert.deepStrictEqual(files['bundle.js'], { ai: 0, human: 0, untracked: 60_000, agents: ['claude-code'] });
  });

  it('shows lines edited after the agent, with nothing watching, as untracked', () => {
    repo.cli(['checkpoint', '--phase', 'before', '--agent', 'cursor', 'a.txt']);
    repo.write('a.txt', 'one\ntwo\nai line\nai line 2\n');
    repo.cli(['checkpoint', '--phase', 'after', '--agent', 'cursor', 'a.txt']);
    repo.write('a.txt', 'one\ntwo\nai line\nedited by hand\n');
    const files = (JSON.parse(repo.cli(['status', '--json']).stdout) as { files: Record<string, unknown> }).files;
    assert.deepStrictEqual(files['a.txt'], { ai: 1, human: 0, untracked: 3, agents: ['cursor'] });
  });

  it('follows a `git mv` to the labels the ledger holds under the old name, as the commit does (newuser14 S32)', function () {
    this.timeout(120_000); // install and a commit through the hooks
    assert.strictEqual(repo.cli(['install', '-q']).status, 0);
    repo.cli(['checkpoint', '--phase', 'before', '--agent', 'kiro', 'k.py']);
    repo.write('k.py', 'print("kiro")\n');
    repo.cli(['checkpoint', '--phase', 'after', '--agent', 'kiro', 'k.py']);
    repo.git('add', 'k.py');
    repo.commit('kiro');
    repo.git('mv', 'k.py', 'k2.py');
    const files = (JSON.parse(repo.cli(['status', '--json']).stdout) as { files: Record<string, unknown> }).files;
    assert.deepStrictEqual(files['k2.py'], { ai: 1, human: 0, untracked: 0, agents: ['kiro'] });
    repo.commit('moved');
    assert.ok(repo.trailers().includes('AI-Provenance: v1 ai=1 human=0 untracked=0'), repo.trailers().join('\n'));
  });

  it('prints a table, and says so when nothing is uncommitted', () => {
    assert.strictEqual(repo.cli(['status']).stdout, 'No uncommitted changes.\n');
    repo.write('a.txt', 'one\ntwo\nthree\n');
    const r = repo.cli(['status']);
    assert.strictEqual(r.status, 0);
    assert.match(r.stdout, /^file\s+ai\s+human\s+untracked\s+agents$/m);
    assert.match(r.stdout, /^a\.txt\s+0\s+0\s+3\s*$/m);
  });

  it('exits 2 outside a repository', () => {
    const r = repo.cli(['status', '--json'], { env: { GIT_DIR: path.join(repo.dir, 'nope') } });
    assert.strictEqual(r.status, 2);
  });
});
