import * as fs from 'fs';
import * as path from 'path';
import { CountersignError } from '../core/errors';
import { writeFileAtomic } from './atomicFile';
import { gitConfig } from './gitRunner';
import { countersignDir, resolveRepo, type RepoPaths } from './repository';

/**
 * `countersign install --server`: a pre-receive hook in a bare repository that runs the gate on every ref
 * update (the real enforcement: unlike pre-push it cannot be skipped by the pusher). The hook calls a stable
 * copy of the CLI inside the repository, so upgrading or removing the npm package never leaves the server
 * without its check. A pre-receive hook that was there before keeps running first (renamed, chained).
 *
 * Unlike the client hooks, the server hook fails closed everywhere: no Node, a crash or a timeout rejects.
 */
export const SERVER_MARKER = 'countersign-server-hook v1';
const CHAINED = 'pre-receive.countersign-chained';

function shQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

export function serverHookScript(opts: { nodeBinary: string | undefined; timeoutSeconds: number }): string {
  return `#!/bin/sh
# ${SERVER_MARKER} — installed by \`countersign install --server\`. Runs the review gate on every push.
# The previous pre-receive hook (if any) runs first: ${CHAINED}.
[ "\${COUNTERSIGN_TRACE:-}" = 1 ] && set -x
here=$(cd "$(dirname "$0")" && pwd)
git_dir=$(cd "$here/.." && pwd)
stdin_file=$(mktemp "\${TMPDIR:-/tmp}/countersign-receive.XXXXXX") || { echo "countersign (pre-receive): cannot create a temp file; push rejected" >&2; exit 1; }
trap 'rm -f "$stdin_file"' EXIT
cat > "$stdin_file"
if [ -x "$here/${CHAINED}" ]; then
  "$here/${CHAINED}" "$@" < "$stdin_file" || exit $?
fi
node_bin=$(command -v node 2>/dev/null)
[ -z "$node_bin" ] && [ -x ${shQuote(opts.nodeBinary ?? '/nonexistent')} ] && node_bin=${shQuote(opts.nodeBinary ?? '/nonexistent')}
if [ -z "$node_bin" ]; then
  echo "countersign (pre-receive): node is not installed on this server, so the review gate cannot run; push rejected. Ask the administrator to install Node.js 20+." >&2
  exit 1
fi
limit=
command -v timeout >/dev/null 2>&1 && limit="timeout ${opts.timeoutSeconds}"
$limit "$node_bin" "$git_dir/countersign/bin/countersign.js" hook pre-receive < "$stdin_file"
code=$?
[ $code -eq 0 ] && exit 0
[ $code -eq 124 ] && echo "countersign (pre-receive): the review gate did not finish in ${opts.timeoutSeconds}s; push rejected. Try again, or ask the administrator." >&2
echo "countersign (pre-receive): push rejected by the review gate (exit $code). Run \\\`countersign verify\\\` locally to see what is missing." >&2
exit 1
`;
}

export interface ServerInstallResult {
  repo: RepoPaths;
  hook: string;
  chained: string | undefined;
  reinstalled: boolean;
}

async function hooksDir(repo: RepoPaths): Promise<string> {
  const configured = await gitConfig(repo.commonDir, 'core.hooksPath');
  return configured ? path.resolve(repo.commonDir, configured) : path.join(repo.commonDir, 'hooks');
}

export async function installServer(cwd: string, opts: { cliSource: string; nodeBinary?: string; timeoutSeconds?: number }): Promise<ServerInstallResult> {
  const repo = await resolveRepo(cwd);
  if (!repo.bare) {
    throw new CountersignError('config', `${repo.root ?? cwd} is a working repository: \`install --server\` is for the bare repository on the server (use \`countersign install\` here)`);
  }
  const dir = countersignDir(repo);
  const hooks = await hooksDir(repo);
  fs.mkdirSync(path.join(dir, 'bin'), { recursive: true });
  fs.mkdirSync(hooks, { recursive: true });
  writeFileAtomic(path.join(dir, 'bin', 'countersign.js'), fs.readFileSync(opts.cliSource), 0o755);
  const hook = path.join(hooks, 'pre-receive');
  const chainedPath = path.join(hooks, CHAINED);
  let reinstalled = false;
  if (fs.existsSync(hook)) {
    const existing = fs.readFileSync(hook, 'utf8');
    if (existing.includes(SERVER_MARKER)) reinstalled = true;
    else if (fs.existsSync(chainedPath)) {
      throw new CountersignError('config', `both ${hook} and ${chainedPath} exist and neither is Countersign's: merge them by hand, then run install --server again`);
    } else fs.renameSync(hook, chainedPath);
  }
  writeFileAtomic(hook, serverHookScript({ nodeBinary: opts.nodeBinary, timeoutSeconds: opts.timeoutSeconds ?? 120 }), 0o755);
  return { repo, hook, chained: fs.existsSync(chainedPath) ? chainedPath : undefined, reinstalled };
}

/** Removes the server hook and puts a chained one back. */
export async function uninstallServer(cwd: string): Promise<boolean> {
  const repo = await resolveRepo(cwd);
  const hooks = await hooksDir(repo);
  const hook = path.join(hooks, 'pre-receive');
  if (!fs.existsSync(hook) || !fs.readFileSync(hook, 'utf8').includes(SERVER_MARKER)) return false;
  fs.rmSync(hook);
  const chainedPath = path.join(hooks, CHAINED);
  if (fs.existsSync(chainedPath)) fs.renameSync(chainedPath, hook);
  fs.rmSync(path.join(countersignDir(repo), 'bin'), { recursive: true, force: true });
  return true;
}
