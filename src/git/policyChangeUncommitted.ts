import type { GateCommit } from '../core/gate';
import { POLICY_FILE } from '../core/policy';
import { changedPathsRefusal } from '../core/changedPaths';
import { CountersignError } from '../core/errors';
import { readCommitRange } from './commitLog';
import { netChangeBase } from './netChange';
import { revParse } from './revision';

/**
 * Whether an update changes `.countersign.json` without a commit of it doing so — a rewind past the commit that
 * added it, a merge taking an old tree — so core/reviewNeed.ts charges the change to the head. `commits` gains
 * the head where it is not there (a pure rewind adds no commit: the head carries what the rewind drops).
 * A merge of the head (`mergeOnly`) brings only its change since it left the base's history: compared from their
 * merge base, a pull request cut before a policy change is no policy change (new-user report, session 12, R10).
 */
export async function policyChangeUncommitted(
  cwd: string,
  o: {
    old: string | undefined;
    head: string;
    commits: GateCommit[];
    isNew: boolean;
    rewinds: boolean;
    mergeOnly: boolean;
    /** The head's policy entry when the caller already knows it (a read-ahead). */
    headEntry?: string;
  },
): Promise<boolean> {
  const { old, head, commits } = o;
  const hasHead = () => commits.some((c) => c.sha === head);
  if (o.rewinds && !hasHead()) commits.push(...(await readHead(cwd, head)));
  if (o.isNew || !old) return false;
  const from = o.mergeOnly ? ((await netChangeBase(cwd, old, head, commits, true)) ?? old) : old;
  const [was, now] = await Promise.all([
    revParse(cwd, `${from}:${POLICY_FILE}`),
    o.headEntry ?? revParse(cwd, `${head}:${POLICY_FILE}`),
  ]);
  if (was === now || commits.some((c) => c.files.some((f) => f.path === POLICY_FILE))) return false;
  if (!hasHead()) commits.push(...(await readHead(cwd, head)));
  return true;
}

/** The head alone, as the gate reads commits; past the paths' bound (core/changedPaths.ts) it fails closed. */
async function readHead(cwd: string, head: string): Promise<GateCommit[]> {
  const read = await readCommitRange(cwd, ['-1', head]);
  const over = changedPathsRefusal(read);
  if (over) throw new CountersignError('input', over);
  return read;
}
