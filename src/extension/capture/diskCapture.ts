import * as fs from 'fs/promises';
import * as vscode from 'vscode';
import type { FileSync } from '../attribution/fileSync';
import type { AttributionHub } from '../attribution/attributionHub';
import { settings } from '../settings';
import type { DocumentCapture } from './documentCapture';

/**
 * Files changed on disk, open or not -> `diskWrite`. One watcher over the workspace; events are coalesced per
 * file (a write often fires create + change), then the file is read unless it is under `.git/` or
 * `node_modules/` (AttributionHub.locate skips those), larger than `countersign.capture.maxFileSize`, or binary
 * (a NUL byte in its first 8 KB). Open documents are left to DocumentCapture: their buffer is the engine's
 * text, and VS Code's reload of a clean document after a disk change arrives there as a change that makes
 * the buffer equal the disk; a write the editor opened before it was reported here is handed to it. Files that were open and saved echo back here after closing and are
 * recognised because the engine already holds that exact text.
 */
export class DiskCapture implements vscode.Disposable {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly repos: AttributionHub,
    private readonly sync: FileSync,
    private readonly documents: DocumentCapture,
    private readonly log: vscode.LogOutputChannel,
    private readonly coalesceMs = 50,
  ) {}

  start(): void {
    const watcher = vscode.workspace.createFileSystemWatcher('**/*');
    this.disposables.push(
      watcher,
      watcher.onDidCreate((u) => this.schedule(u)),
      watcher.onDidChange((u) => this.schedule(u)),
      watcher.onDidDelete((u) => this.deleted(u)),
    );
  }

  private schedule(uri: vscode.Uri): void {
    if (!settings.captureEnabled()) return;
    const key = uri.toString();
    const old = this.timers.get(key);
    if (old) clearTimeout(old);
    this.timers.set(
      key,
      setTimeout(() => {
        this.timers.delete(key);
        void this.read(uri);
      }, this.coalesceMs),
    );
  }

  private async read(uri: vscode.Uri): Promise<void> {
    const loc = this.repos.locate(uri);
    if (!loc) return;
    const content = await readTextFile(uri.fsPath, settings.maxFileSize());
    if (content === undefined) return;
    // An open document's buffer is its text: VS Code reloads it when the disk changes and it has no unsaved
    // changes, and DocumentCapture recognises that reload. Applying the disk here instead would race with
    // edits whose dirty flag has not reached the extension host yet. Only an open that read this very write
    // before it was reported here is told (DocumentCapture.diskWriteReported).
    if (this.documents.isTracked(uri)) this.documents.diskWriteReported(uri, loc, content);
    else this.sync.applyDisk(loc, content);
  }

  private deleted(uri: vscode.Uri): void {
    const loc = this.repos.locate(uri);
    if (!loc || this.documents.isTracked(uri)) return; // an open document keeps its buffer
    loc.repo.queue.push(() => {
      loc.repo.session.deleteFile(loc.file);
      this.log.trace(`[capture] ${loc.file} deleted on disk`);
      this.repos.fire(loc);
    });
  }

  dispose(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    for (const d of this.disposables) d.dispose();
  }
}

/** The file's text, or undefined when it is gone, not a regular file, too large or binary. */
export async function readTextFile(file: string, maxBytes: number): Promise<string | undefined> {
  try {
    const st = await fs.stat(file);
    if (!st.isFile() || st.size > maxBytes) return undefined;
    const buf = await fs.readFile(file);
    if (buf.subarray(0, 8192).includes(0)) return undefined;
    return buf.toString('utf8');
  } catch {
    return undefined;
  }
}
