import * as assert from 'assert';
import { recordDecision } from '../helpers/approvals';
import { aiCommit, policyJson, serverRef, setup } from '../helpers/gateServer';
import { pausedPush } from '../helpers/pausedPush';
import { makeKey } from '../helpers/reviewerKeys';

/**
 * attack23 03 (the report's section 3): a keyless pusher looping "create, delete" of an unprotected branch kept the
 * reference-transaction hook's one global generation moving, so every approved push to main, whose judgement
 * takes seconds, was refused with "another push changed this repository's refs … Retry" for as long as the loop
 * ran. The check now compares what the verdict read (src/git/verdictReads.ts, src/git/shell/referenceTransaction.sh):
 * an update of an unrelated unprotected branch no longer refuses it, while one of a name the push's refs could
 * collide with still does. Real bare server; the approved push is paused inside its judgement (helpers/pausedPush.ts).
 */
describe('server gate: unrelated unprotected ref updates do not refuse a judged push (attack23 03, real server)', function () {
  this.timeout(240_000);

  /** Ada's AI commit on main approved by Bob (its note on the server), her push of main paused in its judgement. */
  async function approvedPushPaused() {
    const s = setup();
    const { ada } = s;
    const base = serverRef(s, 'refs/heads/main');
    const tip = aiCommit(ada, 'feature.py');
    recordDecision(ada, s.bob, { email: 'bob@example.com', tip, base });
    assert.strictEqual(ada.gitResult(['push', '-q', 'origin', 'refs/notes/countersign']).status, 0);
    const a = pausedPush(ada, ['origin', 'main']);
    await a.judging;
    return { s, ada, base, tip, a };
  }

  /**
   * An approved push to main, paused in its judgement while a keyless pusher creates and deletes `junk` twice.
   * refs/notes/junk (attack24 11): any notes ref but the two the gate reads was logged as read by every verdict, so
   * a create/delete loop on it refused every overlapping push, approvals and approved pushes to main included.
   */
  for (const junk of ['refs/heads/junk', 'refs/notes/junk'])
    it(`an approved push to main lands although a keyless pusher created and deleted ${junk} while it was judged`, async () => {
      const { s, ada, base, tip, a } = await approvedPushPaused();
      for (let i = 0; i < 2; i++) {
        const made = ada.gitResult(['push', '-q', '--no-verify', 'origin', `${base}:${junk}`]);
        assert.strictEqual(made.status, 0, made.stderr);
        const gone = ada.gitResult(['push', '-q', '--no-verify', 'origin', `:${junk}`]);
        assert.strictEqual(gone.status, 0, gone.stderr);
      }
      a.release();
      const r = await a.done;
      assert.strictEqual(r.status, 0, `the approved push was refused for ${junk}'s updates: ${r.stderr}`);
      assert.strictEqual(serverRef(s, 'refs/heads/main'), tip);
    });

  it('still refuses it when the concurrent update names what the verdict read: a tag and a branch of one name, a case twin', async () => {
    // Tags unprotected but for release-*: both refs below are plain updates, yet the names collide.
    const s = setup(policyJson(makeKey('bob'), makeKey('carol'), { protectedTags: ['release-*'] }));
    const { ada } = s;
    const base = serverRef(s, 'refs/heads/main');
    const a = pausedPush(ada, ['origin', `${base}:refs/tags/build1`]);
    await a.judging;
    const b = ada.gitResult(['push', '-q', '--no-verify', 'origin', `${base}:refs/heads/build1`]);
    a.release();
    const ra = await a.done;
    assert.strictEqual(b.status, 0, b.stderr);
    assert.ok(serverRef(s, 'refs/tags/build1') === '', 'the tag and the branch build1 both landed');
    assert.match(
      ra.stderr,
      /another push changed this repository's refs while this push was being judged \(refs\/heads\/build1\)/,
    );

    const c = pausedPush(ada, ['origin', `${base}:refs/heads/Topic`]);
    await c.judging;
    const d = ada.gitResult(['push', '-q', '--no-verify', 'origin', `${base}:refs/heads/topic`]);
    c.release();
    const rc = await c.done;
    assert.strictEqual(d.status, 0, d.stderr);
    assert.notStrictEqual(rc.status, 0, 'a case twin of the pushed name changed while it was judged');
  });

  it('still refuses it when the approvals changed while it was judged', async () => {
    const { s, ada, base, tip, a } = await approvedPushPaused();
    recordDecision(ada, s.carol, { email: 'carol@example.com', tip, base });
    const notes = ada.gitResult(['push', '-q', '--no-verify', 'origin', 'refs/notes/countersign']);
    assert.strictEqual(notes.status, 0, notes.stderr);
    a.release();
    const r = await a.done;
    assert.notStrictEqual(r.status, 0);
    assert.match(
      r.stderr,
      /another push changed this repository's refs while this push was being judged \(refs\/notes\/countersign\)/,
    );
  });
});
