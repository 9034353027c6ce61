/**
 * One blame per (file, HEAD, notes ref tip): the annotation of a committed line can only change when a
 * commit moves HEAD (the lines' commits) or the notes ref moves (what the notes say about them). Edits to the
 * document are followed without git (linesSinceBlame.ts), so they are not part of the key.
 */
export interface BlameKeyParts {
  /** Working-tree root. */
  root: string;
  /** Repository-relative path, forward slashes. */
  file: string;
  /** HEAD's commit, undefined on an unborn branch. */
  head: string | undefined;
  /** refs/notes/ai's commit, undefined when the repository has no notes yet. */
  notesTip: string | undefined;
}

/** A string key; NUL cannot occur in paths or object names, so distinct parts never collide. */
export function blameCacheKey(k: BlameKeyParts): string {
  return [k.root, k.file, k.head ?? '-', k.notesTip ?? '-'].join('\0');
}

/**
 * Blames of recently viewed documents, least recently used dropped first: a blame holds a few strings per
 * line, so memory stays bounded however many files a session opens.
 */
export class BlameCache<V extends { key: string }> {
  private readonly entries = new Map<string, V>();

  constructor(private readonly capacity = 32) {}

  /** The entry for a document when it was computed under `key`; a hit makes it the most recently used. */
  get(doc: string, key: string): V | undefined {
    const v = this.entries.get(doc);
    if (!v || v.key !== key) return undefined;
    this.entries.delete(doc);
    this.entries.set(doc, v);
    return v;
  }

  /** Whatever is stored for a document, whatever its key (edits are recorded into it until it is replaced). */
  peek(doc: string): V | undefined {
    return this.entries.get(doc);
  }

  set(doc: string, v: V): void {
    this.entries.delete(doc);
    this.entries.set(doc, v);
    while (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
  }

  delete(doc: string): void {
    this.entries.delete(doc);
  }

  clear(): void {
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }
}
