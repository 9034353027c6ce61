import { spawn } from 'child_process';
import { CountersignError } from '../core/errors';
import { gitErrorReason } from './gitRunner';

/**
 * Reads many objects through one `git cat-file --batch` process (DESIGN.md: notes are read with
 * `git cat-file --batch`, never one process per note). Output is `<oid> <type> <size>\n<bytes>\n` per object,
 * or `<name> missing\n`; it is parsed as bytes so sizes stay exact for any content. `type` is git's object
 * type (`blob`, `tree`…), for callers that asked for `REV:PATH` and want only files.
 */
export async function readObjects(cwd: string, names: string[], onObject: (name: string, content: Buffer | undefined, type?: string) => void): Promise<void> {
  if (names.length === 0) return;
  for (const n of names) {
    if (/[\n\r]/.test(n)) throw new CountersignError('input', `object name ${JSON.stringify(n)} contains a line break`);
  }
  await new Promise<void>((resolve, reject) => {
    const child = spawn('git', ['cat-file', '--batch'], { cwd, env: { ...process.env, GIT_TERMINAL_PROMPT: '0' }, stdio: ['pipe', 'pipe', 'pipe'] });
    let buf: Buffer = Buffer.alloc(0);
    let index = 0;
    let need: { size: number; type: string } | undefined;
    const err: Buffer[] = [];
    let failed: unknown;
    const pump = () => {
      for (;;) {
        if (!need) {
          const nl = buf.indexOf(0x0a);
          if (nl < 0) return;
          const header = buf.subarray(0, nl).toString('utf8');
          buf = buf.subarray(nl + 1);
          if (header.endsWith(' missing') || header.endsWith(' ambiguous')) {
            onObject(names[index++], undefined);
            continue;
          }
          const [, type, sizeText] = header.split(' ');
          const size = Number(sizeText);
          if (!Number.isSafeInteger(size)) throw new CountersignError('git', `unexpected git cat-file output: ${header}`);
          need = { size, type };
        }
        if (buf.length < need.size + 1) return;
        const content = Buffer.from(buf.subarray(0, need.size));
        const type = need.type;
        buf = buf.subarray(need.size + 1);
        need = undefined;
        onObject(names[index++], content, type);
      }
    };
    child.stdout.on('data', (chunk: Buffer) => {
      if (failed) return;
      buf = buf.length === 0 ? chunk : Buffer.concat([buf, chunk]);
      try { pump(); } catch (e) { failed = e; child.kill(); }
    });
    child.stderr.on('data', (d: Buffer) => err.push(d));
    child.on('error', (e) => reject(new CountersignError('git', `could not run git: ${e.message}`, undefined, { cause: e })));
    child.on('close', (code) => {
      if (failed) { reject(failed); return; }
      const stderr = Buffer.concat(err).toString('utf8');
      if (code !== 0) { reject(new CountersignError(gitErrorReason(stderr), `git cat-file --batch failed (exit ${code}): ${stderr.trim()}`, stderr)); return; }
      if (index !== names.length) { reject(new CountersignError('git', `git cat-file --batch answered ${index} of ${names.length} objects`)); return; }
      resolve();
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(names.join('\n') + '\n');
  });
}
