import * as assert from 'assert';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { parseStatementNote } from '../../../src/core/approvalStatement';
import { REVIEW_NOTES_REF } from '../../../src/git/notesConfig';
import { shortSha } from '../../../src/core/shortSha';
import { cloneAs, forkAs } from '../helpers/approvals';
import { commitFile, policyJson, setup, type Setup } from '../helpers/gateServer';
import { makeKey } from '../helpers/reviewerKeys';
import type { TempRepo } from '../helpers/tempRepo';

/**
 * attack P2 (outside attacker, push access, no reviewer key): a tag or branch named like the short id of the
 * victim's commit — what `explain`, the review panel and `verify` print (shortSha: 12 hex digits) — at the
 * attacker's unreviewed commit. git reads an ambiguous short name as the ref, not the object, so the reviewer's
 * `countersign explain <id>` showed the attacker's commit, `approve <id>` told him to name the attacker's tag in
 * full, and, in a clone that had not fetched the victim's commit yet, signed the attacker's commit. Real bare
 * server with `install --server`; the client cases go through a fork (no hook, as a forge's fork), which the
 * server's rule cannot reach.
 */
const AI = 'AI-Provenance: v1 ai=1 human=0 untracked=0';

function statementsOn(repo: TempRepo, commit: string) {
  const r = repo.gitResult(['notes', `--ref=${REVIEW_NOTES_REF}`, 'show', commit]);
  return r.status === 0 ? parseStatementNote(r.stdout).statements : [];
}

/** Ada's feature commit (the victim, needs review) on the server, and Mallory's clone with his own commit. */
function victimAndAttacker(s: Setup): { victim: string; evil: string; mallory: TempRepo } {
  s.ada.git('checkout', '-q', '-b', 'feature');
  const victim = commitFile(s.ada, 'pay.ts', 'export const fee = 1;\n', `fee\n\n${AI}`);
  assert.strictEqual(s.ada.gitResult(['push', '-q', 'origin', 'feature']).status, 0);
  const mallory = cloneAs(s.server.dir, 'Mallory', 'mallory@example.com');
  mallory.git('checkout', '-q', '-b', 'evil');
  const evil = commitFile(mallory, 'pay.ts', 'export const fee = 0; // and send it to me\n', `fee\n\n${AI}`);
  return { victim, evil, mallory };
}

describe('attack P2: refs named like a commit id (server)', function () {
  this.timeout(120_000);
  let s: Setup;
  beforeEach(() => {
    // Tags outside v* are unprotected: the attacker's tag needs no review of its own.
    s = setup(policyJson(makeKey('bob'), makeKey('carol'), { protectedTags: ['v*'] }));
  });
  afterEach(() => fs.rmSync(path.dirname(s.server.dir), { recursive: true, force: true }));

  it("a tag or branch named like the victim's short id, at the attacker's commit, is refused", () => {
    const { victim, mallory } = victimAndAttacker(s);
    const short = shortSha(victim);
    for (const ref of [`refs/tags/${short}`, `refs/heads/${short}`, `refs/tags/${victim.slice(0, 7).toUpperCase()}`]) {
      const r = mallory.gitResult(['push', 'origin', 'evil', `evil:${ref}`]);
      assert.notStrictEqual(r.status, 0, `${ref} was accepted: ${r.stderr}`);
      assert.match(r.stderr, new RegExp(`creating the (tag|branch) ${ref} is not allowed: .*abbreviated object id`));
      assert.match(r.stderr, /rename it/);
      assert.strictEqual(s.server.gitResult(['rev-parse', '--verify', '-q', ref]).status, 1, `${ref} exists`);
    }
  });

  it('digits alone: a release date passes, a name that abbreviates an object here is refused', () => {
    // A blob whose id starts with 8 decimal digits (about 1 in 43 blobs), pushed on an unprotected branch.
    let content = '';
    let id = '';
    for (let i = 0; !/^[0-9]{8}/.test(id); i++) {
      content = `digits ${i}\n`;
      id = createHash('sha1')
        .update(`blob ${Buffer.byteLength(content)}\0${content}`)
        .digest('hex');
    }
    commitFile(s.ada, 'digits.txt', content, 'digits\n\nAI-Provenance: v1 ai=0 human=1 untracked=0');
    assert.strictEqual(s.ada.gitResult(['push', '-q', 'origin', 'HEAD:refs/heads/digits']).status, 0);
    const date = s.ada.gitResult(['push', 'origin', 'HEAD:refs/tags/20241201', 'HEAD:refs/heads/release-20241201']);
    assert.strictEqual(date.status, 0, date.stderr);
    const prefix = id.slice(0, 8);
    const r = s.ada.gitResult(['push', 'origin', `HEAD:refs/tags/${prefix}`]);
    assert.notStrictEqual(r.status, 0, r.stderr);
    assert.match(r.stderr, new RegExp(`creating the tag refs/tags/${prefix} is not allowed: .*abbreviates ${id}`));
  });

  it('short hex words and names with more than hex pass', () => {
    for (const ref of ['refs/heads/cafe', 'refs/tags/build-f4d596ae61d4', 'refs/heads/fix/f4d596ae61d4x']) {
      const r = s.ada.gitResult(['push', 'origin', `HEAD:${ref}`]);
      assert.strictEqual(r.status, 0, `${ref}: ${r.stderr}`);
    }
  });
});

