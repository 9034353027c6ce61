import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { recordDecision } from '../helpers/approvals';
import { commitFile, pushMain, setup } from '../helpers/gateServer';

/**
 * `explain` on a commit that landed as part of an approved push (new user, session 8, F1): Bob approved a
 * three-commit branch at its tip and the server accepted it, yet `explain` on the middle commit said
 * "BLOCKED — 0 of 1 required approval(s)" while listing Bob's approval as counting: it judged the commit alone
 * against its parent, where an approval whose tip is a later commit reaches nothing.
 */
describe('explain on a commit that landed in an approved push', function () {
  this.timeout(180_000);

  it('passes the middle commit of an approved three-commit push, as the server did', () => {
    const s = setup();
    const { ada, bob } = s;
    try {
      const AI = 'AI-Provenance: v1 ai=1 human=0 untracked=0';
      const base = ada.git('rev-parse', 'HEAD');
      commitFile(ada, 'a.ts', 'a\n', `one\n\n${AI}`);
      const middle = commitFile(ada, 'b.ts', 'b\n', `two\n\n${AI}`);
      const tip = commitFile(ada, 'c.ts', 'c\n', `three\n\n${AI}`);
      recordDecision(ada, bob, { email: 'bob@example.com', tip, base });
      assert.strictEqual(ada.gitResult(['push', '-q', 'origin', 'refs/notes/countersign']).status, 0);
      const pushed = pushMain(ada);
      assert.strictEqual(pushed.status, 0, `the server refused the approved push: ${pushed.stderr}`);
      ada.git('fetch', '-q', 'origin');

      for (const sha of [middle, tip]) {
        const e = JSON.parse(ada.cli(['explain', sha, '--branch', 'main', '--json']).stdout);
        assert.strictEqual(e.gate.judgedAs, 'landed');
        assert.strictEqual(e.gate.decision.needsReview, true);
        assert.strictEqual(e.gate.ok, true, `explain ${sha === tip ? 'tip' : 'middle'}: ${JSON.stringify(e.gate)}`);
        assert.ok(e.approvals.statements.some((a: { counts: boolean }) => a.counts));
      }

      // A commit landed with no approval reaching it stays blocked: only a counting approval's push is replayed.
      const later = commitFile(ada, 'd.ts', 'd\n', `four\n\n${AI}`);
      assert.notStrictEqual(ada.gitResult(['push', '-q', 'origin', 'main']).status, 0);
      ada.git('update-ref', 'refs/remotes/origin/main', later);
      const blocked = JSON.parse(ada.cli(['explain', later, '--branch', 'main', '--json']).stdout);
      assert.strictEqual(blocked.gate.ok, false);
    } finally {
      fs.rmSync(path.dirname(s.server.dir), { recursive: true, force: true });
    }
  });
});
