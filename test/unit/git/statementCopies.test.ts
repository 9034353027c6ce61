import * as assert from 'assert';
import { MAX_ADDED_STATEMENTS } from '../../../src/git/notesAdditions';
import { runFastImport } from '../helpers/fastImport';
import { verifyThenPush } from '../helpers/gateAgreement';
import { approvedFeature, setup, type Setup } from '../helpers/gateServer';
import type { TempRepo } from '../helpers/tempRepo';

/**
 * Copies of one real statement (outside tester, session 6, note on F3): the server judged each *distinct* added
 * line of refs/notes/countersign, so one reviewer's real approval copied tens of thousands of times into a note
 * passed with one signature check — and every later judgement parsed every copy, for good (append-only). A push
 * may no longer add a second copy of a line to a note, nor more than MAX_ADDED_STATEMENTS lines in all (copies
 * counted); readers parse a line repeated in a note once. Real bare server, real pre-receive, real keys.
 */
describe('approvals ref: copies of a real statement are refused (real pushes)', function () {
  this.timeout(120_000);
  let s: Setup;
  let mallory: TempRepo;
  let tip: string;
  let line: string;

  before(() => {
    s = setup();
    ({ mallory, tip, line } = approvedFeature(s));
    mallory.git('fetch', '-q', 'origin', '+refs/notes/countersign:refs/notes/countersign', 'feature');
  });

  function pushNote(on: string, text: string) {
    mallory.git('fetch', '-q', 'origin', '+refs/notes/countersign:refs/notes/countersign');
    const add = mallory.gitResult(['notes', '--ref=refs/notes/countersign', 'add', '-f', '-F', '-', on], text);
    assert.strictEqual(add.status, 0, add.stderr);
    return mallory.gitResult(['push', '--no-verify', 'origin', 'refs/notes/countersign']);
  }

  it("refuses Bob's real approval copied 200 times into its note, naming the commit and the fix", () => {
    const before = s.server.git('rev-parse', 'refs/notes/countersign');
    const r = pushNote(tip, Array.from({ length: 200 }, () => line).join('\n') + '\n');
    assert.notStrictEqual(r.status, 0, 'copies of a signed line cost every later push a parse each');
    assert.match(r.stderr, new RegExp(`note on ${tip.slice(0, 12)}`));
    assert.match(r.stderr, /199 more cop(y|ies) of a line/);
    assert.match(r.stderr, /cat_sort_uniq/);
    assert.strictEqual(s.server.git('rev-parse', 'refs/notes/countersign'), before);
  });

  it('refuses copies on another commit, one copy included (a statement sits on its own commit: issue 10, I3)', () => {
    const main = s.server.git('rev-parse', 'main');
    const twice = pushNote(main, `${line}\n${line}\n`);
    assert.notStrictEqual(twice.status, 0);
    assert.match(twice.stderr, new RegExp(`note on ${main.slice(0, 12)}.*1 more copy of a line`));
    const once = pushNote(main, `${line}\n`);
    assert.notStrictEqual(once.status, 0);
    assert.match(once.stderr, new RegExp(`note on ${main.slice(0, 12)} line 1 is about commit ${tip.slice(0, 12)}`));
    // The approval still counts where it belongs: Ada's push of the approved commit lands, verify agreeing.
    s.ada.git('fetch', '-q', 'origin', '+refs/notes/countersign:refs/notes/countersign');
    const landed = verifyThenPush(s.ada, 'main', ['origin', 'HEAD:main']);
    assert.strictEqual(landed.status, 0, landed.stderr);
  });

  it(`counts every added line against the bound of ${MAX_ADDED_STATEMENTS}, copies in other notes included`, () => {
    // MAX_ADDED_STATEMENTS + 1 real commits (an unprotected branch), each given one copy of the line.
    const stream = Array.from(
      { length: MAX_ADDED_STATEMENTS + 1 },
      (_, i) =>
        `commit refs/heads/many\ncommitter A <a@example.com> 1700000000 +0000\ndata 2\n${i % 10}\n${i === 0 ? `from ${tip}\n` : ''}\n`,
    ).join('');
    assert.strictEqual(runFastImport(mallory, ['--quiet'], stream).status, 0);
    assert.strictEqual(mallory.gitResult(['push', '-q', '--no-verify', 'origin', 'many']).status, 0);
    const shas = mallory.git('rev-list', `${tip}..many`).split('\n');
    mallory.git('fetch', '-q', 'origin', '+refs/notes/countersign:refs/notes/countersign');
    const blob = mallory.gitResult(['hash-object', '-w', '--stdin'], `${line}\n`).stdout.trim();
    const stream2 =
      `commit refs/notes/countersign\ncommitter M <m@example.com> 1700000000 +0000\ndata 5\ncopy\nfrom refs/notes/countersign^0\n` +
      shas.map((c) => `N ${blob} ${c}\n`).join('') +
      '\n';
    assert.strictEqual(runFastImport(mallory, ['--quiet', '--force'], stream2).status, 0);
    const r = mallory.gitResult(['push', '--no-verify', 'origin', 'refs/notes/countersign']);
    assert.notStrictEqual(r.status, 0);
    assert.match(
      r.stderr,
      new RegExp(
        `adds ${MAX_ADDED_STATEMENTS + 1} lines to refs/notes/countersign, more than the server judges in one push`,
      ),
    );
  });
});
