import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { MAX_NOTE_BYTES } from '../../../src/git/notesAdditions';
import { recordDecision } from '../helpers/approvals';
import { verifyThenPush } from '../helpers/gateAgreement';
import { approvedFeature, setup, type Setup } from '../helpers/gateServer';
import type { TempRepo } from '../helpers/tempRepo';

/**
 * The approvals ref grew without bound (outside tester, session 8, H2): each push could add 2,000 notes, each a
 * real statement copied from the ref and padded with thousands of blank lines — blank lines were counted by no
 * bound, and made every blob distinct, so every later judgement re-split them all (two such pushes made an
 * approved push 6× slower). A changed note must now be in the form `approve` writes: canonical statement lines,
 * ending in a line break, no padding, no run of blank lines, and at most MAX_NOTE_BYTES. Real server and keys.
 */
describe('approvals ref: only notes in canonical form get in (real pushes)', function () {
  this.timeout(120_000);
  let s: Setup;
  let mallory: TempRepo;
  let tip: string;
  let line: string;

  before(() => {
    s = setup();
    ({ mallory, tip, line } = approvedFeature(s));
  });
  after(() => {
    for (const dir of [mallory.dir, path.dirname(s.server.dir)]) fs.rmSync(dir, { recursive: true, force: true });
  });

  /** Writes `text` byte for byte as the note on `on` (git notes add would clean it up) and pushes the ref. */
  function pushNote(on: string, text: string) {
    mallory.git('fetch', '-q', 'origin', '+refs/notes/countersign:refs/notes/countersign');
    const blob = mallory.gitResult(['hash-object', '-w', '--stdin'], text).stdout.trim();
    const add = mallory.gitResult(['notes', '--ref=refs/notes/countersign', 'add', '-f', '-C', blob, on]);
    assert.strictEqual(add.status, 0, add.stderr);
    return mallory.gitResult(['push', '--no-verify', 'origin', 'refs/notes/countersign']);
  }

  it('refuses a copied statement padded with blank lines or spaces, or rewritten in another key order', () => {
    // On the approved commit's own note: a copy on another commit is refused for that alone (reviewNoteFill.test.ts).
    const on = tip;
    const before = s.server.git('rev-parse', 'refs/notes/countersign');
    const cases: Array<[string, RegExp]> = [
      [`${line}\n${'\n'.repeat(300)}`, /run of blank lines/],
      [`${line}   \n`, /padded line/],
      [`${line}\r\n`, /padded line/],
      [line, /does not end in a line break/],
      [
        `${JSON.stringify({ statement: JSON.parse(line).statement, signature: JSON.parse(line).signature })}\n`,
        /canonical form/,
      ],
    ];
    for (const [text, why] of cases) {
      const r = pushNote(on, text);
      assert.notStrictEqual(r.status, 0, `taken: ${JSON.stringify(text.slice(-20))}`);
      assert.match(r.stderr, new RegExp(`note on ${on.slice(0, 12)}`));
      assert.match(r.stderr, why);
    }
    const big = pushNote(on, `${line}\n` + 'x\n'.repeat(MAX_NOTE_BYTES / 2));
    assert.match(big.stderr, /more than a note may hold/);
    assert.strictEqual(s.server.git('rev-parse', 'refs/notes/countersign'), before);
  });

  it("takes a second reviewer's approval appended to the note, and the approved push lands", () => {
    // `git notes append` separates statements with one blank line: still the form approvals are written in.
    recordDecision(s.ada, s.carol, { email: 'carol@example.com', tip, base: s.ada.git('rev-parse', 'origin/main') });
    const notes = s.ada.gitResult(['push', 'origin', 'refs/notes/countersign']);
    assert.strictEqual(notes.status, 0, notes.stderr);
    s.ada.git('fetch', '-q', 'origin', '+refs/notes/countersign:refs/notes/countersign');
    const landed = verifyThenPush(s.ada, 'main', ['origin', 'HEAD:main']);
    assert.strictEqual(landed.status, 0, landed.stderr);
  });
});
