import * as assert from 'assert';
import { claudePayload, writeDemoTranscript } from '../../../scripts/demoClaude';
import { TempRepo } from '../helpers/tempRepo';

/**
 * newuser8: the demo's flagship trailer said `Assisted-by: Claude:unknown claude-code` because its transcript lay
 * outside Claude Code's folders, where Countersign (rightly) does not read one. The demo's payload and transcript
 * now sit where Claude Code keeps them; through the real hooks the model is named from the transcript alone.
 */
describe("the demo's Claude Code payload", function () {
  this.timeout(120_000);

  it('names the model through the transcript, as a real Claude Code session does', () => {
    const repo = TempRepo.create();
    assert.strictEqual(repo.cli(['install']).status, 0);
    assert.strictEqual(repo.cli(['agents', 'connect', 'claude', '--local']).status, 0);
    const transcript = writeDemoTranscript(repo.env.HOME as string, repo.dir, 'claude-sonnet-4-5');
    const content = 'def refund(order):\n    return order.total\n';
    for (const event of ['PreToolUse', 'PostToolUse'] as const) {
      if (event === 'PostToolUse') repo.write('refund.py', content);
      const r = repo.cli(['checkpoint', '--from', 'claude'], {
        input: claudePayload(repo.dir, transcript, event, 'refund.py', content),
      });
      assert.strictEqual(r.status, 0, r.stderr);
    }
    repo.git('add', 'refund.py');
    repo.git('commit', '-q', '-m', 'refund');
    const body = repo.git('log', '-1', '--format=%B');
    assert.match(body, /^Assisted-by: Claude:claude-sonnet-4-5 claude-code$/m);
    assert.doesNotMatch(body, /unknown/);
    assert.doesNotMatch(claudePayload(repo.dir, transcript, 'PreToolUse', 'refund.py', content), /model/);
  });
});
