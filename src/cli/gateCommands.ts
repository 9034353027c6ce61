/**
 * The commands that judge a push by hand — `verify` (CI's gate), `review`, `approve`/`reject` and `explain` — and
 * the code only they use (src/app/verify.ts and what it reads). No hook, push or pre-receive runs them (pre-push and
 * the server call the gate directly), so in the shipped CLI they are a fourth bundle, dist/cli-gate.js, which
 * dist/cli.js loads on first use as it loads dist/cli-lazy.js (lazyCommands.ts): cli.js and cli-lazy.js had grown
 * past issue 11's 400 KB with the gate's work (session 24). It takes the modules it shares with cli.js from there
 * (scripts/bundleSharing.js). Tests and the TypeScript sources import the commands directly.
 */
export { verifyCommand } from './commands/verify';
export { reviewCommand } from './commands/review';
export { approveCommand, rejectCommand } from './commands/approve';
export { explainCommand } from './commands/explain';
export { setRunningCliFile } from './cliFile';
