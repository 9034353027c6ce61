import { parseStatementNote, type SignedStatement, type StatementError } from '../core/approvalStatement';
import { MAX_NOTE_BYTES, oversizedStatementNote } from '../core/noteBounds';
import { readObjects } from './catFileBatch';
import { runGit } from './gitRunner';
import { notesTip } from './notesReader';
import { noteTarget } from './notePath';
import { oidHexLength } from './objectFormat';

/**
 * Annotated object → its note blobs in a notes commit's tree (a ref or an object id), by notePath.ts's rule.
 * Read from the tree itself, not with `git notes list`: git resolves `--ref` under refs/notes/, so the
 * remote-tracking copy (refs/countersign/remotes/<remote>/countersign) listed as nothing, and a client whose
 * notes merge failed judged without the remote's approvals and rejections (issue 10). An object with notes at
 * two fan-out depths keeps both blobs: git concatenates them, so their statements are read together.
 */
async function noteEntries(cwd: string, notes: string): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  const hexLength = await oidHexLength(cwd);
  const ls = await runGit(['ls-tree', '-r', '-z', notes], { cwd });
  for (const entry of ls.stdout.split('\0')) {
    const m = /^\d+ blob ([0-9a-f]+)\t(.+)$/.exec(entry);
    const annotated = m ? noteTarget(m[2], hexLength) : undefined;
    if (m && annotated !== undefined) out.set(annotated, [...(out.get(annotated) ?? []), m[1]]);
  }
  return out;
}

/**
 * Every approval statement one judgement reads — from notes refs (local, remote-tracking) and from notes commits
 * not under a ref (a server's quarantined push) — with each distinct note blob read and parsed once
 * (docs/threat-model.md, "Notes flood"). The refs read usually hold the same notes: a blob seen under one is not
 * read again under the next, and its statements are the same frozen objects there, so later steps judge them
 * once. A blob with an unreadable line is read again wherever it sits: each note holding it reports its own
 * error on its own commit (fail closed). Statements are not compared line by line here: that costs a canonical
 * line each, and the gate compares only those it judges (approvalStatement.distinctStatements, statementStanding.ts).
 */
export class StatementNotes {
  /** Note blobs without an unreadable line → their statements. */
  private readonly clean = new Map<string, SignedStatement[]>();
  /**
   * Each signature text held once (parseStatementNote's `signatures`): junk lines often carry copies of one
   * signature, and 40,000 copies held 13 MB that the collector copied and marked (perf17); later steps look the
   * one copy up by value (ReviewerKeys' embedded keys), its hash computed once.
   */
  private readonly signatures = new Map<string, string>();

  constructor(private readonly cwd: string) {}

  private parse(blob: string, text: string, where: string): { statements: SignedStatement[]; errors: string[] } {
    const parsed = parseStatementNote(text, where, this.signatures);
    if (parsed.errors.length === 0) this.clean.set(blob, parsed.statements);
    return parsed;
  }

  /**
   * Every statement under `ref` (refs/notes/countersign or a remote-tracking copy of it), by the commit its note is
   * attached to; one `ls-tree`, one `cat-file --batch`.
   */
  async ofRef(ref: string): Promise<{ byCommit: Map<string, SignedStatement[]>; errors: StatementError[] }> {
    const byCommit = new Map<string, SignedStatement[]>();
    const errors: StatementError[] = [];
    const toRead = new Map<string, string[]>();
    const tip = await notesTip(this.cwd, ref);
    const put = (commit: string, list: SignedStatement[]) => {
      if (list.length > 0) byCommit.set(commit, [...(byCommit.get(commit) ?? []), ...list]);
    };
    for (const [commit, blobs] of tip === undefined ? [] : await noteEntries(this.cwd, tip)) {
      for (const blob of blobs) {
        const known = this.clean.get(blob);
        if (known) put(commit, known);
        else toRead.set(blob, [...(toRead.get(blob) ?? []), commit]);
      }
    }
    await readObjects(
      this.cwd,
      [...toRead.keys()],
      (blob, content, _type, oversized) => {
        const commits = toRead.get(blob) ?? [];
        if (oversized !== undefined) {
          for (const commit of commits)
            errors.push({ attachedTo: commit, error: oversizedStatementNote(ref, commit, oversized) });
          return;
        }
        if (content === undefined) {
          for (const commit of commits)
            errors.push({
              attachedTo: commit,
              error: `the ${ref} note on ${commit} (blob ${blob}) is missing from the object database; fetch it again with \`countersign verify\` or \`git fetch origin ${ref}\``,
            });
          return;
        }
        // Parsed once per blob, however many commits' notes it is: the commits share the same frozen statements.
        const parsed = this.parse(blob, content.toString('utf8'), `the ${ref} note on ${noteNames(commits, blob)}`);
        for (const commit of commits) {
          for (const error of parsed.errors) errors.push({ attachedTo: commit, error });
          put(commit, parsed.statements);
        }
      },
      { maxBytes: MAX_NOTE_BYTES },
    );
    return { byCommit, errors };
  }

