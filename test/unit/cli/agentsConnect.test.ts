import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { APP_AFTER, fixture, repoWithApp } from '../helpers/agentFixtures';
import type { TempRepo } from '../helpers/tempRepo';

type Json = Record<string, unknown>;

const FILES = [
  '.claude/settings.json',
  '.codex/hooks.json',
  '.gemini/settings.json',
  '.cursor/hooks.json',
  '.github/hooks/countersign.json',
  '.kiro/hooks/countersign-before-tool.kiro.hook',
  '.kiro/hooks/countersign-after-tool.kiro.hook',
  '.github/hooks/countersign-vscode.json',
];

function readJson(repo: TempRepo, file: string): Json {
  return JSON.parse(repo.read(file)) as Json;
}

/** The command of the single hook configured for `event` in a Claude/Codex/Gemini-style settings file. */
function commandsOf(settings: Json, event: string): string[] {
  const groups = (settings.hooks as Record<string, Array<{ hooks: Array<{ command: string }> }>>)[event];
  return groups.flatMap((g) => g.hooks.map((h) => h.command));
}

/** Runs a configured hook command the way the agent does: through a shell, payload on stdin, in the repo. */
function runHook(repo: TempRepo, command: string, payload: string, env: NodeJS.ProcessEnv = {}) {
  return spawnSync('sh', ['-c', command], {
    cwd: repo.dir,
    input: payload,
    encoding: 'utf8',
    env: { ...repo.env, ...env },
  });
}

