import { CountersignError } from '../errors';
import { applyPatchFiles } from './applyPatch';
import { agentOfHook, type HookAgent } from './agentIdentity';
import { parseShallowJson } from '../jsonDepth';

/**
 * One agent hook invocation, read from the JSON the agent writes to the hook's stdin. The shapes differ
 * per agent (documented by each vendor) but share a core, so one tolerant reader handles them all:
 *
 * - Claude Code (PreToolUse/PostToolUse): session_id, transcript_path, cwd, hook_event_name, tool_name,
 *   tool_input {file_path | notebook_path | command …}, tool_use_id.
 * - Codex (.codex/hooks.json, same wire format as Claude): plus model, turn_id; `apply_patch` carries the
 *   raw patch in tool_input.command, shell tools are named `Bash`.
 * - Gemini CLI (BeforeTool/AfterTool): session_id, cwd, tool_name (write_file, replace,
 *   run_shell_command), tool_input {file_path, …}.
 * - Cursor (hooks.json): conversation_id, generation_id, model, workspace_roots, hook_event_name;
 *   afterFileEdit {file_path, edits: [{old_string, new_string}]}, before/afterShellExecution {command, cwd};
 *   newer builds also send preToolUse/postToolUse with tool_name/tool_input/tool_use_id.
 * - GitHub Copilot (.github/hooks/*.json): camelCase {sessionId?, timestamp, cwd, toolName, toolArgs
 *   (object or JSON string)} for preToolUse/postToolUse, or the snake_case VS Code-compatible form.
 * - Kiro (agent hooks): hook_event_name preToolUse/postToolUse, cwd, tool_name (fs_write,
 *   execute_bash), tool_input {path, command …}.
 * - VS Code's agent hooks (.github/hooks/*.json, PreToolUse/PostToolUse): timestamp, cwd, sessionId or
 *   session_id, hookEventName or hook_event_name, transcript_path, tool_name (editFiles, create_file,
 *   replace_string_in_file, multi_replace_string_in_file, insert_edit_into_file, apply_patch,
 *   run_in_terminal …), tool_input {files | filePath | replacements[].filePath | input (a patch)},
 *   tool_use_id. One hook serves every harness VS Code runs; the agent is told from the payload.
 */
