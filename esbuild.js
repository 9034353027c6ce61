// The standard extension-samples esbuild.js pattern: `--production` minifies and drops
// source maps, `--watch` rebuilds; type-checking is `tsc --noEmit`, not esbuild's job.
// Entries: the extension (node, cjs, vscode external), the CLI (node, shebang, no vscode), the commit hook,
// the review panel's webview script (browser), and the tests, demo and benchmarks (node).
const esbuild = require('esbuild');
const fs = require('fs');
const path = require('path');
const { bundleSharing } = require('./scripts/bundleSharing');

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');
// OUT_DIR lets parallel work build into separate folders (scripts/dev-test.sh); CI and packaging use dist/.
const out = process.env.OUT_DIR || 'dist';

/** Prints errors in the format VS Code's `$esbuild-watch` problem matcher expects. */
const problemMatcher = {
  name: 'esbuild-problem-matcher',
  setup(build) {
    build.onStart(() => {
      if (watch) console.log('[watch] build started');
    });
    build.onEnd((result) => {
      for (const { text, location } of result.errors) {
        console.error(`✘ [ERROR] ${text}`);
        if (location) console.error(`    ${location.file}:${location.line}:${location.column}:`);
      }
      if (watch) console.log('[watch] build finished');
    });
  },
};

function filesUnder(dir, suffix) {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { recursive: true })
    .map((f) => path.join(dir, f))
    .filter((f) => f.endsWith(suffix) && fs.statSync(f).isFile());
}

const common = {
  bundle: true,
  minify: production,
  sourcemap: !production,
  sourcesContent: false,
  logLevel: 'silent',
  // `init` writes the CI templates of ci-examples/ (src/cli/ciTemplates.ts), and the hooks and launcher are
  // shell files shellcheck can read (src/git/shell/): all bundled as text.
  loader: { '.yml': 'text', '.sh': 'text' },
  plugins: [problemMatcher],
};

// Every Node bundle is CommonJS for Node 20 (the CLI, the hooks and VS Code's extension host alike); the
// extension's bundles also leave `vscode` to the host that provides it.
const forNode = { platform: 'node', format: 'cjs', target: 'node20' };
const forExtension = { ...forNode, external: ['vscode'] };

// jsonc-parser's `main` is a UMD build whose factory esbuild cannot follow (its `require`s of ./impl/* are left
// dangling and the bundle throws at load); its ES module build bundles and tree-shakes cleanly. Only for the
// bundles: the tests keep packages external, where Node loads the UMD build itself.
const bundled = { alias: { 'jsonc-parser': 'jsonc-parser/lib/esm/main.js' } };

