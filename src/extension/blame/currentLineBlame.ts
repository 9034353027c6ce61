import * as vscode from 'vscode';
import { annotationText } from '../../core/blame/blameAnnotation';
import { BlameCache, blameCacheKey } from '../../core/blame/blameCache';
import {
  insertedAtLineEnd,
  lineAfterChange,
  lineChangeOf,
  LinesSinceBlame,
  type LineChange,
} from '../../core/blame/linesSinceBlame';
import type { BlameCommitSummary, ProvenanceBlame, ProvenanceBlameLine } from '../../core/blame/lineProvenance';
import { errorMessage } from '../../core/errors';
import { Colors } from '../ids';
import { settings } from '../settings';
import type { RepositoryRegistry } from '../repositoryRegistry';
import type { Repository } from '../repository';

/** One document's blame: computed from its text at one moment, followed through the edits made since. */
interface FileBlame {
  key: string;
  root: string;
  file: string;
  /** undefined when git could not blame the file (not in HEAD yet, not a text file git knows…). */
  result: ProvenanceBlame | undefined;
  lines: LinesSinceBlame;
  /** Edited and then saved or reverted: lines edited back to their committed text deserve a fresh look. */
  stale: boolean;
}

/** What the annotation shows now (the hover and the test API read it). */
export interface ShownBlame {
  uri: string;
  line: number;
  text: string;
  root: string;
  blame: ProvenanceBlameLine;
  commit: BlameCommitSummary | undefined;
}

export interface BlameStats {
  computations: number;
  /** The last computation: milliseconds (git blame, notes, trailers) and lines blamed. */
  lastMs: number | undefined;
  lastLines: number;
  /** Why the last one ran: the document was new, HEAD or the notes moved, or it was edited and saved. */
  lastReason: string;
}

/** Documents larger than this are not blamed: the annotation is not worth a multi-second git run. */
const MAX_LINES = 100_000;
/** Past this many recorded edits the blame is recomputed at the next rest instead of walking them all. */
const MAX_RECORDED_CHANGES = 5_000;

/**
 * "AI blame" for the current line: when the cursor rests on a committed line (a debounce after the last
 * selection change, so typing never waits), an end-of-line annotation says who wrote it according to the
 * notes — `Claude Code · claude-sonnet-4-5 · a1b2c3d · 3 days ago`. The blame is computed in the background
 * (`git blame --contents -` of the buffer, then the notes and trailers of the commits it names) once per
 * (file, HEAD, notes tip), cached, and followed through later edits without git: keystrokes only append to
 * a list. Off in untrusted workspaces (it runs git) and with `countersign.blame.enabled`.
 */
export class CurrentLineBlame implements vscode.Disposable {
  private readonly type: vscode.TextEditorDecorationType;
  private readonly cache = new BlameCache<FileBlame>();
  private readonly computing = new Map<string, { key: string; entry: FileBlame; done: Promise<FileBlame> }>();
  private readonly disposables: vscode.Disposable[] = [];
  private timer: NodeJS.Timeout | undefined;
  private shownNow: ShownBlame | undefined;
  private drawnIn: vscode.TextEditor | undefined;
  private readonly counters: BlameStats = { computations: 0, lastMs: undefined, lastLines: 0, lastReason: '' };

  constructor(
    private readonly log: vscode.LogOutputChannel,
    private readonly repositories: RepositoryRegistry,
    private readonly delayMs = 250,
  ) {
    this.type = vscode.window.createTextEditorDecorationType({
      after: {
        color: new vscode.ThemeColor(Colors.blameForeground),
        margin: '0 0 0 3em',
        fontStyle: 'normal',
        fontWeight: 'normal',
      },
      rangeBehavior: vscode.DecorationRangeBehavior.ClosedOpen,
    });
  }

  start(): void {
    this.disposables.push(
      vscode.window.onDidChangeTextEditorSelection((e) => this.selectionChanged(e)),
      vscode.window.onDidChangeActiveTextEditor(() => {
        this.clear();
        this.schedule();
      }),
      vscode.workspace.onDidChangeTextDocument((e) => this.documentChanged(e)),
      vscode.workspace.onDidSaveTextDocument((d) => this.markStale(d.uri.toString())),
      vscode.workspace.onDidCloseTextDocument((d) => this.forget(d.uri.toString())),
      vscode.workspace.onDidGrantWorkspaceTrust(() => this.schedule()),
      // A ref moved in a repository whose refs a blame was keyed by (a commit, checkout, fetch, notes update).
      this.repositories.onDidChange((c) => {
        if (c.kind === 'refs' && c.repository.refs.asked) this.schedule();
      }),
    );
    this.schedule();
  }

