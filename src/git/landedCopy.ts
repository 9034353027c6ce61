import {
  MAX_LANDED_CANDIDATES,
  MAX_LANDED_PATHSPEC,
  MAX_LANDED_RUN,
  type ApprovalLanded,
} from '../core/approvalReplayCheck';
import type { ApprovalStatement } from '../core/approvalStatement';
import { runGit } from './gitRunner';
import { oversizedDiffs } from './oversizedDiffs';
import { literalPathspec } from './pathspec';
import { stablePatchIdsInOrder } from './patchId';

/**
 * Whether the change approval `st` signed already landed in the history of `landedOn` (the review base, the
 * branch's tip) as a copy — a cherry-pick, a rebase, a squash: another commit object than the approved tip, which
 * approvalReplay.ts's `containsCommit` looks for (attack28 F1: the pusher chooses how the approved change lands, and
 * a copy kept the approval unspent for the same change made again after a fix undid it). Stateless, so CI's
 * `verify --base origin/main --head PR` asks it as the server does: the commits of `landedOn`'s history since the
 * statement's base (`st.base..landedOn`, merges left out) that change the files the statement changes — one
 * `git rev-list`, at most MAX_LANDED_CANDIDATES of them — and the change of each run of up to `run` consecutive such
 * commits (its first one's parent..its last one), limited to those files, has the statement's patch-id: a copy
 * landed commit by commit has exactly as many commits changing those files as the approved commits have, and its
 * change to them is the approved change (one batched patch-id run, src/git/patchId.ts's rule). `change` is a span
 * whose change is the statement's (st.base..st.tip, or, the approved commits missing, review base..a carried
 * commit: the same patch-id, so the same files); `run`, how many of the approved commits change those files
 * (MAX_LANDED_RUN when they are missing). Past a bound, or where git cannot tell, the approval counts as spent
 * (`unchecked`: fails toward a new review). Undefined when no copy landed.
 */
export async function landedCopy(
  cwd: string,
  st: ApprovalStatement,
  change: { from: string; to: string },
  landedOn: readonly string[],
  approvedHere: boolean,
): Promise<ApprovalLanded | undefined> {
  const on = landedOn[landedOn.length - 1];
  if (on === undefined) return undefined;
  const unchecked = (why: string): ApprovalLanded => ({ landed: true, on, unchecked: why });
  const names = await runGit(['diff-tree', '-r', '-z', '--name-only', '--no-renames', change.from, change.to], {
    cwd,
    okCodes: [128],
  });
  if (names.code !== 0) return unchecked('the files it changes could not be listed');
  const paths = names.stdout.split('\0').filter(Boolean);
  if (paths.length === 0) return undefined;
  // rev-list --stdin reads one pathspec a line.
  if (paths.some((p) => p.includes('\n'))) return unchecked('it changes a file whose name holds a line break');
  const listed = await runGit(
    ['rev-list', '--stdin', '--no-merges', '--topo-order', `--max-count=${MAX_LANDED_CANDIDATES + 1}`, '--format=%P'],
    {
      cwd,
      okCodes: [128],
      input: [`^${st.base}`, ...new Set(landedOn), '--', ...paths.map(literalPathspec), ''].join('\n'),
    },
  );
  if (listed.code !== 0) return unchecked(`the history since its base ${st.base.slice(0, 12)} could not be read`);
  // `commit SHA` then its parents' line, newest first; a run of a copy is consecutive in topological order.
  const lines = listed.stdout.split('\n');
  const commits: Array<{ sha: string; parent: string | undefined }> = [];
  for (let i = 0; i < lines.length; i++)
    if (lines[i].startsWith('commit ')) commits.push({ sha: lines[i].slice(7), parent: lines[i + 1]?.split(' ')[0] });
  if (commits.length > MAX_LANDED_CANDIDATES)
    return unchecked(
      `more than ${MAX_LANDED_CANDIDATES} commits since its base ${st.base.slice(0, 12)} change the files it changes, and only that many are compared with it (each costs git work a push must not make the server do without end)`,
    );
  if (commits.length === 0) return undefined;
  const run = Math.min(commits.length, approvedHere ? await approvedRun(cwd, st, paths) : MAX_LANDED_RUN);
  const over = await oversizedDiffs(
    cwd,
    commits.filter((c) => c.parent).map((c) => `${c.sha} ${c.parent}`),
  );
  const spans: Array<{ base: string; tip: string; first: string }> = [];
  for (let j = 0; j < commits.length; j++)
    for (let k = 0; k < run && j + k < commits.length; k++) {
      const first = commits[j + k];
      if (!first.parent || over.has(first.sha) || over.has(commits[j].sha)) continue;
      spans.push({ base: first.parent, tip: commits[j].sha, first: first.sha });
    }
  const ids = await stablePatchIdsInOrder(cwd, spans, paths.length <= MAX_LANDED_PATHSPEC ? paths : undefined);
  if (!ids) return unchecked('the patch-ids of the commits since its base could not be told apart (a binary patch)');
  const hit = ids.findIndex((id) => id === st.patchId);
  if (hit < 0) return undefined;
  const { first, tip: last } = spans[hit];
  return { landed: true, on: await holder(cwd, landedOn, last), copy: { first, last } };
}