// dist/cli.js loads the commands no hot path runs (src/cli/lazyCommands.ts) from a second bundle beside it,
// dist/cli-lazy.js, on first use (issue 11: each bundle ≤ 400 KB); and what only an agent's tool call and the
// client hooks after a rebase, a branch switch or a notes fetch run (src/cli/ledgerCommands.ts: the working
// ledger and the attribution engine, which no push, pre-receive or `verify` needs) from a third,
// dist/cli-ledger.js. In cli.js each of those modules becomes lazyCommand() stubs carrying each command's name
// and summary, read here from the commands themselves, so `--help`'s list and did-you-mean never load another
// bundle; a command's own help (`NAME --help`, and `completion`, which reads the options from it) does, since
// that text is a tenth of cli.js.
const LAZY_COMMANDS = path.resolve(__dirname, 'src/cli/lazyCommands.ts');
const LEDGER_COMMANDS = path.resolve(__dirname, 'src/cli/ledgerCommands.ts');
// verify, review, approve/reject and explain are a fourth, dist/cli-gate.js (src/cli/gateCommands.ts): no hook or
// push runs them, and they share the code only they use (src/app/verify.ts).
const GATE_COMMANDS = path.resolve(__dirname, 'src/cli/gateCommands.ts');
/** The file of src/cli/ whose commands esbuild.js stubs in cli.js → the bundle that holds them. */
const LAZY_COMMAND_BUNDLES = new Map([
  [LAZY_COMMANDS, 'cli-lazy.js'],
  [LEDGER_COMMANDS, 'cli-ledger.js'],
  [GATE_COMMANDS, 'cli-gate.js'],
]);
const lazyCommandsPlugin = {
  name: 'lazy-commands',
  setup(build) {
    build.onResolve({ filter: /[\\/](lazyCommands|ledgerCommands|gateCommands)$/ }, (args) => {
      const file = path.resolve(args.resolveDir, `${args.path}.ts`);
      return LAZY_COMMAND_BUNDLES.has(file) ? { path: file, namespace: 'lazy-commands' } : undefined;
    });
    build.onLoad({ filter: /.*/, namespace: 'lazy-commands' }, async (args) => {
      const { meta, inputs } = await lazyCommandMeta(args.path);
      const bundle = JSON.stringify(LAZY_COMMAND_BUNDLES.get(args.path));
      const stubs = Object.entries(meta).map(
        ([name, m]) => `export const ${name} = lazyCommand(${JSON.stringify(m)}, ${JSON.stringify(name)}, ${bundle});`,
      );
      return {
        contents: `import { lazyCommand } from './lazyCommand';\n${stubs.join('\n')}\n`,
        resolveDir: path.dirname(args.path),
        loader: 'ts',
        watchFiles: inputs,
      };
    });
  },
};

// dist/extension-services.js loads what the extension runs only when asked (src/extension/lazyServices.ts:
// doctor, report, explain, the commands' work, and the review panel's gate, first run at the panel's first
// refresh) from a third bundle, dist/extension-lazy.js, on first use (issue 11: ≤ 400 KB).
// In the services bundle that module becomes functions that load the bundle beside it and call through.
const LAZY_SERVICES = path.resolve(__dirname, 'src/extension/lazyServices.ts');
const lazyServicesPlugin = {
  name: 'lazy-services',
  setup(build) {
    build.onResolve({ filter: /[\\/]lazyServices$/ }, (args) => {
      const file = path.resolve(args.resolveDir, `${args.path}.ts`);
      return file === LAZY_SERVICES ? { path: file, namespace: 'lazy-services' } : undefined;
    });
    build.onLoad({ filter: /.*/, namespace: 'lazy-services' }, () => {
      const source = fs.readFileSync(LAZY_SERVICES, 'utf8');
      const names = [...source.matchAll(/^export \{([^}]*)\} from /gm)].flatMap((m) =>
        m[1]
          .split(',')
          .map((n) => n.trim())
          .filter(Boolean),
      );
      if (names.length === 0) throw new Error(`${LAZY_SERVICES}: no re-exports found`);
      const stubs = names.map((n) => `export const ${n} = (...args) => load().${n}(...args);`);
      return {
        contents: [
          "import { shareModules } from '../core/sharedModules';",
          'let loaded;',
          "const load = () => (loaded ??= (shareModules(), require(require('path').join(__dirname, 'extension-lazy.js'))));",
          ...stubs,
        ].join('\n'),
        loader: 'js',
        resolveDir: path.dirname(LAZY_SERVICES),
        watchFiles: [LAZY_SERVICES],
      };
    });
  },
};

/** Each command lazyCommands.ts (or ledgerCommands.ts) exports, without its run(): built and loaded here, in memory. */
async function lazyCommandMeta(file) {
  const r = await esbuild.build({
    ...common,
    ...bundled,
    plugins: [],
    entryPoints: [file],
    write: false,
    metafile: true,
    minify: false,
    sourcemap: false,
    ...forNode,
  });
  const Module = require('module');
  const m = new Module(file);
  m.filename = file;
  m.paths = Module._nodeModulePaths(path.dirname(file));
  m._compile(r.outputFiles[0].text, file);
  const meta = {};
  for (const [name, value] of Object.entries(m.exports)) {
    if (value && typeof value.run === 'function') {
      // The full help (`usage`) stays in the second bundle: `countersign NAME --help` loads it, as running does.
      meta[name] = Object.fromEntries(
        Object.entries(value).filter(([k, v]) => typeof v !== 'function' && k !== 'usage'),
      );
    }
  }
  return { meta, inputs: Object.keys(r.metafile.inputs).map((f) => path.resolve(__dirname, f)) };
}

