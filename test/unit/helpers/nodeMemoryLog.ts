import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/**
 * The peak resident memory of every Node process a command starts — a server's pre-receive hook, say — each
 * recorded by a preload (`NODE_OPTIONS=-r`) when it exits: VmHWM of /proc/self/status, the process's own, not its
 * git children's (those are git's cost). Not `resourceUsage().maxRSS`: that survives exec, so a process forked
 * by a test that holds a large buffer starts at the test's peak. A hook that dies of an exception still records;
 * one the kernel kills does not, and then peakKb() is 0, which no assertion of a bound should take for a pass.
 */
export class NodeMemoryLog {
  private readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cs-noderss-'));
  private readonly log = path.join(this.dir, 'rss.log');
  /** The environment to measure a command in (git passes it on to the hooks it runs). */
  readonly env: NodeJS.ProcessEnv;

  constructor() {
    const preload = path.join(this.dir, 'record-rss.js');
    fs.writeFileSync(
      preload,
      `'use strict';\nprocess.on('exit', () => {\n  const fs = require('fs');\n` +
        `  const hwm = /VmHWM:\\s*(\\d+)/.exec(fs.readFileSync('/proc/self/status', 'utf8'));\n` +
        `  fs.appendFileSync(${JSON.stringify(this.log)}, (hwm ? hwm[1] : 0) + ' ' + process.argv.slice(2).join(' ') + '\\n');\n});\n`,
    );
    const inherited = process.env.NODE_OPTIONS ? `${process.env.NODE_OPTIONS} ` : '';
    this.env = { NODE_OPTIONS: `${inherited}-r ${preload}` };
  }

  /** Forgets what was recorded so far. */
  reset(): void {
    fs.rmSync(this.log, { force: true });
  }

  /** Each recorded process: its peak RSS in KiB and its arguments. */
  processes(): Array<{ kb: number; args: string }> {
    if (!fs.existsSync(this.log)) return [];
    return fs
      .readFileSync(this.log, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => ({ kb: Number(l.slice(0, l.indexOf(' '))), args: l.slice(l.indexOf(' ') + 1) }));
  }

  /** The largest peak RSS recorded, in KiB (0 when none was). */
  peakKb(): number {
    return Math.max(0, ...this.processes().map((p) => p.kb));
  }

  dispose(): void {
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
