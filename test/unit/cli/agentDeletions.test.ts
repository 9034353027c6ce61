import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { TempRepo } from '../helpers/tempRepo';

/**
 * attack26 06 / newuser20 F16: a change an agent made purely by deleting lines (Claude Code's Edit removing a
 * guard, a Bash `rm` of a file) was committed `AI-Provenance: v1 ai=0 human=0 untracked=0` with no Assisted-by:
 * explain said "AI-assisted: no", report did not count it and the gate let it onto a protected branch unreviewed.
 * The commit hook now adds `Assisted-by` for every agent whose recorded tool calls removed lines or files the
 * commit removes (matched by content, per file), and records what each deleted in the note's metadata.
 */
const REFUND = 'def refund(order):\n    assert order.paid, "refund of an unpaid order"\n    issue_refund(order)\n';
const NO_GUARD = 'def refund(order):\n    issue_refund(order)\n';

interface DeletedMeta {
  agent: string;
  model?: string;
  files: Record<string, { lines: number; file?: boolean }>;
}

describe('deletion-only agent changes are attributed (attack26 06, newuser20 F16)', function () {
  this.timeout(120_000);
  let repo: TempRepo;

  const fileCall = (file: string, change: () => void, agent = 'claude'): void => {
    const before = repo.cli(['checkpoint', '--phase', 'before', '--agent', agent, '--session', 's1', file, '-q']);
    assert.strictEqual(before.status, 0, before.stderr);
    change();
    const after = repo.cli(['checkpoint', '--phase', 'after', '--agent', agent, '--session', 's1', file, '-q']);
    assert.strictEqual(after.status, 0, after.stderr);
  };
  /** A shell tool call: no FILE, so both phases snapshot what git lists as changed. */
  const shellCall = (change: () => void): void => {
    assert.strictEqual(repo.cli(['checkpoint', '--phase', 'before', '--agent', 'claude', '--session', 's2']).status, 0);
    change();
    assert.strictEqual(repo.cli(['checkpoint', '--phase', 'after', '--agent', 'claude', '--session', 's2']).status, 0);
  };
  const claudePayload = (event: string, file: string) =>
    JSON.stringify({
      hook_event_name: event,
      session_id: 'sess-refund',
      tool_use_id: 'toolu_1',
      cwd: repo.dir,
      tool_name: 'Edit',
      tool_input: { file_path: path.join(repo.dir, file), old_string: '', new_string: '' },
    });
  const noteMeta = (rev = 'HEAD'): Record<string, unknown> => {
    const note = repo.git('notes', '--ref=refs/notes/ai', 'show', rev);
    return JSON.parse(note.slice(note.indexOf('\n---\n') + 5)) as Record<string, unknown>;
  };
  const deletedMeta = (rev = 'HEAD'): Record<string, DeletedMeta> | undefined =>
    (noteMeta(rev).countersign as { deleted?: Record<string, DeletedMeta> } | undefined)?.deleted;
  const assisted = (rev = 'HEAD') => repo.trailers(rev).filter((t) => t.startsWith('Assisted-by:'));

  beforeEach(() => {
    repo = TempRepo.create();
    repo.write('src/refund.py', REFUND);
    repo.write('old.py', 'def legacy():\n    return 1\n');
    repo.write('README.md', 'hello\n');
    repo.git('add', '.');
    repo.commit('base');
    const r = repo.cli(['install', '-q']);
    assert.strictEqual(r.status, 0, r.stderr);
  });

  it("marks a line Claude Code's Edit deleted (hook payloads): Assisted-by, the note's metadata, explain, report", () => {
    const pre = repo.cli(['checkpoint', '--from', 'claude'], { input: claudePayload('PreToolUse', 'src/refund.py') });
    assert.strictEqual(pre.status, 0, pre.stderr);
    repo.write('src/refund.py', NO_GUARD);
    const post = repo.cli(['checkpoint', '--from', 'claude'], { input: claudePayload('PostToolUse', 'src/refund.py') });
    assert.strictEqual(post.status, 0, post.stderr);
    repo.git('commit', '-qam', 'simplify refund');
    const trailers = repo.trailers();
    assert.ok(trailers.includes('AI-Provenance: v1 ai=0 human=0 untracked=0'), trailers.join('\n'));
    assert.deepStrictEqual(assisted(), ['Assisted-by: Claude:unknown claude-code'], trailers.join('\n'));
    const deleted = deletedMeta();
    assert.ok(deleted, JSON.stringify(noteMeta()));
    assert.deepStrictEqual(Object.values(deleted), [
      { agent: 'claude-code', files: { 'src/refund.py': { lines: 1 } } },
    ]);
    assert.match(Object.keys(deleted)[0], /^s_[0-9a-f]{14}$/);

    const explain = repo.cli(['explain', 'HEAD']);
    assert.strictEqual(explain.status, 0, explain.stderr);
    assert.match(explain.stdout, /AI-assisted: {3}yes/);
    assert.match(explain.stdout, /claude-code deleted 1 line in src\/refund\.py \(no line it wrote remains\)/);
    const report = repo.cli(['report', '--format', 'json']);
    assert.strictEqual(report.status, 0, report.stderr);
    const r = JSON.parse(report.stdout) as { aiAssistedCommits: number; byAgent: Record<string, { commits: number }> };
    assert.strictEqual(r.aiAssistedCommits, 1);
    assert.strictEqual(r.byAgent['claude-code']?.commits, 1);
  });

  it('counts only the lines the agent deleted, not a human deletion in the same file after its call', () => {
    repo.write('src/refund.py', REFUND + 'log(order)\n');
    repo.git('commit', '-qam', 'log');
    fileCall('src/refund.py', () => repo.write('src/refund.py', NO_GUARD + 'log(order)\n'));
    repo.write('src/refund.py', NO_GUARD); // the human removes the log line by hand
    repo.git('commit', '-qam', 'two deletions');
    assert.deepStrictEqual(assisted(), ['Assisted-by: Claude:unknown claude-code']);
    assert.deepStrictEqual(Object.values(deletedMeta() ?? {})[0]?.files, { 'src/refund.py': { lines: 1 } });
  });

  it('adds nothing for a human deletion after an agent call that deleted nothing', () => {
    fileCall('src/refund.py', () => repo.write('src/refund.py', REFUND)); // the tool wrote the file unchanged
    fileCall('README.md', () => repo.write('README.md', 'hello\n'));
    repo.write('src/refund.py', NO_GUARD);
    repo.git('commit', '-qam', 'human removes the guard');
    assert.deepStrictEqual(assisted(), []);
    assert.strictEqual(deletedMeta(), undefined);
  });

  it('adds nothing for an agent deletion a human restored before committing', () => {
    fileCall('src/refund.py', () => repo.write('src/refund.py', NO_GUARD));
    repo.write('src/refund.py', REFUND + '# reviewed\n'); // restored by hand (unobserved), and a line added
    repo.git('commit', '-qam', 'restore the guard');
    assert.deepStrictEqual(assisted(), []);
    assert.strictEqual(deletedMeta(), undefined);
  });

  it('adds nothing when a restored line is deleted again by a human after a later agent call saw it back', () => {
    fileCall('src/refund.py', () => repo.write('src/refund.py', NO_GUARD));
    repo.write('src/refund.py', REFUND); // restored by hand
    fileCall('README.md', () => repo.write('README.md', 'hello\n'));
    shellCall(() => undefined); // its before snapshots refund.py as it is now: the guard is back
    repo.write('src/refund.py', NO_GUARD); // the human's own deletion now
    repo.git('commit', '-qam', 'human removes the guard');
    assert.deepStrictEqual(assisted(), []);
  });

  it("marks an agent's rm of a whole file (its before snapshot has it, its after has it gone)", () => {
    fileCall('old.py', () => fs.rmSync(path.join(repo.dir, 'old.py')));
    repo.git('add', '-A');
    repo.git('commit', '-qm', 'remove legacy');
    assert.deepStrictEqual(assisted(), ['Assisted-by: Claude:unknown claude-code']);
    assert.deepStrictEqual(Object.values(deletedMeta() ?? {})[0]?.files, { 'old.py': { lines: 2, file: true } });
    assert.match(
      repo.cli(['explain', 'HEAD']).stdout,
      /claude-code deleted old\.py \(2 lines; no line it wrote remains\)/,
    );
  });

  it("marks a shell call's rm of a clean file, not a file a human had removed before the call", () => {
    fs.rmSync(path.join(repo.dir, 'README.md')); // the human's
    shellCall(() => fs.rmSync(path.join(repo.dir, 'old.py')));
    repo.git('add', '-A');
    repo.git('commit', '-qm', 'remove two files');
    assert.deepStrictEqual(assisted(), ['Assisted-by: Claude:unknown claude-code']);
    assert.deepStrictEqual(Object.values(deletedMeta() ?? {})[0]?.files, { 'old.py': { lines: 2, file: true } });
  });

  it('adds nothing for a file an agent removed and a human put back', () => {
    fileCall('old.py', () => fs.rmSync(path.join(repo.dir, 'old.py')));
    repo.git('checkout', '--', 'old.py');
    repo.write('README.md', 'hello\nworld\n');
    repo.git('commit', '-qam', 'readme');
    assert.deepStrictEqual(assisted(), []);
  });
});
