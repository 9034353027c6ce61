import * as assert from 'assert';
import { execFileSync } from 'child_process';
import { createHash } from 'crypto';
import { MAX_ADDED_NOTES, notesTreeChanges } from '../../../src/git/notesAdditions';
import { mergeNotesRef } from '../../../src/git/notesSync';
import { cloneAs } from '../helpers/approvals';
import { HONEST, LAUNDERED as FORGED, landDeployWithNote } from '../helpers/deployNote';
import { approvedFeature, commitFile, setup, type Setup } from '../helpers/gateServer';
import { TempRepo } from '../helpers/tempRepo';

/**
 * attack13 M9/M1/M10: a second tree entry for an object that already has a note (one at `ab/cdef…`, one flat).
 * The server's diff saw an ADDED note, so the landed-note rule (L6) never judged it (M1: blame read the forgery) and
 * git folded the two entries into one concatenated, unreadable note on every developer's next `git notes add`, so
 * every notes push was refused for good (M9; M10 the same in refs/notes/countersign with a copied blob). The server
 * now refuses any notes tree in which an object gets a second entry. Real bare server, real pushes.
 */

/** A notes commit on `ref` in `repo` whose tree is the ref's with `remove` paths dropped and `add` entries put in. */
function craft(repo: TempRepo, ref: string, add: Array<[path: string, blob: string]>, remove: string[] = []): string {
  const env = { ...repo.env, GIT_INDEX_FILE: `${repo.dir}/.git/craft-index` };
  const git = (args: string[], input?: string) =>
    execFileSync('git', args, { cwd: repo.dir, env, input }).toString().trim();
  git(['read-tree', ref]);
  // One --index-info for all (thousands in the N7c case): mode 0 drops a path.
  const zero = '0'.repeat(40);
  const lines = [...remove.map((p) => `0 ${zero}\t${p}`), ...add.map(([p, blob]) => `100644 ${blob}\t${p}`)];
  if (lines.length > 0) git(['update-index', '--index-info'], lines.join('\n') + '\n');
  const commit = git(['commit-tree', git(['write-tree']), '-p', ref, '-m', 'notes']);
  repo.git('update-ref', ref, commit);
  return commit;
}
const fanned = (oid: string) => `${oid.slice(0, 2)}/${oid.slice(2)}`;
const hashed = (repo: TempRepo, text: string) => repo.gitResult(['hash-object', '-w', '--stdin'], text).stdout.trim();
/** `n` blobs written in `repo`: objects to hang notes on. */
const blobsIn = (repo: TempRepo, n: number, tag: string) =>
  Array.from({ length: n }, (_, i) => hashed(repo, `${tag} ${i}\n`));

