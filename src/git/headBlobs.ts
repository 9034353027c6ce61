import { spawn } from 'child_process';
import { CountersignError } from '../core/errors';

/**
 * HEAD's content of many paths with one `git cat-file --batch` (a hook snapshotting hundreds of changed
 * files must not start hundreds of git processes). undefined: not in HEAD, no HEAD yet, or a path git's
 * batch protocol cannot name (a line break in it).
 */
export function headContents(root: string, paths: string[], rev = 'HEAD'): Promise<Map<string, string | undefined>> {
  const out = new Map<string, string | undefined>();
  const asked = paths.filter((p) => !p.includes('\n') && !p.includes('\r'));
  for (const p of paths) out.set(p, undefined);
  if (asked.length === 0) return Promise.resolve(out);
  return new Promise((resolve, reject) => {
    const child = spawn('git', ['cat-file', '--batch'], { cwd: root, stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, GIT_TERMINAL_PROMPT: '0' } });
    const chunks: Buffer[] = [];
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => chunks.push(d));
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    child.on('error', (e) => reject(new CountersignError('git', `could not run git cat-file: ${e.message}`, undefined, { cause: e })));
    child.on('close', (code) => {
      if (code !== 0) {
        reject(new CountersignError('git', `git cat-file --batch failed (exit ${code}): ${stderr.trim()}`, stderr));
        return;
      }
      const buf = Buffer.concat(chunks);
      let pos = 0;
      for (const p of asked) {
        const nl = buf.indexOf(10, pos);
        if (nl < 0) break;
        const header = buf.subarray(pos, nl).toString('utf8');
        pos = nl + 1;
        const m = /^[0-9a-f]+ (\w+) (\d+)$/.exec(header);
        if (!m) continue; // "<name> missing" or "ambiguous"
        const size = Number(m[2]);
        if (m[1] === 'blob') out.set(p, buf.subarray(pos, pos + size).toString('utf8'));
        pos += size + 1;
      }
      resolve(out);
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(asked.map((p) => `${rev}:${p}\n`).join(''));
  });
}
