import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { cloneAs } from '../helpers/approvals';
import { commitFile, setup } from '../helpers/gateServer';

/**
 * What `approve` must notice before it signs (newuser14 S20, S11, S10): a statement signed on a wrong premise
 * stays in the append-only notes ref for ever, so each is refused with exit 2 and nothing recorded. Real server.
 */
describe('approve checks what it would sign before signing (newuser14)', function () {
  this.timeout(240_000);

  const noNote = (repo: { gitResult(a: string[]): { status: number } }, tip: string) =>
    assert.notStrictEqual(repo.gitResult(['notes', '--ref=countersign', 'show', tip]).status, 0, 'nothing recorded');

  it('S20: refuses REMOTE/BRANCH when the branch has moved on the remote since the last fetch', () => {
    const s = setup();
    try {
      s.ada.git('checkout', '-q', '-b', 'feature');
      const old = commitFile(s.ada, 'f.md', 'f\n', 'f\n\nAI-Provenance: v1 ai=1 human=0 untracked=0');
      assert.strictEqual(s.ada.gitResult(['push', '-q', 'origin', 'feature']).status, 0);
      const bobs = cloneAs(s.server.dir, 'Bob Reviewer', 'bob@example.com', s.bob.privateKeyFile);
      const moved = commitFile(s.ada, 'f.md', 'fixed\n', 'fix\n\nAI-Provenance: v1 ai=1 human=0 untracked=0');
      assert.strictEqual(s.ada.gitResult(['push', '-q', 'origin', 'feature']).status, 0);

      const r = bobs.cli(['approve', 'origin/feature']);
      assert.strictEqual(r.status, 2, r.stdout + r.stderr);
      assert.match(r.stderr, /origin\/feature has moved on origin since your last fetch/);
      assert.match(r.stderr, new RegExp(`${old.slice(0, 12)}.*${moved.slice(0, 12)}`));
      assert.match(r.stderr, /git fetch origin/);
      noNote(bobs, old);
      // By its id, the old tip is approved deliberately.
      const byId = bobs.cli(['approve', old]);
      assert.strictEqual(byId.status, 0, byId.stdout + byId.stderr);
    } finally {
      fs.rmSync(path.dirname(s.server.dir), { recursive: true, force: true });
    }
  });

  it('S11: refuses a --base that is not an ancestor of REV and shares its line (a later commit)', () => {
    const s = setup();
    try {
      const tip = s.ada.git('rev-parse', 'HEAD');
      s.ada.git('checkout', '-q', '-b', 'later');
      const later = commitFile(s.ada, 'l.md', 'l\n', 'l');
      s.ada.git('checkout', '-q', 'main');
      const bobs = cloneAs(s.server.dir, 'Bob Reviewer', 'bob@example.com', s.bob.privateKeyFile);
      bobs.git('fetch', '-q', s.ada.dir, `${later}:refs/heads/later`);
      const r = bobs.cli(['approve', 'HEAD', '--base', 'later', '--no-push']);
      assert.strictEqual(r.status, 2, r.stdout + r.stderr);
      assert.match(
        r.stderr,
        /--base later \([0-9a-f]{12}\) is not an ancestor of HEAD \([0-9a-f]{12}\): it already contains/,
      );
      assert.match(r.stderr, /give the commit the change starts from/);
      assert.doesNotMatch(r.stdout, /Approved/);
      noNote(bobs, tip);
    } finally {
      fs.rmSync(path.dirname(s.server.dir), { recursive: true, force: true });
    }
  });

  it('S10: refuses an unknown --remote before signing, with "Did you mean"', () => {
    const s = setup();
    try {
      s.ada.git('checkout', '-q', '-b', 'feature');
      const tip = commitFile(s.ada, 'f.md', 'f\n', 'f\n\nAI-Provenance: v1 ai=1 human=0 untracked=0');
      assert.strictEqual(s.ada.gitResult(['push', '-q', 'origin', 'feature']).status, 0);
      const bobs = cloneAs(s.server.dir, 'Bob Reviewer', 'bob@example.com', s.bob.privateKeyFile);
      const r = bobs.cli(['approve', 'origin/feature', '--remote', 'orign']);
      assert.strictEqual(r.status, 2, r.stdout + r.stderr);
      assert.match(r.stderr, /no remote named 'orign'/);
      assert.match(r.stderr, /Did you mean .*origin/);
      noNote(bobs, tip);
    } finally {
      fs.rmSync(path.dirname(s.server.dir), { recursive: true, force: true });
    }
  });
});
