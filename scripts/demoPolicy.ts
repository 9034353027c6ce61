import * as path from 'path';

/**
 * The demo's team: who reviews, and the `policy init` arguments that list them. Shared with the unit test that
 * checks the demo's policy can pass (newuser10 N19): nobody approves their own change, so a reviewer's own
 * commit in the two-approval infrastructure tier needs two *other* reviewers — three in all.
 */
export const DEMO_REVIEWERS: Array<{ who: string; name: string; role?: string }> = [
  { who: 'bo', name: 'Bo Reviewer' },
  { who: 'cy', name: 'Cy Oncall', role: 'sre' },
  { who: 'ed', name: 'Ed Reviewer' },
];

/** `policy init` arguments: main protected, each reviewer with the public key `KEYS/<who>.pub`. */
export function demoPolicyArgs(keys: string): string[] {
  return [
    'policy',
    'init',
    '--protect',
    'main',
    ...DEMO_REVIEWERS.flatMap((r) => [
      '--reviewer',
      `${r.name} <${r.who}@example.com>`,
      '--key',
      path.join(keys, `${r.who}.pub`),
      ...(r.role ? ['--role', r.role] : []),
    ]),
  ];
}
