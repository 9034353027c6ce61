/**
 * Where things are in a JSON text, so configuration errors can say `file:line:column` instead of leaving
 * people to count brackets. `JSON.parse` decides whether the text is valid; `jsonc-parser` (the parser
 * VS Code itself uses for settings) supplies offsets of values and the first syntax error's position.
 */
import {
  findNodeAtLocation,
  parse,
  parseTree,
  printParseErrorCode,
  type Node as JsonNode,
  type ParseError,
} from 'jsonc-parser';

export type JsonPath = ReadonlyArray<string | number>;

export interface TextPosition {
  line: number;
  column: number;
}

export function positionAt(text: string, offset: number): TextPosition {
  let line = 1,
    lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: offset - lineStart + 1 };
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

/**
 * A locator for `text` (parsed once): where the value at `path` starts — or, with `preferKey`, the key naming
 * it — falling back to the nearest enclosing value that exists (a missing field is reported at the object
 * that lacks it).
 */
export function jsonLocator(text: string): (path: JsonPath, preferKey: boolean) => TextPosition | undefined {
  const root = parseTree(text, undefined, { disallowComments: true });
  return (path, preferKey) => (root ? locate(root, text, path, preferKey) : undefined);
}

function locate(root: JsonNode, text: string, path: JsonPath, preferKey: boolean): TextPosition | undefined {
  for (let n = path.length; n >= 0; n--) {
    const node = findNodeAtLocation(root, path.slice(0, n));
    if (!node) continue;
    const key = node.parent?.type === 'property' ? node.parent.children?.[0] : undefined;
    return positionAt(text, preferKey && n === path.length && key ? key.offset : node.offset);
  }
  return undefined;
}

/** What jsonc-parser's error codes mean, in words a person fixing the file can act on. */
// Keyed by printParseErrorCode's names: the codes are a const enum that isolated modules cannot read.
const SYNTAX_MESSAGES: Record<string, string | undefined> = {
  InvalidSymbol: 'unexpected character',
  InvalidNumberFormat: 'malformed number',
  PropertyNameExpected: 'expected a property name in double quotes',
  ValueExpected: 'expected a value',
  ColonExpected: "expected ':' after the property name",
  CommaExpected: "expected ','",
  CloseBraceExpected: "expected '}'",
  CloseBracketExpected: "expected ']'",
  EndOfFileExpected: 'unexpected text after the end of the JSON value',
  InvalidCommentToken: 'JSON has no comments',
  UnexpectedEndOfComment: 'JSON has no comments',
  UnexpectedEndOfString: 'unterminated string (missing closing ")',
  UnexpectedEndOfNumber: 'malformed number',
  InvalidUnicode: 'bad \\u escape',
  InvalidEscapeCharacter: 'bad escape',
  InvalidCharacter: 'unescaped control character (a line break?) inside a string',
};

/** Hints for the mistakes people make most when JSON is written by hand. */
function hint(text: string, error: ParseError): string {
  const at = text[error.offset];
  if (at === "'") return ' (JSON strings use double quotes)';
  if (at === '/') return ' (JSON has no comments)';
  const code = printParseErrorCode(error.error);
  if ((at === '}' || at === ']') && (code === 'PropertyNameExpected' || code === 'ValueExpected')) {
    return ' (trailing comma?)';
  }
  return '';
}

/**
 * The first syntax error in `text` with its position and what was found there. Runs only after JSON.parse
 * failed: V8's own messages do not always carry a position (`Unexpected token ','`).
 */
export function jsonSyntaxError(text: string): { position: TextPosition; message: string } | undefined {
  const errors: ParseError[] = [];
  parse(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  const first = errors[0];
  if (!first) return undefined;
  const found = first.offset >= text.length ? 'end of file' : `'${text[first.offset]}'`;
  const message = `${SYNTAX_MESSAGES[printParseErrorCode(first.error)] ?? 'syntax error'}, found ${found}${hint(text, first)}`;
  return { position: positionAt(text, first.offset), message };
}

/** A key that appears twice in one object: where its second (and later) occurrence is, and the object's path. */
export interface DuplicateKey {
  /** Path of the object holding the key twice. */
  path: JsonPath;
  key: string;
  position: TextPosition;
  first: TextPosition;
}

/**
 * Keys written twice in the same object. `JSON.parse` keeps the last one silently, while a person reading the
 * file sees the first: in a policy, `"protectedBranches": []` appended far below the real list would unprotect
 * every branch in a change that looks harmless (outside tester, session 7). Keys are compared as JSON.parse
 * compares them (after unescaping: `"a"` and `"\u0061"` are one key).
 */
export function duplicateKeys(text: string): DuplicateKey[] {
  const root = parseTree(text, undefined, { disallowComments: true });
  const out: DuplicateKey[] = [];
  const walk = (node: JsonNode, path: Array<string | number>): void => {
    if (node.type === 'object') {
      const seen = new Map<string, number>();
      for (const prop of node.children ?? []) {
        const [keyNode, value] = prop.children ?? [];
        if (!keyNode || typeof keyNode.value !== 'string') continue;
        const key = keyNode.value;
        const first = seen.get(key);
        if (first === undefined) seen.set(key, keyNode.offset);
        else out.push({ path, key, position: positionAt(text, keyNode.offset), first: positionAt(text, first) });
        if (value) walk(value, [...path, key]);
      }
    } else if (node.type === 'array') {
      (node.children ?? []).forEach((child, i) => walk(child, [...path, i]));
    }
  };
  if (root) walk(root, []);
  return out;
}
