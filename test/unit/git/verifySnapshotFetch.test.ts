import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { cloneAs, recordDecision } from '../helpers/approvals';
import { commitFile, setup } from '../helpers/gateServer';

/**
 * verify reads the repository through one snapshot (withGitReadCache, batchedReads.ts), and its own fetch of the
 * remote's approvals writes refs meanwhile. An approval that only the fetch brings must count in the same
 * command: the integration UI phase once saw 0 of 1 approvals right after the panel's Approve, because the
 * fetched ref was looked up in a ref listing taken before the fetch.
 */
describe('verify: approvals its own fetch brings count in the same run', function () {
  this.timeout(180_000);

  it('a clone that never fetched approvals counts the one a reviewer just pushed', () => {
    const s = setup();
    const { ada, server } = s;
    try {
      const base = ada.git('rev-parse', 'origin/main');
      ada.git('checkout', '-q', '-b', 'feature');
      const tip = commitFile(ada, 'ai.ts', 'export const x = 1;\n', 'x\n\nAI-Provenance: v1 ai=1 human=0 untracked=0');
      ada.git('push', '-q', 'origin', 'feature');
      const verify = () => ada.cli(['verify', '--branch', 'main', '--head', 'feature', '--format', 'json']);
      const before = verify();
      assert.strictEqual(before.status, 1, `unapproved AI work must fail first: ${before.stdout}${before.stderr}`);

      // Bob approves from his own clone and shares it, as the review panel does: Ada's clone has not seen it.
      const bob = cloneAs(server.dir, 'Bob Reviewer', 'bob@example.com');
      try {
        bob.git('fetch', '-q', 'origin', 'feature');
        recordDecision(bob, s.bob, { email: 'bob@example.com', tip, base });
        bob.git('push', '-q', 'origin', 'refs/notes/countersign');
      } finally {
        fs.rmSync(bob.dir, { recursive: true, force: true });
      }

      const after = verify();
      assert.strictEqual(after.status, 0, `verify must count the approval its fetch brought: ${after.stdout}`);
      assert.strictEqual(
        ada.git('rev-parse', 'refs/notes/countersign'),
        server.git('rev-parse', 'refs/notes/countersign'),
      );
    } finally {
      fs.rmSync(path.dirname(server.dir), { recursive: true, force: true });
    }
  });
});
