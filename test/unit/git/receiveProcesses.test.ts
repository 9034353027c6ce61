import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { recordDecision } from '../helpers/approvals';
import { commitFile, setup } from '../helpers/gateServer';
import { GitProcessLog } from '../helpers/gitProcessLog';
import { TempRepo } from '../helpers/tempRepo';

/** What the server's shell hooks may start besides git and node: counted apart (GitProcessLog's tools). */
const HOOK_TOOLS = 'cat date dirname ln mkdir mktemp mv ps readlink rm sleep timeout tr uname'.split(' ');

/**
 * What one judged push costs the server's pre-receive, and `verify` the same push, in git processes (procs18: on a
 * paravirtualised machine each start costs ~6 ms of system CPU, and the unit suite is mostly process starts). One
 * approved AI commit: Bob's approval is pushed first (the notes push is judged too), then main. Counted by a git
 * shim (helpers/gitProcessLog.ts), so load cannot move the figures; the server's own (unpack-objects) included.
 */
describe('pre-receive and verify: git processes per judged push', function () {
  this.timeout(240_000);

  it('judges a notes push and an approved push to main, and verifies it, within their process caps', () => {
    const s = setup();
    const { ada, bob, server } = s;
    const onServer = new GitProcessLog({ onlyIn: server.dir, tools: HOOK_TOOLS });
    const anywhere = new GitProcessLog();
    try {
      const base = ada.git('rev-parse', 'origin/main');
      const tip = commitFile(
        ada,
        'app.ts',
        'export const a = 1;\n',
        'app\n\nAI-Provenance: v1 ai=1 human=0 untracked=0',
      );
      recordDecision(ada, bob, { email: 'bob@example.com', tip, base });
      // No client hook (--no-verify): only the server's side is counted here (pushProcesses.test.ts: the client's).
      const pusher = TempRepo.at(ada.dir, onServer.env);
      const push = (ref: string) => {
        onServer.reset();
        const r = pusher.gitResult(['push', '-q', '--no-verify', 'origin', ref]);
        return {
          status: r.status,
          stderr: r.stderr,
          n: onServer.starts().length,
          summary: onServer.summary(),
          tools: onServer.toolStarts().length,
          toolSummary: onServer.toolSummary(),
        };
      };
      const notes = push('refs/notes/countersign');
      assert.strictEqual(notes.status, 0, notes.stderr);
      anywhere.reset();
      const verify = ada.cli(['verify', '--branch', 'main', '--format', 'json'], { env: anywhere.env });
      assert.strictEqual(verify.status, 0, verify.stdout + verify.stderr);
      const verified = { n: anywhere.starts().length, summary: anywhere.summary() };
      const main = push('main');
      assert.strictEqual(main.status, 0, main.stderr);
      assert.strictEqual(server.git('rev-parse', 'main'), tip);
      console.log(
        `      pre-receive, notes push: ${notes.n} git processes (${notes.summary})\n` +
          `      pre-receive, main: ${main.n} git processes (${main.summary})\n` +
          `      hooks' other programs, notes push: ${notes.tools} (${notes.toolSummary}); main: ${main.tools} (${main.toolSummary})\n` +
          `      verify: ${verified.n} git processes (${verified.summary})`,
      );
      // Before procs18: notes push 25, main 34, verify 25 (a gc --auto or maintenance run in each); 17, 21, 20 after.
      // gate20: the gate's object questions (rev-parse of the policy's commit and blob, of the notes refs' tips,
      // cat-file -t and the --batch-check runs) from one batch-check kept open for the judgement: 12 and 16; main
      // 15 since 8424b81 (no net-change diff-tree where the first-parent chain starts at the base).
      // attack26 04 added two to a judged range: its paths are counted before git lists them (a listing `git log`
      // and one `git diff-tree --stdin` for every tree level: git/changedPathCount.ts): main 17.
      // 12, then 13 with attack26 08's rev-list of the pushed notes commits' sizes.
      assert.ok(notes.n <= 13, `notes push: ${notes.n} git processes: ${notes.summary}`);
      assert.ok(main.n <= 17, `main: ${main.n} git processes: ${main.summary}`);
      assert.ok(verified.n <= 24, `verify: ${verified.n} git processes: ${verified.summary}`);
      // The shell hooks' own programs, per one-ref push (pre-receive, and reference-transaction's begin, judged,
      // prepared and committed runs). Before hookprocs19: 23 each (mv×7 rm×5 mktemp×3 mkdir×2 tr ln readlink
      // timeout dirname cat); after: 10 (rm×3 mv×2 mktemp tr timeout ln readlink).
      assert.ok(notes.tools <= 10, `notes push: ${notes.tools} hook programs: ${notes.toolSummary}`);
      assert.ok(main.tools <= 10, `main: ${main.tools} hook programs: ${main.toolSummary}`);
    } finally {
      onServer.remove();
      anywhere.remove();
      fs.rmSync(path.dirname(server.dir), { recursive: true, force: true });
    }
  });
});
