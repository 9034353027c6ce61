import { earlierRevisionSentence } from '../core/earlierRevision';
import { describeRecordedHook } from '../core/agents/agentHooksNote';
import { describeDeletion } from '../core/agents/agentDeletionsNote';
import type { Explanation } from './explanation';
import { BINARY_LINES_RULE, binaryFilesClause } from '../core/textLines';
import { shortSha } from '../core/shortSha';
import { CHANGES_REQUESTED_RULE, heldByChangesRequest } from '../core/changesRequested';

/** The people-facing page of `countersign explain` (the JSON is the same object, whole). */
export function formatExplanation(e: Explanation): string {
  const out: string[] = [];
  const c = e.commit;
  out.push(`commit ${c.sha}`);
  out.push(`Author:    ${c.author.name} <${c.author.email}>  ${c.author.time}`);
  out.push(`Committer: ${c.committer.name} <${c.committer.email}>  ${c.committer.time}`);
  out.push('', `    ${c.subject}`, '');

  const p = e.provenance;
  out.push('Provenance');
  out.push(
    `  AI-Provenance: ${p.aiProvenance ? p.aiProvenance.raw : 'none — UNATTESTED (hooks bypassed or not installed)'}`,
  );
  out.push(
    `  AI-assisted:   ${p.aiAssisted ? 'yes' : 'no'}; ${p.aiLines} AI line${p.aiLines === 1 ? '' : 's'} (${p.aiLinesFrom === 'note' ? 'from the note' : p.aiLinesFrom === 'trailer' ? 'from the trailer' : 'no figure'}) of ${p.addedLines} added`,
  );
  const binary = binaryFilesClause(p.files);
  if (binary) out.push(`  binary files:  ${binary}; ${BINARY_LINES_RULE}`);
  for (const a of p.agents)
    out.push(`  evidence:      ${a.agent}${a.model ? ` (${a.model})` : ''} — ${a.source}: ${a.raw}`);
  const other = p.trailers.filter((t) => !/^(ai-provenance)$/i.test(t.key));
  if (other.length > 0) {
    out.push('  trailers:');
    for (const t of other) out.push(`    ${t.key}: ${t.value}`);
  }
  if (p.note === null) out.push('  note (refs/notes/ai): none');
  else if ('error' in p.note) out.push(`  note (refs/notes/ai): UNREADABLE — ${p.note.error}`);
  else {
    out.push(
      `  note (refs/notes/ai): ${p.note.aiLines} AI line${p.note.aiLines === 1 ? '' : 's'}, ${p.note.humanLines} human`,
    );
    for (const f of p.note.files) {
      out.push(`    ${f.path}`);
      for (const a of f.ai)
        out.push(`      ai:${a.agent}${a.model ? ` ${a.model}` : ''}  lines ${a.ranges}  (session ${a.session})`);
      for (const h of f.human) out.push(`      human${h.author ? ` ${h.author}` : ''}  lines ${h.ranges}`);
    }
    if (p.note.sessions.length > 0) {
      out.push('    sessions:');
      for (const s of p.note.sessions) {
        out.push(
          `      ${s.session}  ${s.agent}${s.tool && s.tool !== s.agent ? ` (tool "${s.tool}")` : ''}${s.model ? ` model ${s.model}` : ''}${s.conversationId ? ` conversation ${s.conversationId}` : ''}${s.humanAuthor ? ` for ${s.humanAuthor}` : ''}: ${s.lines} line${s.lines === 1 ? '' : 's'}`,
        );
      }
    }
  }
  for (const d of p.agentDeletions)
    out.push(
      `  ${d.unread && !d.file && d.lines === 0 ? 'changed:' : 'deleted:'}       ${describeDeletion(d, d.wroteLines)}`,
    );
  for (const h of p.agentHooks)
    out.push(`  ${h.status === 'connected' ? 'agent hooks:   ' : '! '}${describeRecordedHook(h)}`);
  for (const i of p.inconsistencies) out.push(`  ! ${i.message}`);

  const a = e.approvals;
  out.push(
    '',
    a.policy.status === 'none'
      ? `Approvals — NO POLICY to judge them: ${a.policy.from}`
      : `Approvals — judged under ${a.policy.from}${a.policy.status === 'ok' ? '' : `: UNREADABLE — ${a.policy.message}`}`,
  );
  if (a.statements.length === 0) out.push('  none cover this commit');
  for (const s of a.statements) {
    out.push(
      `  ${s.counts ? '✓' : '✗'} ${s.decision} by ${s.reviewer.name ? `${s.reviewer.name} ` : ''}<${s.reviewer.email}> at ${s.time} on ${shortSha(s.tip)} (base ${shortSha(s.base)})${s.via === 'rebased' ? `, carried to ${shortSha(c.sha)} by patch-id (rebased)` : s.via === 'tip' ? ', its tip reviewed against another base' : ''}`,
    );
    out.push(
      `      signature: ${s.verification.ok ? `valid${s.verification.fingerprint ? ` (${s.verification.fingerprint})` : ''}` : `NOT valid — ${s.verification.reason}`}${s.why && s.verification.ok ? `; does not count: ${s.why}` : ''}`,
    );
    if (s.comment) out.push(`      "${s.comment}"`);
  }
  for (const e of a.earlierRevisions ?? []) out.push(`  ! ${earlierRevisionSentence(e)}`);
  for (const err of a.errors) out.push(`  ! ${err}`);

  const g = e.gate;
  out.push('', 'Gate');
  if (!g.available) out.push(`  not evaluated: ${g.reason}`);
  else {
    out.push(
      `  branch ${g.branch}: ${g.protected ? `protected (${g.policyFrom})` : 'not protected'}; judged as ${judgedAs(e)}`,
    );
    if (g.decision) {
      const d = g.decision;
      out.push(
        `  verdict: ${d.ok ? 'PASS' : 'BLOCKED'}${d.needsReview ? ` — needs ${d.requiredApprovals} approval${d.requiredApprovals === 1 ? '' : 's'}${d.requiredRoles.length ? ` incl. ${d.requiredRoles.join(', ')}` : ''}` : ' — needs no review'}${g.withoutApprovals ? ` — ${g.withoutApprovals}` : ''}`,
      );
      for (const r of d.reasons) out.push(`    ${r}`);
      for (const ap of d.approvals) out.push(`    ✓ ${ap.name} <${ap.reviewer}> — ${MATCHED[ap.via]}`);
      for (const ig of d.ignored) out.push(`    ✗ ${ig}`);
      if (heldByChangesRequest([d])) out.push(`    ${CHANGES_REQUESTED_RULE}`);
    } else if (g.protected)
      out.push(`  verdict: ${g.ok ? 'PASS' : 'BLOCKED'} (the commit is not in the range the gate judged)`);
    for (const err of g.errors ?? []) out.push(`  ! ${err}`);
    for (const n of g.notices ?? []) out.push(`  ${n}`);
  }
  return out.join('\n') + '\n';
}

/**
 * How the gate matched a counting approval to the commit, in words (newuser12 P12: the bare `(exact)` and `(tip)`
 * of the same approval on two commits of one push read as a contradiction). The JSON keeps `via`.
 */
const MATCHED: Record<'exact' | 'rebased' | 'tip', string> = {
  exact: 'approved a range that holds this commit (its base..tip)',
  rebased: 'approved the same change before a rebase (matched by patch-id)',
  tip: 'approved this commit as a tip, reviewed against another base',
};

/** What `explain` judged, naming the range (N11). */
function judgedAs(e: Explanation): string {
  const g = e.gate;
  const range = g.range ?? 'REV';
  if (g.judgedAs !== 'landed') return `a push of ${range}`;
  return g.landedWith
    ? `already landed (with the approved push that brought it: ${range})`
    : `already landed (alone, against its first parent: ${range})`;
}
