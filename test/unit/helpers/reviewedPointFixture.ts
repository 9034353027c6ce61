import * as assert from 'assert';
import { recordDecision } from './approvals';
import { verifyThenPush } from './gateAgreement';
import { setup, type Setup } from './gateServer';
import type { TempRepo } from './tempRepo';

/**
 * The shared set-up of the reviewed point's tests (reviewedPoint*.test.ts): main holds data.txt, a file of
 * numbered rows, and pushes shrink it so that the deletion tiers (mass-deletion: 2 approvals) have something to
 * count since main's last approved commit.
 */

/** The trailer Countersign's hooks stamp on a commit whose `n` added lines are all human. */
export const humanTrailer = (n: number): string => `AI-Provenance: v1 ai=0 human=${n} untracked=0`;

/** data.txt with `n` distinct rows (`row 0` …), so that cutting it to fewer rows deletes exactly the difference. */
export const dataRows = (n: number): string => Array.from({ length: n }, (_, i) => `row ${i}`).join('\n') + '\n';

/** Commits data.txt cut to `to` rows: a deletion, which adds no line. */
export function shrinkData(repo: TempRepo, to: number, message: string): void {
  repo.write('data.txt', dataRows(to));
  repo.git('add', 'data.txt');
  repo.commit(message, '-m', humanTrailer(0));
}

/** A fresh server whose main has data.txt (1,200 rows) pushed through verify and the gate; nothing approved yet. */
export function mainWithData(): Setup {
  const s = setup();
  s.ada.write('data.txt', dataRows(1200));
  s.ada.git('add', 'data.txt');
  s.ada.commit('add data', '-m', humanTrailer(1200));
  assert.strictEqual(verifyThenPush(s.ada, 'main', ['origin', 'main']).status, 0);
  return s;
}

/**
 * Each reviewer's approval of base..tip, recorded in Ada's clone; then refs/notes/countersign pushed. Bob and Carol
 * by default: a point restarts the deletion count only with as many approvals as the deletion tier asks (attack23 04).
 */
export function approveAndPushNotes(
  s: Setup,
  tip: string,
  base: string,
  reviewers: readonly ('bob' | 'carol')[] = ['bob', 'carol'],
): void {
  for (const r of reviewers) recordDecision(s.ada, s[r], { email: `${r}@example.com`, tip, base });
  assert.strictEqual(s.ada.gitResult(['push', '-q', 'origin', 'refs/notes/countersign']).status, 0);
}
