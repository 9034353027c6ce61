import * as assert from 'assert';
import { cloneAs, recordDecision } from '../helpers/approvals';
import { verifyThenPush, withoutGate } from '../helpers/gateAgreement';
import { ADA, AGENT, deployNote as note, HONEST, landDeployWithNote } from '../helpers/deployNote';
import { commitFile, setup, type Setup } from '../helpers/gateServer';
import type { TempRepo } from '../helpers/tempRepo';

/**
 * attack12 L6: the server's refs/notes/ai guard checked only that notes stay readable and none is dropped, so any
 * pusher could rewrite the note of a commit long landed on main — the agent's `kubectl delete namespace prod` line
 * re-attributed to a human, in blame and report on every clone. A note on a commit a protected branch holds may
 * now only gain. Real bare server with `install --server`, real pushes of real notes.
 */
describe("server gate: a landed commit's provenance note may only gain (attack12 L6, real pushes)", function () {
  this.timeout(120_000);
  let s: Setup;
  let mallory: TempRepo;
  let landed: string;

  before(() => {
    s = setup();
    // The hooks' note arriving after its commit landed (it agrees with the commit's trailer): taken.
    landed = landDeployWithNote(s);
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

  it("refuses a rewrite that gains an AI line beyond the commit's trailer (ai=1), with the restoring fix", () => {
    const r = rewrite(note(`  ${ADA} 1\n  ${AGENT} 2-3`));
    assert.notStrictEqual(r.status, 0, 'accepted a gain beyond the trailer');
    assert.match(r.stderr, /attests 2 AI line\(s\), but its AI-Provenance trailer says ai=1 human=2/);
    assert.match(r.stderr, /git notes --ref=ai add -f -C/);
  });

  it('takes a rewrite that only gains: an untracked line attested, the layout changed', () => {
    const gained = note(`  ${AGENT} 2\n  ${ADA} 1,3`);
    const r = rewrite(gained);
    assert.strictEqual(r.status, 0, r.stderr);
    assert.strictEqual(onServer(), gained);
  });

  // attack14 N1: a note rewritten one push before the push that lands its commit was not judged ("a re-stamp before
  // landing"), though reviewers approved the commit over the old note. A rewrite of a note the server has is now
  // judged by the same rule wherever its commit is; accepted before this change (seen), refused now.
  it('refuses a losing rewrite of the note of an approved commit not landed yet, then lands it with its note (attack14 N1)', () => {
    s.ada.git('checkout', '-q', '-b', 'fix', 'main');
    const fix = commitFile(
      s.ada,
      'deploy.sh',
      'kubectl get pods\necho ok\n',
      'fix\n\nAI-Provenance: v1 ai=1 human=1 untracked=0',
    );
    s.ada.git('fetch', '-q', 'origin', '+refs/notes/ai:refs/notes/ai');
    const agentsNote = note(`  ${AGENT} 1`);
    s.ada.git('notes', '--ref=refs/notes/ai', 'add', '-f', '-m', agentsNote, fix);
    recordDecision(s.ada, s.bob, { email: 'bob@example.com', tip: fix, base: 'main' });
    const pushed = s.ada.gitResult([
      'push',
      '--no-verify',
      'origin',
      'HEAD:refs/heads/fix',
      'refs/notes/ai',
      'refs/notes/countersign',
    ]);
    s.ada.git('checkout', '-q', 'main');
    assert.strictEqual(pushed.status, 0, pushed.stderr);
    mallory.git('fetch', '-q', 'origin', '+refs/notes/ai:refs/notes/ai', 'fix');
    mallory.git('notes', '--ref=refs/notes/ai', 'add', '-f', '-m', note(`  ${ADA} 1`), fix);
    const laundered = mallory.gitResult(['push', '--no-verify', 'origin', 'refs/notes/ai']);
    assert.notStrictEqual(laundered.status, 0, 'the laundering rewrite was accepted');
    assert.match(laundered.stderr, /no protected branch or tag holds yet/);
    assert.match(laundered.stderr, /line 1 moves from ai:claude-code .* to human Ada/);
    // A rewrite that only gains, within the trailer, is still taken (Ada's own line 2 attested).
    const gained = note(`  ${AGENT} 1\n  ${ADA} 2`);
    mallory.git('notes', '--ref=refs/notes/ai', 'add', '-f', '-m', gained, fix);
    const gain = mallory.gitResult(['push', '--no-verify', 'origin', 'refs/notes/ai']);
    assert.strictEqual(gain.status, 0, gain.stderr);
    const land = mallory.gitResult(['push', '--no-verify', 'origin', `${fix}:refs/heads/main`]);
    assert.strictEqual(land.status, 0, land.stderr);
    assert.strictEqual(s.server.git('notes', '--ref=refs/notes/ai', 'show', fix), gained);
  });
});

/**
 * attack13 M2/M3/M5: the rule above judged only rewritten notes, so a keyless pusher could ADD a note to a landed
 * commit that had none — a human commit's lines framed as an agent's in blame, and every release tag at it then
 * "needs review" (M3) — or add one in the very push that lands the commit. A new or changed note on a landed commit
 * must now agree with the commit's own AI-Provenance trailer (core/noteGains.ts, landedNoteProblem). Each attack
 * below was accepted before the fix (seen with this file run against main at 25f0899); the honest late note is taken.
 */
describe("server gate: a landed commit's note agrees with its AI-Provenance trailer (attack13 M2, M3, real pushes)", function () {
  this.timeout(180_000);
  let s: Setup;
  let mallory: TempRepo;
  let human: string;

  before(() => {
    s = setup();
    human = commitFile(
      s.ada,
      'deploy.sh',
      '#!/bin/sh\nkubectl get pods\necho done\n',
      'deploy\n\nAI-Provenance: v1 ai=0 human=3 untracked=0',
    );
    assert.strictEqual(verifyThenPush(s.ada, 'main', ['origin', 'HEAD:main']).status, 0);
    mallory = cloneAs(s.server.dir, 'Mallory', 'mallory@example.com');
  });

  /** Mallory (no key) adds `text` as the note on `commit` and pushes the notes, with `refs` in the same push. */
  const addNote = (commit: string, text: string, ...refs: string[]) => {
    // From the server's notes as they are (none yet, at first): an earlier refused note is not pushed again.
    mallory.git('update-ref', '-d', 'refs/notes/ai');
    mallory.gitResult(['fetch', '-q', 'origin', '+refs/notes/ai:refs/notes/ai']);
    mallory.git('fetch', '-q', 'origin', '+refs/heads/*:refs/remotes/origin/*');
    mallory.git('notes', '--ref=refs/notes/ai', 'add', '-f', '-m', text, commit);
    return mallory.gitResult(['push', '--no-verify', 'origin', 'refs/notes/ai', ...refs]);
  };
  const serverNote = (commit: string) => s.server.gitResult(['notes', '--ref=refs/notes/ai', 'show', commit]);
  const landWithoutGate = (file: string, content: string, message: string) => {
    const c = commitFile(s.ada, file, content, message);
    withoutGate(s.server, () => assert.strictEqual(s.ada.gitResult(['push', '-q', 'origin', 'HEAD:main']).status, 0));
    return c;
  };

  it('refuses a new AI note on a landed human commit that had none (M2), naming the commit, the trailer and the fix', () => {
    const r = addNote(human, note(`  ${AGENT} 2`));
    assert.notStrictEqual(r.status, 0, 'the framing note was accepted');
    assert.match(r.stderr, new RegExp(human.slice(0, 12)));
    assert.match(r.stderr, /attests 1 AI line\(s\), but its AI-Provenance trailer says ai=0 human=3/);
    assert.match(r.stderr, /a protected branch holds/);
    assert.match(r.stderr, new RegExp(`git notes --ref=ai remove ${human.slice(0, 12)}`));
    assert.notStrictEqual(serverNote(human).status, 0, 'the server holds no note on the commit');
  });

  it("refuses a new note calling a landed agent commit's lines human (the reverse)", () => {
    const agent = landWithoutGate(
      'agent.sh',
      'rm -rf /tmp/x\necho ok\n',
      'agent\n\nAI-Provenance: v1 ai=2 human=0 untracked=0',
    );
    const r = addNote(agent, note(`  ${ADA} 1-2`).replace('deploy.sh', 'agent.sh'));
    assert.notStrictEqual(r.status, 0, 'the whitewashing note was accepted');
    assert.match(r.stderr, /attests 2 human line\(s\), but its AI-Provenance trailer says ai=2 human=0/);
    assert.notStrictEqual(serverNote(agent).status, 0);
  });

  it('refuses any attested line on a landed commit without the trailer (made without the hooks)', () => {
    const bare = landWithoutGate('plain.txt', 'plain\n', 'plain commit');
    const r = addNote(bare, note(`  ${ADA} 1`).replace('deploy.sh', 'plain.txt'));
    assert.notStrictEqual(r.status, 0);
    assert.match(r.stderr, /carries no AI-Provenance trailer/);
  });

  it('M3: a release tag at a landed human commit is not blocked — the AI note that would have raised it is refused', () => {
    const fix = commitFile(s.ada, 'fix.txt', 'fix\n', 'fix\n\nAI-Provenance: v1 ai=0 human=1 untracked=0');
    assert.strictEqual(verifyThenPush(s.ada, 'main', ['origin', 'HEAD:main']).status, 0);
    s.ada.git('tag', '-a', 'v0', '-m', 'v0', fix);
    assert.strictEqual(s.ada.gitResult(['push', '-q', 'origin', 'v0']).status, 0, 'control tag at the human commit');
    const r = addNote(fix, note(`  ${AGENT} 1`).replace('deploy.sh', 'fix.txt'));
    assert.notStrictEqual(r.status, 0, 'the AI note was accepted');
    s.ada.gitResult(['fetch', '-q', 'origin', '+refs/notes/ai:refs/notes/ai']);
    s.ada.git('tag', '-a', 'v1', '-m', 'v1', fix);
    const tag = s.ada.gitResult(['push', 'origin', 'v1']);
    assert.strictEqual(tag.status, 0, tag.stderr);
  });

  it('names a protected tag when only a tag holds the commit', () => {
    s.ada.git('checkout', '-q', '-b', 'rel', 'main');
    const released = commitFile(s.ada, 'rel.txt', 'release\n', 'rel\n\nAI-Provenance: v1 ai=0 human=1 untracked=0');
    s.ada.git('tag', '-a', 'r1', '-m', 'r1', released);
    const tag = s.ada.gitResult(['push', 'origin', 'r1']);
    s.ada.git('checkout', '-q', 'main');
    assert.strictEqual(tag.status, 0, tag.stderr);
    mallory.git('fetch', '-q', 'origin', 'refs/tags/r1:refs/tags/r1');
    const r = addNote(released, note(`  ${AGENT} 1`).replace('deploy.sh', 'rel.txt'));
    assert.notStrictEqual(r.status, 0);
    assert.match(r.stderr, /a protected tag holds/);
    assert.doesNotMatch(r.stderr, /protected branch/);
  });

  it('refuses the framing note in the very push that lands the commit (M5 for new notes)', () => {
    const next = commitFile(s.ada, 'next.txt', 'next\n', 'next\n\nAI-Provenance: v1 ai=0 human=1 untracked=0');
    assert.strictEqual(s.ada.gitResult(['push', '-q', 'origin', 'HEAD:refs/heads/next']).status, 0);
    const r = addNote(next, note(`  ${AGENT} 1`).replace('deploy.sh', 'next.txt'), `${next}:refs/heads/main`);
    assert.notStrictEqual(r.status, 0);
    assert.match(r.stderr, /attests 1 AI line\(s\), but its AI-Provenance trailer says ai=0 human=1/);
    assert.notStrictEqual(s.server.git('rev-parse', 'main'), next);
    assert.notStrictEqual(serverNote(next).status, 0);
  });

  it('P7: refuses a note framing an agent commit as human pushed before the commit lands; takes the honest one', () => {
    s.ada.git('checkout', '-q', '-b', 'early', 'main');
    const agent = commitFile(
      s.ada,
      'early.sh',
      '#!/bin/sh\nkubectl delete namespace prod\n',
      'deploy\n\nAssisted-by: Claude:claude-sonnet-4-5 claude-code\nAI-Provenance: v1 ai=2 human=0 untracked=0',
    );
    s.ada.git('checkout', '-q', 'main');
    assert.strictEqual(s.ada.gitResult(['push', '-q', '--no-verify', 'origin', `${agent}:refs/heads/early`]).status, 0);
    const framed = addNote(agent, note(`  ${ADA} 1-2`).replace('deploy.sh', 'early.sh'));
    assert.notStrictEqual(framed.status, 0, 'the framing note on the unlanded commit was accepted');
    assert.match(framed.stderr, /attests 2 human line\(s\), but its AI-Provenance trailer says ai=2 human=0/);
    assert.strictEqual(serverNote(agent).status, 1, 'the server holds a note on the unlanded commit');
    const honest = addNote(agent, note(`  ${AGENT} 1-2`).replace('deploy.sh', 'early.sh'));
    assert.strictEqual(honest.status, 0, honest.stderr);
  });

  it("takes the hooks' own note when it reaches the server after its commit landed, and with the push that lands it", () => {
    const t = setup();
    const dana = cloneAs(t.server.dir, 'Dana', 'dana@example.com');
    assert.strictEqual(dana.cli(['install']).status, 0);
    const agentCommit = (file: string) => {
      dana.write(file, '');
      const cp = ['--agent', 'claude-code', '--model', 'claude-sonnet-4-5', '--session', 's1', file];
      assert.strictEqual(dana.cli(['checkpoint', '--phase', 'before', ...cp]).status, 0);
      dana.write(file, 'kubectl apply -f env/\necho applied\n');
      assert.strictEqual(dana.cli(['checkpoint', '--phase', 'after', ...cp]).status, 0);
      dana.git('add', file);
      dana.write('human.txt', `${file}\n`);
      dana.git('add', 'human.txt');
      const c = dana.commit(`add ${file}`);
      assert.match(dana.git('log', '-1', '--format=%B', c), /AI-Provenance: v1 ai=2 /);
      assert.match(dana.git('notes', '--ref=refs/notes/ai', 'show', c), /claude-code/);
      recordDecision(dana, t.bob, { email: 'bob@example.com', tip: c, base: 'origin/main' });
      return c;
    };
    // Landed without its note (pushed --no-verify, so no notes sync): the note follows in a later push.
    const late = agentCommit('apply.sh');
    const land = dana.gitResult(['push', '--no-verify', '--atomic', 'origin', 'HEAD:main', 'refs/notes/countersign']);
    assert.strictEqual(land.status, 0, land.stderr);
    const onServer = (c: string) => t.server.gitResult(['notes', '--ref=refs/notes/ai', 'show', c]);
    assert.notStrictEqual(onServer(late).status, 0);
    const notes = dana.gitResult(['push', '--no-verify', 'origin', 'refs/notes/ai']);
    assert.strictEqual(notes.status, 0, notes.stderr);
    assert.strictEqual(onServer(late).stdout.trim(), dana.git('notes', '--ref=refs/notes/ai', 'show', late));
    // And with the push that lands it.
    const withIt = agentCommit('apply2.sh');
    const both = dana.gitResult([
      'push',
      '--no-verify',
      '--atomic',
      'origin',
      'HEAD:main',
      'refs/notes/countersign',
      'refs/notes/ai',
    ]);
    assert.strictEqual(both.status, 0, both.stderr);
    assert.match(onServer(withIt).stdout, /apply2\.sh/);
  });
});
