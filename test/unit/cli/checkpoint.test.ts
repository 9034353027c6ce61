import * as assert from 'assert';
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { APP_AFTER, fixture, fixtureScenarios, repoWithApp } from '../helpers/agentFixtures';
import { installHooksInProcess, statusInProcess } from '../helpers/inProcess';
import { CLI, type TempRepo } from '../helpers/tempRepo';

type StatusJson = { files: Record<string, { ai: number; human: number; untracked: number; agents: string[] }> };

/**
 * What `status --json` would print, computed in-process (statusInProcess): these tests are about what the
 * checkpoint hook recorded, read back the way status reads it; status.test.ts and cliJson.test.ts run the command.
 */
function status(repo: TempRepo): Promise<StatusJson> {
  return statusInProcess(repo);
}

function logText(repo: TempRepo): string {
  const f = path.join(repo.dir, '.git', 'countersign', 'log');
  return fs.existsSync(f) ? fs.readFileSync(f, 'utf8') : '';
}

const CANONICAL: Record<string, string> = {
  claude: 'claude-code',
  cursor: 'cursor',
  codex: 'codex',
  gemini: 'gemini-cli',
  copilot: 'copilot',
  kiro: 'kiro',
  vscode: 'copilot',
};
/** What each agent's hook prints on stdout: Cursor and Gemini CLI parse it as JSON. */
const NEUTRAL: Record<string, string> = { cursor: '{}\n', gemini: '{}\n' };

