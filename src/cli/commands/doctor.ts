import { formatDoctor, runDoctor } from '../../app/doctor';
import { runningCliFile } from '../cliFile';
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