  get shown(): ShownBlame | undefined {
    return this.shownNow;
  }

  get stats(): BlameStats {
    return { ...this.counters };
  }

  /** The setting changed: hide and forget everything, or look again. */
  settingChanged(): void {
    if (!settings.blameEnabled()) {
      this.clear();
      this.cache.clear();
    }
    this.schedule();
  }

  /** Look again after the cursor has rested for `delayMs`. */
  schedule(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.update().catch((err: unknown) => this.log.error(`[blame] ${errorMessage(err)}`));
    }, this.delayMs);
  }

  /** The keystroke path: a timer reset, and at most one clear when the cursor leaves the annotated line. */
  private selectionChanged(e: vscode.TextEditorSelectionChangeEvent): void {
    if (e.textEditor !== vscode.window.activeTextEditor) return;
    const s = this.shownNow;
    if (s && (e.textEditor.document.uri.toString() !== s.uri || e.selections[0].active.line !== s.line)) this.clear();
    this.schedule();
  }

  /** Also on the keystroke path: records the edit's line block (O(1)) and moves or hides the annotation. */
  private documentChanged(e: vscode.TextDocumentChangeEvent): void {
    const uri = e.document.uri.toString();
    const targets = [this.cache.peek(uri), this.computing.get(uri)?.entry].filter(
      (t): t is FileBlame => t !== undefined,
    );
    if (e.contentChanges.length === 0) {
      // A dirty-state change only: undone back to the saved text, or reverted.
      if (!e.document.isDirty) this.markStale(uri);
      return;
    }
    if (targets.length === 0 && this.shownNow?.uri !== uri) return;
    const changes = lineChanges(e);
    for (const t of targets) {
      t.lines.record(changes);
      if (t.lines.size > MAX_RECORDED_CHANGES) t.stale = true;
    }
    const s = this.shownNow;
    if (s && s.uri === uri) {
      let line: number | undefined = s.line;
      for (const c of changes) if (line !== undefined) line = lineAfterChange(line, c);
      if (line === undefined) this.clear();
      else s.line = line;
    }
  }

  private markStale(uri: string): void {
    for (const entry of [this.cache.peek(uri), this.computing.get(uri)?.entry]) {
      if (entry && entry.lines.size > 0) entry.stale = true;
    }
  }

  private forget(uri: string): void {
    this.cache.delete(uri);
    if (this.shownNow?.uri === uri) this.shownNow = undefined;
  }

  /** What the cursor rests on, when it is something to blame. */
  private target(
    editor: vscode.TextEditor | undefined,
  ): { editor: vscode.TextEditor; repository: Repository; root: string; file: string; line: number } | undefined {
    if (!editor || !settings.blameEnabled() || !vscode.workspace.isTrusted) return undefined;
    const doc = editor.document;
    if (doc.uri.scheme !== 'file' || doc.lineCount > MAX_LINES) return undefined;
    const loc = this.repositories.locate(doc.uri.fsPath);
    if (!loc) return undefined;
    const repository = loc.repository;
    return { editor, repository, root: repository.root, file: loc.file, line: editor.selection.active.line };
  }

  /** Runs what the cursor's rest runs: the blame (cached, or computed now) and the annotation for its line. */
  async update(): Promise<ShownBlame | undefined> {
    const t = this.target(vscode.window.activeTextEditor);
    if (!t) {
      this.clear();
      return undefined;
    }
    const uri = t.editor.document.uri.toString();
    const keyOf = async (fresh: boolean) =>
      blameCacheKey({ root: t.root, file: t.file, ...(await t.repository.refs.current(fresh)) });
    try {
      let key = await keyOf(false);
      let entry = this.cache.get(uri, key);
      if (entry) this.draw(entry);
      if (!entry || entry.stale) {
        // About to run git anyway: make sure the blame is stored under the refs as they are now.
        key = await keyOf(true);
        entry = this.cache.get(uri, key);
        if (!entry || entry.stale) entry = await this.blame(t.editor.document, t.repository, t.file, key);
        this.draw(entry);
      }
    } catch (err) {
      this.log.debug(`[blame] cannot read HEAD of ${t.root}: ${errorMessage(err)}`);
      this.clear();
      return undefined;
    }
    return this.shownNow;
  }

  private blame(doc: vscode.TextDocument, repository: Repository, file: string, key: string): Promise<FileBlame> {
    const root = repository.root;
    const uri = doc.uri.toString();
    const running = this.computing.get(uri);
    if (running && running.key === key) return running.done;
    const prior = this.cache.peek(uri);
    const reason = !prior ? 'first look' : prior.key !== key ? 'HEAD or notes moved' : 'edited, then saved or reverted';
    const entry: FileBlame = { key, root, file, result: undefined, lines: new LinesSinceBlame(), stale: false };
    const started = performance.now();
    // The text is taken now and every later edit is recorded into `entry.lines`, so the result maps onto
    // whatever the document has become by the time git answers.
    const done = repository.git
      .provenanceBlame(file, { contents: doc.getText() })
      .then(
        (result) => {
          entry.result = result;
        },
        (err: unknown) => this.log.debug(`[blame] no blame for ${file}: ${errorMessage(err)}`),
      )
      .then(() => {
        const ms = performance.now() - started;
        this.counters.computations++;
        this.counters.lastMs = ms;
        this.counters.lastLines = entry.result?.lines.length ?? 0;
        this.counters.lastReason = reason;
        this.log.debug(`[blame] ${file} (${reason}): ${this.counters.lastLines} lines in ${ms.toFixed(0)} ms`);
        if (this.computing.get(uri)?.entry === entry) this.computing.delete(uri);
        this.cache.set(uri, entry);
        return entry;
      });
    this.computing.set(uri, { key, entry, done });
    return done;
  }

  /** Draws the annotation for where the cursor is now, if `entry` is that document's and the line is committed. */
  private draw(entry: FileBlame): void {
    const editor = vscode.window.activeTextEditor;
    const t = this.target(editor);
    if (!t || t.root !== entry.root || t.file !== entry.file) return;
    const doc = t.editor.document;
    const blamed = entry.lines.toBlamed(t.line);
    const row = blamed === undefined ? undefined : entry.result?.lines[blamed];
    // The text must be the text that was blamed: an edited line never shows a committed line's provenance.
    const text =
      row && row.content === doc.lineAt(t.line).text
        ? annotationText(row, row.commit ? entry.result?.commits[row.commit] : undefined, Date.now())
        : undefined;
    if (!row || !text) {
      this.clear();
      return;
    }
    const s = this.shownNow;
    if (s && s.uri === doc.uri.toString() && s.line === t.line && s.text === text && this.drawnIn === t.editor) return;
    this.clear();
    const end = doc.lineAt(t.line).range.end;
    t.editor.setDecorations(this.type, [
      { range: new vscode.Range(end, end), renderOptions: { after: { contentText: text } } },
    ]);
    this.drawnIn = t.editor;
    this.shownNow = {
      uri: doc.uri.toString(),
      line: t.line,
      text,
      root: entry.root,
      blame: row,
      commit: row.commit ? entry.result?.commits[row.commit] : undefined,
    };
  }

  private clear(): void {
    if (this.drawnIn) this.drawnIn.setDecorations(this.type, []);
    this.drawnIn = undefined;
    this.shownNow = undefined;
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.clear();
    for (const d of this.disposables) d.dispose();
    this.type.dispose();
  }
}

/** An event's changes as line blocks, in an order that applies them one after another (last in the document first). */
function lineChanges(e: vscode.TextDocumentChangeEvent): LineChange[] {
  const sorted = [...e.contentChanges].sort(
    (a, b) => b.range.start.compareTo(a.range.start) || b.range.end.compareTo(a.range.end),
  );
  const single = sorted.length === 1;
  return sorted.map((c) => {
    const rc = {
      startLine: c.range.start.line,
      startCharacter: c.range.start.character,
      endLine: c.range.end.line,
      endCharacter: c.range.end.character,
      text: c.text,
    };
    // Only a lone change can be checked against the document as it is now (Enter at the end of a line).
    const atEnd =
      single && insertedAtLineEnd(rc, (l) => (l < e.document.lineCount ? e.document.lineAt(l).text : undefined));
    return lineChangeOf(rc, atEnd);
  });
}
