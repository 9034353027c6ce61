import * as assert from 'assert';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { recordDecision } from '../helpers/approvals';
import { verifyThenPush } from '../helpers/gateAgreement';
import { commitFile, serverRef, setup, type Setup } from '../helpers/gateServer';

const lines = (n: number, prefix: string) => Array.from({ length: n }, (_, i) => `${prefix} ${i};`).join('\n') + '\n';
const provenance = (ai: number, human: number, untracked: number) =>
  `AI-Provenance: v1 ai=${ai} human=${human} untracked=${untracked}`;

const UNOBSERVED = /were written by something Countersign did not observe/;

/** The team's 400-line file, typed by a person, on main. */
function humanFile(s: Setup): string {
  commitFile(s.ada, 'billing.js', lines(400, 'const billing'), `billing\n\n${provenance(0, 400, 0)}`);
  assert.strictEqual(verifyThenPush(s.ada, 'main', ['origin', 'main']).status, 0, 'a person typed it');
  return serverRef(s, 'refs/heads/main');
}

/** humanFile, reviewed: Bob approves it, so the count since the last approval starts after it. */
function approvedHumanFile(s: Setup): void {
  const base = serverRef(s, 'refs/heads/main');
  const tip = humanFile(s);
  recordDecision(s.ada, s.bob, { email: 'bob@example.com', tip, base });
  assert.strictEqual(s.ada.gitResult(['push', '-q', 'origin', 'refs/notes/countersign']).status, 0);
}

/** A commit of 19 lines from a writer Countersign did not observe, as the hooks stamp it. */
function unobserved(s: Setup, n: number): string {
  return commitFile(
    s.ada,
    `gen/part${n}.js`,
    lines(19, `export const v${n} =`),
    `part ${n}\n\n${provenance(0, 0, 19)}`,
  );
}

function moveBilling(s: Setup): void {
  fs.mkdirSync(path.join(s.ada.dir, 'src'), { recursive: true });
  s.ada.git('mv', 'billing.js', 'src/billing.js');
}

/** `git merge --no-ff --no-commit side` of a one-line side branch, for the merge's own edits to follow. */
function openMerge(s: Setup): void {
  s.ada.git('checkout', '-q', '-b', 'side');
  commitFile(s.ada, 'CHANGES.md', '# changelog\n', `changelog\n\n${provenance(0, 1, 0)}`);
  s.ada.git('checkout', '-q', 'main');
  s.ada.git('merge', '-q', '--no-ff', '--no-commit', 'side');
}

/**
 * attack31 F3-F6: what review.untracked weighs (lines written, added bytes) reached only single-parent commits
 * with untracked lines of their own. A separate `git mv` commit (human=400, writing nothing) still diluted the push
 * and every later push's count since the last approval; a merge's own move, or its own 295 KB one-line module,
 * was counted as stated. verify (CI) and the server agree (verifyThenPush).
 */
