import * as assert from 'assert';
import { cloneAs } from '../helpers/approvals';
import { verifyThenPush } from '../helpers/gateAgreement';
import { commitFile, setup, type Setup } from '../helpers/gateServer';
import type { TempRepo } from '../helpers/tempRepo';

/**
 * attack12 L6: the server's refs/notes/ai guard checked only that notes stay readable and none is dropped, so any
 * pusher could rewrite the note of a commit long landed on main — the agent's `kubectl delete namespace prod` line
 * re-attributed to a human, in blame and report on every clone. A note on a commit a protected branch holds may
 * now only gain. Real bare server with `install --server`, real pushes of real notes.
 */
const SESSION = 's_0123456789abcd';
const AGENT = `${SESSION}::t_00000000000001`;
const ADA = 'h_0123456789abcd';
const note = (entries: string, agent = { tool: 'claude-code', id: 'conv-1', model: 'claude-sonnet-4-5' }) =>
  `deploy.sh\n${entries}\n---\n` +
  JSON.stringify({
    schema_version: 'authorship/3.0.0',
    base_commit_sha: '',
    prompts: {},
    sessions: { [SESSION]: { agent_id: agent, human_author: 'Ada <ada@example.com>' } },
    humans: { [ADA]: { author: 'Ada <ada@example.com>' } },
  });
/** What the hooks wrote: line 1 Ada's, line 2 the agent's, line 3 untracked. */
const HONEST = note(`  ${ADA} 1\n  ${AGENT} 2`);

describe("server gate: a landed commit's provenance note may only gain (attack12 L6, real pushes)", function () {
  this.timeout(120_000);
  let s: Setup;
  let mallory: TempRepo;
  let landed: string;

  before(() => {
    s = setup();
    landed = commitFile(
      s.ada,
      'deploy.sh',
      '#!/bin/sh\nkubectl delete namespace prod\necho done\n',
      'deploy\n\nAI-Provenance: v1 ai=0 human=3 untracked=0',
    );
    const push = verifyThenPush(s.ada, 'main', ['origin', 'HEAD:main']);
    assert.strictEqual(push.status, 0, push.stderr);
    // A note added to a landed commit that had none is a gain.
    s.ada.git('notes', '--ref=refs/notes/ai', 'add', '-m', HONEST, landed);
    assert.strictEqual(s.ada.gitResult(['push', '-q', '--no-verify', 'origin', 'refs/notes/ai']).status, 0);
    mallory = cloneAs(s.server.dir, 'Mallory', 'mallory@example.com');
  });

  const rewrite = (text: string) => {
    mallory.git('fetch', '-q', 'origin', '+refs/notes/ai:refs/notes/ai');
    mallory.git('notes', '--ref=refs/notes/ai', 'add', '-f', '-m', text, landed);
    return mallory.gitResult(['push', '--no-verify', 'origin', 'refs/notes/ai']);
  };
  const onServer = () => s.server.git('notes', '--ref=refs/notes/ai', 'show', landed);

  const attacks: Array<[string, string, RegExp]> = [
    ["the agent's line re-attributed to Ada", note(`  ${ADA} 1-2`), /line 2 moves from ai:claude-code .* to human Ada/],
    ["Ada's line framed as the agent's", note(`  ${AGENT} 1-2`), /line 1 moves from human Ada .* to ai:claude-code/],
    [
      "the session's agent record rewritten",
      note(`  ${ADA} 1\n  ${AGENT} 2`, { tool: 'human-typing', id: 'conv-1', model: 'none' }),
      /line 2 moves from ai:claude-code .* to ai:human-typing/,
    ],
    ["the agent's line dropped", note(`  ${ADA} 1`), /line 2 \(ai:claude-code[^)]*\) is no longer attested/],
  ];
  for (const [what, text, why] of attacks) {
    it(`refuses ${what}, naming the commit and the fix; the server keeps the note`, () => {
      const r = rewrite(text);
      assert.notStrictEqual(r.status, 0, `accepted: ${what}`);
      assert.match(r.stderr, new RegExp(landed.slice(0, 12)));
      assert.match(r.stderr, why);
      assert.match(r.stderr, /may only gain/);
      assert.match(r.stderr, /git notes --ref=ai add -f -C/);
      assert.strictEqual(onServer(), HONEST);
    });
  }

  it('takes a rewrite that only gains: an untracked line attested, the layout changed', () => {
    const gained = note(`  ${AGENT} 2\n  ${ADA} 1,3`);
    const r = rewrite(gained);
    assert.strictEqual(r.status, 0, r.stderr);
    assert.strictEqual(onServer(), gained);
  });

  it('takes any readable rewrite of a note on a commit no protected branch holds yet (a re-stamp before landing)', () => {
    const fix = commitFile(
      s.ada,
      'deploy.sh',
      'kubectl get pods\n',
      'fix\n\nAI-Provenance: v1 ai=1 human=0 untracked=0',
    );
    s.ada.git('fetch', '-q', 'origin', '+refs/notes/ai:refs/notes/ai');
    s.ada.git('notes', '--ref=refs/notes/ai', 'add', '-f', '-m', note(`  ${AGENT} 1`), fix);
    assert.strictEqual(s.ada.gitResult(['push', '-q', '--no-verify', 'origin', 'HEAD:refs/heads/fix']).status, 0);
    assert.strictEqual(s.ada.gitResult(['push', '-q', '--no-verify', 'origin', 'refs/notes/ai']).status, 0);
    s.ada.git('notes', '--ref=refs/notes/ai', 'add', '-f', '-m', note(`  ${ADA} 1`), fix);
    const r = s.ada.gitResult(['push', '--no-verify', 'origin', 'refs/notes/ai']);
    assert.strictEqual(r.status, 0, r.stderr);
  });
});
