import * as fs from 'fs';
import * as path from 'path';

/**
 * `.git/countersign/log`: where agents' hooks report what went wrong, since they must never print to the
 * agent or fail it. Kept small: past `maxBytes` the file rotates to `log.1` (one generation), so a hook
 * misfiring on every tool call cannot fill the disk.
 */
export const LOG_MAX_BYTES = 256 * 1024;

export function appendHookLog(countersignDir: string, message: string, maxBytes = LOG_MAX_BYTES): void {
  const file = path.join(countersignDir, 'log');
  try {
    fs.mkdirSync(countersignDir, { recursive: true });
    try {
      if (fs.statSync(file).size > maxBytes) fs.renameSync(file, `${file}.1`);
    } catch {
      /* no log yet */
    }
    const line = `${new Date().toISOString()} [${process.pid}] ${message.replace(/\n/g, '\n    ')}\n`;
    // O_APPEND: concurrent hooks' lines interleave whole, never torn.
    fs.appendFileSync(file, line);
  } catch {
    // Logging is best effort: a read-only .git must not turn into a failing hook.
  }
}

/**
 * appendHookLog, unless a line containing `key` is already in the log (or its previous generation): for advice
 * that would otherwise repeat on every tool call of a session.
 */
export function appendHookLogOnce(countersignDir: string, key: string, message: string): void {
  if (hookLogLines(countersignDir).some((l) => l.includes(key))) return;
  appendHookLog(countersignDir, message);
}

/** The log's lines, the previous generation's first; none when there is no log. */
export function hookLogLines(countersignDir: string): string[] {
  const out: string[] = [];
  for (const name of ['log.1', 'log']) {
    try {
      out.push(...fs.readFileSync(path.join(countersignDir, name), 'utf8').split('\n'));
    } catch {
      /* no such generation */
    }
  }
  return out;
}
