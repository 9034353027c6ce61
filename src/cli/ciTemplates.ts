import githubActions from '../../ci-examples/github-actions.yml';
import gitlabCi from '../../ci-examples/gitlab-ci.yml';
import type { Policy } from '../core/policy';
import { tierCoverage } from '../core/tierCoverage';

/**
 * The CI templates `init` writes for the remote's forge: the files in ci-examples/, bundled into the CLI as
 * text (esbuild's text loader), so what `init` writes is exactly what the repository documents and tests.
 */
export type Forge = 'github' | 'gitlab';

export const FORGES: readonly Forge[] = ['github', 'gitlab'];

export function ciTemplate(forge: Forge): string {
  return forge === 'github' ? githubActions : gitlabCi;
}

/** What the templates hold until the team has provided the tarball: the install step fails (closed) on it. */
export const SHA256_PLACEHOLDER = 'REPLACE-WITH-THE-sha256sum-OF-countersign-';

/**
 * What the team must provide before the written CI check can pass: the templates install the `npm pack`
 * tarball from the team's own release / package registry after a sha256 check, never a name from the npm
 * registry (no such package is published; whoever registered it would run code in the team's CI).
 */
export function ciArtefactSteps(forge: Forge, version: string, file: string): string[] {
  const tgz = `countersign-${version}.tgz`;
  const upload =
    forge === 'github'
      ? `attach it to a release of this repository: gh release create countersign-v${version} ${tgz} --notes "Countersign CLI"`
      : `upload it to this project's generic package registry: curl --header "PRIVATE-TOKEN: <token>" --upload-file ${tgz} "https://<gitlab host>/api/v4/projects/<project id>/packages/generic/countersign/${version}/${tgz}"`;
  return [
    `build ${tgz}: in a clone of countersign at ${version} (the release you trust), npm ci && npm pack`,
    upload,
    `put the output of \`sha256sum ${tgz}\` into COUNTERSIGN_SHA256 in ${file}`,
  ];
}

/**
 * Why the checksum goes into the CI file before the first commit (newuser22 F-init-order): once the policy is on
 * the branch, editing that file is a change its tiers hold — under the default "infrastructure" tier, two
 * approvals from reviewers other than the author, on the day the team may have one. `policy`: the one init wrote.
 */
export function ciEditLater(policy: Policy | undefined, file: string): string {
  const tiers = policy ? tierCoverage(policy, [file]) : [];
  const most = tiers.reduce<(typeof tiers)[number] | undefined>(
    (m, t) => (m && m.approvals >= t.approvals ? m : t),
    undefined,
  );
  return most
    ? `once the policy is on the branch, editing ${file} is a change the "${most.tier}" tier holds for ${most.approvals} approval(s) from reviewers other than its author`
    : `once the policy is on the branch, editing ${file} is a change the policy may hold for review`;
}

/** The forge a remote URL points at, when it can be told from the host name. */
export function forgeOfRemoteUrl(url: string): Forge | undefined {
  const host = /^[a-z+]+:\/\/(?:[^@/]*@)?([^/:]+)/i.exec(url)?.[1] ?? /^(?:[^@/]*@)?([^/:]+):/.exec(url)?.[1] ?? '';
  if (/(^|\.)github\.com$/i.test(host) || /^github\./i.test(host)) return 'github';
  if (/(^|\.)gitlab\.com$/i.test(host) || /^gitlab\./i.test(host)) return 'gitlab';
  return undefined;
}
