import { terminalSafe } from '../core/provenanceStrings';
import type { CliContext } from './command';

/**
 * The hook shims start Node with NODE_EXTRA_CA_CERTS emptied (Node 20 parses the whole file at start-up, for TLS
 * Countersign never does: src/git/shell/clientHook.sh) and hand its value over in COUNTERSIGN_NODE_EXTRA_CA_CERTS.
 * Put back, so that what this process starts (git, and what git runs: a credential helper written for Node, say)
 * sees the variable as the user set it.
 */
export function restoreShimEnv(env: NodeJS.ProcessEnv): void {
  const held = env.COUNTERSIGN_NODE_EXTRA_CA_CERTS;
  if (held === undefined) return;
  delete env.COUNTERSIGN_NODE_EXTRA_CA_CERTS;
  if (held !== '' && !env.NODE_EXTRA_CA_CERTS) env.NODE_EXTRA_CA_CERTS = held;
}

/** The real process's context, shared by the CLI (dist/cli.js) and the commit hook's entry (dist/hook.js). */
export function processContext(): CliContext {
  restoreShimEnv(process.env);
  return {
    cwd: process.cwd(),
    env: process.env,
    // The one place output leaves the CLI: notes, commit messages and paths are anyone's text, so terminal
    // escapes in them are shown, not obeyed (issue 16, class 6). JSON never holds them raw either way.
    stdout: (t) => process.stdout.write(terminalSafe(t)),
    stderr: (t) => process.stderr.write(terminalSafe(t)),
    readStdin: () =>
      new Promise((resolve, reject) => {
        if (process.stdin.isTTY) {
          resolve('');
          return;
        }
        const chunks: Buffer[] = [];
        process.stdin.on('data', (c: Buffer) => chunks.push(c));
        process.stdin.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
        process.stdin.on('error', reject);
      }),
  };
}

/**
 * `countersign … | head`: the reader leaving is not an error. Without a listener Node throws EPIPE from the next
 * write as an uncaught exception (a stack trace after the lines the reader wanted); exit quietly as git does.
 */
export function quietOnClosedPipe(stream: NodeJS.WriteStream): void {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw e;
  });
}
