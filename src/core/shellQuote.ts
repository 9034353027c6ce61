/**
 * POSIX shell quoting, for scripts Countersign writes (hook shims, the server hook, the CLI launcher) and
 * for commands it prints for people to paste (the demo, next steps): a word that needs no quoting stays as
 * it is, anything else is single-quoted with embedded quotes closed and escaped.
 */
export function shQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** Like shQuote, but leaves plain words (letters, digits, and -_./:@%+=,) readable. */
export function shArg(s: string): string {
  return s !== '' && /^[A-Za-z0-9_\-./:@%+=,]+$/.test(s) ? s : shQuote(s);
}

export function shCommand(words: string[]): string {
  return words.map(shArg).join(' ');
}
