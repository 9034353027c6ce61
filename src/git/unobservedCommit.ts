import { HOOK_AGENTS } from '../core/agents/agentIdentity';
import { agentConfigFiles } from '../core/agents/hookLayouts';
import { withAgentHooks } from '../core/agents/agentHooksNote';
import { formatAuthorshipNote } from '../core/authorshipNote';
import { buildCommitAttribution } from '../core/commitAttribution';
import { POLICY_FILE } from '../core/policyFile';
import { AI_PROVENANCE, formatAiProvenance } from '../core/trailers';
import { DIFF_ARGS } from './commitDiff';
import { survivesStripspace, trailerOptions } from './commitProvenance';
import { shellWords } from './hookPrelude';

/**
 * A commit nothing was observed for (issue 11): in a clone whose working ledger has never recorded anything
 * and where no agent's hooks were ever connected, every line a plain `git commit -m` adds is untracked — there
 * is no label to read, no donor, no deletion to name — so prepare-commit-msg's answer is a count, and the shim
 * (src/git/shell/parts/unobservedCommit.sh) gives it without starting Node.
 *
 * Everything the shim writes comes from here, filled into it at install: the diff it counts (the hook's own
 * first diff without its raw part), the `interpret-trailers` arguments and the trailers line (trailerOptions and
 * formatAiProvenance with the count left open), the note (formatAuthorshipNote of the attribution of no
 * evidence, with the base commit left open) and the files whose presence sends the commit to Node. What the
 * shim decides itself — whether the commit is plain, and the sum of the patch's hunk sizes — is held to Node's
 * answer byte for byte by test/unit/git/unobservedCommit.test.ts. Anything else goes to Node as before.
 */

/** Stands for the count in the trailer templates: digits only, so no template can contain it by accident. */
export const COUNT_SLOT = '987654321012345';
/** Stands for the base commit in the note template. */
export const BASE_SLOT = '%BASE-COMMIT%';

/** The agents' hook files `agentHookStates` reads (work-tree relative): any of them present, Node decides. */
export function agentHookFiles(): string[] {
  return HOOK_AGENTS.flatMap((a) => agentConfigFiles(a));
}

function unobservedNote(): string {
  const built = buildCommitAttribution([], { baseCommit: BASE_SLOT });
  const text = formatAuthorshipNote(withAgentHooks(built.note, []));
  // attach_note stores a note file with `notes add -F`, whose clean-up must leave it as it is.
  if (!survivesStripspace(text) || text.split(BASE_SLOT).length !== 2)
    throw new Error('unobserved commit: the empty note cannot be written by the shim');
  return text;
}

function trailerArgs(): string {
  const value = formatAiProvenance({ ai: 0, human: 0, untracked: Number(COUNT_SLOT) });
  const args = trailerOptions([{ key: AI_PROVENANCE, value }]);
  if (args.some((a) => /[\r\n]/.test(a)) || args.join('\n').split(COUNT_SLOT).length !== 2)
    throw new Error('unobserved commit: the trailer arguments cannot be written by the shim');
  return args.join('\n');
}

/** The shim template's values (src/git/hookScripts.ts). */
export function unobservedTemplateValues(): Record<string, string> {
  const value = formatAiProvenance({ ai: 0, human: 0, untracked: Number(COUNT_SLOT) });
  return {
    UNOBSERVED_DIFF: shellWords([...DIFF_ARGS.filter((a) => a !== '--raw' && a !== '-z'), '--cached', 'HEAD']),
    UNOBSERVED_TRAILER_ARGS: trailerArgs(),
    UNOBSERVED_TRAILER: `${AI_PROVENANCE}: ${value}`,
    UNOBSERVED_NOTE: unobservedNote(),
    UNOBSERVED_COUNT_SLOT: COUNT_SLOT,
    UNOBSERVED_BASE_SLOT: BASE_SLOT,
    UNOBSERVED_AGENT_FILES: shellWords(agentHookFiles()),
    UNOBSERVED_POLICY_FILE: POLICY_FILE,
  };
}
