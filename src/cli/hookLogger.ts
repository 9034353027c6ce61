import type { Logger } from '../core/logger';
import type { CliContext } from './command';

/**
 * What a hook says: warnings and errors on stderr, prefixed with the hook's name; the rest only with
 * COUNTERSIGN_TRACE=1. Its own module, since the hooks that run dist/cli.js use it without the commit-time
 * code of prepareCommitHook.ts, which dist/cli.js loads only from dist/cli-lazy.js (issue 11).
 */
export function hookLogger(ctx: CliContext, hook: string): Logger {
  const trace = ctx.env.COUNTERSIGN_TRACE === '1';
  const say = (m: string) => ctx.stderr(`countersign (${hook}): ${m.replace(/^\[[\w-]+\] /, '')}\n`);
  return {
    trace: (m) => {
      if (trace) say(m);
    },
    debug: (m) => {
      if (trace) say(m);
    },
    info: (m) => {
      if (trace) say(m);
    },
    warn: say,
    error: (m) => say(typeof m === 'string' ? m : m.message),
  };
}
