import * as path from 'path';

/**
 * Where agents keep their session transcripts (issue 16, class 7). A hook payload's `transcript_path` is
 * anyone's text — a repository's agent, or a crafted payload, can name ~/.ssh/id_ed25519 or a file in the
 * clone — and what is read from it (the model) ends up in a pushed note and trailer. So a transcript is read
 * only below these folders (after resolving symlinks), and only the model name is taken from it.
 *
 * - Claude Code: `~/.claude/projects/<project>/<session>.jsonl`, or under `$CLAUDE_CONFIG_DIR/projects`;
 * - VS Code's agent hooks: Copilot's transcripts in VS Code's user data (desktop, Insiders, VSCodium,
 *   code-server, the remote server, `$VSCODE_PORTABLE`), and the Claude and Codex harnesses' own
 *   (`~/.codex/sessions`).
 */
export function transcriptRoots(agent: 'claude' | 'vscode', home: string, env: NodeJS.ProcessEnv): string[] {
  const claude = [
    path.join(env.CLAUDE_CONFIG_DIR || path.join(home, '.claude'), 'projects'),
    path.join(home, '.config', 'claude', 'projects'),
  ];
  if (agent === 'claude') return claude;
  const config = env.XDG_CONFIG_HOME || path.join(home, '.config');
  const userData = ['Code', 'Code - Insiders', 'VSCodium', 'Code - OSS'].flatMap((app) => [
    path.join(config, app),
    path.join(home, 'Library', 'Application Support', app),
    path.join(env.APPDATA || path.join(home, 'AppData', 'Roaming'), app),
  ]);
  return [
    ...claude,
    path.join(env.CODEX_HOME || path.join(home, '.codex'), 'sessions'),
    ...userData,
    path.join(home, '.vscode-server', 'data'),
    path.join(home, '.local', 'share', 'code-server'),
    ...(env.VSCODE_PORTABLE ? [path.join(env.VSCODE_PORTABLE, 'user-data')] : []),
  ];
}

/** Whether `real` (a resolved path) lies below one of `roots` (also resolved). */
export function isBelow(real: string, roots: readonly string[]): boolean {
  return roots.some((r) => {
    const rel = path.relative(r, real);
    return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
  });
}

/** The start of the hook log line unreadTranscriptAdvice writes; doctor looks for it. */
export const MODEL_UNKNOWN = 'model unknown';

/**
 * Why a tool call's model is unknown when its transcript lies outside the agent's folders, and what to do
 * (newuser10 N4): written once per transcript to the hook log, and repeated by doctor.
 */
export function unreadTranscriptAdvice(transcript: string, roots: readonly string[], home: string): string {
  const tilde = (p: string) => (home && p.startsWith(home + path.sep) ? `~${p.slice(home.length)}` : p);
  return (
    `${MODEL_UNKNOWN} (recorded as "unknown" in the trailer and note): the transcript ${transcript} lies outside the folders ` +
    `Countersign reads transcripts from (${roots.map(tilde).join(', ')}), since a hook payload may name any file. ` +
    TRANSCRIPT_FIX
  );
}

/** What to do about it: where Claude Code keeps transcripts, or a model named in the payload itself. */
export const TRANSCRIPT_FIX =
  'Fix: let the agent keep its transcripts where it does by default (Claude Code: ~/.claude/projects), or, if it keeps its ' +
  'configuration elsewhere, set CLAUDE_CONFIG_DIR to that folder in the environment the agent (and so its hooks) runs in; ' +
  'a tool that sends its own payloads can name the model in a "model" field';
