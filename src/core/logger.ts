/** The tiny logging port core and git code receive; the extension backs it with a LogOutputChannel. */
export interface Logger {
  trace(message: string): void;
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string | Error): void;
}

export const silentLogger: Logger = {
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

/** Prefixes every line with `[component]` so one channel can carry every part's log. */
export function scopedLogger(base: Logger, component: string): Logger {
  const p = `[${component}] `;
  return {
    trace: (m) => base.trace(p + m),
    debug: (m) => base.debug(p + m),
    info: (m) => base.info(p + m),
    warn: (m) => base.warn(p + m),
    error: (m) => base.error(typeof m === 'string' ? p + m : m),
  };
}
