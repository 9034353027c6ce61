import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/**
 * The real hook managers, for the coexistence tests: husky and lefthook from the npm registry (installed
 * once into a cache outside the repository, with --ignore-scripts: lefthook's postinstall would otherwise
 * install hooks into whatever repository npm runs in), pre-commit from Debian's package
 * (scripts/system-packages.sh).
 */
export const HUSKY_VERSION = '9.1.7';
export const LEFTHOOK_VERSION = '2.2.2';
const CACHE = path.join(os.homedir(), '.cache', 'countersign-hook-managers');

export function hookManagerBinDir(): string {
  const bin = path.join(CACHE, 'node_modules', '.bin');
  const ok = () => {
    try {
      const pkg = (n: string) =>
        (
          JSON.parse(fs.readFileSync(path.join(CACHE, 'node_modules', n, 'package.json'), 'utf8')) as {
            version: string;
          }
        ).version;
      return (
        pkg('husky') === HUSKY_VERSION &&
        pkg('lefthook') === LEFTHOOK_VERSION &&
        fs.existsSync(path.join(bin, 'lefthook'))
      );
    } catch {
      return false;
    }
  };
  if (!ok()) {
    fs.mkdirSync(CACHE, { recursive: true });
    execFileSync(
      'npm',
      [
        'install',
        '--no-save',
        '--ignore-scripts',
        '--no-audit',
        '--no-fund',
        '--prefix',
        CACHE,
        `husky@${HUSKY_VERSION}`,
        `lefthook@${LEFTHOOK_VERSION}`,
      ],
      { stdio: 'pipe', timeout: 180_000 },
    );
  }
  if (!ok())
    throw new Error(
      `husky ${HUSKY_VERSION} and lefthook ${LEFTHOOK_VERSION} could not be installed into ${CACHE} from the npm registry`,
    );
  return bin;
}

export function preCommitBinary(): string {
  try {
    return execFileSync('sh', ['-c', 'command -v pre-commit'], { encoding: 'utf8' }).trim();
  } catch {
    throw new Error('pre-commit is not installed: run scripts/system-packages.sh (Debian package pre-commit)');
  }
}
