import { DOCTOR_CHECKS } from '../git/doctor/checks';
import { SERVER_DOCTOR_CHECKS } from '../git/doctor/serverChecks';
import { needsFixing, runDoctorChecks, type DoctorFinding } from '../git/doctor/doctorCheck';
import { resolveRepo } from '../git/repository';

/**
 * `doctor`: the set-up checks and their page, shared by the CLI and the editor's "Check Set-up (Doctor)".
 * `cliSource` is the CLI bundle of whoever asks (the CLI itself, or the one the extension ships): the
 * `cli-copy` check compares the hooks' copy with it.
 */
export interface DoctorReport {
  ok: boolean;
  findings: DoctorFinding[];
}

export async function runDoctor(cwd: string, env: NodeJS.ProcessEnv, cliSource: string): Promise<DoctorReport> {
  const repo = await resolveRepo(cwd);
  // A bare repository is a server: only the gate, its CLI copy and the policy branch matter there.
  const findings = await runDoctorChecks(
    { cwd, env, repo, cliSource },
    repo.bare ? SERVER_DOCTOR_CHECKS : DOCTOR_CHECKS,
  );
  return { ok: !needsFixing(findings), findings };
}

const MARK: Record<DoctorFinding['status'], string> = { ok: 'ok  ', fix: 'FIX ', info: 'info' };

/** One line per finding, its fix (or tip) under it, and the count of things to fix. */
export function formatDoctor(r: DoctorReport): string {
  // A finding of several lines (a policy's problems, say) keeps its lines under its first, not at column 0
  // (newuser14 S25).
  const column = ' '.repeat(MARK.info.length + 1 + 16 + 1);
  const under = (text: string, extra = '') => text.split('\n').join(`\n${column}${extra}`);
  let out = '';
  for (const f of r.findings) {
    out += `${MARK[f.status]} ${f.check.padEnd(16)} ${under(f.message)}\n`;
    if (f.fix && f.status !== 'ok') out += `${column}${f.status === 'fix' ? 'fix' : 'tip'}: ${under(f.fix, '     ')}\n`;
  }
  const n = r.findings.filter((f) => f.status === 'fix').length;
  return out + (r.ok ? 'Nothing to fix.\n' : `${n} thing(s) to fix.\n`);
}
