import * as assert from 'assert';
import { applyPatchFiles } from '../../../src/core/agents/applyPatch';
import { canonicalAgentName, HOOK_AGENTS } from '../../../src/core/agents/hookAgents';
import { parseHookPayload } from '../../../src/core/agents/hookPayload';
import { undoReplacements } from '../../../src/core/agents/undoEdits';
import { CountersignError } from '../../../src/core/errors';
import { fixture, fixtureNames, fixtureScenarios } from '../helpers/agentFixtures';

describe('agent hook payloads', () => {
  it('has a before/after fixture pair (or Cursor\'s after-only edit) for every supported agent', () => {
    const agents = new Set(fixtureScenarios().map((s) => s.agent));
    assert.deepStrictEqual([...agents].sort(), [...HOOK_AGENTS].sort());
    for (const s of fixtureScenarios()) {
      if (s.agent !== 'cursor' || s.tool !== 'afterFileEdit') assert.ok(s.pre, `${s.post} has a -pre fixture`);
    }
  });

  const expected: Record<string, { agent: string; phase: 'before' | 'after' | undefined; files: string[]; shell: boolean; session?: string; model?: string; callId?: string }> = {
    'claude-edit-pre': { agent: 'claude-code', phase: 'before', files: ['/repo/src/app.ts'], shell: false, session: '8c35adc1-0f4e-4b8e-9f55-7f0a3a1b2c3d', callId: 'toolu_01DUxq7Lw3' },
    'claude-edit-post': { agent: 'claude-code', phase: 'after', files: ['/repo/src/app.ts'], shell: false, callId: 'toolu_01DUxq7Lw3' },
    'claude-bash-pre': { agent: 'claude-code', phase: 'before', files: [], shell: true },
    'codex-apply_patch-pre': { agent: 'codex', phase: 'before', files: ['src/app.ts'], shell: false, model: 'gpt-5-codex', callId: 'call_Yk2pQ' },
    'codex-bash-post': { agent: 'codex', phase: 'after', files: [], shell: true, model: 'gpt-5-codex' },
    'gemini-replace-pre': { agent: 'gemini-cli', phase: 'before', files: ['/repo/src/app.ts'], shell: false, session: 'f3b9c1d2-gemini' },
    'gemini-run_shell_command-post': { agent: 'gemini-cli', phase: 'after', files: [], shell: true },
    'cursor-afterFileEdit-post': { agent: 'cursor', phase: 'after', files: ['/repo/src/app.ts'], shell: false, session: '668320d2-2fd8-4888-b33c-2a466fec86e7', model: 'claude-4.5-sonnet' },
    'cursor-shell-pre': { agent: 'cursor', phase: 'before', files: [], shell: true },
    // Copilot's camelCase payloads carry no event name: the hook command's --phase says which side this is.
    'copilot-edit-pre': { agent: 'copilot', phase: undefined, files: ['src/app.ts'], shell: false },
    'copilot-bash-post': { agent: 'copilot', phase: 'after', files: [], shell: true, session: 'copilot-cli-5a1e' },
    'kiro-fs_write-pre': { agent: 'kiro', phase: 'before', files: ['/repo/src/app.ts'], shell: false },
    'kiro-execute_bash-post': { agent: 'kiro', phase: 'after', files: [], shell: true },
  };

  for (const [name, want] of Object.entries(expected)) {
    it(`reads ${name}`, () => {
      const from = name.split('-')[0] as (typeof HOOK_AGENTS)[number];
      const call = parseHookPayload(from, fixture(name));
      assert.strictEqual(call.agent, want.agent);
      assert.strictEqual(call.phase, want.phase);
      assert.deepStrictEqual(call.files, want.files);
      assert.strictEqual(call.shell, want.shell);
      assert.strictEqual(call.readOnly, false);
      if (want.session) assert.strictEqual(call.session, want.session);
      if (want.model) assert.strictEqual(call.model, want.model);
      if (want.callId) assert.strictEqual(call.callId, want.callId);
      assert.strictEqual(call.cwd, '/repo');
    });
  }

  it('reads every fixture without error', () => {
    for (const name of fixtureNames()) {
      const from = name.split('-')[0] as (typeof HOOK_AGENTS)[number];
      assert.doesNotThrow(() => parseHookPayload(from, fixture(name)), name);
    }
  });

  it('marks read-only tools so nothing is recorded', () => {
    assert.strictEqual(parseHookPayload('claude', fixture('claude-read-pre')).readOnly, true);
  });

  it('gives Cursor\'s afterFileEdit replacements, which rebuild the content before the edit', () => {
    const call = parseHookPayload('cursor', fixture('cursor-afterFileEdit-post'));
    assert.strictEqual(call.edits?.length, 1);
    const after = 'export function greet(name: string): string {\n  return `Hello, ${name}!`;\n}\n';
    assert.strictEqual(undoReplacements(after, call.edits!), "export function greet(name: string): string {\n  return 'Hello, ' + name;\n}\n");
  });

  it('rejects payloads that are not JSON objects with an input error (the CLI logs it and exits 0)', () => {
    for (const bad of ['', 'not json', '[1,2]', '"text"']) {
      assert.throws(() => parseHookPayload('claude', bad), (e: unknown) => CountersignError.is(e, 'input'));
    }
    assert.throws(() => parseHookPayload('cursor', '{"hook_event_name":"afterFileEdit"}'), /no file_path/);
  });

  it('treats an unknown tool that names no file as possibly writing anywhere (snapshot changed files)', () => {
    const call = parseHookPayload('claude', JSON.stringify({ hook_event_name: 'PreToolUse', tool_name: 'mcp__db__migrate', tool_input: { sql: 'x' } }));
    assert.strictEqual(call.shell, true);
    assert.strictEqual(call.phase, 'before');
  });

  it('leaves the phase undefined for events it does not know (the hook command passes --phase)', () => {
    assert.strictEqual(parseHookPayload('kiro', '{"tool_name":"fs_write","tool_input":{"path":"a"}}').phase, undefined);
  });

  it('maps short agent names to canonical ones, keeping others as given', () => {
    assert.strictEqual(canonicalAgentName('claude'), 'claude-code');
    assert.strictEqual(canonicalAgentName('gemini'), 'gemini-cli');
    assert.strictEqual(canonicalAgentName('aider'), 'aider');
  });
});

describe('apply_patch file list', () => {
  it('lists added, updated, deleted and moved files once each', () => {
    const patch = '*** Begin Patch\n*** Add File: a.txt\n+x\n*** Update File: src/b.ts\n*** Move to: src/c.ts\n@@\n-y\n+z\n*** Delete File: d.md\n*** Update File: a.txt\n*** End Patch\n';
    assert.deepStrictEqual(applyPatchFiles(patch), ['a.txt', 'src/b.ts', 'src/c.ts', 'd.md']);
  });
});

describe('undoReplacements', () => {
  it('undoes several replacements last-first', () => {
    assert.strictEqual(undoReplacements('A2 B2', [{ oldText: 'A1', newText: 'A2' }, { oldText: 'B1', newText: 'B2' }]), 'A1 B1');
  });

  it('uses the reported line to choose between equal occurrences', () => {
    assert.strictEqual(undoReplacements('x\nnew\nnew\n', [{ oldText: 'old', newText: 'new', line: 3 }]), 'x\nnew\nold\n');
  });

  it('gives up (undefined) rather than guess when the new text is not there', () => {
    assert.strictEqual(undoReplacements('abc', [{ oldText: 'x', newText: 'zzz' }]), undefined);
    assert.strictEqual(undoReplacements('abc', [{ oldText: 'x', newText: '' }]), undefined);
  });
});
