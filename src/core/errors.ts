/**
 * Typed errors: each carries a reason code so callers branch on `is(err, reason)`,
 * never on message text. Messages are for people: they name the file or commit and the fix.
 */
export type CountersignErrorReason =
  | 'usage'            // bad command-line arguments
  | 'config'           // malformed policy, hook set-up, missing key…
  | 'input'            // unreadable trace, payload, note or statement
  | 'git'              // a git command failed
  | 'notARepository'
  | 'missingObject'    // an object this clone does not have (partial clone, snapshot)
  | 'remoteUnreachable'
  | 'signature'
  | 'io';

export class CountersignError extends Error {
  constructor(
    readonly reason: CountersignErrorReason,
    message: string,
    readonly detail?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'CountersignError';
  }

  static is(err: unknown, reason?: CountersignErrorReason): err is CountersignError {
    return err instanceof CountersignError && (reason === undefined || err.reason === reason);
  }
}

export function usageError(message: string): CountersignError {
  return new CountersignError('usage', message);
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
