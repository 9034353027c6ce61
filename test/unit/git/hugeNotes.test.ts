import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { MAX_NOTE_BYTES } from '../../../src/core/noteBounds';
import { cloneAs, forkAs } from '../helpers/approvals';
import { commitFile, setup } from '../helpers/gateServer';

/**
 * Outside tester, session 12, H2 and H3: a refs/notes/countersign note of hundreds of MB (a few KB on the wire: it
 * is one repeated line) in a contributor's fork, or in a crafted repository someone clones, was read whole and split
 * into lines by the fork intake and by every approvals reader: `countersign review` — the review panel's Refresh,
 * in the extension host — and `verify`, `explain` died of V8's out-of-memory. No server takes a note over
 * MAX_NOTE_BYTES, so no reader reads one: it is streamed past (src/git/catFileBatch.ts `maxBytes`) and named as an
 * error on its commit, with the fix. Real repositories, a real server, a real fork; the note here is 96 MB.
 */
describe('a huge approvals note in a fork or a crafted clone is never read (real git)', function () {
  this.timeout(240_000);
  const dirs: string[] = [];
  after(() => {
    for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  });
  const HUGE = 96 * 1024 * 1024;

  /** A note of HUGE bytes of "x" lines on `commit` in `repo`'s refs/notes/countersign (or `ref`). */
  function hugeNote(dir: string, commit: string, ref = 'refs/notes/countersign'): void {
    const file = path.join(dir, '.git', 'huge-note');
    fs.writeFileSync(file, Buffer.alloc(HUGE, 'x\n'));
    const blob = execFileSync('git', ['hash-object', '-w', file], { cwd: dir }).toString().trim();
    fs.rmSync(file);
    execFileSync('git', ['notes', `--ref=${ref}`, 'add', '-f', '-C', blob, commit], { cwd: dir });
  }

  /** The CLI with a small heap: reading and splitting the note whole needs gigabytes, so it would die. */
  const small = { env: { NODE_OPTIONS: '--max-old-space-size=192' } };

  it("H2: the fork's note is left out of the reviewer's notes and `review` stays small", () => {
    const { bob, server } = setup();
    dirs.push(path.dirname(server.dir));
    const { fork, clone: mallory } = forkAs(server.dir, 'Mallory', 'mallory@example.com');
    dirs.push(mallory.dir);
    const feature = commitFile(mallory, 'x.txt', 'x\n', 'feature\n\nAI-Provenance: v1 ai=0 human=1 untracked=0');
    hugeNote(mallory.dir, feature);
    const pushed = mallory.gitResult(['push', '-q', 'origin', 'HEAD:refs/heads/feature', 'refs/notes/countersign']);
    assert.strictEqual(pushed.status, 0, pushed.stderr);

    const bobs = cloneAs(server.dir, 'Bob Reviewer', 'bob@example.com', bob.privateKeyFile);
    dirs.push(bobs.dir);
    assert.strictEqual(bobs.cli(['install']).status, 0);
    bobs.git('remote', 'add', 'mallory', fork);
    const review = bobs.cli(['review'], small);
    assert.ok(review.status === 0 || review.status === 1, `${review.stdout}${review.stderr}`);
    assert.doesNotMatch(review.stderr, /heap|out of memory|Invalid string length/i);
    // The fork's note did not reach Bob's own notes (the tracking ref keeps it, where no reader looks).
    const own = bobs.gitResult(['notes', '--ref=refs/notes/countersign', 'list', feature]);
    assert.notStrictEqual(own.status, 0, 'the huge note was taken into refs/notes/countersign');
  });

  it('H3: a crafted clone holding the note: verify, explain and report name it and do not read it', () => {
    const { ada, server } = setup();
    dirs.push(path.dirname(server.dir));
    const main = ada.git('rev-parse', 'main');
    hugeNote(ada.dir, main);
    for (const args of [['verify'], ['explain', 'HEAD'], ['report', '--format', 'json']]) {
      const r = ada.cli(args, small);
      const said = `${args.join(' ')}: ${r.stdout}${r.stderr}`;
      assert.ok(r.status !== null && r.status <= 2, said);
      assert.doesNotMatch(r.stderr, /heap|out of memory|Invalid string length/i, said);
    }
    const explained = ada.cli(['explain', 'HEAD'], small);
    assert.match(
      `${explained.stdout}${explained.stderr}`,
      new RegExp(`more than a note may hold \\(${MAX_NOTE_BYTES}\\)`),
    );
    assert.match(`${explained.stdout}${explained.stderr}`, /git notes --ref=refs\/notes\/countersign remove/);
  });

  it('H5: a crafted clone with a huge provenance note: explain, blame, report and verify say it is unreadable', () => {
    const { ada, server } = setup();
    dirs.push(path.dirname(server.dir));
    commitFile(ada, 'app.py', 'print(1)\n', 'app\n\nAI-Provenance: v1 ai=0 human=1 untracked=0');
    hugeNote(ada.dir, ada.git('rev-parse', 'HEAD'), 'refs/notes/ai');
    for (const args of [['explain', 'HEAD'], ['blame', 'app.py'], ['report', '--format', 'json'], ['verify']]) {
      const r = ada.cli(args, small);
      const said = `${args.join(' ')}: ${r.stdout}${r.stderr}`;
      assert.ok(r.status >= 0 && r.status <= 2, said);
      assert.doesNotMatch(r.stderr, /heap|out of memory|Invalid string length/i, said);
    }
    const explained = ada.cli(['explain', 'HEAD'], small);
    assert.match(`${explained.stdout}${explained.stderr}`, /more than a provenance note may hold/);
    // The gate fails closed on it: the commit needs review.
    const verify = ada.cli(['verify', '--format', 'json'], small);
    assert.match(verify.stdout, /more than a provenance note may hold/, verify.stdout);
  });
});
