import * as assert from 'assert';
import { MAX_MERGE_WALK_STEPS } from '../../../src/core/mergeView';
import { verifyThenPush } from '../helpers/gateAgreement';
import { setup } from '../helpers/gateServer';
import type { TempRepo } from '../helpers/tempRepo';

/**
 * bounds22: telling what a merge's sides bring in (core/mergeView.ts) walked the push once per side parent of each
 * merge, so a push of many merges cost the server quadratic time: 2,000 merges of one-commit topics took 48 s of
 * pre-receive, 4,000 ran past the hook's timeout. The walk now stops where a merge's sides meet its first parent,
 * and all of a push's walks stop at MAX_MERGE_WALK_STEPS; a history built to need more (each merge taking in the
 * same long side branch from a first parent without it) has the merges past the bound charged for their whole
 * diff, with a notice. Built with git fast-import, pushed to a real server with the installed hook.
 */
const NO_LINES = 'AI-Provenance: v1 ai=0 human=0 untracked=0';
const HUMAN_LINE = 'AI-Provenance: v1 ai=0 human=1 untracked=0';

function data(text: string): string {
  return `data ${Buffer.byteLength(text)}\n${text}\n`;
}

function commit(
  ref: string,
  mark: number,
  t: number,
  message: string,
  parents: string[],
  body = '',
  lines = NO_LINES,
): string {
  const who = 'Ada Author <ada@example.com> ';
  const [from, ...merges] = parents;
  return (
    `commit ${ref}\nmark :${mark}\nauthor ${who}${t} +0000\ncommitter ${who}${t} +0000\n${data(`${message}\n\n${lines}`)}` +
    `from ${from}\n${merges.map((m) => `merge ${m}\n`).join('')}${body}\n`
  );
}

/** On Ada's main: `n` merges, each of a fresh empty commit on main with the same `k`-commit side branch, tied in a chain. */
function sameSideAgain(ada: TempRepo, n: number, k: number): void {
  const parts: string[] = [];
  let mark = 0;
  const t = 1_700_000_000;
  for (let j = 0; j < k; j++)
    parts.push(commit('refs/heads/side', ++mark, t + j, `side ${j}`, [j === 0 ? 'refs/heads/main^0' : `:${mark - 1}`]));
  const sideTip = `:${mark}`;
  let tie = '';
  for (let i = 0; i < n; i++) {
    const f = ++mark;
    parts.push(commit('refs/heads/f', f, t + k + i, `f ${i}`, ['refs/heads/main^0']));
    const m = ++mark;
    parts.push(commit('refs/heads/m', m, t + k + i, `merge ${i}`, [`:${f}`, sideTip]));
    if (tie === '') tie = `:${m}`;
    else {
      parts.push(commit('refs/heads/t', ++mark, t + k + i, `tie ${i}`, [tie, `:${m}`]));
      tie = `:${mark}`;
    }
  }
  parts.push(`reset refs/heads/main\nfrom ${tie}\n\n`);
  const r = ada.gitResult(['fast-import', '--quiet', '--done', '--force'], parts.join('') + 'done\n');
  assert.strictEqual(r.status, 0, r.stderr);
  ada.git('reset', '-q', '--hard', 'main');
}

/** On Ada's main: `n` merges, each of a one-commit topic started from the merge before it (`git merge --no-ff`). */
function topicMerges(ada: TempRepo, n: number): void {
  const parts: string[] = [];
  let prev = 'refs/heads/main^0';
  let mark = 0;
  for (let i = 0; i < n; i++) {
    const file = `M 100644 inline topics/${i}.txt\n${data(`topic ${i}`)}`;
    const s = ++mark;
    // Its one line typed by a person: 1,000 unattributed lines in one push would need review (attack29 F7).
    parts.push(commit('refs/heads/topic', s, 1_700_000_000 + i, `topic ${i}`, [prev], file, HUMAN_LINE));
    parts.push(commit('refs/heads/main', ++mark, 1_700_000_000 + i, `merge topic ${i}`, [prev, `:${s}`], file));
    prev = `:${mark}`;
  }
  const r = ada.gitResult(['fast-import', '--quiet', '--done', '--force'], parts.join('') + 'done\n');
  assert.strictEqual(r.status, 0, r.stderr);
  ada.git('reset', '-q', '--hard', 'main');
}

const flat = (s: string) => s.replace(/remote: /g, '').replace(/\s+/g, ' ');

describe('server gate: a push of many merges is judged in bounded steps (bounds22, real server)', function () {
  this.timeout(240_000);

  it(`merges that each take in the same long side branch stop the walk at ${MAX_MERGE_WALK_STEPS} steps, with a notice`, () => {
    const { ada } = setup();
    // 1,500 merges x 1,500 side commits x 2 steps (the commit, its parent link): past the bound, in 6,000 commits.
    sameSideAgain(ada, 1500, 1500);
    // verify's JSON contract has no notices: its text says it as the hook does.
    const text = flat(ada.cli(['verify', '--branch', 'main']).stdout);
    const r = verifyThenPush(ada, 'main', ['origin', 'main']);
    // Nothing is refused (the merges change no file); the merges past the bound are charged whole, and said so.
    assert.strictEqual(r.status, 0, r.stderr + r.verify.stdout);
    const said = new RegExp(
      `merge \\w{7,} \\(and \\d+ more merges\\) is charged for its whole first-parent diff, as if its sides brought nothing in: telling what they bring would walk this history past the ${MAX_MERGE_WALK_STEPS} steps`,
    );
    assert.match(flat(r.stderr), said);
    assert.match(text, said);
  });

  it('1,000 merges of one-commit topics are each told apart from their sides: no notice, nothing charged twice', () => {
    const { ada } = setup();
    topicMerges(ada, 1000);
    const r = verifyThenPush(ada, 'main', ['origin', 'main']);
    assert.strictEqual(r.status, 0, r.stderr + r.verify.stdout);
    assert.doesNotMatch(flat(r.stderr + r.verify.stdout), /charged for its whole first-parent diff/);
  });
});
