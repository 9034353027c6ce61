import * as fs from 'fs';
import * as path from 'path';

/**
 * The one rule for reporting a lost working-ledger file (newuser14 S9). A state file under `files/` that no
 * longer parses cannot be repaired, so its labels are lost; LedgerStore moves it to `rejected/` (renamed with
 * the time, never overwritten) and reads the file as untracked so that no reader fails. Whatever is still in
 * `rejected/` is reported — by `status`, `doctor` and the commit hook — until the user has looked and deleted it.
 */

/** `<sha1 of path>.json.<ms>`: how LedgerStore names a state file it set aside. */
const SET_ASIDE_STATE = /^[0-9a-f]{40}\.json\.\d+$/;

/** Absolute paths of the state files set aside in `rejected/` of the ledger at `ledgerDir`. */
export function lostStateFiles(ledgerDir: string): string[] {
  let names: string[];
  try {
    names = fs.readdirSync(path.join(ledgerDir, 'rejected'));
  } catch {
    return [];
  }
  return names
    .filter((n) => SET_ASIDE_STATE.test(n))
    .sort()
    .map((n) => path.join(ledgerDir, 'rejected', n));
}

export interface LedgerLoss {
  /** What happened, naming the ledger file and where it is kept. */
  said: string;
  /** What to do. */
  fix: string;
}

/** One finding per lost file, paths shown relative to the work tree `root`. */
export function ledgerLosses(root: string, lost: readonly string[]): LedgerLoss[] {
  const rel = (p: string) => path.relative(root, p).split(path.sep).join('/');
  return lost.map((aside) => {
    const original = path.join(path.dirname(path.dirname(aside)), 'files', path.basename(aside).replace(/\.\d+$/, ''));
    return {
      said:
        `the working ledger file ${rel(original)} was unreadable, so the labels it held are lost (those lines ` +
        `now count as untracked); it is kept as ${rel(aside)}`,
      fix:
        `check the AI lines of your uncommitted changes (\`countersign status\`; correct labels in VS Code if need ` +
        `be), then delete ${rel(aside)} (or attach it to a bug report)`,
    };
  });
}

/** ledgerLosses as one sentence each, for a warning line. */
export function ledgerLossMessages(root: string, lost: readonly string[]): string[] {
  return ledgerLosses(root, lost).map((l) => `${l.said}. Fix: ${l.fix}.`);
}
