import { runGit } from './gitRunner';

/**
 * Whether git checks every pushed object on this server (`receive.fsckObjects`) — what the gate relies on for the
 * objects it does not parse itself (attack26 11). A tree listing `app.js` twice is a valid object to git without
 * fsck: the review panel's diff and `git cat-file REV:path` read the first entry, while every checkout, clone and
 * archive writes the second, so a reviewer approved an unchanged file and CI built the agent's code. With fsck on,
 * git refuses such a push (`duplicateEntries`) before any hook runs. One place decides what counts as on, and says
 * what `install --server` and `doctor` report.
 */
export type ReceiveFsck =
  | { state: 'on' }
  /** Neither receive.fsckObjects nor transfer.fsckObjects is set: git's default, off. */
  | { state: 'unset' }
  /** Turned off by an administrator (`why`: which setting). */
  | { state: 'off'; why: string };

const FIX = 'git config receive.fsckObjects true (in this bare repository)';

async function configBool(gitDir: string, key: string): Promise<boolean | undefined> {
  const r = await runGit(['config', '--type=bool', '--get', key], { cwd: gitDir, okCodes: [1] });
  return r.code === 0 ? r.stdout.trim() === 'true' : undefined;
}

/** receive.fsckObjects as git reads it (it falls back to transfer.fsckObjects), and no downgrade of duplicate entries. */
export async function receiveFsck(gitDir: string): Promise<ReceiveFsck> {
  const receive = await configBool(gitDir, 'receive.fsckObjects');
  const transfer = receive === undefined ? await configBool(gitDir, 'transfer.fsckObjects') : undefined;
  const on = receive ?? transfer;
  if (on === undefined) return { state: 'unset' };
  if (!on) return { state: 'off', why: `${receive === undefined ? 'transfer' : 'receive'}.fsckObjects is false` };
  // A message id set to warn or ignore lets that malformation through with fsck on.
  for (const prefix of ['receive.fsck', 'fsck']) {
    const level = await runGit(['config', '--get', `${prefix}.duplicateEntries`], { cwd: gitDir, okCodes: [1] });
    const value = level.stdout.trim().toLowerCase();
    if (level.code === 0 && value !== 'error') return { state: 'off', why: `${prefix}.duplicateEntries is ${value}` };
  }
  return { state: 'on' };
}

/** Turns receive.fsckObjects on where nobody set it (install --server); an administrator's `false` is kept. */
export async function ensureReceiveFsck(gitDir: string): Promise<ReceiveFsck | { state: 'turnedOn' }> {
  const now = await receiveFsck(gitDir);
  if (now.state !== 'unset') return now;
  await runGit(['config', 'receive.fsckObjects', 'true'], { cwd: gitDir });
  return { state: 'turnedOn' };
}

/** The problem and its fix when git does not check pushed objects here (install's warning, doctor's fix line). */
export function receiveFsckProblem(f: ReceiveFsck): { message: string; fix: string } | undefined {
  if (f.state === 'on') return undefined;
  const setting = f.state === 'off' ? `${f.why} here` : 'receive.fsckObjects is not set here (git checks nothing)';
  return {
    message: `${setting}: git accepts malformed objects, such as a tree listing a path twice — the review panel shows the first entry, every checkout and CI build gets the second, so a reviewer approves what does not land`,
    fix: f.state === 'off' && f.why.includes('duplicateEntries') ? `git config --unset ${f.why.split(' ')[0]}` : FIX,
  };
}
