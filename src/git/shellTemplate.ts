import { shQuote } from '../core/shellQuote';

/**
 * The shell scripts Countersign installs live as real `.sh` files (src/git/shell/, bundled as text) so that
 * shellcheck reads them in `npm run lint` and nothing is escaped by hand. Each value a script needs at install
 * is one `'@@NAME@@'` word in it; filling replaces that word with the value, shell-quoted.
 *
 * A placeholder without a value, or a value without a placeholder, is a programming error: throw, so a script
 * with a hole in it is never written into someone's hooks.
 */
export function fillShellTemplate(template: string, values: Record<string, string>): string {
  const used = new Set<string>();
  const filled = template.replace(/'@@([A-Z_]+)@@'/g, (_m, name: string) => {
    const v = values[name];
    if (v === undefined) throw new Error(`shell template: no value for @@${name}@@`);
    used.add(name);
    return shQuote(v);
  });
  const unused = Object.keys(values).filter((k) => !used.has(k));
  if (unused.length > 0) throw new Error(`shell template: no placeholder for ${unused.join(', ')}`);
  return filled;
}

/**
 * A script too long for one file sources parts of it from src/git/shell/parts/, each by two lines:
 * `# shellcheck source=src/git/shell/parts/NAME.sh` and `. "$here/parts/NAME.sh"`, so shellcheck reads the script
 * whole (scripts/lint-shell.sh: -x, and -a for the parts). A hook is installed as one file: inlining replaces
 * those two lines with the part's text. A part without its lines, or lines without a part, throws, as above.
 */
export function inlineShellParts(script: string, parts: Record<string, string>): string {
  const used = new Set<string>();
  const inlined = script.replace(
    /^# shellcheck source=src\/git\/shell\/parts\/([\w.]+)\n\. "\$here\/parts\/([\w.]+)"\n/gm,
    (_m, named: string, sourced: string) => {
      const text = parts[named];
      if (named !== sourced || text === undefined) throw new Error(`shell template: no part ${sourced}`);
      used.add(named);
      return text;
    },
  );
  const unused = Object.keys(parts).filter((k) => !used.has(k));
  if (unused.length > 0) throw new Error(`shell template: no place for part ${unused.join(', ')}`);
  if (/^\. "\$here\/parts\//m.test(inlined)) throw new Error('shell template: a part is sourced without its name');
  return inlined;
}
