import { spawnSync } from 'child_process';
import { SYNC_TIMEOUT_MS, type TempRepo } from './tempRepo';

/**
 * A push client that sends exactly the commands it is given, old values included (attack18): `git push` always
 * sends the value the server advertised, but anyone with push access can talk to `git receive-pack` directly
 * (`ssh host git-receive-pack repo`), so the server's gate must be tested with commands stock git never sends.
 * Protocol v0 to a spawned `git receive-pack SERVER`: the advertisement, pkt-lines `old new ref` (the first with
 * `\0report-status`), a flush, then a pack of every non-zero new value minus what the server advertised.
 */
export const ZERO = '0'.repeat(40);

export interface RawCommand {
  old: string;
  new: string;
  ref: string;
}

export interface RawPushResult {
  status: number;
  /** receive-pack's report lines (`ok REF`, `ng REF reason`, `unpack ok`). */
  report: string[];
  /** The hooks' output (pre-receive's verdict). */
  stderr: string;
}

function pkt(payload: string): Buffer {
  const body = Buffer.from(payload, 'utf8');
  return Buffer.concat([Buffer.from((body.length + 4).toString(16).padStart(4, '0'), 'ascii'), body]);
}

/** The pkt-line payloads of `buf` from `at` up to the next flush, and where that flush ends. */
function readPkts(buf: Buffer, at: number): { lines: string[]; end: number } {
  const lines: string[] = [];
  while (at + 4 <= buf.length) {
    const n = parseInt(buf.subarray(at, at + 4).toString('ascii'), 16);
    at += 4;
    if (n === 0) return { lines, end: at };
    lines.push(buf.subarray(at, at + n - 4).toString('utf8'));
    at += n - 4;
  }
  return { lines, end: at };
}

/** Sends `commands` from `local` (whose objects make the pack) to the bare repository `server`. */
export function rawPush(local: TempRepo, server: string, commands: RawCommand[]): RawPushResult {
  // What the server advertises, as receive-pack will: the values it has (the pack leaves them out).
  const serverRefs = spawnSync('git', ['for-each-ref', '--format=%(objectname)'], {
    cwd: server,
    env: local.env,
    encoding: 'utf8',
  }).stdout.split('\n');
  const have = [...new Set(serverRefs.filter(Boolean))];
  const news = commands.map((c) => c.new).filter((v) => v !== ZERO);
  const parts: Buffer[] = commands.map((c, i) =>
    pkt(`${c.old} ${c.new} ${c.ref}${i === 0 ? '\0report-status' : ''}\n`),
  );
  parts.push(Buffer.from('0000', 'ascii'));
  if (news.length > 0) {
    const pack = spawnSync('git', ['pack-objects', '--revs', '--stdout', '-q'], {
      cwd: local.dir,
      env: local.env,
      input: [...news, ...have.map((h) => `^${h}`)].join('\n') + '\n',
      maxBuffer: 1 << 28,
    });
    if (pack.status !== 0) throw new Error(`pack-objects failed: ${pack.stderr.toString()}`);
    parts.push(pack.stdout);
  }
  // receive-pack writes its advertisement before it reads: with every byte ready, one synchronous run is the exchange.
  const r = spawnSync('git', ['receive-pack', server], {
    env: local.env,
    input: Buffer.concat(parts),
    timeout: SYNC_TIMEOUT_MS,
    killSignal: 'SIGKILL',
    maxBuffer: 1 << 26,
  });
  const out = r.stdout ?? Buffer.alloc(0);
  const adv = readPkts(out, 0);
  const report = readPkts(out, adv.end).lines.map((l) => l.replace(/\n$/, ''));
  return { status: r.status ?? -1, report, stderr: (r.stderr ?? Buffer.alloc(0)).toString('utf8') };
}
