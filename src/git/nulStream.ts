import { spawn } from 'child_process';
import { settleGitStream } from './gitExit';
import { gitEnv } from './gitRunner';

/**
 * Runs one git process and hands its stdout to `onToken` split on NUL bytes, as it arrives: history of any
 * length streams through a constant amount of memory. Tokens are the raw bytes, so paths (printed verbatim
 * with -z) can be decoded without losing what makes two of them different (core/commitObject.decodePath).
 */
export function streamNulBuffers(
  args: string[],
  cwd: string,
  onToken: (token: Buffer) => void,
  input?: string,
): Promise<void> {
  return streamNulSpans(args, cwd, (bytes, start, end) => onToken(bytes.subarray(start, end)), input);
}

/** streamNulBuffers split on `separator` (a byte) instead: 0x0a for git output that has no -z form (a patch). */
export function streamSeparated(
  args: string[],
  cwd: string,
  separator: number,
  onToken: (token: Buffer) => void,
  input?: string,
): Promise<void> {
  return streamNulSpans(args, cwd, (bytes, start, end) => onToken(bytes.subarray(start, end)), input, separator);
}

/**
 * streamNulBuffers without a Buffer per token: `onToken` gets `bytes[start, end)`, where `bytes` is the pipe's
 * chunk itself (or, for a token split across chunks, its pieces joined). A reader of a long `git log` takes
 * what it needs from the span (bytes.toString('utf8', start, end), single bytes) and allocates nothing else.
 * The span is only valid during the call.
 */
export function streamNulSpans(
  args: string[],
  cwd: string,
  onToken: (bytes: Buffer, start: number, end: number) => void,
  input?: string,
  separator = 0,
): Promise<void> {
  const stream = startNulSpans(args, cwd, onToken, separator);
  stream.stdin.end(input ?? '');
  return stream.done;
}

/**
 * streamNulSpans whose input is written as the caller goes (`stdin`, ended by the caller): for a git process that
 * answers each line it reads (`diff-tree --stdin`) while the caller works out what to ask next. `done` settles
 * when git has exited and every token was handed on.
 */
export function startNulSpans(
  args: string[],
  cwd: string,
  onToken: (bytes: Buffer, start: number, end: number) => void,
  separator = 0,
): { stdin: NodeJS.WritableStream; done: Promise<void> } {
  const child = spawn('git', args, { cwd, env: gitEnv(), stdio: ['pipe', 'pipe', 'pipe'] });
  child.stdin.on('error', () => undefined);
  const done = new Promise<void>((resolve, reject) => {
    let pending: Buffer[] = [];
    let failed: unknown;
    child.stdout.on('data', (chunk: Buffer) => {
      if (failed) return;
      try {
        let start = 0;
        for (let i = chunk.indexOf(separator); i >= 0; i = chunk.indexOf(separator, start)) {
          if (pending.length > 0) {
            const token = Buffer.concat([...pending, chunk.subarray(start, i)]);
            pending = [];
            onToken(token, 0, token.length);
          } else onToken(chunk, start, i);
          start = i + 1;
        }
        if (start < chunk.length) pending.push(chunk.subarray(start));
      } catch (e) {
        failed = e;
        child.kill();
      }
    });
    const flush = () => {
      const rest = Buffer.concat(pending);
      if (rest.length > 0) onToken(rest, 0, rest.length);
    };
    settleGitStream(child, `git ${args.slice(0, 2).join(' ')}`, () => failed, flush, resolve, reject);
  });
  return { stdin: child.stdin, done };
}

/** streamNulBuffers with each token decoded as UTF-8 (git's commit encoding default), for fields that are text. */
export function streamNulTokens(
  args: string[],
  cwd: string,
  onToken: (token: string) => void,
  input?: string,
): Promise<void> {
  return streamNulBuffers(args, cwd, (t) => onToken(t.toString('utf8')), input);
}
