import { spawnSync } from 'child_process';
import * as fs from 'fs';

/**
 * The processes below `pid` (its children, theirs, …), read at one moment: what a bounded git run started — its
 * transport (ssh, a credential helper) — which killing git alone leaves running (newuser22 F-timeout). Read before
 * killing anything: once git is gone its children belong to init and no longer say whose they were. Linux answers
 * from /proc; elsewhere `ps`, started only on this rare path (a run past its bound). Never throws: what cannot be
 * read is left out, and the caller still kills git and stops reading its pipes.
 */
export function descendantPids(pid: number): number[] {
  const parents = parentTable();
  const children = new Map<number, number[]>();
  for (const [child, parent] of parents) {
    const list = children.get(parent);
    if (list) list.push(child);
    else children.set(parent, [child]);
  }
  const out: number[] = [];
  const stack = [...(children.get(pid) ?? [])];
  const seen = new Set<number>([pid]);
  while (stack.length > 0) {
    const p = stack.pop() as number;
    if (seen.has(p)) continue;
    seen.add(p);
    out.push(p);
    for (const c of children.get(p) ?? []) stack.push(c);
  }
  return out;
}

/** pid → parent pid of every process this user can see. */
function parentTable(): Map<number, number> {
  const table = new Map<number, number>();
  try {
    if (process.platform === 'linux') {
      for (const name of fs.readdirSync('/proc')) {
        if (!/^\d+$/.test(name)) continue;
        try {
          // "pid (comm) state ppid …": comm may hold spaces and parentheses, so read after the last ')'.
          const stat = fs.readFileSync(`/proc/${name}/stat`, 'latin1');
          const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
          if (Number.isInteger(ppid)) table.set(Number(name), ppid);
        } catch {
          // The process ended while the table was read.
        }
      }
      return table;
    }
    const ps = spawnSync('ps', ['-A', '-o', 'pid=', '-o', 'ppid='], { encoding: 'utf8', timeout: 5000 });
    for (const line of (ps.stdout ?? '').split('\n')) {
      const [p, pp] = line.trim().split(/\s+/).map(Number);
      if (Number.isInteger(p) && Number.isInteger(pp)) table.set(p, pp);
    }
  } catch {
    // No /proc and no ps: only git itself is killed.
  }
  return table;
}
