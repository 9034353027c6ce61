import { listRefs, type Listed } from './serverRefs';
import { shortSha } from '../core/shortSha';
import { isNullObjectId } from '../core/nullObjectId';

/**
 * The first step of the server's judgement (attack18 R1–R4): the commands of a push must be ones git will apply as
 * they are judged. The gate reads each command's old value and judges the range old..new; receive-pack then
 * applies the commands one by one under its own rules: a compare-and-swap on each command's old value, a zero old
 * on a delete deleting whatever the ref holds, and, for two commands naming one ref, the one whose old value
 * matches. A client speaking the protocol itself (`ssh host git-receive-pack repo`) chooses those old values, so
 * the gate judged a range git did not apply: a claimed old that was the AI commit itself (R4), a stale notes value
 * that hid a rejection (R2), a zero-old delete of the append-only approvals ref (R3), a deletion the gate counted
 * as done but git refused (R1). So a push is refused whole, before anything is judged, when two of its commands
 * name one ref, or when a command's old value is not the ref's value on the server now. Stock git always sends the
 * value the server advertised, so only a push that raced another (git would refuse that command anyway) or a
 * hand-made one is refused. Every later step then judges from values that are the server's own; the
 * reference-transaction hook's generation (taken before this read, preReceive.sh) refuses the push if any ref
 * moves between this read and the commit, so git's compare-and-swap cannot then refuse a judged command because of
 * another push. docs/threat-model.md, "attack18 R1–R4".
 */

export interface PushCommand {
  old: string;
  new: string;
  ref: string;
}

/**
 * Each named ref's value on the server (a symbolic ref's: its target's, as receive-pack compares it) and each
 * symbolic ref's target, from `listed` (ServerRefs.named) or else read by name (serverRefs.listRefs: one git process
 * per 1,000 names). A ref missing from the result does not exist (a dangling symbolic ref included: git then wants a
 * zero old value as well).
 */
async function currentValues(
  cwd: string,
  names: readonly string[],
  listed: readonly Listed[] | undefined,
): Promise<{ value: Map<string, string>; symref: Map<string, string> }> {
  const value = new Map<string, string>();
  const symref = new Map<string, string>();
  const wanted = new Set(names);
  for (const { sha, ref, symref: target } of listed ?? (await listRefs(cwd, names))) {
    // A name is also a prefix pattern to for-each-ref (refs/heads/a lists refs/heads/a/b): exact names only.
    if (!wanted.has(ref)) continue;
    value.set(ref, sha);
    if (target) symref.set(ref, target);
  }
  return { value, symref };
}

const shown = (v: string | undefined) => (v === undefined ? 'absent' : shortSha(v));

/**
 * Why the push's commands cannot be judged as git will apply them (one sentence each), or none. `listed`: the
 * server's refs as ServerRefs read them for this push (its `named`), when it has.
 */
export async function pushCommandRefusals(
  cwd: string,
  commands: readonly PushCommand[],
  listed?: readonly Listed[],
): Promise<string[]> {
  const names = [...new Set(commands.map((c) => c.ref))];
  const { value, symref } = await currentValues(cwd, names, listed);
  const refusals: string[] = [];
  // Two commands for one ref, by name or through a symbolic ref to it: git applies whichever its compare-and-swap
  // lets through, which need not be the one judged (R4). One command per ref is all a push ever needs.
  const byTarget = new Map<string, string>();
  for (const c of commands) {
    const target = symref.get(c.ref) ?? c.ref;
    const first = byTarget.get(target);
    if (first === undefined) {
      byTarget.set(target, c.ref);
      continue;
    }
    const through = first === c.ref ? '' : ` (${first === target ? c.ref : first} is a symbolic ref to it)`;
    const refusal = `${target}: the push has more than one command for this ref${through}; git would apply only one of them, not necessarily the one judged. Push each ref once.`;
    if (!refusals.includes(refusal)) refusals.push(refusal);
  }
  for (const c of commands) {
    const claimed = isNullObjectId(c.old) ? undefined : c.old;
    const actual = value.get(c.ref);
    if (claimed === actual) continue;
    refusals.push(
      `${c.ref}: the push says it was at ${shown(claimed)}, the server has ${shown(actual)}; fetch and push again.`,
    );
  }
  return refusals;
}
