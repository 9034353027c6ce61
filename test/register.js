// Lets mocha run the TypeScript tests directly — what an IDE's mocha adapter does with .mocharc.json — with no
// manual build step: `.ts` files are compiled on require by esbuild (the project's bundler, so no second
// compiler to agree with), and the bundles the tests spawn (cli.js, with its hooks) are built once per run
// into COUNTERSIGN_OUT when older than their sources. CI keeps testing the bundled tests themselves
// (`npm run test:unit`, .mocharc.dist.js). Type errors are `npm run typecheck`'s job, as in the build.
'use strict';
const esbuild = require('esbuild');
const { execFileSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..');
const { loader } = require(path.join(root, 'esbuild.js'));

require.extensions['.ts'] = (module, filename) => {
  const source = fs.readFileSync(filename, 'utf8');
  const { code } = esbuild.transformSync(source, {
    loader: 'ts',
    format: 'cjs',
    target: 'node20',
    sourcefile: filename,
    sourcemap: 'inline',
  });
  module._compile(code, filename);
};
for (const [ext, kind] of Object.entries(loader)) {
  if (kind === 'text')
    require.extensions[ext] = (module, filename) => {
      module.exports = fs.readFileSync(filename, 'utf8');
    };
}

/** The newest modification time under the given roots (files the shipped bundles are built from). */
function newest(paths) {
  let t = 0;
  for (const p of paths) {
    const abs = path.join(root, p);
    if (!fs.existsSync(abs)) continue;
    const st = fs.statSync(abs);
    if (st.isFile()) t = Math.max(t, st.mtimeMs);
    else
      for (const f of fs.readdirSync(abs, { recursive: true })) {
        const s = fs.statSync(path.join(abs, String(f)));
        if (s.isFile()) t = Math.max(t, s.mtimeMs);
      }
  }
  return t;
}

if (!process.env.COUNTERSIGN_OUT) {
  const out = path.join(root, '.out', 'ts-tests');
  process.env.COUNTERSIGN_OUT = out;
  const cli = path.join(out, 'cli.js');
  const stale =
    !fs.existsSync(cli) ||
    fs.statSync(cli).mtimeMs < newest(['src', 'media/src', 'ci-examples', 'esbuild.js', 'package.json']);
  if (stale) {
    execFileSync(process.execPath, [path.join(root, 'esbuild.js')], {
      cwd: root,
      env: { ...process.env, OUT_DIR: out, COUNTERSIGN_BUNDLES_ONLY: '1' },
      stdio: 'inherit',
    });
  }
}
