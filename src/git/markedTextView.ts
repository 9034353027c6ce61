import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { gateDiffView } from './gateDiffView';

/**
 * The content view (gateDiffView 'content': binary by content, nothing over core/textLines.ts MAX_DIFF_BLOB_BYTES
 * read) with exactly `paths` counted as text: a private attributes file saying `/PATH diff` for each, in place of
 * the `* diff` the text view says. git/binaryFiles.ts counts the small binary files of some commits this way
 * without the `* diff` that would also make git diff a file over the bound beside them (attack22 01).
 * `core.ignorecase=false`: a pattern names its own path, never a case twin. `done` removes the file.
 */
export async function markedTextView(
  cwd: string,
  paths: Iterable<string>,
): Promise<{ dir: string; args: string[]; done: () => void }> {
  const view = await gateDiffView(cwd, 'content');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'countersign-marked-'));
  const file = path.join(dir, 'attributes');
  const lines: Buffer[] = [];
  for (const p of paths) lines.push(attributeLine(p));
  fs.writeFileSync(file, Buffer.concat(lines), { mode: 0o600 });
  return {
    dir: view.dir,
    // A later `-c` of the same key wins: this file replaces the content view's empty one.
    args: [...view.args, '-c', `core.attributesFile=${file}`, '-c', 'core.ignorecase=false'],
    done: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

/**
 * `/PATH diff\n` matching PATH alone: anchored at the top (a pattern without a slash would match the name in any
 * folder), its glob characters escaped, and C-quoted when it holds whitespace or a quote (gitattributes reads a
 * pattern up to whitespace; a quoted pattern is unquoted, then matched as a glob).
 */
export function attributeLine(p: string): Buffer {
  const glob = Buffer.concat([Buffer.from('/'), pathBytes(p)]);
  const escaped: number[] = [];
  for (const b of glob) {
    if (b === 0x5c || b === 0x2a || b === 0x3f || b === 0x5b) escaped.push(0x5c);
    escaped.push(b);
  }
  const needsQuotes = escaped.some((b) => b <= 0x20 || b === 0x22 || b === 0x7f);
  if (!needsQuotes) return Buffer.concat([Buffer.from(escaped), Buffer.from(' diff\n')]);
  const quoted: number[] = [0x22];
  for (const b of escaped) {
    if (b === 0x5c || b === 0x22) quoted.push(0x5c, b);
    else if (b < 0x20 || b === 0x7f) quoted.push(...Buffer.from('\\' + b.toString(8).padStart(3, '0')));
    else quoted.push(b);
  }
  quoted.push(0x22);
  return Buffer.concat([Buffer.from(quoted), Buffer.from(' diff\n')]);
}

/** A path's bytes again from core/commitObject.ts decodePath's string (lone surrogates U+DC80+byte are bytes). */
function pathBytes(p: string): Buffer {
  const out: Buffer[] = [];
  let run = '';
  for (const ch of p) {
    const c = ch.charCodeAt(0);
    if (ch.length === 1 && c >= 0xdc80 && c <= 0xdcff) {
      out.push(Buffer.from(run, 'utf8'), Buffer.from([c - 0xdc00]));
      run = '';
    } else run += ch;
  }
  out.push(Buffer.from(run, 'utf8'));
  return Buffer.concat(out);
}
