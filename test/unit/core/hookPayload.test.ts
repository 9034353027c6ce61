import * as assert from 'assert';
import { applyPatchFiles } from '../../../src/core/agents/applyPatch';
import { agentNamed, HOOK_AGENTS, unknownAgentNameMessage } from '../../../src/core/agents/hookAgents';
import { parseHookPayload } from '../../../src/core/agents/hookPayload';
import { undoReplacements } from '../../../src/core/agents/undoEdits';
import { CountersignError } from '../../../src/core/errors';
import { fixture, fixtureNames, fixtureScenarios } from '../helpers/agentFixtures';

describe('agent hook payloads', () => {
  it("has a before/after fixture pair (or Cursor's after-only edit) for every supported agent", () => {
    const agents = new Set(fixtureScenarios().map((s) => s.agent));
    assert.deepStrictEqual([...agents].sort(), [...HOOK_AGENTS].sort());
    for (const s of fixtureScenarios()) {
      if (s.agent !== 'cursor' || s.tool !== 'afterFileEdit') assert.ok(s.pre, `${s.post} has a -pre fixture`);
    }
  });

  const expected: Record<
    string,
    {
      agent: string;
      phase: 'before' | 'after' | undefined;
      files: string[];
      shell: boolean;
      session?: string;
      model?: string;
      callId?: string;
    }
  > = {
    'claude-edit-pre': {
      agent: 'claude-code',
      phase: 'before',
      files: ['/repo/src/app.ts'],
      shell: false,
      session: '8c35adc1-0f4e-4b8e-9f55-7f0a3a1b2c3d',
      callId: 'toolu_01DUxq7Lw3',
    },
    'claude-edit-post': {
      agent: 'claude-code',
      phase: 'after',
      files: ['/repo/src/app.ts'],
      shell: false,
      callId: 'toolu_01DUxq7Lw3',
    },
    'claude-bash-pre': { agent: 'claude-code', phase: 'before', files: [], shell: true },
    'codex-apply_patch-pre': {
      agent: 'codex',
      phase: 'before',
      files: ['src/app.ts'],
      shell: false,
      model: 'gpt-5-codex',
      callId: 'call_Yk2pQ',
    },
    'codex-bash-post': { agent: 'codex', phase: 'after', files: [], shell: true, model: 'gpt-5-codex' },
    'gemini-replace-pre': {
      agent: 'gemini-cli',
      phase: 'before',
      files: ['/repo/src/app.ts'],
      shell: false,
      session: 'f3b9c1d2-gemini',
    },
    'gemini-run_shell_command-post': { agent: 'gemini-cli', phase: 'after', files: [], shell: true },
    'cursor-afterFileEdit-post': {
      agent: 'cursor',
      phase: 'after',
      files: ['/repo/src/app.ts'],
      shell: false,
      session: '668320d2-2fd8-4888-b33c-2a466fec86e7',
      model: 'claude-4.5-sonnet',
    },
    'cursor-shell-pre': { agent: 'cursor', phase: 'before', files: [], shell: true },
    // Copilot's camelCase payloads carry no event name: the hook command's --phase says which side this is.
    'copilot-edit-pre': { agent: 'copilot', phase: undefined, files: ['src/app.ts'], shell: false },
    'copilot-bash-post': { agent: 'copilot', phase: 'after', files: [], shell: true, session: 'copilot-cli-5a1e' },
    'kiro-fs_write-pre': { agent: 'kiro', phase: 'before', files: ['/repo/src/app.ts'], shell: false },
    'kiro-execute_bash-post': { agent: 'kiro', phase: 'after', files: [], shell: true },
    // VS Code's agent hooks: camelCase or snake_case common fields, Copilot's tool names.
    'vscode-replace_string_in_file-pre': {
      agent: 'copilot',
      phase: 'before',
      files: ['/repo/src/app.ts'],
      shell: false,
      session: 'b7e2c1d4-5a6f-4e3b-9c8d-0a1b2c3d4e5f',
      callId: 'call_q1W3e5R7t9__vscode-1764412200000',
    },
    'vscode-apply_patch-post': {
      agent: 'copilot',
      phase: 'after',
      files: ['/repo/src/app.ts'],
      shell: false,
      session: 'b7e2c1d4-5a6f-4e3b-9c8d-0a1b2c3d4e5f',
      callId: 'call_lEov1CG9mTy45oPQ__vscode-1764412260000',
    },
    'vscode-run_in_terminal-pre': { agent: 'copilot', phase: 'before', files: [], shell: true },
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

  describe('VS Code agent hooks: which harness sent the payload', () => {
    const payload = (extra: Record<string, unknown>) =>
      JSON.stringify({
        timestamp: '2026-11-29T10:30:00.000Z',
        cwd: '/repo',
        sessionId: 's1',
        hookEventName: 'PreToolUse',
        tool_use_id: 't1',
        ...extra,
      });
    const cases: Array<[string, Record<string, unknown>, string]> = [
      [
        'Copilot agent mode (Copilot transcript, Copilot tools)',
        {
          tool_name: 'editFiles',
          tool_input: { files: ['src/main.ts'] },
          transcript_path: '/home/u/.config/Code/User/workspaceStorage/ab/GitHub.copilot-chat/transcripts/s1.jsonl',
        },
        'copilot',
      ],
      [
        'Copilot agent mode without a transcript',
        { tool_name: 'create_file', tool_input: { filePath: '/repo/new.ts', content: 'x' } },
        'copilot',
      ],
      [
        'the Claude harness (Claude transcript)',
        {
          tool_name: 'Edit',
          tool_input: { file_path: '/repo/src/main.ts' },
          transcript_path: '/home/u/.claude/projects/-repo/s1.jsonl',
        },
        'claude-code',
      ],
      [
        'the Claude harness (Claude tool names, no transcript)',
        { tool_name: 'MultiEdit', tool_input: { file_path: '/repo/src/main.ts' } },
        'claude-code',
      ],
      [
        'the Codex harness (Codex transcript)',
        {
          tool_name: 'apply_patch',
          tool_input: { command: '*** Begin Patch\n*** Add File: a.txt\n+a\n*** End Patch' },
          transcript_path: '/home/u/.codex/sessions/2026/11/29/rollout-s1.jsonl',
        },
        'codex',
      ],
      [
        'the Codex harness (turn_id, model in the payload)',
        { tool_name: 'Bash', turn_id: 'turn-3', model: 'gpt-5-codex', tool_input: { command: 'ls' } },
        'codex',
      ],
      [
        'a payload naming its harness',
        { harness: 'claude', tool_name: 'editFiles', tool_input: { files: ['a'] } },
        'claude-code',
      ],
    ];
    for (const [what, extra, agent] of cases) {
      it(`${what} -> ${agent}`, () => {
        assert.strictEqual(parseHookPayload('vscode', payload(extra)).agent, agent);
      });
    }

    it("names the files of editFiles, multi-replace, file URIs and apply_patch's input", () => {
      assert.deepStrictEqual(
        parseHookPayload('vscode', payload({ tool_name: 'editFiles', tool_input: { files: ['src/a.ts', 'src/b.ts'] } }))
          .files,
        ['src/a.ts', 'src/b.ts'],
      );
      assert.deepStrictEqual(
        parseHookPayload(
          'vscode',
          payload({
            tool_name: 'multi_replace_string_in_file',
            tool_input: {
              explanation: 'x',
              replacements: [
                { filePath: '/repo/a.ts', oldString: 'a', newString: 'b' },
                { filePath: '/repo/b.ts', oldString: 'a', newString: 'b' },
                { filePath: '/repo/a.ts', oldString: 'c', newString: 'd' },
              ],
            },
          }),
        ).files,
        ['/repo/a.ts', '/repo/b.ts'],
      );
      assert.deepStrictEqual(
        parseHookPayload(
          'vscode',
          payload({
            tool_name: 'insert_edit_into_file',
            tool_input: { filePath: 'file:///repo/dir%20x/a.ts', code: 'x' },
          }),
        ).files,
        ['/repo/dir x/a.ts'],
      );
      assert.deepStrictEqual(parseHookPayload('vscode', fixture('vscode-apply_patch-pre')).files, ['/repo/src/app.ts']);
    });

    it("reads VS Code's read-only tools as nothing to record, and its terminal tool as a shell", () => {
      for (const tool of ['read_file', 'grep_search', 'file_search', 'semantic_search', 'list_dir', 'get_errors']) {
        assert.strictEqual(
          parseHookPayload('vscode', payload({ tool_name: tool, tool_input: { filePath: '/repo/a.ts' } })).readOnly,
          true,
          tool,
        );
      }
      assert.strictEqual(
        parseHookPayload('vscode', payload({ tool_name: 'run_in_terminal', tool_input: { command: 'npm test' } }))
          .shell,
        true,
      );
    });
  });

  it('marks read-only tools so nothing is recorded', () => {
    assert.strictEqual(parseHookPayload('claude', fixture('claude-read-pre')).readOnly, true);
  });

  it("gives Cursor's afterFileEdit replacements, which rebuild the content before the edit", () => {
    const call = parseHookPayload('cursor', fixture('cursor-afterFileEdit-post'));
    assert.strictEqual(call.edits?.length, 1);
    const after = 'export function greet(name: string): string {\n  return `Hello, ${name}!`;\n}\n';
    assert.strictEqual(
      undoReplacements(after, call.edits!),
      "export function greet(name: string): string {\n  return 'Hello, ' + name;\n}\n",
    );
  });

  it('rejects payloads that are not JSON objects with an input error (the CLI logs it and exits 0)', () => {
    for (const bad of ['', 'not json', '[1,2]', '"text"']) {
      assert.throws(
        () => parseHookPayload('claude', bad),
        (e: unknown) => CountersignError.is(e, 'input'),
      );
    }
    assert.throws(() => parseHookPayload('cursor', '{"hook_event_name":"afterFileEdit"}'), /no file_path/);
  });

  it('treats an unknown tool that names no file as possibly writing anywhere (snapshot changed files)', () => {
    const call = parseHookPayload(
      'claude',
      JSON.stringify({ hook_event_name: 'PreToolUse', tool_name: 'mcp__db__migrate', tool_input: { sql: 'x' } }),
    );
    assert.strictEqual(call.shell, true);
    assert.strictEqual(call.phase, 'before');
  });

  it('leaves the phase undefined for events it does not know (the hook command passes --phase)', () => {
    assert.strictEqual(parseHookPayload('kiro', '{"tool_name":"fs_write","tool_input":{"path":"a"}}').phase, undefined);
  });

  it('maps short and aliased agent names, in any case, to canonical ones, and knows no others (newuser14 S27)', () => {
    assert.strictEqual(agentNamed('claude'), 'claude-code');
    assert.strictEqual(agentNamed('Claude'), 'claude-code');
    assert.strictEqual(agentNamed('gemini'), 'gemini-cli');
    assert.strictEqual(agentNamed('vscode'), 'copilot');
    assert.strictEqual(agentNamed('aider'), 'aider');
    assert.strictEqual(agentNamed('unknown'), 'unknown');
    assert.strictEqual(agentNamed('aidr'), undefined);
    assert.strictEqual(agentNamed('bad name!'), undefined);
    assert.match(unknownAgentNameMessage('aidr'), /Did you mean 'aider'\?/);
    assert.match(unknownAgentNameMessage('claud'), /Did you mean 'claude' \(recorded as claude-code\)\?/);
  });
});

describe('apply_patch file list', () => {
  it('lists added, updated, deleted and moved files once each', () => {
    const patch =
      '*** Begin Patch\n*** Add File: a.txt\n+x\n*** Update File: src/b.ts\n*** Move to: src/c.ts\n@@\n-y\n+z\n*** Delete File: d.md\n*** Update File: a.txt\n*** End Patch\n';
    assert.deepStrictEqual(applyPatchFiles(patch), ['a.txt', 'src/b.ts', 'src/c.ts', 'd.md']);
  });
});

describe('undoReplacements', () => {
  it('undoes several replacements last-first', () => {
    assert.strictEqual(
      undoReplacements('A2 B2', [
        { oldText: 'A1', newText: 'A2' },
        { oldText: 'B1', newText: 'B2' },
      ]),
      'A1 B1',
    );
  });

  it('uses the reported line to choose between equal occurrences', () => {
    assert.strictEqual(
      undoReplacements('x\nnew\nnew\n', [{ oldText: 'old', newText: 'new', line: 3 }]),
      'x\nnew\nold\n',
    );
  });

  it('gives up (undefined) rather than guess when the new text is not there', () => {
    assert.strictEqual(undoReplacements('abc', [{ oldText: 'x', newText: 'zzz' }]), undefined);
    assert.strictEqual(undoReplacements('abc', [{ oldText: 'x', newText: '' }]), undefined);
  });
});
