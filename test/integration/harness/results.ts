import * as fs from 'fs';

/**
 * What a test payload's run() leaves behind for the harness. The extension host inherits the environment
 * of the process that started it (code-server or desktop VS Code), so the harness passes the file's path in
 * RESULTS_ENV and reads it after the host reports its exit code.
 */
export const RESULTS_ENV = 'COUNTERSIGN_IT_RESULTS';
/** A mocha --grep pattern for the in-host run, passed the same way. */
export const GREP_ENV = 'COUNTERSIGN_IT_GREP';
/** The workspace repository the harness opened, for tests that need its path before the API reports it. */
export const WORKSPACE_ENV = 'COUNTERSIGN_IT_WORKSPACE';
/** Tells the .vsix payload which extensions folder the package was installed into. */
export const VSIX_EXTENSIONS_DIR_ENV = 'COUNTERSIGN_IT_VSIX_EXTENSIONS_DIR';

export interface FailedTest {
  title: string;
  error: string;
}

export interface PayloadResults {
  passed: string[];
  failed: FailedTest[];
  pending: string[];
  durationMs: number;
}

/** Reads a results file; undefined when the payload never wrote one (it crashed or never loaded). */
export function readResults(file: string): PayloadResults | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  const r = JSON.parse(text) as Partial<PayloadResults>;
  if (!Array.isArray(r.passed) || !Array.isArray(r.failed)) {
    throw new Error(`${file} is not a test results file (missing passed/failed arrays)`);
  }
  return { passed: r.passed, failed: r.failed, pending: r.pending ?? [], durationMs: r.durationMs ?? 0 };
}

/** The closing line every runner prints (the contract): exactly `N passed, N failed`. */
export function summaryLine(passed: number, failed: number): string {
  return `${passed} passed, ${failed} failed`;
}
