import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { recordDecision } from '../helpers/approvals';
import { commitFile, pushMain, setup } from '../helpers/gateServer';
import { TempRepo } from '../helpers/tempRepo';

/**
 * newuser20 F5/F6: in a plain `git clone` of the server (no `countersign install`, so neither refs/notes/ai nor
 * refs/notes/countersign was fetched) `blame` showed an agent's lines as untracked with no word why, and `explain`
 * said "verdict: BLOCKED — needs 1 approval" for a landed, approved commit, while `report` warned. One module
 * (git/unfetchedNotes.ts) decides and words the warning for all three; explain's BLOCKED verdict says it itself.
 * explain stays read-only: it fetches nothing (README, docs/choices.md). Real server, real `git clone file://`.
 */
describe('blame, explain and report in a plain clone that never fetched notes (newuser20 F5/F6)', function () {
  this.timeout(180_000);

  it('all three say the notes were never fetched and how to fetch them; explain fetches nothing; the fix works', () => {
    const s = setup();
    try {
      const { ada, bob } = s;
      const base = ada.git('rev-parse', 'HEAD');
      const tip = commitFile(ada, 'a.py', 'x = 1\ny = 2\n', 'agent\n\nAI-Provenance: v1 ai=2 human=0 untracked=0');
      const session = 's_0123456789abcd::t_0123456789abcd';
      ada.git(
        'notes',
        '--ref=ai',
        'add',
        '-m',
        `a.py\n  ${session} 1-2\n---\n{"schema_version":"authorship/3.0.0","base_commit_sha":"${base}","prompts":{},"sessions":{"s_0123456789abcd":{"agent_id":{"tool":"claude-code","id":"c1","model":"m1"},"human_author":"Ada"}},"humans":{}}`,
        tip,
      );
      recordDecision(ada, bob, { email: 'bob@example.com', tip, base });
      const notes = ada.gitResult(['push', '-q', 'origin', 'refs/notes/countersign', 'refs/notes/ai']);
      assert.strictEqual(notes.status, 0, notes.stderr);
      assert.strictEqual(pushMain(ada).status, 0);

      const dir = path.join(path.dirname(s.server.dir), 'responder');
      execFileSync('git', ['clone', '-q', `file://${s.server.dir}`, dir], { stdio: 'pipe' });
      const ir = TempRepo.at(dir);
      const refsBefore = ir.git('for-each-ref');
      const fix = /run `countersign install` \(it sets the notes refspecs\), then `git fetch`/;

      const blame = ir.cli(['blame', 'a.py']);
      assert.strictEqual(blame.status, 0, blame.stderr);
      assert.match(blame.stdout, /untracked/);
      assert.match(
        blame.stderr,
        /^countersign blame: warning: this clone has no refs\/notes\/ai \(a plain clone fetches no notes\), so every line shows as untracked/,
      );
      assert.match(blame.stderr, fix);
      assert.match(JSON.parse(ir.cli(['blame', 'a.py', '--json']).stdout).warnings[0], /no refs\/notes\/ai/);

      const text = ir.cli(['explain', tip]);
      assert.strictEqual(text.status, 0, text.stderr);
      assert.match(
        text.stderr,
        /countersign explain: warning: this clone has no refs\/notes\/countersign or refs\/notes\/ai .* no approval is listed or counted by the gate/,
      );
      assert.match(text.stderr, fix);
      assert.match(
        text.stdout,
        /verdict: BLOCKED — needs 1 approval — computed without approvals: this clone never fetched refs\/notes\/countersign \(run `countersign install`, then `git fetch`, and explain again\)/,
      );
      const json = JSON.parse(ir.cli(['explain', tip, '--json']).stdout);
      assert.match(json.gate.withoutApprovals, /never fetched refs\/notes\/countersign/);
      assert.match(json.warnings[0], /a plain clone fetches no notes/);
      // Read-only: explain fetched nothing and wrote no ref.
      assert.strictEqual(ir.git('for-each-ref'), refsBefore);

      // report's sentence is the same module's, worded for it.
      assert.match(
        ir.cli(['report', '--json']).stderr,
        /no refs\/notes\/countersign or refs\/notes\/ai .* review coverage counts nothing/,
      );

      // The advice, followed: no warning, the lines are the agent's and the verdict passes.
      assert.strictEqual(ir.cli(['install']).status, 0);
      ir.git('fetch', '-q', 'origin');
      const after = ir.cli(['blame', 'a.py']);
      assert.strictEqual(after.stderr, '');
      assert.match(after.stdout, /ai:claude-code/);
      const passed = ir.cli(['explain', tip]);
      assert.doesNotMatch(passed.stderr, /plain clone/);
      assert.match(passed.stdout, /verdict: PASS/);
      assert.doesNotMatch(passed.stdout, /computed without approvals/);
    } finally {
      fs.rmSync(path.dirname(s.server.dir), { recursive: true, force: true });
    }
  });
});
