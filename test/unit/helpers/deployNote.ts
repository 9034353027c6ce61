import * as assert from 'assert';
import { recordDecision } from './approvals';
import { verifyThenPush } from './gateAgreement';
import { commitFile, type Setup } from './gateServer';

/**
 * The refs/notes/ai fixture of the landed-note attacks (attack12 L6, attack13 M4/M5/M9): deploy.sh, whose line 2
 * (`kubectl delete namespace prod`) Claude Code wrote, and notes that attribute its lines honestly or not.
 */
export const SESSION = 's_0123456789abcd';
export const AGENT = `${SESSION}::t_00000000000001`;
export const ADA = 'h_0123456789abcd';

/** A git-ai note on deploy.sh with these attestation `entries` (each line indented two spaces). */
export function deployNote(
  entries: string,
  agent = { tool: 'claude-code', id: 'conv-1', model: 'claude-sonnet-4-5' },
): string {
  return (
    `deploy.sh\n${entries}\n---\n` +
    JSON.stringify({
      schema_version: 'authorship/3.0.0',
      base_commit_sha: '',
      prompts: {},
      sessions: { [SESSION]: { agent_id: agent, human_author: 'Ada <ada@example.com>' } },
      humans: { [ADA]: { author: 'Ada <ada@example.com>' } },
    })
  );
}

/** What the hooks wrote: line 1 Ada's, line 2 the agent's, line 3 untracked. */
export const HONEST = deployNote(`  ${ADA} 1\n  ${AGENT} 2`);

/** The agent's line 2 re-attributed to Ada. */
export const LAUNDERED = deployNote(`  ${ADA} 1-2`);

/**
 * deploy.sh (the agent's line 2, two human lines) approved by Bob and landed on main through verify and the gate,
 * then HONEST pushed as its note: the hooks' note arriving after its commit landed, which agrees with the commit's
 * AI-Provenance trailer as a landed commit's note must (attack13 M2).
 */
export function landDeployWithNote(s: Setup): string {
  const landed = commitFile(
    s.ada,
    'deploy.sh',
    '#!/bin/sh\nkubectl delete namespace prod\necho done\n',
    'deploy\n\nAI-Provenance: v1 ai=1 human=2 untracked=0',
  );
  recordDecision(s.ada, s.bob, { email: 'bob@example.com', tip: landed, base: 'origin/main' });
  const push = verifyThenPush(s.ada, 'main', ['--atomic', 'origin', 'HEAD:main', 'refs/notes/countersign']);
  assert.strictEqual(push.status, 0, push.stderr);
  s.ada.git('notes', '--ref=refs/notes/ai', 'add', '-m', HONEST, landed);
  assert.strictEqual(s.ada.gitResult(['push', '-q', '--no-verify', 'origin', 'refs/notes/ai']).status, 0);
  return landed;
}
