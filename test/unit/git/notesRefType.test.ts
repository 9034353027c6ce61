import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { cloneAs } from '../helpers/approvals';
import { approvedFeature, commitFile, setup, type Setup } from '../helpers/gateServer';
import type { TempRepo } from '../helpers/tempRepo';

/**
 * A notes ref must name a notes *commit* (outside tester, session 9, I1): the server took an annotated tag
 * wrapping the notes commit (its fast-forward check peels tags) and, for a ref not created yet, a bare tree.
 * Clients then copied the value on fetch and every `git notes add` — every approve and reject — died, and a tree
 * also broke the server's own ancestry check for every later update. Real server, real hooks, real keys.
 */
describe('notes refs: only a notes commit is taken (real pushes)', function () {
  this.timeout(120_000);
  let s: Setup;
  let mallory: TempRepo;

  before(() => {
    s = setup();
    ({ mallory } = approvedFeature(s));
    mallory.git('fetch', '-q', 'origin', '+refs/notes/countersign:refs/notes/countersign');
  });
  after(() => {
    for (const dir of [mallory.dir, path.dirname(s.server.dir)]) fs.rmSync(dir, { recursive: true, force: true });
  });

  function tagOf(repo: TempRepo, commit: string): string {
    const text = `object ${commit}\ntype commit\ntag wrap\ntagger M <m@example.com> 1700000000 +0000\n\nwrap\n`;
    return repo.gitResult(['mktag'], text).stdout.trim();
  }

  it('attack: refuses refs/notes/countersign moved to an annotated tag of its own descendant', () => {
    const before = s.server.git('rev-parse', 'refs/notes/countersign');
    const tag = tagOf(mallory, mallory.git('rev-parse', 'refs/notes/countersign'));
    const r = mallory.gitResult(['push', '-f', '--no-verify', 'origin', `${tag}:refs/notes/countersign`]);
    assert.notStrictEqual(r.status, 0, 'a tag object was taken as the approvals ref');
    assert.match(r.stderr, /refs\/notes\/countersign must name a notes commit/);
    assert.match(r.stderr, /is a tag/);
    assert.strictEqual(s.server.git('rev-parse', 'refs/notes/countersign'), before);
  });

  it('attack: refuses refs/notes/ai created as a tree', () => {
    assert.notStrictEqual(s.server.gitResult(['rev-parse', '--verify', '-q', 'refs/notes/ai']).status, 0);
    const tree = mallory.gitResult(['mktree'], '').stdout.trim();
    const r = mallory.gitResult(['push', '--no-verify', 'origin', `${tree}:refs/notes/ai`]);
    assert.notStrictEqual(r.status, 0, 'a tree was taken as the provenance ref');
    assert.match(r.stderr, /refs\/notes\/ai must name a notes commit/);
    assert.notStrictEqual(s.server.gitResult(['rev-parse', '--verify', '-q', 'refs/notes/ai']).status, 0);
  });

  it('approve with a local approvals ref that is no commit says which ref and how to repair it', () => {
    commitFile(mallory, 'y.ts', 'y\n', 'y');
    assert.strictEqual(mallory.gitResult(['push', '-q', '--no-verify', 'origin', 'HEAD:refs/heads/y']).status, 0);
    const bob = cloneAs(s.server.dir, 'Bob Reviewer', 'bob@example.com', s.bob.privateKeyFile);
    try {
      bob.git('fetch', '-q', 'origin', '+refs/notes/countersign:refs/notes/countersign');
      const notes = bob.git('rev-parse', 'refs/notes/countersign');
      bob.git('update-ref', 'refs/notes/countersign', tagOf(bob, notes));
      const r = bob.cli(['approve', 'refs/remotes/origin/y', '--no-push']);
      assert.strictEqual(r.status, 2, `${r.stdout}${r.stderr}`);
      assert.match(r.stderr, /refs\/notes\/countersign is a tag, not a notes commit/);
      assert.match(r.stderr, /git update-ref refs\/notes\/countersign refs\/notes\/countersign\^\{commit\}/);
      assert.doesNotMatch(r.stderr, /Failed to find\/parse/);
    } finally {
      fs.rmSync(bob.dir, { recursive: true, force: true });
    }
  });
});
