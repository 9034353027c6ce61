import { formatDoctor, runDoctor } from '../../app/doctor';
import { DOCTOR_CHECKS } from '../../git/doctor/checks';
import type { DoctorCheck } from '../../git/doctor/doctorCheck';
import { SERVER_DOCTOR_CHECKS } from '../../git/doctor/serverChecks';
import { runningCliFile } from '../cliFile';
import { EXIT_BLOCKED, EXIT_OK, parseCommandArgs, writeJson, type Command } from '../command';

/**
 * The check names doctor can print (the `check` of --json, what scripts filter on), written from the checks'
 * own definitions so the help cannot miss one (newuser19 F4).
 */
export function doctorCheckList(checks: readonly DoctorCheck[]): string {
  const column = ' '.repeat(2 + 16 + 1);
  const line = (name: string, about: string) => `  ${name.padEnd(16)} ${about.split('\n').join(`\n${column}`)}\n`;
  return checks
    .map(
      (c) =>
        line(c.name, c.about) +
        Object.entries(c.alsoReports ?? {})
          .map(([n, a]) => line(n, a))
          .join(''),
    )
    .join('');
}

const USAGE = `Usage: countersign doctor [--json]

Checks the set-up a user relies on and prints each finding with its fix, under the name of its check:
${doctorCheckList(DOCTOR_CHECKS)}
In a bare repository (a server) it checks the server's set-up instead:
${doctorCheckList(SERVER_DOCTOR_CHECKS)}
Options:
  --json   {"ok": bool, "checks": [{"check", "status": "ok"|"fix"|"info", "message", "fix"?}]}

Examples:
  countersign doctor
  countersign doctor --json | jq -r '.checks[] | select(.status == "fix") | .fix'
  cd /srv/git/app.git && countersign doctor      # on a server: checks the pre-receive gate and its policy

Exit codes: 0 nothing to fix; 1 something needs fixing; 2 not in a repository or a usage error.
`;

export const doctorCommand: Command = {
  name: 'doctor',
  summary: 'check hooks, the CLI copy, agents, notes refspecs, the policy and your signing key; print each fix',
  usage: USAGE,
  async run(argv, ctx) {
    const { values } = parseCommandArgs('doctor', argv, { json: { type: 'boolean' } }, false);
    const report = await runDoctor(ctx.cwd, ctx.env, runningCliFile());
    const ok = report.ok;
    if (values.json) writeJson(ctx, { ok, checks: report.findings });
    else ctx.stdout(formatDoctor(report));
    return ok ? EXIT_OK : EXIT_BLOCKED;
  },
};