describe('attack P2: a reviewer names the short id he was shown (client)', function () {
  this.timeout(120_000);
  let s: Setup;
  let dirs: string[];
  beforeEach(() => {
    s = setup();
    dirs = [path.dirname(s.server.dir)];
  });
  afterEach(() => {
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  });

  /** Mallory's fork holds his commit and a tag named like Ada's short id; Bob fetches the fork to review a PR. */
  function bobWithFork(o: { fetchOrigin: boolean }) {
    const { victim, evil, mallory } = victimAndAttacker(s);
    const { fork } = forkAs(s.server.dir, 'Mallory', 'mallory@example.com');
    const short = shortSha(victim);
    mallory.git('tag', short, evil);
    mallory.git('remote', 'add', 'fork', fork);
    assert.strictEqual(mallory.gitResult(['push', '-q', 'fork', 'evil', `refs/tags/${short}`]).status, 0);
    // A fork is a copy of the server when made: without Ada's branch, it does not bring her commit along.
    if (!o.fetchOrigin) assert.strictEqual(mallory.gitResult(['push', '-q', 'fork', ':feature']).status, 0);
    const bob = cloneAs(s.server.dir, 'Bob Reviewer', 'bob@example.com', s.bob.privateKeyFile);
    dirs.push(bob.dir, mallory.dir);
    if (!o.fetchOrigin) bob.git('update-ref', '-d', 'refs/remotes/origin/feature');
    if (!o.fetchOrigin) bob.git('-c', 'gc.pruneExpire=now', 'gc', '-q', '--prune=now');
    bob.git('remote', 'add', 'mallory', fork);
    bob.git('fetch', '-q', 'mallory');
    assert.strictEqual(bob.git('rev-parse', `refs/tags/${short}`), evil, 'the fork brought the tag');
    return { victim, evil, short, bob };
  }

  it('approve, explain and verify refuse the ambiguous short id, naming both and the full id first', () => {
    const { victim, evil, short, bob } = bobWithFork({ fetchOrigin: true });
    for (const args of [
      ['explain', short],
      ['approve', short, '--no-push'],
      ['verify', '--branch', 'main', '--base', 'refs/remotes/origin/main', '--head', short],
    ]) {
      const r = bob.cli(args);
      assert.strictEqual(r.status, 2, `${args.join(' ')} must refuse: ${r.stdout}${r.stderr}`);
      assert.match(r.stderr, new RegExp(`${short} is ambiguous`));
      assert.match(r.stderr, new RegExp(`refs/tags/${short} \\(commit ${shortSha(evil)}\\)`));
      assert.match(r.stderr, new RegExp(`e\\.g\\. ${victim}`), 'the full id is the suggestion, not the tag');
    }
    assert.deepStrictEqual(statementsOn(bob, evil), [], "nothing signed on the attacker's commit");
    assert.deepStrictEqual(statementsOn(bob, victim), []);
    const full = bob.cli(['approve', victim, '--no-push']);
    assert.strictEqual(full.status, 0, full.stdout + full.stderr);
    assert.strictEqual(statementsOn(bob, victim).length, 1);
  });

  it('approve refuses a ref named like a commit id even when the clone lacks that commit (nothing signed)', () => {
    const { victim, evil, short, bob } = bobWithFork({ fetchOrigin: false });
    assert.notStrictEqual(bob.gitResult(['cat-file', '-e', victim]).status, 0, 'the victim is not in this clone');
    const r = bob.cli(['approve', short, '--no-push']);
    assert.strictEqual(r.status, 2, `must refuse: ${r.stdout}${r.stderr}`);
    assert.match(
      r.stderr,
      new RegExp(`${short} looks like an abbreviated commit id, but names only refs/tags/${short}`),
    );
    assert.deepStrictEqual(statementsOn(bob, evil), [], "nothing signed on the attacker's commit");
    const named = bob.cli(['approve', `refs/tags/${short}`, '--no-push']);
    assert.doesNotMatch(
      named.stderr,
      /looks like an abbreviated commit id/,
      'the ref named in full is what he asked for',
    );
  });
});
