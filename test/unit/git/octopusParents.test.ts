import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { setup } from '../helpers/gateServer';
import { tempDir } from '../helpers/tempDirs';
import type { TempRepo } from '../helpers/tempRepo';

/**
 * attack26 03: a commit object naming one parent thousands of times (git accepts duplicate parents, and 10,000
 * `parent` lines are under the gate's 1 MiB commit bound) made the gate's merge read (`git diff-tree -c`, which
 * keeps lines × parents counters per file and diffs each file once per parent) take 1.5 GB and 73 s of the
 * server per push, and as long on every reviewer's panel once it sat on an unprotected branch. A merge naming a
 * parent twice, or more parents than core/mergeView.ts allows, is not combined-diffed: its own lines are all it
 * adds over its first parent (fail closed), as for a merge whose versions are over the diff bound.
 */
describe('server gate: an octopus naming one parent many times is judged without git’s combined diff (attack26 03, real server)', function () {
  this.timeout(240_000);

  /** A commit whose tree is main's plus a `lines`-line file, naming `parents` (raw, as an attacker writes it). */
  function octopus(ada: TempRepo, parents: string[], lines: number): string {
    ada.write('big.txt', Array.from({ length: lines }, (_, i) => `line ${i}\n`).join(''));
    ada.git('add', 'big.txt');
    const tree = ada.git('write-tree');
    ada.git('reset', '-q');
    fs.rmSync(path.join(ada.dir, 'big.txt'));
    const who = 'Ada <ada@example.com> 1700000000 +0000';
    const raw = [
      `tree ${tree}`,
      ...parents.map((p) => `parent ${p}`),
      `author ${who}`,
      `committer ${who}`,
      '',
      'octopus',
      '',
      `AI-Provenance: v1 ai=${lines} human=0 untracked=0`,
      '',
    ].join('\n');
    const file = path.join(tempDir('cs-octopus-'), 'commit');
    fs.writeFileSync(file, raw);
    return ada.git('hash-object', '-t', 'commit', '-w', '--literally', file);
  }

  /** The git processes the push started on the server (and the client), from git's own trace. */
  function pushTraced(ada: TempRepo, rev: string, ref: string) {
    const trace = path.join(tempDir('cs-octopus-trace-'), 'events');
    const r = spawnSync('git', ['push', 'origin', `${rev}:${ref}`], {
      cwd: ada.dir,
      env: { ...ada.env, GIT_TRACE2_EVENT: trace },
      encoding: 'utf8',
    });
    const started = fs.existsSync(trace)
      ? fs
          .readFileSync(trace, 'utf8')
          .split('\n')
          .filter(Boolean)
          .map((l) => JSON.parse(l) as { event: string; argv?: string[] })
          .filter((e) => e.event === 'start')
          .map((e) => e.argv ?? [])
      : [];
    return { status: r.status, stderr: r.stderr, started };
  }
  const combinedDiffs = (started: string[][]) =>
    started.filter((argv) => argv.includes('diff-tree') && argv.includes('-c') && argv.includes('-p'));

  it('300 copies of one parent: refused for review without a combined diff; verify and review answer alike', () => {
    const s = setup();
    const { ada } = s;
    const tip = ada.git('rev-parse', 'HEAD');
    const c = octopus(
      ada,
      Array.from({ length: 300 }, () => tip),
      2000,
    );
    const r = pushTraced(ada, c, 'refs/heads/main');
    assert.notStrictEqual(r.status, 0, 'an unapproved AI octopus must not land');
    assert.match(r.stderr, /review/i, r.stderr);
    assert.ok(
      r.started.some((argv) => argv.includes('rev-list') || argv.includes('cat-file')),
      "the trace saw the gate's git processes",
    );
    assert.deepStrictEqual(combinedDiffs(r.started), [], 'no combined diff of a 300-parent merge');
    assert.notStrictEqual(s.server.git('rev-parse', 'main'), c);
    // verify in CI, over the same commit, refuses it the same way and just as cheaply.
    const v = ada.cli(['verify', '--base', tip, '--head', c]);
    assert.strictEqual(v.status, 1, v.stderr);
  });

  it("a 100-parent merge's files share the diff bound: a 700 KB file is not combined-diffed there, and is with two parents", () => {
    const s = setup();
    const { ada } = s;
    const tip = ada.git('rev-parse', 'HEAD');
    const sides = Array.from({ length: 99 }, (_, i) =>
      ada.git(
        'commit-tree',
        `${tip}^{tree}`,
        '-p',
        tip,
        '-m',
        `side ${i}\n\nAI-Provenance: v1 ai=0 human=0 untracked=0`,
      ),
    );
    for (const [i, side] of sides.entries()) ada.git('update-ref', `refs/heads/side-${i}`, side);
    const lines = 70_000; // "line NNNNN\n": ~770 KB, over 64 MiB / 100
    const wide = pushTraced(ada, octopus(ada, [tip, ...sides], lines), 'refs/heads/main');
    assert.notStrictEqual(wide.status, 0);
    assert.deepStrictEqual(combinedDiffs(wide.started), []);
    const two = pushTraced(ada, octopus(ada, [tip, sides[0]], lines), 'refs/heads/main');
    assert.notStrictEqual(two.status, 0, 'its AI lines still need review');
    assert.strictEqual(combinedDiffs(two.started).length, 1);
  });

  it('two distinct parents listed twice each are not combined-diffed either; an ordinary merge still is', () => {
    const s = setup();
    const { ada } = s;
    const tip = ada.git('rev-parse', 'HEAD');
    ada.git('checkout', '-q', '-b', 'side');
    ada.write('side.txt', 'side\n');
    ada.git('add', 'side.txt');
    const side = ada.commit('side', '-m', 'AI-Provenance: v1 ai=0 human=1 untracked=0');
    ada.git('checkout', '-q', 'main');
    const twice = octopus(ada, [tip, side, tip, side], 50);
    const dup = pushTraced(ada, twice, 'refs/heads/main');
    assert.notStrictEqual(dup.status, 0);
    assert.deepStrictEqual(combinedDiffs(dup.started), []);
    // The control: the same merge naming each parent once is read with git's combined diff, as before.
    const once = octopus(ada, [tip, side], 50);
    const ok = pushTraced(ada, once, 'refs/heads/main');
    assert.notStrictEqual(ok.status, 0, 'its 50 AI lines still need review');
    assert.strictEqual(combinedDiffs(ok.started).length, 1, ok.started.map((a) => a.join(' ')).join('\n'));
  });
});
