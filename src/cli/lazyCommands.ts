/**
 * The commands run rarely — set-up, reports, explanations, trace export — and the code only they use (a
 * third of the CLI). In the shipped CLI they are a second bundle, dist/cli-lazy.js, which dist/cli.js loads
 * on first use (esbuild.js replaces this module in cli.js with lazyCommand stubs that carry each command's
 * name, summary and help), so every other invocation compiles less (issue 11: each bundle ≤ 400 KB).
 * Tests and the TypeScript sources import the commands directly.
 */
export { doctorCommand } from './commands/doctor';
export { explainCommand } from './commands/explain';
export { exportCommand, importCommand } from './commands/agentTrace';
export { initCommand } from './commands/init';
export { reportCommand } from './commands/report';
export { reviewCommand } from './commands/review';
export { setRunningCliFile } from './cliFile';
