import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { cloneAs, recordDecision } from '../helpers/approvals';
import { fastImport } from '../helpers/fastImport';
import { commitFile, setup, type Setup } from '../helpers/gateServer';
import { GitProcessLog } from '../helpers/gitProcessLog';
import { TempRepo } from '../helpers/tempRepo';

/**
 * attack27 03: where the approved commits are missing, each commit of a push carried by patch-id had its own change
 * replayed back onto the approved base (git/approvalReplay.ts, ~5 git processes each). The approved change and 198
 * empty commits on top all have the approved patch-id from main: 199 replays, 21.5 s a push, and with tags at the
 * chain's commits (each judged in full) the hook's 120 s timeout. Only a commit whose chain from the review base is
 * one commit long can be carried without the approved commits, a replay's answer depends only on the trees, and
 * a statement gets at most MAX_REPLAYS_PER_STATEMENT replays; the rest are refused, saying why. Counted in git
 * processes the server's hook starts (a count, not a time: load cannot move it). Real bare server, real keys.
 */
describe('attack27 03: replays of an approval carried by patch-id are bounded per push', function () {
  this.timeout(240_000);

  const AI = (n: number) => `AI-Provenance: v1 ai=${n} human=0 untracked=0`;
  const HUMAN = (n: number) => `AI-Provenance: v1 ai=0 human=${n} untracked=0`;
  const BLOCKS = 21;
  const X = '    allow_anonymous(req)\n';
  const block = (i: number, line: string) =>
    `def handler_${i}(req):\n    load(req)\n    audit(req)\n    log(req)\n${line}    cache(req)\n    render(req)\n    done(req)\n\n`;
  /** BLOCKS identical blocks but for their def line (out of a hunk's context): X in those listed. */
  const blocks = (withX: number[]) =>
    Array.from({ length: BLOCKS }, (_, i) => block(i, withX.includes(i) ? X : '')).join('');

  let s: Setup;
  let mallory: TempRepo;
  let approvedTip = '';
  let mainTip = '';

  const serverStarts = (args: string[]) => {
    const log = new GitProcessLog({ onlyIn: s.server.dir });
    try {
      const r = TempRepo.at(mallory.dir, log.env).gitResult(['push', '--no-verify', 'origin', ...args]);
      return { ...r, n: log.starts().length, summary: log.summary(), merges: log.count('merge-tree') };
    } finally {
      log.remove();
    }
  };

  before(() => {
    s = setup();
    const { ada, bob, server } = s;
    commitFile(ada, 'app.py', blocks([]), `handlers\n\n${HUMAN(8 * BLOCKS)}`);
    assert.strictEqual(ada.gitResult(['push', '-q', 'origin', 'main']).status, 0);
    const base = ada.git('rev-parse', 'HEAD');
    ada.git('checkout', '-q', '-b', 'feature');
    approvedTip = commitFile(ada, 'app.py', blocks([0]), `handler 0: allow anonymous\n\n${AI(1)}`);
    recordDecision(ada, bob, { email: 'bob@example.com', tip: approvedTip, base });
    const up = ada.gitResult(['push', '-q', '--no-verify', 'origin', 'feature', 'refs/notes/countersign']);
    assert.strictEqual(up.status, 0, up.stderr);
    ada.git('checkout', '-q', 'main');
    mainTip = commitFile(ada, 'CHANGES', 'changelog\n', `changelog\n\n${HUMAN(1)}`);
    assert.strictEqual(ada.gitResult(['push', '-q', 'origin', 'main']).status, 0);
    assert.strictEqual(ada.gitResult(['push', '-q', 'origin', '--delete', 'feature']).status, 0);
    server.git('gc', '-q', '--prune=now');
    assert.notStrictEqual(server.gitResult(['cat-file', '-e', `${approvedTip}^{commit}`]).status, 0, 'pruned');
    mallory = cloneAs(server.dir, 'Mallory', 'mallory@example.com');
  });

  it('the approved change and 198 empty commits on top, with tags at ten of them: one replay, not 199 per ref', () => {
    mallory.git('checkout', '-q', '-B', 'chain', mainTip);
    const chain = fastImport(
      mallory,
      [
        { message: `handler 0: allow anonymous\n\n${AI(1)}`, files: { 'app.py': blocks([0]) } },
        ...Array.from({ length: 198 }, (_, i) => ({ message: `empty ${i}\n\n${HUMAN(0)}` })),
      ],
      'chain',
    );
    assert.strictEqual(chain.length, 199);
    const tags = chain.slice(1, 11).map((c, i) => `${c}:refs/tags/v0.${i}`);
    const r = serverStarts([`${chain[198]}:refs/heads/main`, ...tags]);
    console.log(`      server hook: ${r.n} git processes (${r.summary})`);
    assert.strictEqual(r.status, 0, `the approved change and empty commits were refused:\n${r.stderr}`);
    assert.strictEqual(s.server.git('rev-parse', 'main'), chain[198]);
    // One replay back (a merge-tree) for the whole push: one tree, carried to eleven judgements. Exactly one: a
    // replay this log does not see (started in another folder) would make a bound here say nothing.
    assert.strictEqual(r.merges, 1, `${r.merges} replays: ${r.summary}`);
  });

  it('20 one-commit siblings, each the approved hunk in another block, merged: at most 16 replays', () => {
    const { server } = s;
    // Main has the approved hunk in block 0 now; the same hunk in any other block has the approved patch-id.
    const onto = server.git('rev-parse', 'main');
    mallory.git('fetch', '-q', 'origin');
    const siblings = Array.from({ length: BLOCKS - 1 }, (_, i) => {
      mallory.git('checkout', '-q', '-B', `s${i + 1}`, onto);
      return commitFile(mallory, 'app.py', blocks([0, i + 1]), `handler ${i + 1}: allow anonymous\n\n${AI(1)}`);
    });
    // The merge keeps main's tree, so it is no commit with the approved patch-id itself.
    const tree = mallory.git('rev-parse', `${onto}^{tree}`);
    const octopus = mallory.git(
      'commit-tree',
      tree,
      ...siblings.flatMap((c) => ['-p', c]),
      '-m',
      `merge the handlers\n\n${HUMAN(0)}`,
    );
    const r = serverStarts([`${octopus}:refs/heads/main`]);
    console.log(`      server hook: ${r.n} git processes (${r.summary})`);
    assert.notStrictEqual(r.status, 0, 'the other blocks were never reviewed');
    assert.strictEqual(server.git('rev-parse', 'main'), onto);
    assert.strictEqual(r.merges, 16, `${r.merges} replays: ${r.summary}`);
    assert.match(r.stderr, /more than 16 commits here have the approved patch-id with other trees/);
  });

  it('report over a history re-adding the approved hunk 20 times: at most 16 replays for the approval', () => {
    const from = s.server.git('rev-parse', 'main');
    mallory.git('fetch', '-q', 'origin', '+refs/notes/countersign:refs/notes/countersign');
    mallory.git('checkout', '-q', '-B', 'again', from);
    fastImport(
      mallory,
      Array.from({ length: 40 }, (_, i) =>
        i % 2 === 0
          ? { message: `drop it\n\n${HUMAN(0)}`, files: { 'app.py': blocks([]) } }
          : { message: `handler 0: allow anonymous\n\n${AI(1)}`, files: { 'app.py': blocks([0]) } },
      ),
      'again',
    );
    const log = new GitProcessLog();
    try {
      const r = mallory.cli(['report', '--format', 'json', `${from}..again`], { env: log.env });
      assert.strictEqual(r.status, 0, r.stderr);
      console.log(`      report: ${log.starts().length} git processes (${log.summary()})`);
      assert.strictEqual(log.count('merge-tree'), 16, `${log.count('merge-tree')} replays: ${log.summary()}`);
      assert.strictEqual(JSON.parse(r.stdout).commits, 40);
    } finally {
      log.remove();
    }
  });

  after(() => fs.rmSync(path.dirname(s.server.dir), { recursive: true, force: true }));
});