describe('review.untracked dilution by moves, merges and reverts (attack31 F3, F4, F5, F6)', function () {
  this.timeout(240_000);

  it('F3: a separate move commit does not dilute 16 commits of 19 unobserved lines in one push', () => {
    const s = setup();
    const base = humanFile(s);
    moveBilling(s);
    s.ada.commit(`move billing under src/\n\n${provenance(0, 400, 0)}`);
    for (let i = 1; i <= 16; i++) unobserved(s, i);
    const r = verifyThenPush(s.ada, 'main', ['origin', 'main']);
    assert.notStrictEqual(r.status, 0, 'a pure move commit diluted 304 unobserved lines past review');
    assert.match(r.stderr, /304 of 304 added lines of this push \(16 commits\)/);
    assert.strictEqual(serverRef(s, 'refs/heads/main'), base);
  });

  it('F3: a move pushed earlier does not dilute the count since the last approval', () => {
    const s = setup();
    approvedHumanFile(s);
    moveBilling(s);
    s.ada.commit(`move billing under src/\n\n${provenance(0, 400, 0)}`);
    unobserved(s, 1);
    assert.strictEqual(verifyThenPush(s.ada, 'main', ['origin', 'main']).status, 0, 'control: 19 lines pass alone');
    const landed = serverRef(s, 'refs/heads/main');
    unobserved(s, 2);
    const r = verifyThenPush(s.ada, 'main', ['origin', 'main']);
    assert.notStrictEqual(r.status, 0, 'the earlier move diluted the second push of 19 unobserved lines');
    assert.match(r.stderr, /38 of 38 added lines of this push and the 2 unreviewed commit\(s\) on main/);
    assert.strictEqual(serverRef(s, 'refs/heads/main'), landed);
  });

  it('F3: a move and 19 unobserved lines in one commit do not dilute later pushes', () => {
    const s = setup();
    approvedHumanFile(s);
    moveBilling(s);
    commitFile(s.ada, 'gen/part1.js', lines(19, 'export const v1 ='), `move\n\n${provenance(0, 400, 19)}`);
    assert.strictEqual(verifyThenPush(s.ada, 'main', ['origin', 'main']).status, 0, 'control: 19 lines pass alone');
    unobserved(s, 2);
    const r = verifyThenPush(s.ada, 'main', ['origin', 'main']);
    assert.notStrictEqual(r.status, 0, 'the move in an earlier commit diluted the count');
    assert.match(r.stderr, /38 of 38 added lines/);
  });

  it('F4: a merge that moves a person’s file does not dilute its own 300 unobserved lines', () => {
    const s = setup();
    const base = humanFile(s);
    openMerge(s);
    moveBilling(s);
    s.ada.write('src/payout.js', lines(300, 'export const payout'));
    s.ada.git('add', '-A');
    s.ada.commit(`Merge branch 'side'\n\n${provenance(0, 400, 300)}`);
    const r = verifyThenPush(s.ada, 'main', ['origin', 'main']);
    assert.notStrictEqual(r.status, 0, 'a move inside a merge diluted 300 unobserved lines past review');
    assert.match(r.stderr, /300 of 30\d added lines were written by something Countersign did not observe/);
    assert.strictEqual(serverRef(s, 'refs/heads/main'), base);
  });

  it('F6: a 295 KB one-line module added by a merge weighs its size', () => {
    const s = setup();
    const base = serverRef(s, 'refs/heads/main');
    openMerge(s);
    const js =
      Array.from({ length: 20_000 }, (_, i) => `var p${i}=${i};`).join('') +
      'require("child_process").exec(process.env.X);\n';
    s.ada.write('lib/vendor.min.js', js);
    s.ada.git('add', '-A');
    s.ada.commit(`Merge branch 'side'\n\n${provenance(0, 0, 1)}`);
    const r = verifyThenPush(s.ada, 'main', ['origin', 'main']);
    assert.notStrictEqual(r.status, 0, 'one long line added by a merge landed unreviewed');
    assert.match(r.stderr, UNOBSERVED);
    assert.match(
      r.stderr,
      /\d+ of them for size: review.untracked weighs a file.s added bytes as at least one line per 1,000/,
    );
    assert.strictEqual(serverRef(s, 'refs/heads/main'), base);
  });

  it('F6: a 64 KB binary without a newline byte added by a merge weighs its size', () => {
    const s = setup();
    openMerge(s);
    const bin = Buffer.concat([
      Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]),
      Buffer.from(crypto.randomBytes(65_536).map((b) => (b === 0x0a ? 0x0b : b))),
    ]);
    fs.mkdirSync(path.join(s.ada.dir, 'lib'), { recursive: true });
    fs.writeFileSync(path.join(s.ada.dir, 'lib/addon.node'), bin);
    s.ada.git('add', '-A');
    s.ada.commit(`Merge branch 'side'\n\n${provenance(0, 0, 1)}`);
    const r = verifyThenPush(s.ada, 'main', ['origin', 'main']);
    assert.notStrictEqual(r.status, 0, 'an unobserved binary added by a merge landed unreviewed');
    assert.match(r.stderr, UNOBSERVED);
  });

  it('F5: lines a revert restores in the same push do not dilute 300 unobserved lines', () => {
    const s = setup();
    const base = humanFile(s);
    s.ada.git('rm', '-q', 'billing.js');
    const dropped = s.ada.commit(`drop billing\n\n${provenance(0, 0, 0)}`);
    s.ada.git('revert', '--no-commit', dropped);
    s.ada.write('payout.js', lines(300, 'export const payout'));
    s.ada.git('add', '-A');
    s.ada.commit(`bring billing back; add payouts\n\n${provenance(0, 400, 300)}`);
    const r = verifyThenPush(s.ada, 'main', ['origin', 'main']);
    assert.notStrictEqual(r.status, 0, 'a file deleted and restored in one push diluted 300 unobserved lines');
    assert.match(r.stderr, UNOBSERVED);
    assert.strictEqual(serverRef(s, 'refs/heads/main'), base);
  });

  it('controls: an ordinary merge of a branch with big files, and a person’s moves beside a few unobserved lines, pass', () => {
    const s = setup();
    humanFile(s);
    s.ada.git('checkout', '-q', '-b', 'side');
    // 300 KB in 100 lines: weighed as its bytes, it would be 200 unaccounted lines; the merge takes it as it is.
    const big = Array.from({ length: 100 }, (_, i) => `"entry ${i}": "${'x'.repeat(3000)}"`).join(',\n') + '\n';
    commitFile(s.ada, 'data/table.json', big, `table\n\n${provenance(0, 100, 0)}`);
    s.ada.git('checkout', '-q', 'main');
    commitFile(s.ada, 'README.md', lines(40, 'readme'), `readme\n\n${provenance(0, 40, 0)}`);
    s.ada.git('merge', '-q', '--no-ff', '--no-commit', 'side');
    s.ada.write('fix.sh', 'a\nb\nc\n');
    s.ada.git('add', '-A');
    s.ada.commit(`Merge branch 'side'\n\n${provenance(0, 0, 3)}`);
    moveBilling(s);
    commitFile(s.ada, 'src/extra.js', lines(60, 'const extra'), `move\n\n${provenance(0, 460, 0)}`);
    unobserved(s, 1);
    const r = verifyThenPush(s.ada, 'main', ['origin', 'main']);
    assert.strictEqual(r.status, 0, r.stderr + r.verify.stdout);
  });
});