  /**
   * Statements in a notes commit that is not under a ref (a server's quarantined push), read from its tree:
   * each blob's statements listed once, under the first commit whose note it is (the gate judges a statement by
   * its own fields, never by where its note sits).
   */
  async ofCommit(notesCommit: string): Promise<{
    statements: Array<{ attachedTo: string; signed: SignedStatement }>;
    errors: StatementError[];
  }> {
    const byBlob = new Map<string, string[]>();
    for (const [annotated, blobs] of await noteEntries(this.cwd, notesCommit))
      for (const blob of blobs) byBlob.set(blob, [...(byBlob.get(blob) ?? []), annotated]);
    const statements: Array<{ attachedTo: string; signed: SignedStatement }> = [];
    const errors: StatementError[] = [];
    const toRead = [...byBlob.keys()].filter((blob) => {
      const known = this.clean.get(blob);
      if (!known) return true;
      for (const s of known) statements.push({ attachedTo: (byBlob.get(blob) as string[])[0], signed: s });
      return false;
    });
    await readObjects(
      this.cwd,
      toRead,
      (blob, content, _type, oversized) => {
        const commits = byBlob.get(blob) ?? [];
        if (oversized !== undefined) {
          for (const c of commits)
            errors.push({
              attachedTo: c,
              error: oversizedStatementNote('pushed refs/notes/countersign', c, oversized),
            });
          return;
        }
        const parsed = content
          ? this.parse(
              blob,
              content.toString('utf8'),
              `the pushed refs/notes/countersign note on ${noteNames(commits, blob)}`,
            )
          : undefined;
        for (const s of parsed?.statements ?? []) statements.push({ attachedTo: commits[0], signed: s });
        for (const commit of commits) {
          if (!parsed) errors.push({ attachedTo: commit, error: `the pushed approval note on ${commit} is missing` });
          for (const e of parsed?.errors ?? []) errors.push({ attachedTo: commit, error: e });
        }
      },
      { maxBytes: MAX_NOTE_BYTES },
    );
    return { statements, errors };
  }
}

/** Statements in a notes commit that is not under a ref (a server's quarantined push). */
export function readStatementsAtCommit(cwd: string, notesCommit: string): ReturnType<StatementNotes['ofCommit']> {
  return new StatementNotes(cwd).ofCommit(notesCommit);
}

/**
 * Every statement under `refs` and in the notes commits `commits`, each once (the same line in several notes is
 * one statement object), with the unreadable lines by the commit whose note holds them.
 */
export async function gatherApprovals(
  cwd: string,
  refs: string[],
  commits: string[] = [],
): Promise<{
  statements: Array<{ attachedTo: string; signed: SignedStatement }>;
  statementErrors: StatementError[];
}> {
  const notes = new StatementNotes(cwd);
  const seen = new Set<SignedStatement>();
  const statements: Array<{ attachedTo: string; signed: SignedStatement }> = [];
  const statementErrors: StatementError[] = [];
  const add = (attachedTo: string, signed: SignedStatement) => {
    if (seen.has(signed)) return;
    seen.add(signed);
    statements.push({ attachedTo, signed });
  };
  for (const ref of refs) {
    const r = await notes.ofRef(ref);
    for (const [commit, list] of r.byCommit) for (const s of list) add(commit, s);
    statementErrors.push(...r.errors);
  }
  for (const c of commits) {
    const r = await notes.ofCommit(c);
    for (const s of r.statements) add(s.attachedTo, s.signed);
    statementErrors.push(...r.errors);
  }
  return { statements, statementErrors };
}

/** How an error names a note blob shared by several commits: the first, and how many more. */
export function noteNames(commits: string[], blob: string): string {
  return commits.length <= 1
    ? (commits[0] ?? blob)
    : `${commits[0]} (and ${commits.length - 1} other commit(s): the same blob ${blob})`;
}
