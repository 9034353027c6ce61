import type { Logger } from '../core/logger';
import { runGit } from './gitRunner';
import { openLedger } from './ledger';
import { resolveRepo } from './repository';
import { readWorkingTexts } from './workingText';
import { isNullObjectId } from '../core/nullObjectId';

/**
 * post-checkout (a branch switch): the files the checkout rewrote are a `diskWrite` with no writer, as
 * DESIGN has it ("A diskWrite with no agent active (a checkout, a pull) marks what it changed untracked").
 * Without it the ledger still holds the other branch's content, and reconciling that later with whatever a
 * human typed on this branch lets a typed line that equals (or is a prefix of) an agent's line there keep
 * the agent's label (newuser14 S1). Only files the ledger tracks or holds agents' removals of are recorded: the
 * others are untracked anyway.
 * Files the switch carried over (uncommitted changes git kept) are not in the diff, so they keep their labels.
 */
export async function recordCheckoutWrites(
  cwd: string,
  oldHead: string,
  newHead: string,
  logger: Logger,
): Promise<number> {
  if (isNullObjectId(oldHead) || oldHead === newHead) return 0; // a clone's first checkout, or no switch at all
  const repo = await resolveRepo(cwd);
  if (repo.bare || !repo.root) return 0;
  const ledger = await openLedger(repo.root, { logger, repo });
  // And files agents removed (standing or settled): a switch that brings one back undoes the removal (attack31 F1).
  const { removals, settled } = await ledger.removalContext();
  const held = [removals ?? {}, ...(settled ?? []).map((r) => r.removals)].flatMap((r) => Object.keys(r));
  const tracked = new Set([...(await ledger.allFiles()), ...held]);
  if (tracked.size === 0) return 0;
  const diff = await runGit(['diff', '--name-only', '-z', '--no-renames', oldHead, newHead, '--'], { cwd: repo.root });
  let recorded = 0;
  const files = diff.stdout.split('\0').filter((file) => file !== '' && tracked.has(file));
  // As git stores them (workingText.ts), as every reader of the ledger reads them.
  const texts = await readWorkingTexts(repo.root, files);
  for (const file of files) {
    // Gone (the other branch lacks it), no longer a regular file, or undecodable: nothing of the old content is left.
    await ledger.record({ type: 'diskWrite', file, content: texts.get(file) ?? '' });
    recorded++;
  }
  return recorded;
}
