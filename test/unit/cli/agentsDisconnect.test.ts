import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { TempRepo } from '../helpers/tempRepo';

const json = (v: unknown) => JSON.stringify(v, null, 2) + '\n';

/** A user's own hooks and settings, in the files `agents connect` merges into, committed or not. */
const USERS_CLAUDE = {
  model: 'opus',
  hooks: { PreToolUse: [{ matcher: 'Bash', hooks: [{ type: 'command', command: 'echo mine-claude' }] }] },
};
const USERS_CURSOR = { version: 1, hooks: { afterFileEdit: [{ command: 'echo mine-cursor' }] } };
const USERS_GEMINI = {
  theme: 'dark',
  hooks: { AfterTool: [{ matcher: 'write_file', hooks: [{ type: 'command', command: 'echo mine-gemini' }] }] },
};
const USERS_OTHER_HOOKS = { version: 1, hooks: { preToolUse: [{ type: 'command', bash: 'echo mine-copilot' }] } };
/** The user's own exclude lines; one is the very line connect would write for Copilot's file. */
const USERS_EXCLUDE = '# mine\n/secret.txt\n/.github/hooks/countersign.json\n';

function userRepo(): TempRepo {
  const repo = TempRepo.create();
  repo.write('.claude/settings.json', json(USERS_CLAUDE));
  repo.write('.cursor/hooks.json', json(USERS_CURSOR));
  repo.write('README.md', 'app\n');
  repo.git('add', '.');
  repo.commit("the team's agent settings", '--no-verify');
  // Not committed: a personal Gemini settings file and another Copilot hooks file.
  repo.write('.gemini/settings.json', json(USERS_GEMINI));
  repo.write('.github/hooks/mine.json', json(USERS_OTHER_HOOKS));
  fs.appendFileSync(path.join(repo.dir, '.git/info/exclude'), USERS_EXCLUDE);
  return repo;
}

function snapshot(repo: TempRepo) {
  const read = (f: string) => (fs.existsSync(path.join(repo.dir, f)) ? repo.read(f) : undefined);
  return {
    status: repo.git('status', '--porcelain', '--untracked-files=all', '--ignored'),
    exclude: read('.git/info/exclude'),
    files: Object.fromEntries(
      ['.claude/settings.json', '.cursor/hooks.json', '.gemini/settings.json', '.github/hooks/mine.json'].map((f) => [
        f,
        read(f),
      ]),
    ),
  };
}

/** What `agents connect` wrote here: every file under the agents' folders, with Countersign's hooks in it. */
function ours(repo: TempRepo): string[] {
  const out: string[] = [];
  for (const dir of ['.claude', '.codex', '.gemini', '.cursor', '.github', '.kiro']) {
    const walk = (d: string) => {
      for (const e of fs.existsSync(path.join(repo.dir, d))
        ? fs.readdirSync(path.join(repo.dir, d), { withFileTypes: true })
        : []) {
        const rel = `${d}/${e.name}`;
        if (e.isDirectory()) walk(rel);
        else if (repo.read(rel).includes('checkpoint --from')) out.push(rel);
      }
    };
    walk(dir);
  }
  return out.sort();
}

