/**
 * The commands no hot path runs — set-up, policy edits, reports, trace export — and the code only they use
 * (reviews, approvals, explanations and verify: gateCommands.ts). In the shipped CLI they are a second bundle,
 * dist/cli-lazy.js, which dist/cli.js loads on first use (esbuild.js replaces this module in cli.js with
 * lazyCommand stubs that carry each command's name, summary and help), so what runs on every commit, push and
 * agent tool call (`hook`, `checkpoint`) and `--version` compile less (issue 11: each bundle ≤ 400 KB). The second bundle
 * takes the modules both hold from cli.js (scripts/bundleSharing.js). Tests and the TypeScript sources import
 * the commands directly.
 */
export { agentsCommand } from './commands/agents';
export { blameCommand } from './commands/blame';
export { completionCommand } from './commands/completion';
export { doctorCommand } from './commands/doctor';
export { hookManagerCommand } from './hookManagerEntry';
export { exportCommand, importCommand } from './commands/agentTrace';
export { initCommand } from './commands/init';
export { installCommand } from './commands/install';
export { policyCommand } from './commands/policy';
export { replayCommand } from './commands/replay';
export { reportCommand } from './commands/report';
export { statusCommand } from './commands/status';
export { uninstallCommand } from './commands/uninstall';
export { setRunningCliFile } from './cliFile';
