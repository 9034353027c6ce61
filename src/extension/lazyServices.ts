/**
 * What the extension runs only when asked (the doctor, the provenance report, explain, and the work behind
 * the set-up and review commands: installing hooks and the command-line tool, connecting agents, writing the
 * policy, choosing a key, recording a decision) and the gate behind the review panel and its status bar item,
 * which first runs at the panel's first refresh, after activation: in the bundles
 * esbuild.js puts this module's exports in dist/extension-lazy.js, loaded on first use, so the services
 * bundle loaded just after activation stays within its 400 KB budget (issue 11), as dist/cli-lazy.js does
 * for the CLI. The gate shares this bundle rather than a third one: the doctor and recording a decision run
 * the same gate modules, and one lazy bundle per eager one keeps every module (and its state) once per
 * process. Run from the sources (tests) it is an ordinary module. Re-exports only: the build reads the
 * names from the lines below.
 */
export { formatDoctor, runDoctor } from '../app/doctor';
export { buildReport } from '../app/report';
export { formatReportHtml } from '../core/report/reportHtml';
export { formatExplanation } from '../app/explainText';
export { explainCommit } from '../app/explainCommit';
export { installHooks } from '../app/installHooks';
export { uninstallHooks } from '../app/uninstallHooks';
export { uninstallSummary } from '../app/uninstallSummary';
export { installCliLauncher } from '../git/cliLauncher';
export { connectAgents, hookCliInstalled } from '../app/agentsConnect';
export { addReviewer, parseReviewerSpec, publicKeyLine, writeNewPolicy } from '../app/policySetup';
export { candidateKeys, fingerprintOf } from '../git/signingKeyInfo';
export { recordDecision } from '../app/reviewDecision';
export { fetchForReview, readMe, repoSnapshot } from '../app/reviewSnapshot';
export { repoView } from '../core/panel/viewModel';
