import * as fs from 'fs';
import * as path from 'path';

/**
 * What Claude Code gives its hooks in the demo, as Claude Code itself does (newuser8: the demo's flagship trailer
 * said `Claude:unknown`). Claude's PreToolUse/PostToolUse payload names no model; it names its session
 * transcript, `<config dir>/projects/<project>/<session id>.jsonl`, whose assistant entries name the model.
 * Countersign reads a transcript only below Claude's own folders (src/core/agents/transcriptLocations.ts), so
 * the demo writes its one assistant entry where Claude Code keeps it, in the demo's own home folder — nothing
 * the product could not know is put in the payload.
 */
export const DEMO_SESSION = '3f2a9c1e-7b4d-4e8a-9c2f-5d6e7f8a9b0c';

/** Claude Code's project folder name: the work tree's absolute path with every non-alphanumeric character a dash. */
function projectFolder(workTree: string): string {
  return workTree.replace(/[^A-Za-z0-9]/g, '-');
}

/** Writes the session transcript Claude Code would keep for `workTree` under `home`, naming `model`; returns its path. */
export function writeDemoTranscript(home: string, workTree: string, model: string): string {
  const file = path.join(home, '.claude', 'projects', projectFolder(workTree), `${DEMO_SESSION}.jsonl`);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const entry = {
    type: 'assistant',
    sessionId: DEMO_SESSION,
    cwd: workTree,
    message: { role: 'assistant', model, content: [{ type: 'text', text: 'Refunding only paid orders.' }] },
  };
  fs.writeFileSync(file, JSON.stringify(entry) + '\n');
  return file;
}

/** The JSON Claude Code sends its PreToolUse/PostToolUse hooks on stdin for a Write of `file`. */
export function claudePayload(
  repo: string,
  transcript: string,
  event: 'PreToolUse' | 'PostToolUse',
  file: string,
  content: string,
): string {
  return JSON.stringify({
    session_id: DEMO_SESSION,
    transcript_path: transcript,
    cwd: repo,
    permission_mode: 'default',
    hook_event_name: event,
    tool_name: 'Write',
    tool_use_id: 'toolu_demo1',
    tool_input: { file_path: path.join(repo, file), content },
    ...(event === 'PostToolUse' ? { tool_response: { filePath: path.join(repo, file), success: true } } : {}),
  });
}
