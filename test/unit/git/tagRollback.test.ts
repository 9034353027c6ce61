import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { pushRemovedLegacy, policyJson, setup, type Setup } from '../helpers/gateServer';
import { makeKey } from '../helpers/reviewerKeys';
import { prePushHook } from '../helpers/refVerdicts';

/**
 * A protected tag moved back to an old commit of main (outside tester, session 8, H4): main could not be rewound
 * past the commit that removed 60 unreviewed agent lines, but `git push -f origin OLD:refs/tags/v1.1` moved
 * the release tag there and a deploy-on-tag pipeline shipped them. A tag that already exists is judged like a
 * branch update from its current value (docs/threat-model.md, "Tags"): a move to a commit that does not contain
 * it is a rewind, refused unless allowForcePushes; allowed, it is judged for what it brings back. The client's
 * pre-push (which sees the remote's tag value) and the server agree. A protected tag moves at all only with
 * `allowTagMoves` (attack17 Q3, protectedTagMove.test.ts), which these policies set.
 */
describe('server gate: protected tags cannot be rolled back (real pushes)', function () {
  this.timeout(240_000);

  const ZERO = '0'.repeat(40);
  /** setup() copies the server and clone into one temp folder: removed with them. */
  const removeSetup = (s: Setup) => fs.rmSync(path.dirname(s.server.dir), { recursive: true, force: true });
  function prePushAndServer(
    s: Setup,
    spec: string,
    ref: string,
    force: boolean,
  ): { prePush: number; push: number; stderr: string } {
    const { ada } = s;
    const remote = ada.git('ls-remote', 'origin', ref).split('\t')[0] || ZERO;
    const local = ada.git('rev-parse', spec);
    const prePush = prePushHook(ada, `${ref} ${local} ${ref} ${remote}\n`);
    const push = ada.gitResult(['push', '--no-verify', ...(force ? ['-f'] : []), 'origin', `${spec}:${ref}`]);
    return {
      prePush: prePush.status,
      push: push.status,
      stderr: `pre-push: ${prePush.stderr}\nserver: ${push.stderr}`,
    };
  }

  describe('allowForcePushes unset', () => {
    let s: Setup;
    let old: string;
    before(() => {
      s = setup(policyJson(makeKey('bob'), makeKey('carol'), { allowTagMoves: true }));
      old = pushRemovedLegacy(s);
      s.ada.git('tag', 'v1.1', 'origin/main');
      assert.strictEqual(s.ada.gitResult(['push', '-q', '--no-verify', 'origin', 'v1.1']).status, 0);
    });
    after(() => removeSetup(s));

    it('moving the release tag back to the commit before the removal is refused by pre-push and the server', () => {
      const before = s.server.git('rev-parse', 'refs/tags/v1.1');
      const r = prePushAndServer(s, old, 'refs/tags/v1.1', true);
      assert.ok(r.prePush !== 0 && r.push !== 0, `a tag rollback was accepted:\n${r.stderr}`);
      assert.match(r.stderr, /server: [\s\S]*non-fast-forward update of the protected tag v1\.1 is not allowed/);
      assert.strictEqual(s.server.git('rev-parse', 'refs/tags/v1.1'), before);
    });

    it("verify --tag reads the remote's current value of the tag, so it refuses the rollback as the server does", () => {
      const { ada, server } = s;
      const there = server.git('rev-parse', 'refs/tags/v1.1');
      ada.git('tag', '-f', 'v1.1', old);
      try {
        const v = ada.cli(['verify', '--tag', 'v1.1']);
        assert.strictEqual(v.status, 1, `verify passed a tag rollback the server refuses:\n${v.stdout}${v.stderr}`);
        assert.match(v.stdout + v.stderr, /non-fast-forward update of the protected tag v1\.1 is not allowed/);
        const offline = ada.cli(['verify', '--tag', 'v1.1', '--no-fetch']);
        assert.strictEqual(offline.status, 2, `without the remote, the tag's old value is unknown: ${offline.stderr}`);
        assert.match(offline.stderr, /current value of the tag v1\.1 on origin is unknown/);
      } finally {
        ada.git('tag', '-f', 'v1.1', there);
      }
    });

    it('moving the tag forward along main still passes, and so does an annotated tag moved forward', () => {
      const { ada } = s;
      ada.git('tag', '-a', '-m', 'rc', 'rc1', 'origin/main');
      assert.strictEqual(ada.gitResult(['push', '-q', '--no-verify', 'origin', 'rc1']).status, 0);
      ada.write('DOCS.md', 'docs\nforward\n');
      ada.git('add', 'DOCS.md');
      ada.commit('docs', '-m', 'AI-Provenance: v1 ai=0 human=1 untracked=0');
      assert.strictEqual(ada.gitResult(['push', '-q', '--no-verify', 'origin', 'main']).status, 0);
      const r = prePushAndServer(s, 'origin/main', 'refs/tags/v1.1', true);
      assert.deepStrictEqual({ prePush: r.prePush, push: r.push }, { prePush: 0, push: 0 }, r.stderr);
      // A new tag at an older commit of main is judged from the nearest state the gate vouched for (K3): here the
      // gate's start, and the 60 agent lines planted past the gate since then need a review first.
      const older = prePushAndServer(s, 'origin/main~1', 'refs/tags/rc0', false);
      assert.ok(older.prePush !== 0 && older.push !== 0, older.stderr);
      assert.match(older.stderr, /server: [\s\S]*agent code/);
      ada.git('tag', '-f', '-a', '-m', 'rc', 'rc1', 'origin/main');
      const a = prePushAndServer(s, 'refs/tags/rc1', 'refs/tags/rc1', true);
      assert.deepStrictEqual({ prePush: a.prePush, push: a.push }, { prePush: 0, push: 0 }, a.stderr);
    });
  });

  it('with allowForcePushes, the rollback is judged: the 60 agent lines it brings back need a review', () => {
    const s = setup(policyJson(makeKey('bob'), makeKey('carol'), { allowForcePushes: true, allowTagMoves: true }));
    try {
      const old = pushRemovedLegacy(s);
      s.ada.git('tag', 'v1.1', 'origin/main');
      assert.strictEqual(s.ada.gitResult(['push', '-q', '--no-verify', 'origin', 'v1.1']).status, 0);
      const r = prePushAndServer(s, old, 'refs/tags/v1.1', true);
      assert.ok(r.prePush !== 0 && r.push !== 0, `a tag rollback restoring agent code was accepted:\n${r.stderr}`);
      assert.match(r.stderr, /server: [\s\S]*brings back 60 line\(s\)/);
    } finally {
      removeSetup(s);
    }
  });
});
