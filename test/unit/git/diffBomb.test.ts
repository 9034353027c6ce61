import * as assert from 'assert';
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { MAX_DIFF_BLOB_BYTES } from '../../../src/core/textLines';
import { setup } from '../helpers/gateServer';
import { GitProcessLog } from '../helpers/gitProcessLog';
import type { TempRepo } from '../helpers/tempRepo';

/**
 * attack22 01: a *diff bomb*. One committed file of millions of one-character lines (300 MB, 150 million lines:
 * 1.5 MB of .git) made the `git log --numstat --text` Countersign counts lines with hold ~6 GB: `explain` took
 * 30 s, `report` 27 s, and the gate's readers (verify, pre-push, pre-receive) ran the same diff. Git's memory, not
 * Node's, grew with the lines (about 43 bytes a line: 770 MB for the 17.8 million lines here).
 *
 * A file version over core/textLines.ts MAX_DIFF_BLOB_BYTES is now never diffed: git is asked for its size only
 * (core.bigFileThreshold), its lines are counted by their newlines from `git cat-file --batch`, streamed, and the
 * commit carrying it needs review. Every git here runs under `ulimit -v` 400 MB: the diff of the bomb died of
 * "Out of memory" there before the fix (verify, push, explain, report all failed); counting it by its newlines
 * stays far below. The same commit carries a small file git calls binary (a NUL byte), counted as text as before
 * without the bomb beside it being diffed.
 */