// Node starts on every commit to run dist/hook.js, and compiling its bundle is a measurable part of that (issue
// 11); Node 20 has no compile cache of its own (NODE_COMPILE_CACHE is 22.1+). So hook.js is a small loader
// holding the bundle as a string, compiled with vm.Script and a V8 code cache that the CLI copy keeps beside
// itself, in .git/countersign/cache (the folder NODE_COMPILE_CACHE names there): a folder of whoever owns the
// hook itself, since V8 trusts a cache's contents. Anywhere else (dist/, a global install) nothing is cached.
// V8 accepts a cache for a source of the same length, so the file is named by a hash of the bundle's text;
// a rejected or missing cache is written again, once the hook's work is done.
const HOOK_LOADER = `'use strict';
(function () {
  const fs = require('fs'), path = require('path'), vm = require('vm');
  const KEY = @KEY@;
  const BUNDLE = @BUNDLE@;
  const home = path.dirname(__dirname);
  const dir =
    path.basename(__dirname) === 'bin' && path.basename(home) === 'countersign' ? path.join(home, 'cache') : undefined;
  const name = 'hook-' + KEY + '-' + process.version + '-' + process.arch + '.v8';
  let cachedData;
  if (dir) {
    try {
      cachedData = fs.readFileSync(path.join(dir, name));
    } catch {
      // none yet
    }
  }
  const script = new vm.Script('(function (exports, require, module, __filename, __dirname) {' + BUNDLE + '\\n})', {
    filename: __filename,
    cachedData,
  });
  if (dir && (cachedData === undefined || script.cachedDataRejected)) {
    process.once('beforeExit', () => {
      try {
        const data = script.createCachedData();
        fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
        const tmp = path.join(dir, name + '.' + process.pid + '.tmp');
        fs.writeFileSync(tmp, data, { mode: 0o600 });
        fs.renameSync(tmp, path.join(dir, name));
        // Caches of other bundles (an older CLI copy) go; other Node versions' caches of this one stay (a GUI
        // editor's Electron and a terminal's Node may take turns).
        for (const f of fs.readdirSync(dir))
          if (f.startsWith('hook-') && f.endsWith('.v8') && !f.startsWith('hook-' + KEY + '-'))
            fs.rmSync(path.join(dir, f), { force: true });
      } catch {
        // a cache is an optimisation: the next commit compiles again
      }
    });
  }
  script.runInThisContext()(exports, require, module, __filename, __dirname);
})();
`;
const hookCodeCachePlugin = {
  name: 'hook-code-cache',
  setup(build) {
    build.onEnd((result) => {
      for (const f of result.outputFiles ?? []) {
        fs.mkdirSync(path.dirname(f.path), { recursive: true });
        if (!f.path.endsWith('.js')) {
          fs.writeFileSync(f.path, f.contents);
          continue;
        }
        const key = require('crypto').createHash('sha256').update(f.text).digest('hex').slice(0, 32);
        const text = HOOK_LOADER.replace('@KEY@', () => JSON.stringify(key)).replace('@BUNDLE@', () =>
          JSON.stringify(f.text),
        );
        fs.writeFileSync(f.path, text);
      }
    });
  },
};

