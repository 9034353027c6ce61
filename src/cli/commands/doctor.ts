import { DOCTOR_CHECKS } from '../../git/doctor/checks';
import { needsFixing, runDoctorChecks, type DoctorFinding } from '../../git/doctor/doctorCheck';
import { resolveRepo } from '../../git/repository';
import { EXIT_BLOCKED, EXIT_OK, parseCommandArgs, writeJson, type Command } from '../command';

const USAGE = `Usage: countersign doctor [--json]

Checks the set-up a user relies on and prints each finding with its fix:
  hooks-installed  Countersign's git hooks are installed (countersign install)
  hooks-active     core.hooksPath still points at them (husky, lefthook or pre-commit did not take over)
  cli-copy         the copy of the CLI the hooks run (.git/countersign/bin) is this version
  agents           agents' hooks written by \`agents connect\` are still there as written
  notes-refspecs   notes follow amend/rebase, and each remote fetches refs/notes/ai and refs/notes/countersign
  policy           a .countersign.json that parses on the policy branch (the remote's default branch:
                   <remote>/HEAD, else main, else master)
  signing-key      your signing key signs, and verifies with the key the policy lists for you (reviewers)

Options:
  --json   {"ok": bool, "checks": [{"check", "status": "ok"|"fix"|"info", "message", "fix"?}]}

Examples:
  countersign doctor
  countersign doctor --json | jq -r '.checks[] | select(.status == "fix") | .fix'
  cd /srv/git/app.git && countersign doctor      # on a server: checks the pre-receive gate

Exit codes: 0 nothing to fix; 1 something needs fixing; 2 not in a repository or a usage error.
`;

const MARK: Record<DoctorFinding['status'], string> = { ok: 'ok  ', fix: 'FIX ', info: 'info' };

export const doctorCommand: Command = {
  name: 'doctor',
  summary: 'check hooks, the CLI copy, agents, notes refspecs, the policy and your signing key; print each fix',
  usage: USAGE,
  async run(argv, ctx) {
    const { values } = parseCommandArgs('doctor', argv, { json: { type: 'boolean' } }, false);
    const repo = await resolveRepo(ctx.cwd);
    const findings = await runDoctorChecks({ cwd: ctx.cwd, env: ctx.env, repo, cliSource: __filename }, DOCTOR_CHECKS);
    const ok = !needsFixing(findings);
    if (values.json) {
      writeJson(ctx, { ok, checks: findings });
      return ok ? EXIT_OK : EXIT_BLOCKED;
    }
    for (const f of findings) {
      ctx.stdout(`${MARK[f.status]} ${f.check.padEnd(16)} ${f.message}\n`);
      if (f.fix && f.status !== 'ok') ctx.stdout(`     ${''.padEnd(16)} ${f.status === 'fix' ? 'fix' : 'tip'}: ${f.fix}\n`);
    }
    const n = findings.filter((f) => f.status === 'fix').length;
    ctx.stdout(ok ? 'Nothing to fix.\n' : `${n} thing(s) to fix.\n`);
    return ok ? EXIT_OK : EXIT_BLOCKED;
  },
};
