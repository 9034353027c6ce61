import { installHooksInProcess } from '../helpers/inProcess';
import * as assert from 'assert';
import { HOOK_AGENTS } from '../../../src/core/agents/hookAgents';
import { agentHookState, allAgentHookStates } from '../../../src/core/agents/hookHealth';
import { planAgentConfig } from '../../../src/core/agents/hookConfig';
import { parseAuthorshipNote } from '../../../src/core/authorshipNote';
import { TempRepo } from '../helpers/tempRepo';

/** Where connect pins the hooks (any absolute pair: the state checks compare against the same pin). */
const PIN = { cli: '/work/repo/.git/countersign/bin/countersign.js', repo: '/work/repo' };

/** Files as `agents connect` writes them for `agent`, as a reader. */
function connectedFiles(
  agent: Parameters<typeof planAgentConfig>[0],
  existing: Record<string, string> = {},
): Record<string, string> {
  const files = { ...existing };
  for (const p of planAgentConfig(agent, (f) => files[f], PIN)) if (p.text !== undefined) files[p.file] = p.text;
  return files;
}

describe("agents' hooks that disappear (issue 15)", function () {
  this.timeout(180_000);

  it('agentHookState: connected, never connected, removed, altered, malformed, disabled', () => {
    const files = connectedFiles('claude', { '.claude/settings.json': '{"model": "opus"}' });
    const read = (f: string) => files[f];
    assert.strictEqual(agentHookState('claude', read, true, PIN).status, 'connected');
    assert.strictEqual(agentHookState('claude', () => undefined, false, PIN).status, 'notConnected');
    assert.strictEqual(agentHookState('claude', () => '{"model": "opus"}', true, PIN).status, 'removed');
    assert.strictEqual(agentHookState('claude', () => undefined, true, PIN).status, 'removed');
    // Only the personal file is there (connected with --local, then emptied): that is the file named, not .claude/settings.json.
    const onlyLocal = agentHookState(
      'claude',
      (f) => (f === '.claude/settings.local.json' ? '{}' : undefined),
      true,
      PIN,
    );
    assert.match(onlyLocal.detail ?? '', /gone from \.claude\/settings\.local\.json$/);
    const narrowed = files['.claude/settings.json'].replace('Write|Edit|MultiEdit|NotebookEdit|Bash', 'Bash');
    const altered = agentHookState('claude', () => narrowed, false, PIN);
    assert.strictEqual(altered.status, 'altered');
    assert.match(altered.detail ?? '', /hook entries in \.claude\/settings\.json were changed/);
    const broken = agentHookState('claude', () => files['.claude/settings.json'].slice(0, -3), true, PIN);
    assert.strictEqual(broken.status, 'altered');
    assert.match(broken.detail ?? '', /not valid JSON/);
    const kiro = connectedFiles('kiro');
    const disabled: Record<string, string> = {
      ...kiro,
      '.kiro/hooks/countersign-before-tool.kiro.hook': kiro['.kiro/hooks/countersign-before-tool.kiro.hook'].replace(
        '"enabled": true',
        '"enabled": false',
      ),
    };
    assert.strictEqual(agentHookState('kiro', (f) => disabled[f], true, PIN).status, 'altered');
  });

  it('allAgentHookStates answers an agent never connected and without files as agentHookState does', () => {
    // Its shortcut (no planning on every commit) must give the very state the planner gives.
    const none = () => undefined;
    const all = allAgentHookStates(none, new Set(), PIN);
    assert.deepStrictEqual(
      all,
      HOOK_AGENTS.map((a) => agentHookState(a, none, false, PIN)),
    );
    assert.ok(all.every((s) => s.status === 'notConnected'));
    // Connected here, or with a file present, the planner still decides.
    const connected = allAgentHookStates(none, new Set(['claude'] as const), PIN);
    assert.strictEqual(connected.find((s) => s.agent === 'claude')?.status, 'removed');
    const files = connectedFiles('claude');
    const present = allAgentHookStates((f) => files[f], new Set(), PIN);
    assert.strictEqual(present.find((s) => s.agent === 'claude')?.status, 'connected');
  });

  it('status warns, the note records which agents were connected, and explain says Claude Code ran without its hooks', () => {
    const repo = TempRepo.create();
    repo.write('a.txt', 'one\n');
    repo.git('add', '.');
    repo.commit('init');
    assert.strictEqual(repo.cli(['install']).status, 0);
    assert.strictEqual(repo.cli(['agents', 'connect', 'claude', 'codex']).status, 0);
    repo.git('add', '.');
    repo.commit('Connect agents');
    assert.doesNotMatch(repo.cli(['status']).stdout, /warning/);
    const connectedNote = parseAuthorshipNote(repo.git('notes', '--ref=ai', 'show', 'HEAD'));
    assert.deepStrictEqual(connectedNote.meta.countersign, {
      agent_hooks: { 'claude-code': 'connected', codex: 'connected' },
    });

    // Claude Code edits its own settings and drops Countersign's hooks, then writes code nobody sees.
    const settings = JSON.parse(repo.read('.claude/settings.json')) as Record<string, unknown>;
    delete settings.hooks;
    repo.write('.claude/settings.json', JSON.stringify(settings, null, 2) + '\n');
    const status = repo.cli(['status']);
    assert.match(
      status.stdout,
      /warning: Claude Code's Countersign hooks were removed \(Countersign's hooks are gone from \.claude\/settings\.json\): its edits are recorded as untracked until you run `countersign agents connect claude`/,
    );
    const json = repo.cli(['status', '--json']);
    assert.deepStrictEqual(
      Object.keys(JSON.parse(json.stdout) as object),
      ['files'],
      'the JSON keeps its contract; the warning goes to stderr',
    );
    assert.match(json.stderr, /Claude Code's Countersign hooks were removed/);

    repo.write('a.txt', 'one\ntwo\nthree\n');
    repo.git('add', '.');
    const sha = repo.commit('Written by an unhooked Claude Code');
    const noteText = repo.git('notes', '--ref=ai', 'show', sha);
    const note = parseAuthorshipNote(noteText);
    assert.strictEqual(note.meta.schema_version, 'authorship/3.0.0');
    assert.deepStrictEqual(note.meta.countersign, { agent_hooks: { 'claude-code': 'removed', codex: 'connected' } });

    const explain = repo.cli(['explain', sha]);
    assert.strictEqual(explain.status, 0, explain.stderr);
    assert.match(explain.stdout, /! Claude Code was running without Countersign's hooks \(they had been removed\)/);
    assert.match(explain.stdout, /agent hooks: {3}Codex: hooks connected/);
    const ej = JSON.parse(repo.cli(['explain', sha, '--json']).stdout) as { provenance: { agentHooks: unknown } };
    assert.deepStrictEqual(ej.provenance.agentHooks, [
      { agent: 'claude-code', name: 'Claude Code', status: 'removed' },
      { agent: 'codex', name: 'Codex', status: 'connected' },
    ]);
  });

  it('status tells lines typed outside the editor or by an unhooked tool from lines never seen', () => {
    const repo = TempRepo.create();
    repo.write('a.txt', 'one\ntwo\n');
    repo.git('add', '.');
    repo.commit('init');
    // The ledger watched a.txt (an agent's tool call), then it changed with no writer in sight.
    repo.cli(['checkpoint', '--phase', 'before', '--agent', 'codex', 'a.txt']);
    repo.write('a.txt', 'one\ntwo\nai\n');
    repo.cli(['checkpoint', '--phase', 'after', '--agent', 'codex', 'a.txt']);
    repo.write('a.txt', 'one\ntwo\nai\ntyped in vim\nand another\n');
    repo.write('new.txt', 'x\ny\n');
    const r = repo.cli(['status']);
    assert.strictEqual(r.status, 0, r.stderr);
    assert.match(
      r.stdout,
      /^untracked: 2 changed with no writer Countersign saw \(typed outside VS Code, a tool or agent without hooks, or git itself: checkout, merge, pull\), 4 never seen being written \(from before Countersign watched the file, or created by a shell or tool it does not see\)$/m,
    );
  });

  it('status does not say that lines git brought back were typed, nor that a file a shell made predates it (newuser15 #6)', async () => {
    // The report's reproduction: an agent's committed lines come back through a fast-forward merge, then a
    // line is typed; a file a shell creates after install is never seen being written.
    const repo = TempRepo.create();
    await installHooksInProcess(repo);
    repo.write('base.txt', 'b\n');
    repo.git('add', '.');
    repo.commit('base');
    repo.git('switch', '-q', '-c', 'f3');
    const cp = ['--agent', 'claude-code', '--session', 's1', 'c.py'];
    assert.strictEqual(repo.cli(['checkpoint', '--phase', 'before', ...cp]).status, 0);
    repo.write('c.py', 'c1\nc2\n');
    assert.strictEqual(repo.cli(['checkpoint', '--phase', 'after', ...cp]).status, 0);
    repo.git('add', '.');
    repo.commit('agent c');
    repo.git('switch', '-q', 'main');
    repo.git('merge', '-q', '--ff-only', 'f3');
    repo.write('c.py', 'c1\nc2\nc3\n');
    repo.write('made-by-shell.py', 'x\n');
    const r = repo.cli(['status']);
    assert.strictEqual(r.status, 0, r.stderr);
    const why = /^untracked: .*$/m.exec(r.stdout)?.[0] ?? '';
    assert.match(why, /git itself: checkout, merge, pull/, r.stdout);
    assert.doesNotMatch(why, /content from before Countersign watched the file\)/);
    assert.doesNotMatch(why, /^untracked: \d+ typed outside VS Code/);
  });
});
