/**
 * The CLI bundle this process runs (dist/cli.js, or a copy of it): what install copies and doctor compares.
 * Not `__filename` at the call site: in dist/cli-lazy.js (lazyCommands.ts) that names the second bundle, so
 * dist/cli.js sets it when it loads that bundle (lazyCommand.ts).
 */
let cliFile = __filename;

export function runningCliFile(): string {
  return cliFile;
}

export function setRunningCliFile(file: string): void {
  cliFile = file;
}
