import * as assert from 'assert';
import { AttributionEngine } from '../../../../src/core/attribution/engine';
import { labelKey } from '../../../../src/core/attribution/labels';
import type { Observation } from '../../../../src/core/attribution/observations';

/** A small vocabulary for engine tests, so each test reads as the user's actions. */
export class Session {
  readonly engine = new AttributionEngine();

  constructor(files: Record<string, string> = {}) {
    for (const [file, content] of Object.entries(files)) this.engine.setFile(file, content);
  }

  observe(...events: Observation[]): this {
    for (const e of events) this.engine.observe(e);
    return this;
  }

  text(file = 'a.ts'): string {
    const t = this.engine.text(file);
    assert.ok(t !== undefined, `${file} is not held by the engine`);
    return t;
  }

  keys(file = 'a.ts'): string[] {
    return this.engine.labels(file).map(labelKey);
  }

  /** Offset just after the first occurrence of `needle` (or before it, with `before`). */
  at(needle: string, file = 'a.ts', where: 'after' | 'before' = 'after'): number {
    const i = this.text(file).indexOf(needle);
    assert.ok(i >= 0, `${JSON.stringify(needle)} not in ${file}: ${JSON.stringify(this.text(file))}`);
    return where === 'after' ? i + needle.length : i;
  }

  edit(offset: number, length: number, text: string, file = 'a.ts', reason?: 'undo' | 'redo'): this {
    return this.observe({ type: 'edit', file, changes: [{ offset, length, text }], ...(reason ? { reason } : {}) });
  }

  insert(offset: number, text: string, file = 'a.ts'): this {
    return this.edit(offset, 0, text, file);
  }

  /** Types `text` one character per edit, as a person at a keyboard produces it. */
  type(offset: number, text: string, file = 'a.ts'): this {
    for (let i = 0; i < text.length; i++) this.edit(offset + i, 0, text[i], file);
    return this;
  }

  /** Replaces the first occurrence of `needle`. */
  replace(needle: string, text: string, file = 'a.ts'): this {
    return this.edit(this.at(needle, file, 'before'), needle.length, text, file);
  }

  /** Accepts an inline completion that inserts `text` at `offset`. */
  acceptInline(offset: number, text: string, file = 'a.ts', agent?: string): this {
    this.observe({ type: 'inlineAccept', file, ...(agent ? { agent } : {}) });
    return this.insert(offset, text, file);
  }
}
