import { errorMessage } from '../../core/errors';
import type { RepoPaths } from '../repository';

/**
 * `countersign doctor`: the set-up a user relies on, checked one small named function at a time
 * (src/git/doctor/checks.ts holds the list: add a check to installChecks.ts or policyChecks.ts and list it there). A check never throws
 * on a broken set-up — that is what it reports — and each finding that needs fixing says how.
 */
export type FindingStatus =
  /** as it should be */
  | 'ok'
  /** needs fixing: `doctor` exits 1 */
  | 'fix'
  /** worth knowing, nothing to fix (no remote yet, not a reviewer…) */
  | 'info';

export interface DoctorFinding {
  /** The check's name, stable for scripts: `hooks-active`, `notes-refspecs`… */
  check: string;
  status: FindingStatus;
  /** What was found, one sentence. */
  message: string;
  /** What to run or do, when status is `fix` (or a suggestion for `info`). */
  fix?: string;
}

export interface DoctorContext {
  cwd: string;
  env: NodeJS.ProcessEnv;
  repo: RepoPaths;
  /** The running CLI bundle: what `install` would copy into `.git/countersign/bin`. */
  cliSource: string;
}

export interface DoctorCheck {
  name: string;
  /** What it checks, one line (or lines joined by \n): `doctor --help` lists the checks from these. */
  about: string;
  /** Other names its findings carry, with what each says (a server's gate check reports its CLI copy too). */
  alsoReports?: Readonly<Record<string, string>>;
  run(ctx: DoctorContext): Promise<DoctorFinding[]>;
}

export function finding(check: string, status: DoctorFinding['status'], message: string, fix?: string): DoctorFinding {
  return { check, status, message, ...(fix ? { fix } : {}) };
}

export async function runDoctorChecks(ctx: DoctorContext, checks: readonly DoctorCheck[]): Promise<DoctorFinding[]> {
  const out: DoctorFinding[] = [];
  for (const c of checks) {
    try {
      out.push(...(await c.run(ctx)));
    } catch (e) {
      // A check that cannot run is itself something to fix: fail closed, naming the check.
      out.push({
        check: c.name,
        status: 'fix',
        message: `could not be checked: ${errorMessage(e)}`,
        fix: 'fix the error above and run `countersign doctor` again',
      });
    }
  }
  return out;
}

export function needsFixing(findings: readonly DoctorFinding[]): boolean {
  return findings.some((f) => f.status === 'fix');
}