describe('countersign checkpoint --from (agent hooks, through the built CLI)', function () {
  this.timeout(60_000);
  let repo: TempRepo;
  beforeEach(() => {
    repo = repoWithApp();
  });

  for (const s of fixtureScenarios()) {
    it(`${s.agent}: ${s.tool} tool call — the changed line is ${CANONICAL[s.agent]}'s, the rest stays untracked`, async () => {
      if (s.pre) {
        const pre = repo.cli(['checkpoint', '--from', s.agent, '--phase', 'before'], {
          input: fixture(s.pre, repo.dir),
        });
        assert.strictEqual(pre.status, 0, pre.stderr);
        assert.strictEqual(pre.stdout, NEUTRAL[s.agent] ?? '');
      }
      repo.write('src/app.ts', APP_AFTER); // what the tool did
      const post = repo.cli(['checkpoint', '--from', s.agent, '--phase', 'after'], {
        input: fixture(s.post, repo.dir),
      });
      assert.strictEqual(post.status, 0, post.stderr);
      assert.strictEqual(post.stdout, NEUTRAL[s.agent] ?? '');
      assert.strictEqual(logText(repo), '', 'nothing went wrong');
      assert.deepStrictEqual((await status(repo)).files['src/app.ts'], {
        ai: 1,
        human: 0,
        untracked: 2,
        agents: [CANONICAL[s.agent]],
      });
    });
  }

  it('vscode: the Claude and Codex harnesses record claude-code and codex, with the model their payload or transcript names', async () => {
    const claudeTranscript = path.join(repo.env.HOME!, '.claude/projects/-repo/s2.jsonl');
    fs.mkdirSync(path.dirname(claudeTranscript), { recursive: true });
    fs.writeFileSync(
      claudeTranscript,
      `${JSON.stringify({ type: 'assistant', message: { model: 'claude-opus-4-5', role: 'assistant' } })}\n`,
    );
    const payload = (event: string, extra: Record<string, unknown>) =>
      JSON.stringify({
        timestamp: '2026-11-29T10:30:00.000Z',
        cwd: repo.dir,
        hookEventName: event,
        tool_use_id: `t-${String(extra.tool_name)}`,
        ...extra,
      });
    const claude = {
      sessionId: 's2',
      transcript_path: claudeTranscript,
      tool_name: 'Edit',
      tool_input: { file_path: path.join(repo.dir, 'src/app.ts') },
    };
    assert.strictEqual(
      repo.cli(['checkpoint', '--from', 'vscode'], { input: payload('PreToolUse', claude) }).status,
      0,
    );
    repo.write('src/app.ts', APP_AFTER);
    assert.strictEqual(
      repo.cli(['checkpoint', '--from', 'vscode'], { input: payload('PostToolUse', claude) }).status,
      0,
    );

    const codex = {
      session_id: 's3',
      turn_id: 'turn-1',
      model: 'gpt-5-codex',
      tool_name: 'apply_patch',
      tool_input: { command: '*** Begin Patch\n*** Add File: notes.txt\n+one\n+two\n*** End Patch' },
    };
    assert.strictEqual(repo.cli(['checkpoint', '--from', 'vscode'], { input: payload('PreToolUse', codex) }).status, 0);
    repo.write('notes.txt', 'one\ntwo\n');
    assert.strictEqual(
      repo.cli(['checkpoint', '--from', 'vscode'], { input: payload('PostToolUse', codex) }).status,
      0,
    );
    assert.strictEqual(logText(repo), '');
    const files = (await status(repo)).files;
    assert.deepStrictEqual(files['src/app.ts'], { ai: 1, human: 0, untracked: 2, agents: ['claude-code'] });
    assert.deepStrictEqual(files['notes.txt'], { ai: 2, human: 0, untracked: 0, agents: ['codex'] });
    await installHooksInProcess(repo);
    repo.git('add', 'src/app.ts', 'notes.txt');
    repo.commit('both');
    const message = repo.git('log', '-1', '--format=%B');
    assert.match(message, /Assisted-by: Claude:claude-opus-4-5 claude-code/);
    assert.match(message, /Assisted-by: Codex:gpt-5-codex codex/);
  });

  it('vscode: a tool call is announced as open between its before and after (for the editor), and closed after', () => {
    const openDir = path.join(repo.dir, '.git', 'countersign', 'open-calls');
    const list = () => (fs.existsSync(openDir) ? fs.readdirSync(openDir) : []);
    assert.strictEqual(
      repo.cli(['checkpoint', '--from', 'vscode'], { input: fixture('vscode-replace_string_in_file-pre', repo.dir) })
        .status,
      0,
    );
    assert.strictEqual(list().length, 1);
    const call = JSON.parse(fs.readFileSync(path.join(openDir, list()[0]), 'utf8')) as {
      agent: string;
      files: string[];
      session: string;
    };
    assert.deepStrictEqual(
      [call.agent, call.files, call.session],
      ['copilot', ['src/app.ts'], 'b7e2c1d4-5a6f-4e3b-9c8d-0a1b2c3d4e5f'],
    );
    assert.strictEqual(
      repo.cli(['checkpoint', '--from', 'vscode'], { input: fixture('vscode-replace_string_in_file-post', repo.dir) })
        .status,
      0,
    );
    assert.deepStrictEqual(list(), []);
  });

  it("takes the phase from the payload's event name when --phase is not given", async () => {
    assert.strictEqual(
      repo.cli(['checkpoint', '--from', 'claude'], { input: fixture('claude-edit-pre', repo.dir) }).status,
      0,
    );
    repo.write('src/app.ts', APP_AFTER + 'export const added = 1;\n');
    assert.strictEqual(
      repo.cli(['checkpoint', '--from', 'claude'], { input: fixture('claude-edit-post', repo.dir) }).status,
      0,
    );
    assert.deepStrictEqual((await status(repo)).files['src/app.ts'], {
      ai: 2,
      human: 0,
      untracked: 2,
      agents: ['claude-code'],
    });
  });

  it('pairs before and after by tool_use_id when Claude runs tool calls in parallel', async () => {
    repo.write('b.txt', 'b\n');
    repo.git('add', '.');
    repo.commit('b');
    const payload = (event: string, file: string, id: string) =>
      JSON.stringify({
        session_id: 's',
        cwd: repo.dir,
        hook_event_name: event,
        tool_name: 'Write',
        tool_use_id: id,
        tool_input: { file_path: path.join(repo.dir, file), content: '' },
      });
    repo.cli(['checkpoint', '--from', 'claude'], { input: payload('PreToolUse', 'src/app.ts', 't1') });
    repo.cli(['checkpoint', '--from', 'claude'], { input: payload('PreToolUse', 'b.txt', 't2') });
    repo.write('b.txt', 'b\nb2\n');
    repo.cli(['checkpoint', '--from', 'claude'], { input: payload('PostToolUse', 'b.txt', 't2') });
    repo.write('src/app.ts', APP_AFTER);
    repo.cli(['checkpoint', '--from', 'claude'], { input: payload('PostToolUse', 'src/app.ts', 't1') });
    const files = (await status(repo)).files;
    assert.deepStrictEqual(files['src/app.ts'], { ai: 1, human: 0, untracked: 2, agents: ['claude-code'] });
    assert.deepStrictEqual(files['b.txt'], { ai: 1, human: 0, untracked: 1, agents: ['claude-code'] });
  });

  it('catches what a shell tool wrote to files it never named, including new untracked files', async () => {
    repo.cli(['checkpoint', '--from', 'claude'], { input: fixture('claude-bash-pre', repo.dir) });
    repo.write('src/app.ts', APP_AFTER);
    repo.write('generated/out.txt', 'x\ny\n');
    repo.cli(['checkpoint', '--from', 'claude'], { input: fixture('claude-bash-post', repo.dir) });
    const files = (await status(repo)).files;
    assert.deepStrictEqual(files['src/app.ts'].ai, 1);
    assert.deepStrictEqual(files['generated/out.txt'], { ai: 2, human: 0, untracked: 0, agents: ['claude-code'] });
  });

  it("records a file the tool creates as all the agent's", async () => {
    const payload = (event: string) =>
      JSON.stringify({
        session_id: 's',
        cwd: repo.dir,
        hook_event_name: event,
        tool_name: 'write_file',
        tool_input: { file_path: 'docs/new.md', content: '' },
      });
    repo.cli(['checkpoint', '--from', 'gemini'], { input: payload('BeforeTool') });
    repo.write('docs/new.md', '# New\n\ntext\n');
    repo.cli(['checkpoint', '--from', 'gemini'], { input: payload('AfterTool') });
    assert.deepStrictEqual((await status(repo)).files['docs/new.md'], {
      ai: 3,
      human: 0,
      untracked: 0,
      agents: ['gemini-cli'],
    });
  });

  it("reads the model from Claude Code's transcript", () => {
    const transcript = path.join(repo.env.HOME!, '.claude/projects/-repo/s1.jsonl');
    fs.mkdirSync(path.dirname(transcript), { recursive: true });
    fs.writeFileSync(
      transcript,
      [
        JSON.stringify({ type: 'user', message: { role: 'user', content: 'hi' } }),
        JSON.stringify({
          type: 'assistant',
          message: { model: 'claude-sonnet-4-5-20250929', role: 'assistant', content: [] },
        }),
        '',
      ].join('\n'),
    );
    repo.cli(['checkpoint', '--from', 'claude'], { input: fixture('claude-edit-pre', repo.dir, repo.env.HOME) });
    repo.write('src/app.ts', APP_AFTER);
    repo.cli(['checkpoint', '--from', 'claude'], { input: fixture('claude-edit-post', repo.dir, repo.env.HOME) });
    const stateDir = path.join(repo.dir, '.git', 'countersign', 'ledger', 'files');
    const state = fs
      .readdirSync(stateDir)
      .map((f) => fs.readFileSync(path.join(stateDir, f), 'utf8'))
      .join('');
    assert.match(state, /"model":"claude-sonnet-4-5-20250929"/);
  });

  it("a transcript outside Claude Code's folders: the model stays unknown, and the hook log and doctor say why, once (newuser10 N4)", () => {
    const elsewhere = path.join(os.tmpdir(), `cs-transcript-${process.pid}-${Date.now()}`);
    fs.mkdirSync(elsewhere, { recursive: true });
    const transcript = path.join(elsewhere, 'claude-transcript.jsonl');
    fs.writeFileSync(
      transcript,
      JSON.stringify({ type: 'assistant', message: { model: 'claude-sonnet-4-5', role: 'assistant', content: [] } }) +
        '\n',
    );
    const payload = (name: string) =>
      fixture(name, repo.dir, repo.env.HOME).replace(
        JSON.stringify(path.join(repo.env.HOME!, '.claude/projects/-repo/s1.jsonl')),
        JSON.stringify(transcript),
      );
    try {
      assert.match(payload('claude-edit-pre'), new RegExp(path.basename(transcript)));
      repo.cli(['checkpoint', '--from', 'claude'], { input: payload('claude-edit-pre') });
      repo.write('src/app.ts', APP_AFTER);
      repo.cli(['checkpoint', '--from', 'claude'], { input: payload('claude-edit-post') });
      const log = logText(repo);
      const said = log.split('\n').filter((l) => l.includes('model unknown'));
      assert.strictEqual(said.length, 1, `said once, not per tool call:\n${log}`);
      assert.ok(said[0].includes(transcript), said[0]);
      assert.match(said[0], /\.claude\/projects/);
      assert.match(said[0], /CLAUDE_CONFIG_DIR/);
      const doctor = JSON.parse(repo.cli(['doctor', '--json']).stdout) as {
        checks: Array<{ check: string; status: string; message: string; fix?: string }>;
      };
      const agents = doctor.checks.filter((c) => c.check === 'agents' && /model unknown/.test(c.message));
      assert.strictEqual(agents.length, 1, JSON.stringify(doctor.checks, null, 1));
      assert.strictEqual(agents[0].status, 'info');
      assert.match(agents[0].fix ?? '', /CLAUDE_CONFIG_DIR/);
    } finally {
      fs.rmSync(elsewhere, { recursive: true, force: true });
    }
  });

  it('never fails the agent: a bad payload is logged, stdout stays neutral, exit 0', () => {
    for (const agent of ['claude', 'cursor', 'gemini'] as const) {
      const r = repo.cli(['checkpoint', '--from', agent, '--phase', 'before'], { input: '{ this is not json' });
      assert.strictEqual(r.status, 0);
      assert.strictEqual(r.stdout, NEUTRAL[agent] ?? '');
    }
    assert.match(logText(repo), /checkpoint --from claude: claude hook payload is not JSON/);
    // An unknown event with no --phase is logged too.
    assert.strictEqual(
      repo.cli(['checkpoint', '--from', 'kiro'], { input: '{"hook_event_name":"agentSpawn","cwd":"."}' }).status,
      0,
    );
    assert.match(logText(repo), /cannot tell before from after/);
    // Even arguments it does not understand are not an error in hook mode.
    assert.strictEqual(repo.cli(['checkpoint', '--from', 'vim', '--bogus'], { input: '{}' }).status, 0);
  });

  it('exits 0 silently outside a repository and when COUNTERSIGN_SKIP=1', () => {
    const outside = fs.mkdtempSync(path.join(fs.realpathSync(os.tmpdir()), 'cs-norepo-'));
    const payload = JSON.stringify({
      hook_event_name: 'PreToolUse',
      cwd: outside,
      tool_name: 'Write',
      tool_input: { file_path: path.join(outside, 'a') },
    });
    const r = repo.cli(['checkpoint', '--from', 'claude'], { input: payload });
    assert.deepStrictEqual([r.status, r.stdout], [0, '']);
    const skipped = repo.cli(['checkpoint', '--from', 'claude'], {
      input: fixture('claude-edit-pre', repo.dir),
      env: { COUNTERSIGN_SKIP: '1' },
    });
    assert.strictEqual(skipped.status, 0);
    assert.ok(!fs.existsSync(path.join(repo.dir, '.git', 'countersign', 'ledger')));
  });

  it('bounds its run time when the agent never closes stdin', async () => {
    const child = spawn(process.execPath, [CLI, 'checkpoint', '--from', 'claude', '--phase', 'before'], {
      cwd: repo.dir,
      env: { ...repo.env, COUNTERSIGN_HOOK_TIMEOUT_MS: '400' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    child.stdin.write('{"hook_event_name":');
    // stdin stays open: without the bound the hook never exits and the test times out. No wall-clock
    // assertion (it failed under load); the log names the bound that ended the wait.
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    assert.strictEqual(code, 0);
    assert.match(logText(repo), /gave up after 400 ms/);
  });

  it('records a Kiro hook that ran without a payload as a git-changed snapshot', async () => {
    repo.cli(['checkpoint', '--from', 'kiro', '--phase', 'before'], { input: '' });
    repo.write('src/app.ts', APP_AFTER);
    repo.cli(['checkpoint', '--from', 'kiro', '--phase', 'after'], { input: '' });
    assert.deepStrictEqual((await status(repo)).files['src/app.ts'].agents, ['kiro']);
  });
});

describe('countersign checkpoint by hand', function () {
  this.timeout(30_000);
  let repo: TempRepo;
  beforeEach(() => {
    repo = repoWithApp();
  });

  it('records before/after for named files and says what it did', async () => {
    const before = repo.cli([
      'checkpoint',
      '--phase',
      'before',
      '--agent',
      'claude',
      '--model',
      'claude-opus-4-1',
      '--session',
      'x',
      'src/app.ts',
    ]);
    assert.strictEqual(before.status, 0, before.stderr);
    assert.match(before.stdout, /Recorded before checkpoint for claude-code: 1 file/);
    repo.write('src/app.ts', APP_AFTER);
    const after = repo.cli(['checkpoint', '--phase', 'after', '--agent', 'claude', '--session', 'x', 'src/app.ts']);
    assert.strictEqual(after.status, 0, after.stderr);
    assert.deepStrictEqual((await status(repo)).files['src/app.ts'], {
      ai: 1,
      human: 0,
      untracked: 2,
      agents: ['claude-code'],
    });
  });

  it('without files snapshots what git reports as changed', async () => {
    repo.cli(['checkpoint', '--phase', 'before', '--agent', 'aider']);
    repo.write('notes.txt', 'a\n');
    const r = repo.cli(['checkpoint', '--phase', 'after', '--agent', 'aider']);
    assert.match(r.stdout, /1 file/);
    assert.deepStrictEqual((await status(repo)).files['notes.txt'], {
      ai: 1,
      human: 0,
      untracked: 0,
      agents: ['aider'],
    });
  });

  it('records an alias under its canonical name whatever its case, in the ledger, the trailer and the note (newuser14 S27)', async () => {
    assert.strictEqual(repo.cli(['install']).status, 0);
    const before = repo.cli(['checkpoint', '--phase', 'before', '--agent', 'Claude', '--session', 's', 'src/app.ts']);
    assert.strictEqual(before.status, 0, before.stderr);
    assert.match(before.stdout, /Recorded before checkpoint for claude-code: 1 file/);
    repo.write('src/app.ts', APP_AFTER);
    assert.strictEqual(
      repo.cli(['checkpoint', '--phase', 'after', '--agent', 'CLAUDE-CODE', '--session', 's', 'src/app.ts']).status,
      0,
    );
    assert.deepStrictEqual((await status(repo)).files['src/app.ts'].agents, ['claude-code']);
    repo.git('add', 'src/app.ts');
    repo.commit('by claude');
    assert.ok(repo.trailers().includes('Assisted-by: Claude:unknown claude-code'), repo.trailers().join('\n'));
    const note = repo.git('notes', '--ref=ai', 'show', 'HEAD');
    assert.match(note, /"tool": "claude-code"/);
    assert.doesNotMatch(note, /"tool": "Claude"/);
  });

  it('refuses a name that is neither canonical nor an alias with exit 2 and a did-you-mean, recording nothing (newuser14 S27)', async () => {
    for (const [name, hint] of [
      ['aidr', /Did you mean 'aider'\?/],
      ['bad name!', /--agent unknown/],
      ['windsurf', /--agent unknown/],
    ] as const) {
      const r = repo.cli(['checkpoint', '--phase', 'before', '--agent', name, 'src/app.ts']);
      assert.strictEqual(r.status, 2, `${name}: ${r.stdout}${r.stderr}`);
      assert.match(r.stderr, new RegExp(`unknown agent '${name.replace('!', '\\!')}'`));
      assert.match(r.stderr, hint);
      assert.strictEqual(r.stdout, '');
    }
    repo.write('src/app.ts', APP_AFTER);
    assert.strictEqual((await status(repo)).files['src/app.ts'].ai, 0, 'nothing was recorded');
  });

  it('exits 2 with a usage message for missing or bad options', () => {
    for (const args of [['--agent', 'x'], ['--phase', 'before'], ['--phase', 'during', '--agent', 'x'], ['--bogus']]) {
      const r = repo.cli(['checkpoint', ...args]);
      assert.strictEqual(r.status, 2, args.join(' '));
      assert.match(r.stderr, /checkpoint/);
    }
  });
});
