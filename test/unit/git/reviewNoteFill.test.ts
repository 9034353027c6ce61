import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { formatStatementLine } from '../../../src/core/approvalStatement';
import { MAX_NOTE_BYTES } from '../../../src/git/notesAdditions';
import { attach, cloneAs, recordDecision, sign, statementFor } from '../helpers/approvals';
import { verifyThenPush } from '../helpers/gateAgreement';
import { commitFile, setup, type Setup } from '../helpers/gateServer';
import type { TempRepo } from '../helpers/tempRepo';

/**
 * Denial of a review (issue 10, I3). A pusher with no key filled the note on a pull request's tip with copies of
 * old, validly signed statements about other commits — each line a listed reviewer's real signature, none a copy
 * of a line the note held — up to just under the per-note cap (MAX_NOTE_BYTES), so the reviewer's own approval
 * of that tip could no longer be appended: the server refused it as an oversized note. A note now takes only
 * statements about its own commit (the statement's `tip`), so what a note can hold is what reviewers signed
 * about that commit. Real bare server, real pre-receive, real ssh-keygen keys.
 */
describe('approvals ref: a note cannot be filled to deny a review (real pushes)', function () {
  this.timeout(180_000);
  let s: Setup;
  let mallory: TempRepo;
  let oldLines: string[];
  let prTip: string;

  before(() => {
    s = setup();
    const { ada, bob } = s;
    // History: Bob's real approvals of older commits, each with a long comment, each on its own commit's note.
    const base = ada.git('rev-parse', 'origin/main');
    ada.git('checkout', '-q', '-b', 'old');
    const tips = Array.from({ length: 12 }, (_, i) => commitFile(ada, `old${i}.md`, `old ${i}\n`, `old ${i}`));
    assert.strictEqual(ada.gitResult(['push', '-q', '--no-verify', 'origin', 'old']).status, 0);
    const probe = formatStatementLine(
      sign(bob, statementFor(ada.dir, { email: 'bob@example.com', tip: tips[0], base })),
    );
    // Twelve lines that together come within a few hundred bytes of the cap (a note of them ends in '\n' each).
    const per = Math.floor((MAX_NOTE_BYTES - 400) / tips.length) - 1 - probe.length;
    oldLines = tips.map((tip, i) => {
      const signed = sign(
        bob,
        statementFor(ada.dir, { email: 'bob@example.com', tip, base, comment: `${i}`.padEnd(per, 'r') }),
      );
      attach(ada.dir, signed);
      return formatStatementLine(signed);
    });
    const notes = ada.gitResult(['push', 'origin', 'refs/notes/countersign']);
    assert.strictEqual(notes.status, 0, notes.stderr);
    ada.git('checkout', '-q', 'main');

    // Mallory's pull request: an AI-written commit on main, pushed to an unprotected branch.
    mallory = cloneAs(s.server.dir, 'Mallory', 'mallory@example.com');
    prTip = commitFile(
      mallory,
      'agent.ts',
      'export const a = 1;\n',
      'agent\n\nAI-Provenance: v1 ai=1 human=0 untracked=0',
    );
    assert.strictEqual(mallory.gitResult(['push', '-q', '--no-verify', 'origin', 'HEAD:refs/heads/pr']).status, 0);
  });
  after(() => {
    for (const dir of [mallory.dir, path.dirname(s.server.dir)]) fs.rmSync(dir, { recursive: true, force: true });
  });

  function pushNote(on: string, text: string) {
    mallory.git('fetch', '-q', 'origin', '+refs/notes/countersign:refs/notes/countersign');
    const add = mallory.gitResult(['notes', '--ref=refs/notes/countersign', 'add', '-f', '-F', '-', on], text);
    assert.strictEqual(add.status, 0, add.stderr);
    return mallory.gitResult(['push', '--no-verify', 'origin', 'refs/notes/countersign']);
  }

  it("refuses copies of Bob's statements about other commits on the pull request's note, naming the commit", () => {
    const before = s.server.git('rev-parse', 'refs/notes/countersign');
    const text = oldLines.join('\n') + '\n';
    assert.ok(text.length <= MAX_NOTE_BYTES && text.length > MAX_NOTE_BYTES - 500, `${text.length}`);
    const filled = pushNote(prTip, text);
    assert.notStrictEqual(filled.status, 0, 'the note was filled: the review below is denied');
    assert.match(filled.stderr, new RegExp(`note on ${prTip.slice(0, 12)}`));
    assert.match(filled.stderr, /is about commit [0-9a-f]{12}, not the commit its note is on/);
    // One copy is refused as well: a statement is written on its own tip's note, nowhere else.
    const one = pushNote(prTip, `${oldLines[0]}\n`);
    assert.notStrictEqual(one.status, 0);
    assert.match(one.stderr, /not the commit its note is on/);
    assert.strictEqual(s.server.git('rev-parse', 'refs/notes/countersign'), before);
  });

  it("takes Bob's approval of the pull request, and the approved push lands with verify agreeing", () => {
    const { ada, bob } = s;
    ada.git('fetch', '-q', 'origin', 'pr', '+refs/notes/countersign:refs/notes/countersign');
    ada.git('checkout', '-q', '-B', 'main', prTip);
    recordDecision(ada, bob, { email: 'bob@example.com', tip: prTip, base: 'origin/main' });
    const notes = ada.gitResult(['push', 'origin', 'refs/notes/countersign']);
    assert.strictEqual(notes.status, 0, notes.stderr);
    // A second copy of Bob's line on its own note is still refused (copies), one on another commit too.
    const copy = pushNote(prTip, `${ada.git('notes', '--ref=refs/notes/countersign', 'show', prTip)}\n`.repeat(2));
    assert.match(copy.stderr, /1 more copy of a line/);
    const landed = verifyThenPush(ada, 'main', ['origin', 'HEAD:main']);
    assert.strictEqual(landed.status, 0, landed.stderr);
  });
});