describe('countersign agents connect', function () {
  this.timeout(60_000);
  let repo: TempRepo;
  beforeEach(() => {
    repo = repoWithApp();
  });

  it("writes every agent's project-level hooks, says what it wrote, and changes nothing when run again", () => {
    const r = repo.cli(['agents', 'connect']);
    assert.strictEqual(r.status, 0, r.stderr);
    for (const f of FILES) {
      assert.ok(fs.existsSync(path.join(repo.dir, f)), f);
      assert.match(r.stdout, new RegExp(`created\\s+${f.replace(/[.]/g, '\\.')}`));
    }
    assert.match(r.stdout, /countersign checkpoint --from claude/);
    const claude = readJson(repo, '.claude/settings.json');
    assert.match(commandsOf(claude, 'PreToolUse')[0], /checkpoint --from claude --phase before/);
    assert.match(commandsOf(claude, 'PostToolUse')[0], /checkpoint --from claude --phase after/);
    assert.match(commandsOf(readJson(repo, '.gemini/settings.json'), 'BeforeTool')[0], /--from gemini --phase before/);
    assert.match(commandsOf(readJson(repo, '.codex/hooks.json'), 'PostToolUse')[0], /--from codex --phase after/);
    const cursor = readJson(repo, '.cursor/hooks.json') as {
      version: number;
      hooks: Record<string, Array<{ command: string }>>;
    };
    assert.strictEqual(cursor.version, 1);
    assert.deepStrictEqual(Object.keys(cursor.hooks).sort(), [
      'afterFileEdit',
      'afterShellExecution',
      'beforeShellExecution',
    ]);
    const copilot = readJson(repo, '.github/hooks/countersign.json') as {
      version: number;
      hooks: Record<string, Array<{ type: string; bash: string }>>;
    };
    assert.strictEqual(copilot.hooks.preToolUse[0].type, 'command');
    assert.match(copilot.hooks.postToolUse[0].bash, /--from copilot --phase after/);
    const kiro = readJson(repo, '.kiro/hooks/countersign-before-tool.kiro.hook') as {
      when: { type: string };
      then: { type: string; command: string };
    };
    assert.strictEqual(kiro.when.type, 'preToolUse');
    assert.strictEqual(kiro.then.type, 'runCommand');
    assert.ok(
      fs.existsSync(path.join(repo.dir, '.git/countersign/bin/countersign.js')),
      'the stable CLI copy the hooks run',
    );

    const snapshot = FILES.map((f) => repo.read(f));
    const again = repo.cli(['agents', 'connect']);
    assert.strictEqual(again.status, 0);
    assert.strictEqual(again.stdout.match(/^unchanged /gm)?.length, FILES.length, again.stdout);
    assert.deepStrictEqual(
      FILES.map((f) => repo.read(f)),
      snapshot,
      'idempotent',
    );
  });

  it("merges into existing settings without clobbering the user's hooks or other settings", () => {
    const userHook = { type: 'command', command: 'npx prettier --write "$FILE"' };
    repo.write(
      '.claude/settings.json',
      JSON.stringify(
        {
          model: 'opus',
          permissions: { allow: ['Bash(npm test)'] },
          hooks: {
            PostToolUse: [{ matcher: 'Edit', hooks: [userHook] }],
            Stop: [{ hooks: [{ type: 'command', command: 'say done' }] }],
          },
        },
        null,
        4,
      ),
    );
    repo.write(
      '.cursor/hooks.json',
      JSON.stringify({
        version: 1,
        hooks: { afterFileEdit: [{ command: './format.sh' }], stop: [{ command: './stop.sh' }] },
      }),
    );
    const r = repo.cli(['agents', 'connect', 'claude', 'cursor']);
    assert.strictEqual(r.status, 0, r.stderr);
    assert.match(r.stdout, /updated\s+\.claude\/settings\.json/);
    assert.ok(!fs.existsSync(path.join(repo.dir, '.gemini')), 'only the agents named');

    const claude = readJson(repo, '.claude/settings.json') as {
      model: string;
      permissions: unknown;
      hooks: Record<string, Array<{ matcher?: string; hooks: Array<{ command: string }> }>>;
    };
    assert.strictEqual(claude.model, 'opus');
    assert.deepStrictEqual(claude.permissions, { allow: ['Bash(npm test)'] });
    assert.deepStrictEqual(claude.hooks.PostToolUse[0], { matcher: 'Edit', hooks: [userHook] });
    assert.match(claude.hooks.PostToolUse[1].hooks[0].command, /--from claude --phase after/);
    assert.deepStrictEqual(claude.hooks.Stop, [{ hooks: [{ type: 'command', command: 'say done' }] }]);
    assert.strictEqual(claude.hooks.PreToolUse.length, 1);

    const cursor = readJson(repo, '.cursor/hooks.json') as { hooks: Record<string, Array<{ command: string }>> };
    assert.strictEqual(cursor.hooks.afterFileEdit[0].command, './format.sh');
    assert.match(cursor.hooks.afterFileEdit[1].command, /--from cursor --phase after/);
    assert.deepStrictEqual(cursor.hooks.stop, [{ command: './stop.sh' }]);

    // An older Countersign entry is replaced in place, not duplicated.
    const edited = readJson(repo, '.claude/settings.json') as {
      hooks: Record<string, Array<{ hooks: Array<{ command: string }> }>>;
    };
    edited.hooks.PreToolUse[0].hooks[0].command = 'node old/countersign.js checkpoint --from claude';
    repo.write('.claude/settings.json', JSON.stringify(edited));
    assert.strictEqual(repo.cli(['agents', 'connect', 'claude']).status, 0);
    const after = readJson(repo, '.claude/settings.json') as {
      hooks: Record<string, Array<{ hooks: Array<{ command: string }> }>>;
    };
    assert.strictEqual(after.hooks.PreToolUse.length, 1);
    assert.match(after.hooks.PreToolUse[0].hooks[0].command, /--phase before/);
  });

  it('exits 2 naming a malformed file, leaving it untouched and writing nothing else', () => {
    repo.write('.gemini/settings.json', '{ "theme": "dark", // a comment\n}');
    const r = repo.cli(['agents', 'connect']);
    assert.strictEqual(r.status, 2);
    assert.match(r.stderr, /\.gemini\/settings\.json is not valid JSON/);
    assert.strictEqual(repo.read('.gemini/settings.json'), '{ "theme": "dark", // a comment\n}');
    assert.ok(!fs.existsSync(path.join(repo.dir, '.claude')), 'nothing written when one file is malformed');
    repo.write('.claude/settings.json', '{"hooks": {"PreToolUse": {"not": "a list"}}}');
    const r2 = repo.cli(['agents', 'connect', 'claude']);
    assert.strictEqual(r2.status, 2);
    assert.match(r2.stderr, /\.claude\/settings\.json: hooks "PreToolUse" is not a list/);
    assert.match(r2.stderr, /run `countersign agents connect claude` again/);
  });

  it("names the retry with the user's --local: without it the retry would write the shared file", () => {
    repo.write('.claude/settings.local.json', '{ "hooks": ');
    const r = repo.cli(['agents', 'connect', 'claude', '--local']);
    assert.strictEqual(r.status, 2);
    assert.match(r.stderr, /\.claude\/settings\.local\.json is not valid JSON/);
    assert.match(r.stderr, /fix it and run `countersign agents connect claude --local` again/);
    assert.strictEqual(repo.read('.claude/settings.local.json'), '{ "hooks": ');
  });

  it('rejects an unknown agent with exit 2', () => {
    const r = repo.cli(['agents', 'connect', 'vim']);
    assert.strictEqual(r.status, 2);
    assert.match(r.stderr, /unknown agent 'vim'/);
  });

  it('writes hook commands that record through the stable CLI copy when countersign is not on PATH', () => {
    assert.strictEqual(repo.cli(['agents', 'connect', 'claude', 'cursor']).status, 0);
    const claude = readJson(repo, '.claude/settings.json');
    const env = { PATH: `${path.dirname(process.execPath)}:/usr/bin:/bin` };
    const pre = runHook(repo, commandsOf(claude, 'PreToolUse')[0], fixture('claude-edit-pre', repo.dir), env);
    assert.deepStrictEqual([pre.status, pre.stdout], [0, ''], pre.stderr);
    repo.write('src/app.ts', APP_AFTER);
    const post = runHook(repo, commandsOf(claude, 'PostToolUse')[0], fixture('claude-edit-post', repo.dir), env);
    assert.strictEqual(post.status, 0, post.stderr);
    const status = JSON.parse(repo.cli(['status', '--json']).stdout) as { files: Record<string, { agents: string[] }> };
    assert.deepStrictEqual(status.files['src/app.ts'].agents, ['claude-code']);

    // From a subdirectory too (agents may run hooks where the tool ran).
    fs.mkdirSync(path.join(repo.dir, 'src', 'deep'), { recursive: true });
    const cursor = readJson(repo, '.cursor/hooks.json') as { hooks: Record<string, Array<{ command: string }>> };
    const sub = spawnSync('sh', ['-c', cursor.hooks.afterFileEdit[0].command], {
      cwd: path.join(repo.dir, 'src', 'deep'),
      input: fixture('cursor-afterFileEdit-post', repo.dir),
      encoding: 'utf8',
      env: { ...repo.env, ...env },
    });
    assert.deepStrictEqual([sub.status, sub.stdout], [0, '{}\n'], sub.stderr);
  });

  it('hook commands do nothing and exit 0 when Countersign is gone', () => {
    assert.strictEqual(repo.cli(['agents', 'connect', 'gemini']).status, 0);
    fs.rmSync(path.join(repo.dir, '.git', 'countersign'), { recursive: true });
    const cmd = commandsOf(readJson(repo, '.gemini/settings.json'), 'BeforeTool')[0];
    const r = runHook(repo, cmd, fixture('gemini-replace-pre', repo.dir), { PATH: '/usr/bin:/bin' });
    assert.deepStrictEqual([r.status, r.stdout], [0, '{}\n']);
  });

  it("vscode: writes VS Code's hooks file of its own, keeps the user's hooks files and entries, and its hooks record copilot with the transcript's model", () => {
    const userFormat = {
      hooks: { PostToolUse: [{ type: 'command', command: 'npx prettier --write "$TOOL_INPUT_FILE_PATH"' }] },
    };
    repo.write('.github/hooks/format.json', JSON.stringify(userFormat, null, 2));
    // A user's entry already in our file stays, beside ours.
    repo.write(
      '.github/hooks/countersign-vscode.json',
      JSON.stringify({ hooks: { PreToolUse: [{ type: 'command', command: './audit.sh', timeout: 5 }] }, other: true }),
    );
    const r = repo.cli(['agents', 'connect', 'vscode']);
    assert.strictEqual(r.status, 0, r.stderr);
    assert.match(
      r.stdout,
      /updated\s+\.github\/hooks\/countersign-vscode\.json\s+PreToolUse, PostToolUse -> countersign checkpoint --from vscode/,
    );
    assert.deepStrictEqual(
      readJson(repo, '.github/hooks/format.json'),
      userFormat,
      'another hooks file is not touched',
    );
    const ours = readJson(repo, '.github/hooks/countersign-vscode.json') as {
      other: boolean;
      hooks: Record<string, Array<{ type: string; command: string; timeout: number }>>;
    };
    assert.strictEqual(ours.other, true);
    assert.deepStrictEqual(ours.hooks.PreToolUse[0], { type: 'command', command: './audit.sh', timeout: 5 });
    assert.strictEqual(ours.hooks.PreToolUse.length, 2);
    assert.strictEqual(ours.hooks.PreToolUse[1].type, 'command');
    assert.match(ours.hooks.PreToolUse[1].command, /checkpoint --from vscode --phase before/);
    assert.match(ours.hooks.PostToolUse[0].command, /checkpoint --from vscode --phase after/);
    assert.ok(
      ours.hooks.PostToolUse[0].timeout > 0 && ours.hooks.PostToolUse[0].timeout <= 30,
      'VS Code timeouts are in seconds',
    );
    assert.match(repo.cli(['agents', 'connect', 'vscode']).stdout, /^unchanged /m);

    // VS Code runs the command through a shell in the workspace, payload on stdin.
    const transcript = path.join(
      repo.env.HOME!,
      '.config/Code/User/workspaceStorage/3f9a/GitHub.copilot-chat/transcripts/b7e2c1d4-5a6f-4e3b-9c8d-0a1b2c3d4e5f.jsonl',
    );
    fs.mkdirSync(path.dirname(transcript), { recursive: true });
    fs.writeFileSync(
      transcript,
      `${JSON.stringify({ type: 'session.start', data: { modelId: 'copilot/auto' } })}\n${JSON.stringify({ type: 'request', modelId: 'gpt-5.1' })}\n`,
    );
    const env = { PATH: `${path.dirname(process.execPath)}:/usr/bin:/bin` };
    const pre = runHook(
      repo,
      ours.hooks.PreToolUse[1].command,
      fixture('vscode-replace_string_in_file-pre', repo.dir, repo.env.HOME),
      env,
    );
    assert.deepStrictEqual([pre.status, pre.stdout], [0, ''], pre.stderr);
    repo.write('src/app.ts', APP_AFTER);
    const post = runHook(
      repo,
      ours.hooks.PostToolUse[0].command,
      fixture('vscode-replace_string_in_file-post', repo.dir, repo.env.HOME),
      env,
    );
    assert.strictEqual(post.status, 0, post.stderr);
    const status = JSON.parse(repo.cli(['status', '--json']).stdout) as {
      files: Record<string, { ai: number; agents: string[] }>;
    };
    assert.deepStrictEqual([status.files['src/app.ts'].ai, status.files['src/app.ts'].agents], [1, ['copilot']]);
    assert.strictEqual(repo.cli(['install']).status, 0);
    repo.git('add', 'src/app.ts');
    repo.commit('greet');
    const message = repo.git('log', '-1', '--format=%B');
    assert.match(message, /Assisted-by: Copilot:gpt-5\.1 vscode/);
  });
});