export interface HookCall {
  /** Canonical agent name (`claude-code`, `gemini-cli`, …). */
  agent: string;
  /** From the event name; undefined when the payload does not say (then `--phase` must). */
  phase: 'before' | 'after' | undefined;
  event: string | undefined;
  tool: string | undefined;
  session: string | undefined;
  model: string | undefined;
  /** Pairs a before with its after when the agent runs tool calls in parallel. */
  callId: string | undefined;
  /** Where relative paths are resolved (the agent's working directory). */
  cwd: string | undefined;
  transcriptPath: string | undefined;
  /** Files the tool names, as the payload gives them (absolute, or relative to cwd). */
  files: string[];
  /** The tool can change files it does not name (a shell command, an MCP tool): snapshot what git sees changed. */
  shell: boolean;
  /** A read-only tool (Read, Grep, view…): nothing to record. */
  readOnly: boolean;
  /** Cursor's afterFileEdit: the edits just applied, to rebuild the content before them. */
  edits?: Array<{ oldText: string; newText: string; line?: number }>;
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type JsonObject = { [k: string]: Json };

const BEFORE_EVENTS = new Set(['pretooluse', 'beforetool', 'beforeshellexecution', 'beforemcpexecution']);
const AFTER_EVENTS = new Set([
  'posttooluse',
  'posttoolusefailure',
  'aftertool',
  'aftershellexecution',
  'aftermcpexecution',
  'afterfileedit',
  'aftertabfileedit',
]);

/** Tools that only read: recording them would only cost time. Compared case-insensitively. */
const READ_ONLY_TOOLS = new Set([
  'read',
  'glob',
  'grep',
  'ls',
  'view',
  'read_file',
  'read_many_files',
  'list_directory',
  'search_file_content',
  'glob_file_search',
  'codebase_search',
  'web_fetch',
  'webfetch',
  'web_search',
  'websearch',
  'google_web_search',
  'todowrite',
  'todo_write',
  'fs_read',
  'ask_user',
  'exitplanmode',
  'update_plan',
  'view_image',
  // VS Code's own tools
  'file_search',
  'grep_search',
  'semantic_search',
  'list_dir',
  'get_errors',
  'fetch_webpage',
  'manage_todo_list',
  'get_changed_files',
  'test_search',
  'get_terminal_output',
  'think',
  'vscode_searchextensions_internal',
]);

/** Tools that run commands: they can touch any file, so the hook snapshots what git reports as changed. */
const SHELL_TOOLS =
  /^(bash|shell|sh|powershell|run_shell_command|execute_bash|exec_command|local_shell|run_terminal_cmd|run_in_terminal|terminal|command)$/i;

/** Keys under which the agents name the file a tool writes. */
const FILE_KEYS = ['file_path', 'filePath', 'notebook_path', 'absolute_path', 'target_file', 'path', 'filename'];

/**
 * Agents' payloads carry tool arguments the model chose (an MCP tool's JSON can nest), so they get more room than
 * Countersign's own formats; still far below where recursive readers overflow (jsonDepth.ts).
 */
const PAYLOAD_DEPTH = 256;

export function parseHookPayload(from: HookAgent, text: string): HookCall {
  const trimmed = text.trim();
  if (trimmed === '') throw new CountersignError('input', `empty ${from} hook payload (expected JSON on stdin)`);
  let parsed: unknown;
  try {
    parsed = parseShallowJson(trimmed, 'the payload', PAYLOAD_DEPTH);
  } catch (e) {
    throw new CountersignError('input', `${from} hook payload is not JSON: ${(e as Error).message}`);
  }
  if (!isObject(parsed)) throw new CountersignError('input', `${from} hook payload is not a JSON object`);
  const p = parsed;

  const event = str(p.hook_event_name) ?? str(p.hookEventName);
  const tool = str(p.tool_name) ?? str(p.toolName);
  const input = toolInput(p);
  const workspaceRoots = Array.isArray(p.workspace_roots)
    ? p.workspace_roots.filter((r): r is string => typeof r === 'string')
    : [];
  const transcriptPath = str(p.transcript_path) ?? str(p.transcriptPath);
  const call: HookCall = {
    agent: from === 'vscode' ? vscodeHarnessAgent(p, tool, transcriptPath) : agentOfHook(from),
    // Copilot's camelCase payloads name no event: a tool result can only mean after; otherwise --phase decides.
    phase:
      phaseOf(event) ??
      (p.toolResult !== undefined || p.tool_result !== undefined || p.tool_response !== undefined
        ? 'after'
        : undefined),
    event,
    tool,
    session: str(p.session_id) ?? str(p.sessionId) ?? str(p.conversation_id) ?? str(p.conversationId),
    model: str(p.model) ?? modelOf(p),
    callId: str(p.tool_use_id) ?? str(p.toolUseId) ?? str(p.tool_call_id),
    cwd: str(p.cwd) ?? workspaceRoots[0],
    transcriptPath,
    files: [],
    shell: false,
    readOnly: false,
  };

  const lowerEvent = event?.toLowerCase();
  if (lowerEvent === 'afterfileedit' || lowerEvent === 'aftertabfileedit') {
    // Cursor: the edit has happened; the payload carries the file and the replacements made.
    const file = str(p.file_path) ?? str(p.filePath);
    if (!file) throw new CountersignError('input', `cursor ${event} payload has no file_path`);
    call.files = [file];
    call.edits = editsOf(p.edits);
    return call;
  }
  if (lowerEvent === 'beforeshellexecution' || lowerEvent === 'aftershellexecution') {
    call.shell = true;
    call.tool = call.tool ?? 'shell';
    return call;
  }

  if (tool && READ_ONLY_TOOLS.has(tool.toLowerCase())) {
    call.readOnly = true;
    return call;
  }
  if (
    tool === 'apply_patch' ||
    (from === 'codex' && typeof input?.command === 'string' && input.command.includes('*** Begin Patch'))
  ) {
    // Codex: tool_input.command; VS Code's apply_patch tool: tool_input.input.
    const patch = [input?.command, input?.patch, input?.input].find((v): v is string => typeof v === 'string') ?? '';
    call.files = applyPatchFiles(patch);
    if (call.files.length === 0) call.shell = true;
    return call;
  }
  call.files = filesOf(input);
  if (tool && SHELL_TOOLS.test(tool)) call.shell = true;
  // A tool we do not know that names no file may still write (MCP servers, future tools): be safe.
  if (call.files.length === 0 && !call.shell) call.shell = true;
  return call;
}

function phaseOf(event: string | undefined): 'before' | 'after' | undefined {
  if (!event) return undefined;
  const e = event.toLowerCase();
  if (BEFORE_EVENTS.has(e)) return 'before';
  if (AFTER_EVENTS.has(e)) return 'after';
  return undefined;
}

/** The tool's arguments: tool_input (Claude, Codex, Gemini, Kiro, Cursor), toolArgs (Copilot; sometimes a JSON string). */
function toolInput(p: JsonObject): JsonObject | undefined {
  const raw = p.tool_input ?? p.toolInput ?? p.toolArgs ?? p.tool_args;
  if (isObject(raw)) return raw;
  if (typeof raw === 'string') {
    try {
      const v = parseShallowJson(raw, 'the tool arguments', PAYLOAD_DEPTH);
      if (isObject(v)) return v;
    } catch {
      /* not JSON: Cursor's MCP tool_input can be any text */
    }
  }
  return undefined;
}

function filesOf(input: JsonObject | undefined): string[] {
  if (!input) return [];
  const files: string[] = [];
  const add = (f: unknown) => {
    if (typeof f === 'string' && f.length > 0 && !files.includes(f)) files.push(f);
  };
  for (const k of FILE_KEYS) add(input[k]);
  for (const k of ['files', 'paths', 'file_paths']) {
    const v = input[k];
    if (Array.isArray(v)) for (const f of v) add(isObject(f) ? (f.path ?? f.file_path ?? f.filePath) : f);
  }
  // VS Code's multi_replace_string_in_file: one replacement per entry, each naming its file.
  const replacements = input.replacements;
  if (Array.isArray(replacements))
    for (const r of replacements) if (isObject(r)) add(r.filePath ?? r.file_path ?? r.path);
  return files.map(fileUriToPath);
}

/** VS Code names files as paths or, in some tools, as file:// URIs. */
function fileUriToPath(f: string): string {
  if (!f.startsWith('file://')) return f;
  try {
    return decodeURIComponent(f.replace(/^file:\/\/(localhost)?/, ''));
  } catch {
    return f;
  }
}

/** Claude Code's tool names, which VS Code's Claude harness keeps. */
const CLAUDE_TOOLS = new Set([
  'Write',
  'Edit',
  'MultiEdit',
  'NotebookEdit',
  'Bash',
  'Read',
  'Glob',
  'Grep',
  'LS',
  'WebFetch',
  'WebSearch',
  'TodoWrite',
  'Task',
]);

/**
 * Which of VS Code's harnesses sent a payload (DESIGN: Copilot's agent mode -> `copilot`, the Claude harness
 * -> `claude-code`, Codex -> `codex`). VS Code names no harness, but each leaves its mark: an explicit
 * harness/agent field when there is one, the transcript's location (~/.claude/…, ~/.codex/…), Claude's
 * PascalCase tool names, Codex's turn_id. Everything else is Copilot's agent mode (and the Local harness,
 * which runs Copilot's tools).
 */
function vscodeHarnessAgent(p: JsonObject, tool: string | undefined, transcriptPath: string | undefined): string {
  const named = (str(p.harness) ?? str(p.agent) ?? str(p.provider))?.toLowerCase();
  if (named) {
    if (named.includes('claude')) return 'claude-code';
    if (named.includes('codex')) return 'codex';
    if (named.includes('copilot') || named === 'local') return 'copilot';
  }
  const transcript = transcriptPath?.replace(/\\/g, '/').toLowerCase() ?? '';
  if (transcript.includes('/.claude/') || transcript.includes('/claude/projects/')) return 'claude-code';
  if (transcript.includes('/.codex/')) return 'codex';
  if (transcript.includes('copilot')) return 'copilot';
  // Codex names its shell tool `Bash` too, so its turn_id is looked at first.
  if (p.turn_id !== undefined) return 'codex';
  if (tool && CLAUDE_TOOLS.has(tool)) return 'claude-code';
  return 'copilot';
}

function editsOf(v: Json | undefined): HookCall['edits'] {
  if (!Array.isArray(v)) return [];
  const edits: NonNullable<HookCall['edits']> = [];
  for (const e of v) {
    if (!isObject(e)) continue;
    const oldText = str(e.old_string) ?? str(e.old) ?? '';
    const newText = str(e.new_string) ?? str(e.new) ?? '';
    const range = isObject(e.range) ? e.range : undefined;
    const line = range && typeof range.start_line_number === 'number' ? range.start_line_number : undefined;
    edits.push({ oldText, newText, line });
  }
  return edits;
}

/** Some payloads nest the model (Gemini's llm_request, Copilot's VS Code form); take it when it is there. */
function modelOf(p: JsonObject): string | undefined {
  const req = p.llm_request;
  if (isObject(req)) return str(req.model);
  return undefined;
}

function str(v: Json | undefined): string | undefined {
  return typeof v === 'string' && v.length > 0 ? v : undefined;
}

function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
