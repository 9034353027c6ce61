// A bundle loaded on demand (dist/cli-lazy.js, dist/extension-lazy.js) used to carry its own copy of every
// module it has in common with the bundle that loads it (dist/cli.js, dist/extension-services.js): three
// quarters of it, compiled a second time in a process that already had them, and a second copy of each
// module's state and classes. Here the lazy bundle takes those modules from the loading bundle instead
// (issue 11: each bundle ≤ 400 KB).
//
// How: a quick build of each bundle gives its modules (esbuild's metafile). The shared ones the lazy side imports
// directly are published by the eager bundle, which holds src/core/sharedModules.ts as a table of the names
// the lazy side imports from each (read from its sources with TypeScript's parser, so the eager bundle keeps
// only those beyond what it uses itself); shareModules() puts it on globalThis under the build's id just
// before the lazy bundle is required; and in the lazy bundle each shared module is a one-line stub reading it. The id hashes the
// shared modules' sources, so a lazy bundle beside an eager one of another build refuses to load rather
// than running against different code.
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');

const ROOT = path.resolve(__dirname, '..');
const SHARED_MODULES = path.join(ROOT, 'src/core/sharedModules.ts');
const HOST = 'countersign-shared-host';

/** A metafile input's path relative to the repository (virtual modules of plugins are not files: undefined). */
function fileKey(input) {
  if (/^[\w-]+:/.test(input) && !path.isAbsolute(input)) return undefined;
  return path.relative(ROOT, path.resolve(input)).split(path.sep).join('/');
}

/**
 * What a module imports by name, per specifier: a Set of names, or '*' for a namespace import, a re-export of
 * everything or an import for its effect alone. Read with TypeScript's parser; type-only imports are left out
 * (a name that is a type after all is published as undefined: nothing reads it at run time).
 */
function importedNames(file) {
  const ts = require('typescript');
  const source = ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, false);
  const names = new Map();
  const add = (specifier, name) => {
    const had = names.get(specifier) ?? new Set();
    names.set(specifier, had === '*' || name === '*' ? '*' : had.add(name));
  };
  for (const st of source.statements) {
    if (ts.isImportDeclaration(st) && ts.isStringLiteral(st.moduleSpecifier)) {
      const spec = st.moduleSpecifier.text;
      const clause = st.importClause;
      if (!clause) add(spec, '*');
      else if (!clause.isTypeOnly) {
        if (clause.name) add(spec, 'default');
        const bindings = clause.namedBindings;
        if (bindings && ts.isNamespaceImport(bindings)) add(spec, '*');
        else if (bindings) {
          for (const e of bindings.elements) if (!e.isTypeOnly) add(spec, (e.propertyName ?? e.name).text);
        }
        if (!clause.name && bindings && !ts.isNamespaceImport(bindings) && !names.has(spec)) names.set(spec, new Set());
      }
    } else if (ts.isExportDeclaration(st) && st.moduleSpecifier && ts.isStringLiteral(st.moduleSpecifier)) {
      const spec = st.moduleSpecifier.text;
      if (st.isTypeOnly) continue;
      if (!st.exportClause || ts.isNamespaceExport(st.exportClause)) add(spec, '*');
      else for (const e of st.exportClause.elements) if (!e.isTypeOnly) add(spec, (e.propertyName ?? e.name).text);
    }
  }
  return names;
}

/**
 * The plugins for an eager bundle and the bundles it loads on demand, given their builds' options (without
 * these plugins): one eager plugin, and a plugin for each lazy bundle, in the order given. `eager` must import
 * src/core/sharedModules.ts and call shareModules() before it requires a lazy bundle. Every lazy bundle reads
 * the same table (what all of them import), so each takes the modules it shares from the eager one.
 */