describe('server gate: no second notes-tree entry for one object (attack13 M9/M1/M10, real pushes)', function () {
  this.timeout(240_000);
  let s: Setup;
  let mallory: TempRepo;
  let landed: string;
  const AI = 'refs/notes/ai';

  before(() => {
    s = setup();
    landed = landDeployWithNote(s);
    mallory = cloneAs(s.server.dir, 'Mallory', 'mallory@example.com');
    mallory.git('fetch', '-q', 'origin', `+${AI}:${AI}`);
  });

  const serverTree = (ref: string) => s.server.git('ls-tree', '-r', '--name-only', ref);

  it('takes a note that only moves into the fan-out layout (same blob), then refuses a flat second entry (M1, M9)', () => {
    const blob = mallory.git('notes', `--ref=${AI}`, 'list', landed);
    craft(mallory, AI, [[fanned(landed), blob]], [landed]);
    const moved = mallory.gitResult(['push', '--no-verify', 'origin', AI]);
    assert.strictEqual(moved.status, 0, moved.stderr);
    const before = serverTree(AI);
    const forged = mallory.gitResult(['hash-object', '-w', '--stdin'], FORGED).stdout.trim();
    craft(mallory, AI, [[landed, forged]]);
    const r = mallory.gitResult(['push', '--no-verify', 'origin', AI]);
    assert.notStrictEqual(r.status, 0, 'accepted: a second entry for a landed commit');
    assert.match(r.stderr, new RegExp(`second entry.*${landed.slice(0, 12)}`));
    assert.match(r.stderr, new RegExp(`already has one at ${fanned(landed)}`));
    assert.strictEqual(serverTree(AI), before);
    assert.strictEqual(s.server.git('notes', `--ref=${AI}`, 'show', landed), HONEST);
  });

  it('refuses a 64-digit note path in a SHA-1 repository, and finds the second entry it used to hide (attack14 N7, N7b)', async () => {
    mallory.git('fetch', '-q', 'origin', `+${AI}:${AI}`);
    const server = mallory.git('rev-parse', AI);
    const before = serverTree(AI);
    const forged = hashed(mallory, FORGED);
    // The SHA-256-length name sorts first in diff-tree's order: the lookup took its id length from it, read the SHA-1
    // trees with 32-byte ids and found no second entry for the landed commit.
    const wide = '0'.repeat(64);
    const crafted = craft(mallory, AI, [
      [landed, forged],
      [wide, forged],
    ]);
    const r = mallory.gitResult(['push', '--no-verify', 'origin', AI]);
    assert.notStrictEqual(r.status, 0, 'accepted: a second entry for a landed commit behind a 64-digit name');
    assert.match(r.stderr, new RegExp(`no note \\("${wide}"\\)`));
    assert.strictEqual(serverTree(AI), before);
    assert.strictEqual(s.server.git('notes', `--ref=${AI}`, 'show', landed), HONEST);
    // The lookup itself, without the stray rule in front of it: it reads the tree by this repository's id length.
    const { seconds } = await notesTreeChanges(mallory.dir, server, crafted);
    assert.deepStrictEqual(seconds, [{ target: landed, path: landed, other: fanned(landed) }]);
  });

  it('refuses two new entries for one commit in one push, even with one blob', () => {
    mallory.git('fetch', '-q', 'origin', `+${AI}:${AI}`);
    const fresh = commitFile(s.ada, 'f.txt', 'f\n', 'f\n\nAI-Provenance: v1 ai=0 human=1 untracked=0');
    assert.strictEqual(s.ada.gitResult(['push', '-q', '--no-verify', 'origin', 'HEAD:refs/heads/f']).status, 0);
    mallory.git('fetch', '-q', 'origin');
    const blob = mallory.gitResult(['hash-object', '-w', '--stdin'], HONEST).stdout.trim();
    craft(mallory, AI, [
      [fresh, blob],
      [`${fresh.slice(0, 2)}/${fresh.slice(2, 4)}/${fresh.slice(4)}`, blob],
    ]);
    const r = mallory.gitResult(['push', '--no-verify', 'origin', AI]);
    assert.notStrictEqual(r.status, 0, 'accepted: two entries for one commit');
    assert.match(r.stderr, new RegExp(`second entry.*${fresh.slice(0, 12)}`));
  });

  it('refuses a copied second entry in refs/notes/countersign (M10)', () => {
    const f = approvedFeature(s);
    const REVIEW = 'refs/notes/countersign';
    f.mallory.git('fetch', '-q', 'origin', `+${REVIEW}:${REVIEW}`);
    const blob = f.mallory.git('notes', `--ref=${REVIEW}`, 'list', f.tip);
    craft(f.mallory, REVIEW, [[fanned(f.tip), blob]]);
    const r = f.mallory.gitResult(['push', '--no-verify', 'origin', REVIEW]);
    assert.notStrictEqual(r.status, 0, 'accepted: a copied entry for an approved tip');
    assert.match(r.stderr, new RegExp(`second entry.*${f.tip.slice(0, 12)}`));
    assert.match(r.stderr, new RegExp(`already has one at ${f.tip}`));
  });

  it('takes honest growth past git’s fan-out threshold: notes written by `git notes add`, pushed in two parts', () => {
    const dev = cloneAs(s.server.dir, 'Dev', 'dev@example.com');
    dev.git('fetch', '-q', 'origin', `+${AI}:${AI}`);
    const layouts: string[][] = [];
    for (const [n, tag] of [
      [20, 'a'],
      [300, 'b'],
    ] as const) {
      for (const b of blobsIn(dev, n, tag)) dev.git('notes', `--ref=${AI}`, 'add', '-m', HONEST, b);
      const r = dev.gitResult(['push', '--no-verify', 'origin', AI]);
      assert.strictEqual(r.status, 0, r.stderr);
      layouts.push(serverTree(AI).split('\n'));
    }
    // git re-laid the tree out in deeper fan-out folders as it grew: notes moved, each still one entry.
    const [first, last] = layouts;
    const targets = (paths: string[]) => paths.map((p) => p.replace(/\//g, ''));
    assert.ok(
      first.some((p) => !last.includes(p)),
      'no note moved: the test did not cross a fan-out threshold',
    );
    assert.ok(targets(first).every((t) => targets(last).includes(t)));
    assert.strictEqual(new Set(targets(last)).size, last.length);
    assert.ok(last.every((p) => p.includes('/')));
  });

  it('takes notes two clones wrote, merged by `git notes merge` (git lays the merged tree out itself)', () => {
    const [a, b] = ['A', 'B'].map((n) => cloneAs(s.server.dir, n, `${n}@example.com`));
    for (const [dev, tag] of [
      [a, 'ma'],
      [b, 'mb'],
    ] as const) {
      dev.git('fetch', '-q', 'origin', `+${AI}:${AI}`);
      for (const blob of blobsIn(dev, 150, tag)) dev.git('notes', `--ref=${AI}`, 'add', '-m', HONEST, blob);
    }
    assert.strictEqual(a.gitResult(['push', '--no-verify', 'origin', AI]).status, 0);
    b.git('fetch', '-q', 'origin', `+${AI}:refs/notes/theirs`);
    b.git('notes', `--ref=${AI}`, 'merge', 'refs/notes/theirs');
    assert.strictEqual(b.git('rev-list', '--count', '--merges', `refs/notes/theirs..${AI}`), '1', 'not a real merge');
    const r = b.gitResult(['push', '--no-verify', 'origin', AI]);
    assert.strictEqual(r.status, 0, r.stderr);
    const paths = serverTree(AI).split('\n');
    assert.strictEqual(new Set(paths.map((p) => p.replace(/\//g, ''))).size, paths.length);
  });

  it(`refuses a second entry among ${MAX_ADDED_NOTES} moved notes, and takes the moves alone (attack14 N7c)`, () => {
    mallory.git('fetch', '-q', 'origin', `+${AI}:${AI}`);
    const readable = mallory.git('notes', `--ref=${AI}`, 'list', landed);
    const junk = Array.from({ length: MAX_ADDED_NOTES }, (_, i) => createHash('sha1').update(`junk${i}`).digest('hex'));
    craft(
      mallory,
      AI,
      junk.map((j) => [j, readable]),
    );
    let t = Date.now();
    const flat = mallory.gitResult(['push', '--no-verify', 'origin', AI]);
    const addMs = Date.now() - t;
    assert.strictEqual(flat.status, 0, `${MAX_ADDED_NOTES} new notes are within the bound: ${flat.stderr}`);
    const base = mallory.git('rev-parse', AI);
    const before = serverTree(AI);
    // Every junk note moved into a fan-out folder (same blob): 5,001 added paths, only one of them a change.
    const moves = junk.map((j): [string, string] => [fanned(j), readable]);
    craft(mallory, AI, [...moves, [landed, hashed(mallory, FORGED)]], junk);
    t = Date.now();
    const r = mallory.gitResult(['push', '--no-verify', 'origin', AI]);
    const attackMs = Date.now() - t;
    assert.notStrictEqual(r.status, 0, 'accepted: a second entry for a landed commit among moved notes');
    assert.match(
      r.stderr,
      new RegExp(`second entry.*${landed.slice(0, 12)} at ${landed} \\(it already has one at ${fanned(landed)}\\)`),
    );
    assert.strictEqual(serverTree(AI), before);
    // The same moves alone are git's own re-layout of a grown tree, at any size: accepted.
    mallory.git('update-ref', AI, base);
    craft(mallory, AI, moves, junk);
    t = Date.now();
    const relaid = mallory.gitResult(['push', '--no-verify', 'origin', AI]);
    const moveMs = Date.now() - t;
    assert.strictEqual(relaid.status, 0, relaid.stderr);
    assert.strictEqual(s.server.git('notes', `--ref=${AI}`, 'show', landed), HONEST);
    console.log(
      `      push of ${MAX_ADDED_NOTES} new notes ${addMs} ms; the moves plus a second entry (refused) ${attackMs} ms; the moves alone ${moveMs} ms`,
    );
  });
});

describe('notes merge from the trusted remote: a path that is no note path is no note (attack14 N7)', () => {
  it('merges two refs/notes/ai that both hold a 64-digit entry in a SHA-1 clone, leaving it alone as git does', async () => {
    const repo = TempRepo.create();
    const AI = 'refs/notes/ai';
    const c = commitFile(repo, 'deploy.sh', 'echo\n', 'deploy');
    repo.git('notes', `--ref=${AI}`, 'add', '-m', HONEST, c);
    const base = repo.git('rev-parse', AI);
    const wide = '0'.repeat(64);
    const theirs = craft(repo, AI, [[wide, hashed(repo, FORGED)]]);
    repo.git('update-ref', AI, base);
    craft(repo, AI, [[wide, hashed(repo, HONEST)]]);
    // Both sides changed "the note on 000…0": it was merged as a note and `git notes add` on no object failed the sync.
    assert.strictEqual(await mergeNotesRef(repo.dir, AI, theirs), true);
    assert.strictEqual(repo.git('merge-base', '--is-ancestor', theirs, AI), '');
    assert.strictEqual(repo.git('notes', `--ref=${AI}`, 'show', c), HONEST.trim());
  });
});
