import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { cloneAs } from '../helpers/approvals';
import { commitFile, setup } from '../helpers/gateServer';

/**
 * newuser12 P11: Ana's branch started from an older main; main moved on; `countersign review` printed
 * `approve … --base <the current origin/main>`, a commit that is not an ancestor of the tip (approve coped, and
 * signed the merge-base). review now prints the merge-base, which is what gets signed. Real server and clones.
 */
describe('countersign review: the approve command names the merge-base (newuser12 P11)', function () {
  this.timeout(240_000);

  it('prints the commit the branch started from, not the moved target tip; approve signs that base', () => {
    const s = setup();
    try {
      const { ada } = s;
      const start = ada.git('rev-parse', 'origin/main');
      ada.git('checkout', '-q', '-b', 'feat-x', 'origin/main');
      const tip = commitFile(
        ada,
        'x.ts',
        'export const x = 1;\n',
        'Add x\n\nAI-Provenance: v1 ai=1 human=0 untracked=0',
      );
      assert.strictEqual(ada.gitResult(['push', '-q', 'origin', 'feat-x']).status, 0);
      // main moves on with a human commit.
      ada.git('checkout', '-q', 'main');
      commitFile(ada, 'README.md', 'hello\nmore\n', 'Docs\n\nAI-Provenance: v1 ai=0 human=1 untracked=0');
      assert.strictEqual(ada.gitResult(['push', '-q', 'origin', 'main']).status, 0);
      const moved = ada.git('rev-parse', 'main');
      assert.notStrictEqual(moved, start);

      const bobs = cloneAs(s.server.dir, 'Bob Reviewer', 'bob@example.com', s.bob.privateKeyFile);
      const json = JSON.parse(bobs.cli(['review', '--json']).stdout) as {
        branches: Array<{ branch: string; commits: Array<{ sha: string; base: string; approveCommand: string }> }>;
      };
      const card = json.branches.find((b) => b.branch === 'feat-x')?.commits[0];
      assert.ok(card, JSON.stringify(json));
      assert.strictEqual(card.sha, tip);
      assert.strictEqual(card.base, start, 'the base is where the branch left main, not main now');
      assert.strictEqual(card.approveCommand, `countersign approve ${tip} --base ${start}`);
      assert.ok(
        bobs.cli(['review', '--no-fetch']).stdout.includes(`approve: countersign approve ${tip} --base ${start}`),
      );

      const approve = bobs.cli([...card.approveCommand.split(' ').slice(1)]);
      assert.strictEqual(approve.status, 0, approve.stderr);
      assert.doesNotMatch(approve.stdout + approve.stderr, /not an ancestor/);
      const note = JSON.parse(bobs.git('notes', '--ref=refs/notes/countersign', 'show', tip).split('\n')[0]) as {
        statement: { base: string };
      };
      assert.strictEqual(note.statement.base, start);
    } finally {
      fs.rmSync(path.dirname(s.server.dir), { recursive: true, force: true });
    }
  });
});
