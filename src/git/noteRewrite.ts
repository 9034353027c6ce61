import { formatAuthorshipNote, parseAuthorshipNote, type AuthorshipNote } from '../core/authorshipNote';
import { errorMessage } from '../core/errors';
import type { Logger } from '../core/logger';
import { runGit } from './gitRunner';
import { AI_NOTES_REF } from './notesConfig';
import { readNotes } from './notesReader';
import { computeProvenance } from './provenanceCompute';
import { resolveCommit } from './stagedDiff';
import { shortSha } from '../core/shortSha';

/**
 * post-rewrite (`git rebase`, `git commit --amend`; stdin lines `<old> <new> [extra]`): gives every new
 * commit a note derived by content from the notes of the commits it replaces. Several old commits landing on
 * one new commit (squash, fixup) merge into one valid note; lines are re-numbered by aligning each old
 * commit's version of a file with the new one, so conflicts resolved or context shifted keep the right lines.
 *
 * notes.rewriteRef (with notes.rewriteMode=ignore) already copied one old note when the new commit had none;
 * such a copy is recognised by being identical to an old note and recomputed. A note that differs from every
 * old one was computed for this very commit (prepare-commit-msg during the rebase) and is kept as the
 * strongest evidence.
 */
export interface RewriteResult {
  /** New commits whose note was written or changed. */
  written: string[];
  /** New commits whose note was already right. */
  unchanged: string[];
}

export function parseRewriteList(stdin: string): Map<string, string[]> {
  const byNew = new Map<string, string[]>();
  for (const line of stdin.split('\n')) {
    const [oldSha, newSha] = line.trim().split(/\s+/);
    if (!oldSha || !newSha || !/^[0-9a-f]{40,64}$/.test(oldSha) || !/^[0-9a-f]{40,64}$/.test(newSha)) continue;
    const olds = byNew.get(newSha) ?? [];
    if (!olds.includes(oldSha)) olds.push(oldSha);
    byNew.set(newSha, olds);
  }
  return byNew;
}

export async function rewriteNotes(cwd: string, stdin: string, logger?: Logger): Promise<RewriteResult> {
  const byNew = parseRewriteList(stdin);
  const result: RewriteResult = { written: [], unchanged: [] };
  if (byNew.size === 0) return result;
  const all = new Set<string>();
  for (const [n, olds] of byNew) {
    all.add(n);
    for (const o of olds) all.add(o);
  }
  const texts = await readNotes(cwd, AI_NOTES_REF, all);
  for (const [newSha, olds] of byNew) {
    try {
      const changed = await rewriteOne(cwd, newSha, olds, texts, logger);
      (changed ? result.written : result.unchanged).push(newSha);
    } catch (e) {
      logger?.warn(
        `[post-rewrite] could not carry the provenance notes of ${olds.join(', ')} to ${newSha}: ${errorMessage(e)}`,
      );
    }
  }
  return result;
}

async function rewriteOne(
  cwd: string,
  newSha: string,
  olds: string[],
  texts: Map<string, string>,
  logger?: Logger,
): Promise<boolean> {
  const current = texts.get(newSha);
  const oldTexts = olds.map((o) => texts.get(o)).filter((t): t is string => t !== undefined);
  if (oldTexts.length === 0) return false; // nothing to carry; whatever the new commit has stays
  // Old notes that attest no line (human-only commits): nothing to re-number; git already copied one over.
  if (current !== undefined && oldTexts.every(attestsNothing)) return false;
  let own: AuthorshipNote | undefined;
  if (current !== undefined && !oldTexts.includes(current)) {
    try {
      own = parseAuthorshipNote(current, `the ${AI_NOTES_REF} note on ${newSha}`);
    } catch (e) {
      // e.g. two notes concatenated by notes.rewriteMode=concatenate: rebuilt from the old notes below.
      logger?.debug(`[post-rewrite] ${errorMessage(e)}; rebuilding it`);
    }
  }
  const base = await resolveCommit(cwd, `${newSha}^`);
  const prov = await computeProvenance(cwd, { base, target: { commit: newSha }, donors: olds, ownNote: own, logger });
  const text = formatAuthorshipNote(prov.note, (p) =>
    logger?.warn(
      `[post-rewrite] the note on ${shortSha(newSha)} leaves out ${JSON.stringify(p)}: a path with a line break cannot be written in a note`,
    ),
  );
  if (text === current) return false;
  const blob = (await runGit(['hash-object', '-w', '--stdin'], { cwd, input: text })).stdout.trim();
  await runGit(['notes', `--ref=${AI_NOTES_REF}`, 'add', '-f', '-C', blob, newSha], { cwd });
  return true;
}

function attestsNothing(text: string): boolean {
  try {
    return parseAuthorshipNote(text).files.length === 0;
  } catch {
    return false;
  }
}
