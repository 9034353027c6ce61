import { CountersignError } from '../core/errors';
import { shortSha } from '../core/shortSha';
import { runGit } from './gitRunner';
import { listRemotes } from './remotes';

/**
 * Where REV names a remote-tracking branch (`origin/feature`), what the remote holds there now: a reviewer whose
 * clone had not fetched since the author pushed a fix signed the old tip without a word, though `approve` talks
 * to the remote right afterwards (newuser14 S20). An unreachable remote is not a refusal: the push that follows
 * says so. Throws (exit 2, nothing signed) when the branch moved or is gone; a commit id approves the old tip
 * deliberately.
 */
export async function refuseMovedTracking(cwd: string, rev: string, tip: string, timeoutMs: number): Promise<void> {
  const full = await runGit(['rev-parse', '--symbolic-full-name', rev], { cwd, okCodes: [128] });
  const ref = full.code === 0 ? full.stdout.trim() : '';
  if (!ref.startsWith('refs/remotes/')) return;
  // A remote name may itself contain `/`: the longest match wins, as for upstreams (remotes.ts).
  const remote = (await listRemotes(cwd))
    .filter((r) => ref.startsWith(`refs/remotes/${r}/`))
    .sort((a, b) => b.length - a.length)[0];
  if (!remote) return;
  const branch = ref.slice(`refs/remotes/${remote}/`.length);
  const there = await runGit(['ls-remote', '--heads', remote, `refs/heads/${branch}`], {
    cwd,
    timeoutMs,
    okCodes: [1, 2, 128],
  }).catch(() => undefined);
  if (!there || there.code !== 0) return;
  const now = there.stdout
    .split('\n')
    .map((l) => l.split('\t'))
    .find(([, name]) => name === `refs/heads/${branch}`)?.[0];
  if (now === tip) return;
  const tracking = `${remote}/${branch}`;
  const what = now
    ? `${tracking} has moved on ${remote} since your last fetch (${shortSha(tip)} here, ${shortSha(now)} there)`
    : `${tracking} is no longer on ${remote} (deleted or renamed since your last fetch; ${shortSha(tip)} here)`;
  throw new CountersignError(
    'usage',
    `${what}, so what you would approve is not what would land. Nothing was signed. Fetch it (\`git fetch ${remote}\`), look at what changed, and run the command again; to approve ${shortSha(tip)} itself, name it by its id (\`countersign approve ${tip}\`).`,
  );
}