/** Issue 17: `agents disconnect` and `uninstall` take out exactly what `agents connect` added. */
describe('countersign agents disconnect, and uninstall after agents connect --local', function () {
  this.timeout(120_000);

  it("disconnect takes out every Countersign hook, files and exclude lines it added, and leaves the user's own exactly as they were", () => {
    const repo = userRepo();
    const before = snapshot(repo);
    const connect = repo.cli(['agents', 'connect', '--local', '--all']);
    assert.strictEqual(connect.status, 0, connect.stderr);
    assert.ok(ours(repo).length >= 8, `connect wrote the hooks: ${ours(repo).join(', ')}`);
    assert.match(repo.read('.git/info/exclude'), /# countersign:[^\n]*\n\/\.claude\/settings\.local\.json\n/);

    // One agent first: only its hooks go.
    const claude = repo.cli(['agents', 'disconnect', 'claude', '--json']);
    assert.strictEqual(claude.status, 0, claude.stderr);
    const c = JSON.parse(claude.stdout) as {
      files: Array<{ file: string; status: string; unexcluded: boolean }>;
      agents: string[];
    };
    assert.deepStrictEqual(c.files, [
      { agent: 'claude', file: '.claude/settings.local.json', status: 'deleted', unexcluded: true },
    ]);
    assert.deepStrictEqual(c.agents, ['claude']);
    assert.ok(!ours(repo).some((f) => f.startsWith('.claude/')));
    assert.ok(ours(repo).includes('.cursor/hooks.json'), 'other agents are still connected');

    const all = repo.cli(['agents', 'disconnect', '--all']);
    assert.strictEqual(all.status, 0, all.stderr);
    assert.match(all.stdout, /updated\s+\.cursor\/hooks\.json\s+Countersign's hooks taken out; your own entries kept/);
    assert.match(all.stdout, /deleted\s+\.github\/hooks\/countersign\.json/);
    assert.deepStrictEqual(ours(repo), []);
    // Byte for byte: the user's files, their exclude lines (including the one that looks like ours), and what
    // git sees — no file, folder or ignore line of Countersign's is left.
    assert.deepStrictEqual(snapshot(repo), before);
    for (const d of ['.kiro', '.codex', '.claude/settings.local.json'])
      assert.ok(!fs.existsSync(path.join(repo.dir, d)), d);
    assert.ok(fs.existsSync(path.join(repo.dir, '.github/hooks/mine.json')));
    // status and doctor no longer expect the agents' hooks.
    assert.doesNotMatch(repo.cli(['status']).stderr, /removed|Reconnect|agents connect/);
    // Again: nothing to do.
    assert.match(repo.cli(['agents', 'disconnect']).stdout, /nothing to remove/);
  });

  it("uninstall removes the files and exclude lines of agents connect --local (and the CLI copy), keeps the user's own, and leaves committed settings to the team", () => {
    const repo = userRepo();
    // The team's committed Cursor file without Countersign's hooks: connect --local puts them there (it has
    // no personal file); uninstall leaves that committed change for the user to undo and says so.
    const before = snapshot(repo);
    assert.strictEqual(repo.cli(['install', '-q']).status, 0);
    assert.strictEqual(
      repo.cli(['agents', 'connect', '--local', 'claude', 'gemini', 'copilot', 'kiro', 'vscode', 'codex']).status,
      0,
    );
    assert.ok(
      repo.read('.git/info/exclude').includes('/.gemini/settings.json'),
      "the user's untracked Gemini file was kept out of commits",
    );
    const r = repo.cli(['uninstall', '--json']);
    assert.strictEqual(r.status, 0, r.stderr);
    const u = JSON.parse(r.stdout) as {
      wasInstalled: boolean;
      agents: { files: Array<{ file: string; status: string }> };
    };
    assert.strictEqual(u.wasInstalled, true);
    assert.deepStrictEqual(u.agents.files.map((f) => `${f.file} ${f.status}`).sort(), [
      '.claude/settings.local.json deleted',
      '.codex/hooks.json deleted',
      '.gemini/settings.json updated',
      '.github/hooks/countersign-vscode.json deleted',
      '.github/hooks/countersign.json deleted',
      '.kiro/hooks/countersign-after-tool.kiro.hook deleted',
      '.kiro/hooks/countersign-before-tool.kiro.hook deleted',
    ]);
    assert.deepStrictEqual(ours(repo), []);
    assert.deepStrictEqual(snapshot(repo), before);
    assert.ok(!fs.existsSync(path.join(repo.dir, '.git/countersign/bin')), 'the CLI copy is gone');

    // Connected without install, into a committed file too: uninstall still removes the uncommitted part,
    // keeps the CLI copy the committed hooks run, and names the committed file with the fix.
    assert.strictEqual(repo.cli(['agents', 'connect', '--local', 'cursor', 'copilot']).status, 0);
    const again = repo.cli(['uninstall']);
    assert.strictEqual(again.status, 0, again.stderr);
    assert.match(
      again.stdout,
      /kept\s+\.cursor\/hooks\.json\s+committed: `countersign agents disconnect` without --local/,
    );
    assert.match(again.stdout, /deleted\s+\.github\/hooks\/countersign\.json/);
    assert.deepStrictEqual(ours(repo), ['.cursor/hooks.json']);
    assert.ok(fs.existsSync(path.join(repo.dir, '.git/countersign/bin/countersign.js')));
    assert.strictEqual(repo.cli(['agents', 'disconnect', 'cursor']).status, 0);
    assert.deepStrictEqual(JSON.parse(repo.read('.cursor/hooks.json')), USERS_CURSOR);
    assert.strictEqual(repo.git('status', '--porcelain', '--', '.cursor'), '');
  });
});
