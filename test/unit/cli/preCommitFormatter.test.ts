import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { parseAuthorshipNote } from '../../../src/core/authorshipNote';
import { openLedger } from '../../../src/git/ledger';
import { linesOf } from '../helpers/noteLines';
import { SYNC_TIMEOUT_MS, TempRepo } from '../helpers/tempRepo';

/**
 * newuser13 R33, end to end: a formatter in the repository's own pre-commit hook (what lint-staged + prettier
 * does: rewrite the staged files, re-stage them), chained by `countersign install`, rewrites the quotes of lines
 * Claude Code wrote through its real hooks. The commit still says who wrote them; a real change the hook makes
 * is still nobody's.
 */
const FORMATTER = `#!/bin/sh
# lint-staged style: single to double quotes in staged .js files, one real edit, then re-stage
for f in $(git diff --cached --name-only -- "*.js"); do
  sed -i -e "s/'/\\"/g" -e "s/VERSION = 1/VERSION = 2/" "$f"
  git add "$f"
done
`;

/** Runs the hook command `agents connect claude --local` wrote for `event`, with Claude Code's payload on stdin. */
function claudeHook(repo: TempRepo, event: 'PreToolUse' | 'PostToolUse', file: string, content: string): void {
  const settings = JSON.parse(fs.readFileSync(path.join(repo.dir, '.claude', 'settings.local.json'), 'utf8')) as {
    hooks: Record<string, Array<{ hooks: Array<{ command: string }> }>>;
  };
  const command = settings.hooks[event][0].hooks[0].command;
  const payload = JSON.stringify({
    session_id: '7a1c2f3e-1111-4222-8333-944455556666',
    transcript_path: '/nonexistent/transcript.jsonl',
    cwd: repo.dir,
    hook_event_name: event,
    tool_name: 'Write',
    tool_input: { file_path: path.join(repo.dir, file), content },
    tool_use_id: 'toolu_01',
  });
  const r = spawnSync('sh', ['-c', command], {
    cwd: repo.dir,
    env: repo.env,
    input: payload,
    encoding: 'utf8',
    timeout: SYNC_TIMEOUT_MS,
  });
  assert.strictEqual(r.status, 0, `${event} hook: ${r.stderr}`);
}

const WRITTEN = "const greeting = 'hello';\nconst VERSION = 1;\nconsole.log(greeting, VERSION);\n";
const FORMATTED = 'const greeting = "hello";\nconst VERSION = 2;\nconsole.log(greeting, VERSION);\n';

describe('a formatter in the pre-commit hook (newuser13 R33)', function () {
  this.timeout(180_000);

  /** A repository with Countersign's hooks chaining FORMATTER, where Claude Code (through its hooks) wrote app.js. */
  function claudeWroteApp(): TempRepo {
    const repo = TempRepo.create();
    repo.write('base.txt', 'base\n');
    repo.git('add', '.');
    repo.commit('base');
    assert.strictEqual(repo.cli(['install']).status, 0);
    assert.strictEqual(repo.cli(['agents', 'connect', 'claude', '--local']).status, 0);
    const hook = path.join(repo.dir, '.git', 'hooks', 'pre-commit');
    fs.writeFileSync(hook, FORMATTER, { mode: 0o755 });
    const reinstall = repo.cli(['install']);
    assert.strictEqual(reinstall.status, 0, reinstall.stderr);
    claudeHook(repo, 'PreToolUse', 'app.js', WRITTEN);
    repo.write('app.js', WRITTEN);
    claudeHook(repo, 'PostToolUse', 'app.js', WRITTEN);
    return repo;
  }

  /** The commit says lines 1 and 3 are Claude's; line 2, which the hook really changed, is nobody known's. */
  function assertClaudeKept(repo: TempRepo): void {
    // The chained hook ran (or had nothing left to do): the committed file is the formatted one.
    assert.strictEqual(repo.git('show', 'HEAD:app.js'), FORMATTED.replace(/\n$/, ''));
    const trailers = repo.trailers();
    assert.ok(trailers.includes('AI-Provenance: v1 ai=2 human=0 untracked=1'), trailers.join('\n'));
    assert.ok(
      trailers.some((t) => /^Assisted-by: .*claude-code$/.test(t)),
      trailers.join('\n'),
    );
    const note = parseAuthorshipNote(repo.git('notes', '--ref=ai', 'show', 'HEAD'), 'note');
    const app = note.files.find((f) => f.path === 'app.js');
    assert.ok(app, 'the note lists app.js');
    assert.deepStrictEqual(
      app.entries.flatMap((e) => linesOf(e.ranges)).sort((a, b) => a - b),
      [1, 3],
    );
    assert.strictEqual(Object.values(note.meta.sessions ?? {})[0]?.agent_id.tool, 'claude-code');
  }

  it("keeps the agent's lines AI when the hook only reformats them: trailers, Assisted-by and the note", () => {
    const repo = claudeWroteApp();
    repo.git('add', 'app.js');
    repo.git('commit', '-q', '-m', 'Add app');
    assertClaudeKept(repo);
  });

  it('keeps them too when VS Code saw the formatted file first (its disk write reached the ledger before the commit hook)', async () => {
    const repo = claudeWroteApp();
    // What the extension does when a file changes on disk with nobody known writing (FileSync.applyDiskNow).
    repo.write('app.js', FORMATTED);
    await (await openLedger(repo.dir)).record({ type: 'diskWrite', file: 'app.js', content: FORMATTED });
    repo.git('add', 'app.js');
    repo.git('commit', '-q', '-m', 'Add app');
    assertClaudeKept(repo);
  });
});
