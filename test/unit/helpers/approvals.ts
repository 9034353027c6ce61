import { execFileSync } from 'child_process';
import { canonicalStatementBytes, formatStatementLine, type ApprovalStatement, type SignedStatement } from '../../../src/core/approvalStatement';
import { sshSign, type TestKey } from './reviewerKeys';

/**
 * Builds and records approval statements the way `countersign approve` does, but signed directly with
 * `ssh-keygen -Y sign`, so gate tests do not depend on the approve command and can forge on purpose.
 */
function git(dir: string, args: string[], input?: string): string {
  return execFileSync('git', args, { cwd: dir, encoding: 'utf8', input, stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1' } }).replace(/\n$/, '');
}

/** The stable patch-id of base..tip, computed like src/git/patchId.ts. */
export function patchIdOf(dir: string, base: string, tip: string): string {
  const diff = execFileSync('git', ['diff-tree', '-p', '--binary', '--full-index', '--no-renames', '--no-ext-diff', '--no-textconv', '-U3',
    '--diff-algorithm=myers', '--src-prefix=a/', '--dst-prefix=b/', '--no-relative', base, tip, '--'], { cwd: dir, encoding: 'utf8' });
  if (!diff) return 'empty';
  return execFileSync('git', ['patch-id', '--verbatim'], { cwd: dir, input: diff, encoding: 'utf8' }).split(/\s+/)[0] || 'empty';
}

export function statementFor(dir: string, o: { email: string; name?: string; tip: string; base: string; decision?: 'approve' | 'reject'; time?: string; comment?: string }): ApprovalStatement {
  const tip = git(dir, ['rev-parse', `${o.tip}^{commit}`]);
  const base = git(dir, ['rev-parse', `${o.base}^{commit}`]);
  return {
    v: 1, decision: o.decision ?? 'approve', reviewer: { ...(o.name ? { name: o.name } : {}), email: o.email },
    tip, tree: git(dir, ['rev-parse', `${tip}^{tree}`]), base, patchId: patchIdOf(dir, base, tip),
    time: o.time ?? new Date().toISOString(), ...(o.comment ? { comment: o.comment } : {}),
  };
}

export function sign(key: TestKey, statement: ApprovalStatement): SignedStatement {
  return { statement, signature: sshSign(key, canonicalStatementBytes(statement)) };
}

/** Appends the statement's line to the refs/notes/countersign note on `on` (default: its own tip). */
export function attach(dir: string, signed: SignedStatement, on = signed.statement.tip, env?: NodeJS.ProcessEnv): void {
  execFileSync('git', ['notes', '--ref=refs/notes/countersign', 'append', '-m', formatStatementLine(signed), on], { cwd: dir, env: env ?? process.env, stdio: 'pipe' });
}
