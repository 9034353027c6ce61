import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import type { AttributionHub } from '../attribution/attributionHub';
import type { RepoAttribution } from '../attribution/repoAttribution';
import type { RepositoryQuestion } from '../repositoryCommand';

/**
 * "Countersign: Record Attribution Trace": writes what this window observed in one repository — each file's
 * content when first seen, then every observation — as DESIGN's trace (`{"version": 1, "files", "events"}`),
 * which `countersign replay TRACE.json` runs through the same engine. For bug reports: the file contains the
 * text of the files involved, which the save dialog's default location (the home folder, not the repository)
 * and the confirmation message say. A path argument skips the dialog (tests, scripts).
 */
export async function recordTrace(
  repo: RepoAttribution,
  log: vscode.LogOutputChannel,
  target?: string,
): Promise<string | undefined> {
  await repo.queue.idle();
  const { trace, notes } = repo.session.trace();
  let file = target;
  if (!file) {
    const stamp = new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19);
    const uri = await vscode.window.showSaveDialog({
      title: `Save the attribution trace of ${repo.name}`,
      defaultUri: vscode.Uri.file(path.join(os.homedir(), `countersign-trace-${repo.name}-${stamp}.json`)),
      filters: { 'Attribution trace': ['json'] },
      saveLabel: 'Save Trace',
    });
    if (!uri) return undefined;
    file = uri.fsPath;
  }
  await vscode.workspace.fs.writeFile(
    vscode.Uri.file(file),
    Buffer.from(`${JSON.stringify(trace, null, 2)}\n`, 'utf8'),
  );
  log.info(
    `[trace] wrote ${trace.events.length} observations over ${Object.keys(trace.files).length} files to ${file}`,
  );
  for (const n of notes) log.info(`[trace] note: ${n}`);
  if (!target) {
    const more =
      notes.length > 0 ? ` ${notes.length} label change(s) came from outside the observations (see the log).` : '';
    void vscode.window.showInformationMessage(
      `Trace of ${trace.events.length} observations written to ${path.basename(file)}; it contains the text of ${Object.keys(trace.files).length} file(s). Replay it with \`countersign replay\`.${more}`,
    );
  }
  return file;
}

/** The repositories with an attribution session (the argument is the trace file, not a repository). */
export function traceRepository(repos: AttributionHub): RepositoryQuestion {
  return {
    none: 'Countersign has observed no git repository in this window yet: open a file of one first.',
    placeHolder: 'Record the trace of which repository?',
    candidates: () => repos.inUse().map((s) => s.repository),
    named: () => undefined,
  };
}
