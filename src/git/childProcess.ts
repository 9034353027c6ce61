import type * as ChildProcess from 'child_process';

/**
 * Node's child_process, loaded on first use. The commit hook usually starts no process from Node (its git
 * questions are answered by the shim: hookPrelude.ts), and loading the module, with the net and stream code
 * it pulls in, is a measurable part of a commit's cost (issue 11).
 */
export function childProcess(): typeof ChildProcess {
  // A require, not an import esbuild would hoist to the bundle's start.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('child_process') as typeof ChildProcess;
}
