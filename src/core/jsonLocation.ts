/**
 * Where things are in a JSON text, so configuration errors can say `file:line:column` instead of leaving
 * people to count brackets. `JSON.parse` does the real parsing; this scanner only records offsets and
 * assumes the text already parsed.
 */
export type JsonPath = ReadonlyArray<string | number>;

export interface TextPosition {
  line: number;
  column: number;
}

export function positionAt(text: string, offset: number): TextPosition {
  let line = 1, lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text[i] === '\n') {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

export function pathKey(path: JsonPath): string {
  return JSON.stringify(path);
}

/** `reviewers[1].key`, the way people write paths into JSON. */
export function formatJsonPath(path: JsonPath): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else out += /^[A-Za-z_$][\w$]*$/.test(seg) ? (out ? `.${seg}` : seg) : `[${JSON.stringify(seg)}]`;
  }
  return out || '(top level)';
}

/** Offsets of every value (and of the key naming it, for object members), by path. */
export function jsonOffsets(text: string): Map<string, { key?: number; value: number }> {
  const out = new Map<string, { key?: number; value: number }>();
  let i = 0;
  const ws = () => {
    while (i < text.length && /[\s\uFEFF]/.test(text[i])) i++;
  };
  const str = (): string => {
    const start = i;
    i++;
    while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    i++;
    return JSON.parse(text.slice(start, i)) as string;
  };
  const value = (path: Array<string | number>, keyOffset?: number): void => {
    ws();
    out.set(pathKey(path), keyOffset === undefined ? { value: i } : { key: keyOffset, value: i });
    const ch = text[i];
    if (ch === '{') {
      i++;
      ws();
      if (text[i] === '}') { i++; return; }
      while (i < text.length) {
        ws();
        const k = i;
        const name = str();
        ws();
        i++; // ':'
        value([...path, name], k);
        ws();
        if (text[i++] !== ',') return;
      }
    } else if (ch === '[') {
      i++;
      ws();
      if (text[i] === ']') { i++; return; }
      for (let n = 0; i < text.length; n++) {
        value([...path, n]);
        ws();
        if (text[i++] !== ',') return;
      }
    } else if (ch === '"') {
      str();
    } else {
      while (i < text.length && !/[\s,\]}]/.test(text[i])) i++;
    }
  };
  try {
    value([]);
  } catch {
    // Malformed text: the caller reports JSON.parse's own error; offsets found so far remain useful.
  }
  return out;
}

/**
 * The first syntax error in `text` with its position and what was expected. JSON.parse's own messages
 * do not always carry a position (V8 says `Unexpected token ','` for some inputs), so this small strict
 * scanner (RFC 8259) finds it; it only runs after JSON.parse has already failed.
 */
export function jsonSyntaxError(text: string): { position: TextPosition; message: string } | undefined {
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  class Stop extends Error {}
  let found: { offset: number; message: string } | undefined;
  const fail = (message: string): never => {
    found = { offset: i, message };
    throw new Stop();
  };
  const describe = () => (i >= text.length ? 'end of file' : `'${text[i]}'`);
  const ws = () => {
    while (i < text.length && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i++;
  };
  const str = () => {
    i++;
    while (i < text.length && text[i] !== '"') {
      const c = text.charCodeAt(i);
      if (c < 0x20) fail('unescaped control character (a line break?) inside a string');
      if (text[i] === '\\') {
        i++;
        if (text[i] === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 1, i + 5))) fail('bad \\u escape');
          i += 5;
          continue;
        }
        if (!'"\\/bfnrt'.includes(text[i] ?? '')) fail(`bad escape '\\${text[i] ?? ''}'`);
      }
      i++;
    }
    if (i >= text.length) fail('unterminated string (missing closing ")');
    i++;
  };
  const value = (): void => {
    ws();
    const ch = text[i];
    if (ch === '{') {
      i++;
      ws();
      if (text[i] === '}') { i++; return; }
      for (;;) {
        ws();
        if (text[i] !== '"') fail(`expected a property name in double quotes, found ${describe()}${text[i] === '}' ? ' (trailing comma?)' : ''}`);
        str();
        ws();
        if (text[i] !== ':') fail(`expected ':' after the property name, found ${describe()}`);
        i++;
        value();
        ws();
        if (text[i] === ',') { i++; continue; }
        if (text[i] === '}') { i++; return; }
        fail(`expected ',' or '}' after a property value, found ${describe()}`);
      }
    } else if (ch === '[') {
      i++;
      ws();
      if (text[i] === ']') { i++; return; }
      for (;;) {
        ws();
        if (text[i] === ']') fail("expected a value, found ']' (trailing comma?)");
        value();
        ws();
        if (text[i] === ',') { i++; continue; }
        if (text[i] === ']') { i++; return; }
        fail(`expected ',' or ']' after a list item, found ${describe()}`);
      }
    } else if (ch === '"') {
      str();
    } else {
      const m = /^(?:true|false|null|-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?)/.exec(text.slice(i, i + 400));
      if (!m) fail(`expected a value, found ${describe()}${ch === "'" ? ' (JSON strings use double quotes)' : ch === '/' ? ' (JSON has no comments)' : ''}`);
      else i += m[0].length;
    }
  };
  try {
    value();
    ws();
    if (i < text.length) fail(`unexpected ${describe()} after the end of the JSON value`);
  } catch (e) {
    if (!(e instanceof Stop)) throw e;
  }
  const f = found as { offset: number; message: string } | undefined;
  return f ? { position: positionAt(text, f.offset), message: f.message } : undefined;
}
