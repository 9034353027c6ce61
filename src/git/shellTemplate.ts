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
