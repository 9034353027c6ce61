import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/** Where the built harness lives decides everything else: `<out>/test/integration/harness/*.js`. */
export interface BuildLayout {
  /** The repository root: the folder with Countersign's package.json. */
  repoRoot: string;
  /** The build folder: dist/ for CI and packaging, .out/NAME for scripts/dev-test.sh builds. */
  outDir: string;
}

export function buildLayout(builtFile: string): BuildLayout {
  // runIntegration.js sits at <out>/test/integration/; every other harness module is bundled into it.
  let dir = path.dirname(builtFile);
  while (path.basename(dir) !== 'test') {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`${builtFile} is not inside a build folder's test/ directory`);
    dir = parent;
  }
  const outDir = path.dirname(dir);
  let repoRoot = outDir;
  while (!isCountersignRoot(repoRoot)) {
    const parent = path.dirname(repoRoot);
    if (parent === repoRoot) throw new Error(`no Countersign package.json above ${outDir}`);
    repoRoot = parent;
  }
  return { repoRoot, outDir };
}

function isCountersignRoot(dir: string): boolean {
  try {
    const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as {
      name?: string;
      publisher?: string;
    };
    return pkg.name === 'countersign' && pkg.publisher === 'countersign';
  } catch {
    return false;
  }
}

/** The reusable code-server install lives outside the repository so clean clones and CI runs share it. */
export function cacheRoot(): string {
  const explicit = process.env.COUNTERSIGN_IT_CACHE;
  if (explicit) return path.resolve(explicit);
  const xdg = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(xdg, 'countersign-vscode-it');
}

/**
 * The folder VS Code loads as the extension under development. With the standard build (dist/) that is
 * the repository itself. A scripts/dev-test.sh build sits in .out/NAME, while package.json's `main` says
 * dist/extension.js, so a thin copy of the manifest whose dist/ links to that build stands in for it.
 */
export function extensionDevelopmentPath(layout: BuildLayout, runDir: string): string {
  if (path.resolve(layout.outDir) === path.join(layout.repoRoot, 'dist')) return layout.repoRoot;
  const staged = path.join(runDir, 'extension');
  fs.mkdirSync(staged, { recursive: true });
  fs.copyFileSync(path.join(layout.repoRoot, 'package.json'), path.join(staged, 'package.json'));
  fs.symlinkSync(path.join(layout.repoRoot, 'media'), path.join(staged, 'media'));
  fs.symlinkSync(path.resolve(layout.outDir), path.join(staged, 'dist'));
  return staged;
}
