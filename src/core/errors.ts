/**
 * Typed errors: each carries a reason code so callers branch on `is(err, reason)`,
 * never on message text. Messages are for people: they name the file or commit and the fix.
 */
export type CountersignErrorReason =
  | 'usage' // bad command-line arguments
  | 'config' // malformed policy, hook set-up, missing key…
  | 'input' // unreadable trace, payload, note or statement
  | 'git' // a git command failed
  | 'notARepository'
  | 'missingObject' // an object this clone does not have (partial clone, snapshot)
  | 'remoteUnreachable'
  | 'remoteRefused' // the remote's hook declined what we pushed: retrying will not help
  | 'signature'
  | 'io';

/**
 * Marks a CountersignError across copies of this class: the CLI loads some commands from a second bundle
 * (src/cli/lazyCommands.ts) with its own copy, whose errors `instanceof` would not recognise.
 */
const BRAND = Symbol.for('countersign.CountersignError');

export class CountersignError extends Error {
  readonly [BRAND] = true;

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
    return (
      typeof err === 'object' &&
      err !== null &&
      (err as { [BRAND]?: unknown })[BRAND] === true &&
      (reason === undefined || (err as CountersignError).reason === reason)
    );
  }
}

export function usageError(message: string): CountersignError {
  return new CountersignError('usage', message);
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