/**
 * Whether the statement's base already holds one of `starts` (the oldest commit of each chain the statement is
 * carried to: a later commit of the chain in the base's history means the oldest is too). Such a commit is no landing
 * of the approved change but one the base made (and undid) before the review; carried, it landed where landedCopy's
 * look since the base never sees it. The commits of `st.base` not in `notIn`'s history (usually none: the base is on
 * the branch), at most MAX_LANDED_CANDIDATES of them, one `git rev-list`; past that, or unreadable, it counts as held.
 */
export async function baseHolds(
  cwd: string,
  st: ApprovalStatement,
  starts: readonly string[],
  notIn: readonly string[],
): Promise<ApprovalLanded | undefined> {
  if (starts.length === 0) return undefined;
  const r = await runGit(['rev-list', '--stdin', `--max-count=${MAX_LANDED_CANDIDATES + 1}`], {
    cwd,
    okCodes: [128],
    input: [st.base, ...new Set(notIn)].map((c, i) => (i === 0 ? c : `^${c}`)).join('\n') + '\n',
  });
  const held = r.stdout.split('\n').filter(Boolean);
  const on = st.base;
  if (r.code !== 0) return { landed: true, on, unchecked: `the history of its base could not be read` };
  const hit = starts.find((c) => held.includes(c));
  if (hit) return { landed: true, on, copy: { first: hit, last: hit }, inBase: true };
  if (held.length > MAX_LANDED_CANDIDATES)
    return {
      landed: true,
      on,
      unchecked: `its base ${st.base.slice(0, 12)} holds more than ${MAX_LANDED_CANDIDATES} commits this branch does not, and only that many are looked at for the commits it is carried to`,
    };
  return undefined;
}

/** How many of the approved commits (st.base..st.tip) change `paths`: the commits of a copy that do. */
async function approvedRun(cwd: string, st: ApprovalStatement, paths: string[]): Promise<number> {
  const r = await runGit(['rev-list', '--stdin', '--count', `--max-count=${MAX_LANDED_RUN}`], {
    cwd,
    okCodes: [128],
    input: [`^${st.base}`, st.tip, '--', ...paths.map(literalPathspec), ''].join('\n'),
  });
  const n = Number(r.stdout.trim());
  return r.code === 0 && n > 0 ? n : MAX_LANDED_RUN;
}

/** Which of `landedOn` has `sha` in its history, for the message (the last when only it is asked). */
async function holder(cwd: string, landedOn: readonly string[], sha: string): Promise<string> {
  const distinct = [...new Set(landedOn)];
  for (const at of distinct.slice(0, -1))
    if ((await runGit(['merge-base', '--is-ancestor', sha, at], { cwd, okCodes: [1, 128] })).code === 0) return at;
  return distinct[distinct.length - 1];
}
