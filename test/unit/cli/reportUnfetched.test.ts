import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { recordDecision } from '../helpers/approvals';
import { commitFile, pushMain, setup } from '../helpers/gateServer';
import { TempRepo } from '../helpers/tempRepo';

/**
 * newuser8 F13: a reader who `git clone`s the server and runs `report` before `countersign install` got
 * "Reviewed commits 0" with no word that the clone has no notes, and a raw `refs/notes/*` fetch as advice
 * (it would overwrite local notes instead of merging them). And `--json --format csv` silently printed JSON.
 */
describe('report in a clone that never fetched notes', function () {
  this.timeout(180_000);

  it('warns that review coverage counts nothing and names install + fetch; the fix works; conflicting formats exit 2', () => {
    const s = setup();
    try {
      const { ada, bob } = s;
      const base = ada.git('rev-parse', 'HEAD');
      const tip = commitFile(ada, 'a.ts', 'a\n', 'one\n\nAI-Provenance: v1 ai=1 human=0 untracked=0');
      recordDecision(ada, bob, { email: 'bob@example.com', tip, base });
      assert.strictEqual(ada.gitResult(['push', '-q', 'origin', 'refs/notes/countersign']).status, 0);
      assert.strictEqual(pushMain(ada).status, 0);

      const dir = path.join(path.dirname(s.server.dir), 'reader');
      ada.git('clone', '-q', s.server.dir, dir);
      const reader = TempRepo.at(dir);
      const plain = reader.cli(['report', '--json']);
      assert.strictEqual(plain.status, 0, plain.stderr);
      assert.strictEqual((JSON.parse(plain.stdout) as { reviewedCommits: number }).reviewedCommits, 0);
      assert.match(
        plain.stderr,
        /warning: this clone has no refs\/notes\/countersign .* review coverage counts nothing .* run `countersign install` .* then `git fetch`/,
      );
      assert.doesNotMatch(plain.stderr + plain.stdout, /refs\/notes\/\*:refs\/notes\/\*/);

      const both = reader.cli(['report', '--json', '--format', 'csv']);
      assert.strictEqual(both.status, 2, both.stdout + both.stderr);
      // With --json, the error is JSON too (the CLI's convention for exit 2), and no report is printed.
      const error = JSON.parse(both.stdout) as { ok: boolean; exitCode: number; error: string };
      assert.strictEqual(error.ok, false);
      assert.match(error.error, /--json and --format csv ask for two formats/);

      // The advice, followed: the approval is counted and the warning is gone.
      assert.strictEqual(reader.cli(['install']).status, 0);
      reader.git('fetch', '-q', 'origin');
      const after = reader.cli(['report', '--json']);
      assert.strictEqual((JSON.parse(after.stdout) as { reviewedCommits: number }).reviewedCommits, 1, after.stderr);
      assert.doesNotMatch(after.stderr, /no refs\/notes\/countersign/);
    } finally {
      fs.rmSync(path.dirname(s.server.dir), { recursive: true, force: true });
    }
  });
});
