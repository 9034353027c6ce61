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
