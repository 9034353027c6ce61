import { parseStatementNote, type SignedStatement, type StatementError } from '../core/approvalStatement';
import { MAX_NOTE_BYTES, MAX_READ_STATEMENT_BYTES, oversizedStatementNote } from '../core/noteBounds';
import { readObjects } from './catFileBatch';
import { runGit } from './gitRunner';
import { REVIEW_NOTES_REF } from './notesConfig';
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

  /** Bytes of note blobs parsed so far; past `budget` no further blob is parsed (MAX_READ_STATEMENT_BYTES). */
  private parsed = 0;

  constructor(
    private readonly cwd: string,
    private readonly budget = MAX_READ_STATEMENT_BYTES,
  ) {}

  /** A blob's statements, or undefined when the reading's budget leaves it unread. */
  private parse(
    blob: string,
    content: Buffer,
    where: string,
  ): { statements: SignedStatement[]; errors: string[] } | undefined {
    if (this.parsed + content.length > this.budget) return undefined;
    this.parsed += content.length;
    const parsed = parseStatementNote(content.toString('utf8'), where, this.signatures);
    if (parsed.errors.length === 0) this.clean.set(blob, parsed.statements);
    return parsed;
  }

  /**
   * Every statement under `ref` (refs/notes/countersign or a remote-tracking copy of it), by the commit its note is
   * attached to; one `ls-tree`, one `cat-file --batch`.
   */
  async ofRef(ref: string): Promise<{ byCommit: Map<string, SignedStatement[]>; errors: StatementError[] }> {
    const tip = await notesTip(this.cwd, ref);
    const byBlob = new Map<string, string[]>();
    for (const [commit, blobs] of tip === undefined ? [] : await noteEntries(this.cwd, tip))
      for (const blob of blobs) byBlob.set(blob, [...(byBlob.get(blob) ?? []), commit]);
    return this.ofBlobs(ref, byBlob);
  }

  /**
   * The statements in note blobs of `ref` (blob → the commits whose note it is, as listed by the caller), by
   * commit; one `cat-file --batch`.
   */
  async ofBlobs(
    ref: string,
    byBlob: ReadonlyMap<string, string[]>,
  ): Promise<{ byCommit: Map<string, SignedStatement[]>; errors: StatementError[] }> {
    const byCommit = new Map<string, SignedStatement[]>();
    const errors: StatementError[] = [];
    const put = (commit: string, list: SignedStatement[]) => {
      if (list.length > 0) byCommit.set(commit, [...(byCommit.get(commit) ?? []), ...list]);
    };
    const toRead: string[] = [];
    for (const [blob, commits] of byBlob) {
      const known = this.clean.get(blob);
      if (known) for (const commit of commits) put(commit, known);
      else toRead.push(blob);
    }
    await readObjects(
      this.cwd,
      toRead,
      (blob, content, _type, oversized) => {
        const commits = byBlob.get(blob) ?? [];
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
        const parsed = this.parse(blob, content, `the ${ref} note on ${noteNames(commits, blob)}`);
        for (const commit of commits) {
          if (!parsed) errors.push({ attachedTo: commit, error: unreadStatementNote(ref, commit, this.budget) });
          for (const error of parsed?.errors ?? []) errors.push({ attachedTo: commit, error });
          put(commit, parsed?.statements ?? []);
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
          ? this.parse(blob, content, `the pushed refs/notes/countersign note on ${noteNames(commits, blob)}`)
          : undefined;
        for (const s of parsed?.statements ?? []) statements.push({ attachedTo: commits[0], signed: s });
        for (const commit of commits) {
          if (!content) errors.push({ attachedTo: commit, error: `the pushed approval note on ${commit} is missing` });
          else if (!parsed)
            errors.push({
              attachedTo: commit,
              error: unreadStatementNote('pushed refs/notes/countersign', commit, this.budget),
            });
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

/**
 * The error for a note a reading leaves unread past its budget (MAX_READ_STATEMENT_BYTES): its approvals do not
 * count (fail closed), and the fix is the server's notes in place of this clone's.
 */
export function unreadStatementNote(ref: string, commit: string, budget: number): string {
  return `the ${ref} note on ${commit} was not read, so its approvals and rejections do not count here: this reading had already parsed ${budget} bytes of ${ref} notes, more than a real history holds (a crafted clone's or a fork's junk); replace this clone's notes with the server's: \`git update-ref -d ${REVIEW_NOTES_REF} && git fetch origin +${REVIEW_NOTES_REF}:${REVIEW_NOTES_REF}\``;
}
