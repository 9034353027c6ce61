import * as assert from 'assert';
import { execFileSync } from 'child_process';
import { cloneAs } from '../helpers/approvals';
import { verifyThenPush } from '../helpers/gateAgreement';
import { commitFile, setup, type Setup } from '../helpers/gateServer';
import type { TempRepo } from '../helpers/tempRepo';

/**
 * An outside tester's griefing (session 5, F2): Ada pushes a human commit H to `fix`; Mallory, with push
 * access and nothing else, overwrites H's refs/notes/ai note with junk and pushes the notes (a fast-forward,
 * so the append-only rule let it in). Ada's push of H to main is then refused: "its provenance note is
 * unreadable". The server now takes into refs/notes/ai only notes that read as provenance; a note rewritten
 * into another readable one (two clones' notes merged, a copy after a rewrite) still gets in.
 */
const NOTE = (file: string, ranges: string, author = 'Ada <ada@example.com>') =>
  `${file}\n  h_0123456789abcd ${ranges}\n---\n` +
  JSON.stringify({
    schema_version: 'authorship/3.0.0',
    base_commit_sha: '',
    prompts: {},
    humans: { h_0123456789abcd: { author } },
  });

describe('server gate: junk in refs/notes/ai cannot block a colleague (real pushes)', function () {
  this.timeout(120_000);
  let s: Setup;
  let mallory: TempRepo;
  let h: string;

  before(() => {
    s = setup();
    h = commitFile(s.ada, 'fix.txt', 'human fix\n', 'human fix\n\nAI-Provenance: v1 ai=0 human=1 untracked=0');
    s.ada.git('notes', '--ref=refs/notes/ai', 'add', '-m', NOTE('fix.txt', '1'), h);
    assert.strictEqual(s.ada.gitResult(['push', '-q', '--no-verify', 'origin', 'HEAD:refs/heads/fix']).status, 0);
    assert.strictEqual(s.ada.gitResult(['push', '-q', '--no-verify', 'origin', 'refs/notes/ai']).status, 0);
    mallory = cloneAs(s.server.dir, 'Mallory', 'mallory@example.com');
    mallory.git('fetch', '-q', 'origin', 'refs/notes/ai:refs/notes/ai', 'fix');
  });

  it("refuses a push that overwrites a colleague's note with junk, naming the commit; the colleague's push lands", () => {
    mallory.git('notes', '--ref=refs/notes/ai', 'add', '-f', '-m', 'garbage not an authorship log', h);
    const grief = mallory.gitResult(['push', '--no-verify', 'origin', 'refs/notes/ai']);
    assert.notStrictEqual(grief.status, 0, 'an unreadable provenance note is refused');
    assert.match(grief.stderr, new RegExp(`${h.slice(0, 12)}.*unreadable`));
    const landed = verifyThenPush(s.ada, 'main', ['origin', 'HEAD:main']);
    assert.strictEqual(landed.status, 0, landed.stderr);
  });

  it('refuses junk added as a new note too, and takes a note rewritten into one that only gains', () => {
    const other = commitFile(s.ada, 'two.txt', 'a\nb\n', 'two\n\nAI-Provenance: v1 ai=0 human=2 untracked=0');
    assert.strictEqual(s.ada.gitResult(['push', '-q', '--no-verify', 'origin', 'HEAD:refs/heads/fix']).status, 0);
    mallory.git('fetch', '-q', 'origin', '+refs/notes/ai:refs/notes/ai', 'fix');
    mallory.git('notes', '--ref=refs/notes/ai', 'add', '-f', '-m', 'junk\n---\n{', other);
    const junk = mallory.gitResult(['push', '--no-verify', 'origin', 'refs/notes/ai']);
    assert.notStrictEqual(junk.status, 0, 'a new unreadable note is refused as well');
    assert.match(junk.stderr, new RegExp(other.slice(0, 12)));

    // A legitimate rewrite: the note on a commit not yet landed replaced by a readable one that only gains (what a
    // notes merge produces). One that gives a line another owner is refused even before landing (attack14 N1: the
    // approval was given over the old note); H is on main by now: its note may only gain either (attack12 L6).
    mallory.git('fetch', '-q', 'origin', '+refs/notes/ai:refs/notes/ai');
    mallory.git('notes', '--ref=refs/notes/ai', 'add', '-f', '-m', NOTE('two.txt', '1'), other);
    const added = mallory.gitResult(['push', '--no-verify', 'origin', 'refs/notes/ai']);
    assert.strictEqual(added.status, 0, added.stderr);
    mallory.git('notes', '--ref=refs/notes/ai', 'add', '-f', '-m', NOTE('two.txt', '1-2'), other);
    const merged = mallory.gitResult(['push', '--no-verify', 'origin', 'refs/notes/ai']);
    assert.strictEqual(merged.status, 0, merged.stderr);
    mallory.git(
      'notes',
      '--ref=refs/notes/ai',
      'add',
      '-f',
      '-m',
      NOTE('two.txt', '1-2', 'Ada L. <ada@example.com>'),
      other,
    );
    const moved = mallory.gitResult(['push', '--no-verify', 'origin', 'refs/notes/ai']);
    assert.notStrictEqual(moved.status, 0, "an unlanded commit's line given to another person is refused");
    assert.match(moved.stderr, /no protected branch or tag holds yet/);
    mallory.git('fetch', '-q', 'origin', '+refs/notes/ai:refs/notes/ai');
    mallory.git('notes', '--ref=refs/notes/ai', 'add', '-f', '-m', NOTE('fix.txt', '1', 'Ada L. <ada@example.com>'), h);
    const landed = mallory.gitResult(['push', '--no-verify', 'origin', 'refs/notes/ai']);
    assert.notStrictEqual(landed.status, 0, "a landed commit's line given to another person is refused");
    assert.match(landed.stderr, /may only gain/);
  });

  it("a second readable note at another fan-out path does not block the colleague's commit (outside tester G2)", () => {
    const v = commitFile(s.ada, 'v.txt', 'human\n', 'v\n\nAI-Provenance: v1 ai=0 human=1 untracked=0');
    s.ada.git('fetch', '-q', 'origin', '+refs/notes/ai:refs/notes/ai');
    s.ada.git('notes', '--ref=refs/notes/ai', 'add', '-m', NOTE('v.txt', '1'), v);
    assert.strictEqual(s.ada.gitResult(['push', '-q', '--no-verify', 'origin', 'HEAD:refs/heads/fix']).status, 0);
    assert.strictEqual(s.ada.gitResult(['push', '-q', '--no-verify', 'origin', 'refs/notes/ai']).status, 0);
    mallory.git('fetch', '-q', 'origin', '+refs/notes/ai:refs/notes/ai');
    // git concatenates two entries naming one object: each reads, their concatenation does not. The gate
    // reads the shallowest entry only (notesLookup), so the push of the extra entry changes nothing.
    const index = `${mallory.dir}/.git/grief-index`;
    const git = (args: string[], input?: string) =>
      execFileSync('git', args, { cwd: mallory.dir, env: { ...mallory.env, GIT_INDEX_FILE: index }, input })
        .toString()
        .trim();
    const blob = git(['hash-object', '-w', '--stdin'], NOTE('v.txt', '1'));
    git(['read-tree', 'refs/notes/ai']);
    git(['update-index', '--add', '--cacheinfo', `100644,${blob},${v.slice(0, 2)}/${v.slice(2)}`]);
    const commit = git(['commit-tree', git(['write-tree']), '-p', 'refs/notes/ai', '-m', 'notes']);
    mallory.git('update-ref', 'refs/notes/ai', commit);
    mallory.gitResult(['push', '--no-verify', 'origin', 'refs/notes/ai']);
    const landed = verifyThenPush(s.ada, 'main', ['origin', 'HEAD:main']);
    assert.strictEqual(landed.status, 0, landed.stderr);
  });

  it("refuses a fast-forward that drops a commit's note (outside tester G12)", () => {
    mallory.git('fetch', '-q', 'origin', '+refs/notes/ai:refs/notes/ai');
    mallory.git('notes', '--ref=refs/notes/ai', 'remove', h);
    const wipe = mallory.gitResult(['push', '--no-verify', 'origin', 'refs/notes/ai']);
    assert.notStrictEqual(wipe.status, 0, 'provenance notes are append-only');
    assert.match(wipe.stderr, new RegExp(`removes.*${h.slice(0, 12)}`));
  });
});
