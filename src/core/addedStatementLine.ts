import { formatStatementLine, parseStatementNote, type SignedStatement } from './approvalStatement';
import type { ReviewerKeys } from './approvalRules';
import { shortSha } from './shortSha';

/**
 * Whether a line added to the refs/notes/countersign note on a commit is one the server takes (docs/threat-model.md,
 * "Notes flood" and I3): a readable statement in canonical form, about that very commit (its `tip`), signed by a key
 * the policy lists. One rule for the server's notes guard (notesAdditions.ts) and a client taking in another
 * remote's notes (notesIntake.ts), so a client never holds lines its server would refuse (attack10 J3).
 */
export type AddedLineVerdict =
  | undefined
  /** Not a statement a listed reviewer signed (unreadable, not canonical, no key, bad signature). */
  | { kind: 'unsigned'; why: string }
  /** A statement about another commit than the note it was added to. */
  | { kind: 'elsewhere'; why: string; tip: string };

export class AddedLineJudge {
  /** Each distinct line is parsed and signature-checked once, however many notes it is added to. */
  private readonly lines = new Map<string, { statement?: SignedStatement; why?: string }>();

  /** `keys`: the listed reviewers' keys (the policy on the policy branch); undefined when there is no policy yet. */
  constructor(private readonly keys: ReviewerKeys | undefined) {}

  judge(target: string, line: string): AddedLineVerdict {
    let read = this.lines.get(line);
    if (!read) {
      const parsed = parseStatementNote(line, 'the note');
      read =
        parsed.errors.length > 0
          ? { why: parsed.errors[0].replace(/^the note line 1: /, '') }
          : { statement: parsed.statements[0] };
      this.lines.set(line, read);
    }
    if (!read.statement) return { kind: 'unsigned', why: read.why ?? 'unreadable' };
    // A statement is written on the note of the commit it names (recordStatement), nowhere else: old, validly
    // signed statements about other commits copied into a pull request's note filled it to the per-note cap, so
    // the reviewer's own approval of that tip no longer fitted (issue 10, I3). A string compare, before any signature.
    const tip = read.statement.statement.tip;
    if (tip !== target)
      return { kind: 'elsewhere', tip, why: `is about commit ${shortSha(tip)}, not the commit its note is on` };
    if (read.why === undefined) read.why = this.signatureProblem(read.statement, line) ?? '';
    return read.why === '' ? undefined : { kind: 'unsigned', why: read.why };
  }

  private signatureProblem(s: SignedStatement, line: string): string | undefined {
    if (!this.keys)
      return 'there is no readable policy on the policy branch yet, so no reviewer key can vouch for it (push the policy first)';
    if (formatStatementLine(s) !== line)
      return 'the statement is not written in canonical form (as `countersign approve` writes it)';
    const check = this.keys.check(s);
    return check.ok ? undefined : check.why;
  }
}