// The pairs of a bundle and the bundle it loads on demand; the lazy one takes the modules both hold from the
// eager one (scripts/bundleSharing.js).
// What extension.js loads just after activate() returns (src/extension/composition.ts and all it builds): the
// entry stays a few kilobytes, so activation is cheap (issue 11).
const extensionServices = {
  ...common,
  ...bundled,
  plugins: [...common.plugins, lazyServicesPlugin],
  entryPoints: { 'extension-services': 'src/extension/composition.ts' },
  outdir: out,
  ...forExtension,
};
const extensionLazy = {
  ...common,
  ...bundled,
  entryPoints: { 'extension-lazy': LAZY_SERVICES },
  outdir: out,
  ...forExtension,
};
const cli = {
  ...common,
  ...bundled,
  plugins: [...common.plugins, lazyCommandsPlugin],
  entryPoints: ['src/cli/main.ts'],
  outfile: `${out}/cli.js`,
  ...forNode,
  banner: { js: '#!/usr/bin/env node' },
};
const cliLazies = [...LAZY_COMMAND_BUNDLES].map(([entry, name]) => ({
  ...common,
  ...bundled,
  entryPoints: [entry],
  outfile: `${out}/${name}`,
  ...forNode,
}));
const withSharing = (eager, lazies) => {
  const { eagerPlugin, lazyPlugins } = bundleSharing(esbuild, eager, lazies);
  return [
    { ...eager, plugins: [...eager.plugins, eagerPlugin] },
    ...lazies.map((lazy, i) => ({ ...lazy, plugins: [...lazy.plugins, lazyPlugins[i]] })),
  ];
};

const builds = [
  {
    ...common,
    ...bundled,
    entryPoints: ['src/extension/extension.ts'],
    outfile: `${out}/extension.js`,
    ...forExtension,
    // When the bundle starts and ends evaluating: activate() adds that to its own time (CountersignApi.activationMs).
    banner: { js: 'var __countersignLoadStart = performance.now();' },
    footer: { js: 'var __countersignLoadEnd = performance.now();' },
  },
  ...withSharing(extensionServices, [extensionLazy]),
  ...withSharing(cli, cliLazies),
  // The commit hook's own entry (src/cli/hookMain.ts): what prepare-commit-msg needs, without the schemas,
  // compiled through a V8 code cache (hookCodeCachePlugin).
  {
    ...common,
    plugins: [...common.plugins, hookCodeCachePlugin],
    entryPoints: ['src/cli/hookMain.ts'],
    outfile: `${out}/hook.js`,
    write: false,
    ...forNode,
  },
  {
    ...common,
    entryPoints: ['media/src/reviewPanel.ts'],
    outfile: `${out}/webview.js`,
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
  },
];

// Tests, demo and benchmarks never ship in the .vsix (.vscodeignore); they keep node_modules external.
// COUNTERSIGN_BUNDLES_ONLY: test/register.js needs only the bundles the tests spawn.
if (!production && !process.env.COUNTERSIGN_BUNDLES_ONLY) {
  const devEntries = [...filesUnder('test', '.ts'), ...filesUnder('scripts', '.ts')].filter(
    (f) => !f.endsWith('.d.ts') && !f.includes(`${path.sep}fixtures${path.sep}`),
  );
  if (devEntries.length > 0) {
    builds.push({
      ...common,
      entryPoints: devEntries,
      outdir: out,
      outbase: '.',
      ...forNode,
      packages: 'external',
      external: ['vscode'],
    });
  }
}

async function main() {
  for (const f of [`${out}/cli.js`]) fs.rmSync(f, { force: true });
  const contexts = await Promise.all(builds.map((b) => esbuild.context(b)));
  if (watch) {
    await Promise.all(contexts.map((c) => c.watch()));
    return;
  }
  try {
    await Promise.all(contexts.map((c) => c.rebuild()));
  } finally {
    await Promise.all(contexts.map((c) => c.dispose()));
  }
  fs.chmodSync(`${out}/cli.js`, 0o755);
}

// test/register.js (TypeScript tests without a build step) loads the same text loaders from here.
module.exports = { loader: common.loader };

if (require.main === module) {
  main().catch((e) => {
    console.error(e.message ?? e);
    process.exit(1);
  });
}