describe('attack22 01: a diff bomb is counted by its newlines, never diffed, and needs review (real server)', function () {
  this.timeout(240_000);
  /** Over the bound by a little: as many `a` lines as that takes. */
  const LINES = MAX_DIFF_BLOB_BYTES / 2 + 1000;
  const SIZE = LINES * 2;
  const gits = new GitProcessLog({ virtualMemoryKb: 400 * 1024 });
  after(() => gits.remove());

  /** A commit on top of `repo`'s HEAD adding bomb.txt (LINES lines of `a`) and run.bin (3 lines, a NUL byte). */
  function bombCommit(repo: TempRepo): string {
    const file = path.join(repo.dir, '.git', 'bomb');
    fs.writeFileSync(file, Buffer.alloc(SIZE, 'a\n'));
    const bomb = execFileSync('git', ['hash-object', '-w', file], { cwd: repo.dir, env: repo.env }).toString().trim();
    fs.writeFileSync(file, 'echo one\necho \0two\necho three\n');
    const bin = execFileSync('git', ['hash-object', '-w', file], { cwd: repo.dir, env: repo.env }).toString().trim();
    fs.rmSync(file);
    const entries = repo.git('ls-tree', 'HEAD').split('\n');
    const made = repo.gitResult(
      ['mktree'],
      [...entries, `100644 blob ${bomb}\tbomb.txt`, `100644 blob ${bin}\trun.bin`].join('\n') + '\n',
    );
    assert.strictEqual(made.status, 0, made.stderr);
    const sha = repo.git(
      'commit-tree',
      made.stdout.trim(),
      '-p',
      'HEAD',
      '-m',
      'add test data',
      '-m',
      `AI-Provenance: v1 ai=0 human=${LINES + 3} untracked=0`,
    );
    repo.git('update-ref', 'refs/heads/main', sha);
    return sha;
  }

  it('verify, the server, explain and report count it by its newlines under a 400 MB git; the gate holds it', () => {
    const { ada } = setup();
    const evil = bombCommit(ada);
    const sentence = new RegExp(
      `commit ${evil.slice(0, 7)}\\w* changes bomb\\.txt, a file of ${SIZE} bytes, more than the ${MAX_DIFF_BLOB_BYTES} bytes`,
    );

    const verify = ada.cli(['verify', '--branch', 'main', '--format', 'json'], { env: gits.env });
    assert.strictEqual(verify.status, 1, `verify: ${verify.stdout}${verify.stderr}`);
    const verdict = JSON.parse(verify.stdout) as {
      commits: Array<{ sha: string; reasons: string[]; needsReview: boolean }>;
    };
    const held = verdict.commits.find((c) => c.sha === evil);
    assert.ok(held?.needsReview, 'the bomb commit needs review');
    assert.match(held.reasons.join('\n'), sentence);

    // The pushing git is the real one (a limit on it would bind the server's hook, its Node too, as its child);
    // the hook's own git processes find the limited one first on PATH.
    const realGit = execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim();
    const pushed = spawnSync(realGit, ['push', '--no-verify', 'origin', 'main'], {
      cwd: ada.dir,
      env: { ...ada.env, ...gits.env },
      encoding: 'utf8',
    });
    assert.notStrictEqual(pushed.status, 0, 'the bomb landed on main');
    assert.match(pushed.stderr, sentence, `the server names the file, its size and the bound:\n${pushed.stderr}`);
    assert.doesNotMatch(pushed.stderr, /Out of memory/);

    const explained = ada.cli(['explain', evil, '--json'], { env: gits.env });
    assert.strictEqual(explained.status, 0, explained.stderr);
    const p = (
      JSON.parse(explained.stdout) as {
        provenance: { addedLines: number; files: Array<{ path: string; added: number; binary?: boolean }> };
      }
    ).provenance;
    assert.strictEqual(p.addedLines, LINES + 3, 'explain counts the bomb by its newlines');
    assert.deepStrictEqual(
      p.files.find((f) => f.path === 'run.bin'),
      { path: 'run.bin', added: 3, binary: true },
      'the small binary file beside it is counted as text, as before',
    );

    const rep = ada.cli(['report', 'origin/main..main', '--format', 'json'], { env: gits.env });
    assert.strictEqual(rep.status, 0, rep.stderr);
    assert.strictEqual((JSON.parse(rep.stdout) as { addedLines: number }).addedLines, LINES + 3);
  });

  it("a merge that keeps a small bomb.txt over a side branch's bomb is judged without diffing the bomb", () => {
    const { ada } = setup();
    const main = ada.git('rev-parse', 'main');
    const evil = bombCommit(ada);
    // The bomb on an unprotected branch: the server takes it without judging it.
    ada.git('update-ref', 'refs/heads/side', evil);
    ada.git('update-ref', 'refs/heads/main', main);
    const realGit = execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim();
    const push = (...args: string[]) =>
      spawnSync(realGit, ['push', '--no-verify', 'origin', ...args], {
        cwd: ada.dir,
        env: { ...ada.env, ...gits.env },
        encoding: 'utf8',
      });
    const side = push('side');
    assert.strictEqual(side.status, 0, side.stderr);
    // main merges side, keeping a one-line bomb.txt: the combined diff compares it with side's bomb.
    const small = ada.gitResult(['hash-object', '-w', '--stdin'], 'small\n').stdout.trim();
    const entries = ada
      .git('ls-tree', evil)
      .split('\n')
      .filter((l) => !l.endsWith('\tbomb.txt'));
    const tree = ada.gitResult(['mktree'], [...entries, `100644 blob ${small}\tbomb.txt`].join('\n') + '\n');
    const merge = ada.git(
      'commit-tree',
      tree.stdout.trim(),
      '-p',
      main,
      '-p',
      evil,
      '-m',
      'merge side',
      '-m',
      'AI-Provenance: v1 ai=0 human=1 untracked=0',
    );
    ada.git('update-ref', 'refs/heads/main', merge);

    const verify = ada.cli(['verify', '--branch', 'main', '--format', 'json'], { env: gits.env });
    assert.doesNotMatch(verify.stdout + verify.stderr, /Out of memory/);
    assert.strictEqual(verify.status, 1, `verify: ${verify.stdout}${verify.stderr}`);
    const pushed = push('main');
    assert.notStrictEqual(pushed.status, 0, 'the merge landed unreviewed');
    assert.doesNotMatch(pushed.stderr, /Out of memory|failed \(exit/, pushed.stderr);
    const explained = ada.cli(['explain', merge, '--json'], { env: gits.env });
    assert.strictEqual(explained.status, 0, explained.stderr);
  });
});