function bundleSharing(esbuild, eager, lazies) {
  const analyse = async () => {
    const meta = (options) =>
      esbuild
        .build({ ...options, write: false, metafile: true, minify: false, sourcemap: false, logLevel: 'silent' })
        .then((r) => r.metafile);
    const [eagerMeta, ...lazyMetas] = await Promise.all([meta(eager), ...lazies.map(meta)]);
    // Only Countersign's own modules are shared. A package's module is reached through files of re-exports
    // (zod/mini's index), whose namespace, published, would keep all of zod in the eager bundle; the lazy one
    // keeps its own tree-shaken copy of what it uses, as before. That is safe for the packages bundled: zod
    // keeps its configuration and registry on globalThis (so the messages zodMessages.ts sets apply to both
    // copies) and tests instances by trait, and jsonc-parser is stateless. A module that puts no code in the
    // eager bundle (types, re-exports) has nothing to share either.
    const withCode = new Set();
    for (const output of Object.values(eagerMeta.outputs)) {
      for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
        if (bytesInOutput > 0 && fileKey(input)) withCode.add(fileKey(input));
      }
    }
    const lazyInputs = Object.assign({}, ...lazyMetas.map((m) => m.inputs));
    const shared = new Set(
      Object.keys(lazyInputs)
        .map(fileKey)
        .filter(
          (k) =>
            k && withCode.has(k) && !k.split('/').includes('node_modules') && path.join(ROOT, k) !== SHARED_MODULES,
        ),
    );
    // Only what a module of the lazy bundle's own imports needs publishing (the rest of the shared modules
    // are reached through those): key → the names imported from it ('*': the whole namespace).
    const published = new Map();
    for (const [input, { imports }] of Object.entries(lazyInputs)) {
      const k = fileKey(input);
      if (!k || shared.has(k)) continue;
      const names = /\.[cm]?[jt]sx?$/.test(k) ? importedNames(path.join(ROOT, k)) : new Map();
      for (const i of imports) {
        const target = !i.external && fileKey(i.path);
        if (!target || !shared.has(target)) continue;
        const wanted = names.get(i.original) ?? '*';
        const had = published.get(target) ?? new Set();
        published.set(target, had === '*' || wanted === '*' ? '*' : new Set([...had, ...wanted]));
      }
    }
    const hash = crypto.createHash('sha256');
    for (const k of [...shared].sort())
      hash
        .update(`${k}\0`)
        .update(fs.readFileSync(path.join(ROOT, k)))
        .update('\0');
    return { shared, published, id: hash.digest('hex').slice(0, 16) };
  };
  // One analysis serves both builds of a round: each takes the pending one unless it already used it (then a
  // rebuild in watch mode has begun, and the sources may have changed).
  let pending;
  const usedBy = new Set();
  const acquire = (name) => {
    if (!pending || usedBy.has(name)) {
      pending = analyse();
      usedBy.clear();
    }
    usedBy.add(name);
    return pending;
  };
  const globalKey = (id) => `Symbol.for(${JSON.stringify(`countersign.sharedModules.${id}`)})`;

  const eagerPlugin = {
    name: 'shared-modules-eager',
    setup(build) {
      let current;
      build.onStart(() => {
        current = acquire('eager');
      });
      build.onResolve({ filter: /[\\/]sharedModules$/ }, (args) => {
        const file = path.resolve(args.resolveDir, `${args.path}.ts`);
        return file === SHARED_MODULES ? { path: file, namespace: 'shared-modules' } : undefined;
      });
      build.onLoad({ filter: /.*/, namespace: 'shared-modules' }, async () => {
        const { published, id } = await current;
        // Module i of the sorted keys is entry i: for the names the lazy side imports, a function returning
        // each (so a binding stays live, and the rest of the module is tree-shaken as before); for a
        // namespace import, one returning the namespace.
        const keys = [...published.keys()].sort();
        const entry = (k, i) => {
          const names = published.get(k);
          if (names === '*') return `() => m${i}`;
          return `{ ${[...names]
            .sort()
            .map((n) => `${JSON.stringify(n)}: () => m${i}[${JSON.stringify(n)}]`)
            .join(', ')} }`;
        };
        return {
          contents: [
            ...keys.map((k, i) => `import * as m${i} from ${JSON.stringify(path.join(ROOT, k))};`),
            `export function shareModules() { globalThis[${globalKey(id)}] = [${keys.map(entry).join(', ')}]; }`,
          ].join('\n'),
          resolveDir: ROOT,
          loader: 'js',
        };
      });
    },
  };

  const lazyPlugin = (i) => ({
    name: 'shared-modules-lazy',
    setup(build) {
      let current;
      build.onStart(() => {
        current = acquire(`lazy${i}`);
      });
      build.onResolve({ filter: new RegExp(`^${HOST}$`) }, () => ({ path: HOST, namespace: 'shared-host' }));
      build.onResolve({ filter: /.*/ }, async (args) => {
        if (args.pluginData?.sharing || args.kind === 'entry-point' || args.namespace !== 'file') return undefined;
        const r = await build.resolve(args.path, {
          kind: args.kind,
          resolveDir: args.resolveDir,
          importer: args.importer,
          pluginData: { sharing: true },
        });
        if (r.errors.length > 0 || r.external || r.namespace !== 'file') return undefined;
        const key = fileKey(r.path);
        const { shared, published } = await current;
        if (!key || !shared.has(key)) return undefined;
        if (!published.has(key)) {
          return { errors: [{ text: `${key} is shared but not published: the two analysis builds disagree` }] };
        }
        return { path: key, namespace: 'shared-module' };
      });
      build.onLoad({ filter: /.*/, namespace: 'shared-module' }, async (args) => {
        const { published } = await current;
        const index = [...published.keys()].sort().indexOf(args.path);
        return {
          contents: `module.exports = require(${JSON.stringify(HOST)})(${index}); // ${args.path}`,
          resolveDir: ROOT,
          loader: 'js',
        };
      });
      build.onLoad({ filter: /.*/, namespace: 'shared-host' }, async () => {
        const { id } = await current;
        return {
          contents: [
            `const table = globalThis[${globalKey(id)}];`,
            'if (!table) throw new Error(`${__filename} is from another build of Countersign than the bundle loading it: reinstall Countersign`);',
            // What require() of an ES module gives: a namespace whose `default` is its own export.
            'module.exports = (i) => {',
            "  if (typeof table[i] === 'function') return table[i]();",
            '  const ns = Object.defineProperty({}, "__esModule", { value: true });',
            '  for (const [name, get] of Object.entries(table[i])) Object.defineProperty(ns, name, { get, enumerable: true });',
            '  return ns;',
            '};',
          ].join('\n'),
          loader: 'js',
        };
      });
    },
  });
  return { eagerPlugin, lazyPlugins: lazies.map((_, i) => lazyPlugin(i)) };
}

module.exports = { bundleSharing };
