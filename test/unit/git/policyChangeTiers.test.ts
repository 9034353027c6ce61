import * as assert from 'assert';
import { spawnSync } from 'child_process';
import { recordDecision } from '../helpers/approvals';
import { verifyThenPush } from '../helpers/gateAgreement';
import { commitFile, policyJson, setup, type Setup } from '../helpers/gateServer';

/**
 * A change to the policy can remove any tier, so it needs what the strictest tier of the policy it replaces
 * needs (outside tester, session 7, G11): one reviewer approved "tidy tiers" (the infrastructure tier down to
 * one approval), then a Dockerfile alone — an infrastructure change with one person's approval.
 */
describe('server gate: a policy change needs what its strictest tier needs (real pushes)', function () {
  this.timeout(240_000);

  const HUMAN = 'AI-Provenance: v1 ai=0 human=1 untracked=0';
  let s: Setup;
  let base: string;
  /** Commits a policy whose infrastructure tier asks one approval, authored by `who` (Ada unless given). */
  function loosen(who?: { name: string; email: string }): string {
    const { ada, bob, carol } = s;
    const loose = policyJson(bob, carol, {
      tiers: [{ name: 'infrastructure', paths: ['Dockerfile'], approvals: 1 }],
    });
    ada.write('.countersign.json', loose);
    ada.git('add', '.countersign.json');
    const env = who
      ? {
          ...ada.env,
          GIT_AUTHOR_NAME: who.name,
          GIT_AUTHOR_EMAIL: who.email,
          GIT_COMMITTER_NAME: who.name,
          GIT_COMMITTER_EMAIL: who.email,
        }
      : ada.env;
    const r = spawnSync('git', ['commit', '-q', '-m', 'policy: tidy tiers', '-m', HUMAN], { cwd: ada.dir, env });
    assert.strictEqual(r.status, 0, String(r.stderr));
    return ada.git('rev-parse', 'HEAD');
  }
  beforeEach(() => {
    s = setup();
    base = s.ada.git('rev-parse', 'HEAD');
  });

  it('one approval does not loosen a two-approval tier; two do', () => {
    const { ada, bob, carol, server } = s;
    const tip = loosen();
    recordDecision(ada, bob, { email: 'bob@example.com', tip, base });
    assert.strictEqual(ada.gitResult(['push', '-q', 'origin', 'refs/notes/countersign']).status, 0);
    const one = verifyThenPush(ada, 'main', ['origin', 'main']);
    assert.notStrictEqual(one.status, 0, 'one reviewer removed the second person from infrastructure changes');
    assert.match(one.stderr, /a policy change needs what the strictest tier of the policy it replaces needs/);
    assert.match(one.stderr, /has 1 of 2 required approval\(s\)/);
    assert.strictEqual(server.git('rev-parse', 'main'), base);

    recordDecision(ada, carol, { email: 'carol@example.com', tip, base });
    assert.strictEqual(ada.gitResult(['push', '-q', 'origin', 'refs/notes/countersign']).status, 0);
    assert.strictEqual(verifyThenPush(ada, 'main', ['origin', 'main']).status, 0, 'both reviewers approved it');
  });

  it('a reviewer in a team of two can still change the policy with the other one approving', () => {
    const { ada, carol } = s;
    const tip = loosen({ name: 'Bob Reviewer', email: 'bob@example.com' });
    recordDecision(ada, carol, { email: 'carol@example.com', tip, base });
    assert.strictEqual(ada.gitResult(['push', '-q', 'origin', 'refs/notes/countersign']).status, 0);
    const r = verifyThenPush(ada, 'main', ['origin', 'main']);
    assert.strictEqual(r.status, 0, `Bob wrote it and Carol, the only other reviewer, approved: ${r.stderr}`);
  });

  it('an ordinary commit still needs only the policy approvals', () => {
    const { ada, bob } = s;
    const tip = commitFile(
      ada,
      'notes.md',
      'x\n',
      `docs\n\nAssisted-by: Claude:x claude-code\nAI-Provenance: v1 ai=1 human=0 untracked=0`,
    );
    recordDecision(ada, bob, { email: 'bob@example.com', tip, base });
    assert.strictEqual(ada.gitResult(['push', '-q', 'origin', 'refs/notes/countersign']).status, 0);
    assert.strictEqual(verifyThenPush(ada, 'main', ['origin', 'main']).status, 0);
  });
});
