import * as assert from 'assert';
import { recordDecision } from '../helpers/approvals';
import { verifyThenPush } from '../helpers/gateAgreement';
import { commitFile, fileClone, setup, type Setup } from '../helpers/gateServer';
import type { TempRepo } from '../helpers/tempRepo';

/**
 * newuser20 F8: after the README's "let the author rebase" landing, every clone but the author's lacks the approved
 * commit (the server too, once gc prunes it), so the patch-id carry could not be checked by replaying the approved
 * change: `explain` said BLOCKED, `report` unreviewed, and a server after gc refused the author's landing. The
 * statement signs its base and its tip's tree, so the landed change replayed BACK onto that base must give that
 * tree (core/approvalReplayCheck.ts). The attacks: an attacker with push access and no key, in a clone without the
 * approved commits, pushing against a server that pruned them, must not make an approval of one change cover
 * another — the same hunk elsewhere on a main shaped to line it up, a multi-commit approval re-cut with an unreviewed
 * file in the middle, a commit that has the approved patch-id only as the end of a range, an approval whose base
 * is not on the server either. Real bare server (`install --server`), real `git clone file://…` clones, real keys.
 */
describe('an approval carried by patch-id where the approved commits are missing (newuser20 F8)', function () {
  this.timeout(240_000);

  const AI = (n: number) => `AI-Provenance: v1 ai=${n} human=0 untracked=0`;
  const HUMAN = (n: number) => `AI-Provenance: v1 ai=0 human=${n} untracked=0`;
  const page = (name: string, extra: string) =>
    `def ${name}(req):\n    user = load(req)\n    audit(user)\n    log(user)\n${extra}    cache(user)\n    return render(user)\n    # end\n`;
  const app = (pub: string, admin: string) => `${page('public_page', pub)}\n${page('admin_page', admin)}`;
  const ANON = '    allow_anonymous(req)\n';
  const A1 = 'def a():\n    return 1\n';
  const A2 = `${A1}def b():\n    return 2\n`;

  let s: Setup;
  /** Bob's approval of one commit (anonymous access to the public page) and of two commits (a.py), both pruned. */
  let single = { base: '', tip: '' };
  let double = { base: '', tip: '' };

  const lacks = (repo: TempRepo, sha: string) =>
    assert.notStrictEqual(repo.gitResult(['cat-file', '-e', `${sha}^{commit}`]).status, 0, `${sha} is not there`);
  const refused = (repo: TempRepo, why: RegExp) => {
    const before = s.server.git('rev-parse', 'main');
    const r = verifyThenPush(repo, 'main', ['origin', 'HEAD:main']);
    assert.notStrictEqual(r.status, 0, `the server accepted it:\n${r.verify.stdout}`);
    assert.match(r.stderr, why);
    assert.match(r.verify.stdout, why);
    assert.strictEqual(s.server.git('rev-parse', 'main'), before);
  };

  before(() => {
    s = setup();
    const { ada, bob, server } = s;
    commitFile(ada, 'app.py', app('', ''), `two pages\n\n${HUMAN(15)}`);
    assert.strictEqual(ada.gitResult(['push', '-q', 'origin', 'main']).status, 0);
    const base = ada.git('rev-parse', 'HEAD');
    ada.git('checkout', '-q', '-b', 'feature');
    single = { base, tip: commitFile(ada, 'app.py', app(ANON, ''), `public page: allow anonymous\n\n${AI(1)}`) };
    ada.git('checkout', '-q', '-b', 'two', base);
    commitFile(ada, 'a.py', A1, `a\n\n${AI(2)}`);
    double = { base, tip: commitFile(ada, 'a.py', A2, `b\n\n${AI(2)}`) };
    for (const span of [single, double]) recordDecision(ada, bob, { email: 'bob@example.com', ...span });
    const up = ada.gitResult(['push', '-q', '--no-verify', 'origin', 'feature', 'two', 'refs/notes/countersign']);
    assert.strictEqual(up.status, 0, up.stderr);
    // main moves on; the approved branches go (merged by rebase elsewhere, or deleted) and gc prunes them.
    ada.git('checkout', '-q', 'main');
    commitFile(ada, 'CHANGES', 'changelog\n', `changelog\n\n${HUMAN(1)}`);
    assert.strictEqual(ada.gitResult(['push', '-q', 'origin', 'main']).status, 0);
    assert.strictEqual(ada.gitResult(['push', '-q', 'origin', '--delete', 'feature', 'two']).status, 0);
    server.git('gc', '-q', '--prune=now');
    for (const span of [single, double]) lacks(server, span.tip);
  });

  it('attack: a commit with the approved patch-id only as the end of a range (an unreviewed file added, then removed)', () => {
    const m = fileClone(s, 'Mallory', 'mallory@example.com', false);
    lacks(m, single.tip);
    // One commit: the approved hunk and an unreviewed file; the next removes the file. Only the two together have
    // the approved patch-id, and the second alone needs no review.
    m.write('evil.py', 'steal()\n');
    m.git('add', 'evil.py');
    commitFile(m, 'app.py', app(ANON, ''), `public page\n\n${AI(2)}`);
    m.git('rm', '-q', 'evil.py');
    m.commit(`tidy\n\n${HUMAN(0)}`);
    refused(m, /the approved commits are not in this repository, so this push's 2 commits cannot be matched/);
  });

  it('attack: a two-commit approval re-cut with an unreviewed file in the middle, its commits pruned', () => {
    const m = fileClone(s, 'Mallory', 'mallory@example.com', false);
    commitFile(m, 'a.py', A1, `a\n\n${AI(2)}`);
    m.write('evil.py', 'steal()\n');
    m.git('add', 'evil.py');
    m.commit(`sneak\n\n${AI(1)}`, '--amend');
    m.git('rm', '-q', 'evil.py');
    commitFile(m, 'a.py', A2, `b\n\n${AI(2)}`);
    refused(m, /the approved commits are not in this repository, so this push's 2 commits cannot be matched/);
    // The fix the message gives for a landed commit names the approved commit and how its author shares it.
    assert.match(
      m.cli(['verify', '--branch', 'main']).stdout,
      new RegExp(`its author \\(whose clone still has it\\) pushes it to a branch — git push origin ${double.tip}:`),
    );
  });

  it('attack: an approval whose base the server lacks too (approved in a fork) carries to nothing', () => {
    const { ada, bob } = s;
    ada.git('checkout', '-q', '-b', 'fork', single.base);
    const forkBase = commitFile(ada, 'NOTES', 'fork only\n', `fork\n\n${HUMAN(1)}`);
    const forkTip = commitFile(ada, 'b.py', 'x = 1\n', `b\n\n${AI(1)}`);
    recordDecision(ada, bob, { email: 'bob@example.com', tip: forkTip, base: forkBase });
    assert.strictEqual(ada.gitResult(['push', '-q', '--no-verify', 'origin', 'refs/notes/countersign']).status, 0);
    ada.git('checkout', '-q', 'main');
    const m = fileClone(s, 'Mallory', 'mallory@example.com', false);
    lacks(m, forkBase);
    commitFile(m, 'b.py', 'x = 1\n', `b\n\n${AI(1)}`);
    refused(m, /does not replay cleanly back onto the approved base .* \(or that base is not here either\)/);
  });

  it('the author rebases the approved commit and lands it: the server (commit pruned) and fresh clones say approved', () => {
    const { ada, server } = s;
    ada.git('checkout', '-q', 'feature');
    ada.git('rebase', '-q', 'main');
    const landed = ada.git('rev-parse', 'HEAD');
    assert.strictEqual(ada.gitResult(['push', '-q', '-f', '--no-verify', 'origin', 'feature']).status, 0);
    server.git('gc', '-q', '--prune=now');
    lacks(server, single.tip);
    const pushed = verifyThenPush(ada, 'main', ['origin', 'HEAD:main']);
    assert.strictEqual(pushed.status, 0, `the approved change, rebased, was refused:\n${pushed.stderr}`);
    assert.strictEqual(server.git('rev-parse', 'main'), landed);
    ada.git('checkout', '-q', 'main');
    ada.git('merge', '-q', '--ff-only', 'feature');

    const cy = fileClone(s, 'Cy', 'cy@example.com');
    lacks(cy, single.tip);
    const e = JSON.parse(cy.cli(['explain', landed, '--json']).stdout);
    assert.strictEqual(e.gate.ok, true, JSON.stringify(e.gate));
    assert.deepStrictEqual(
      e.gate.decision.approvals.map((a: { via: string }) => a.via),
      ['rebased'],
    );
    assert.ok(e.approvals.statements.some((a: { counts: boolean; via?: string }) => a.counts && a.via === 'rebased'));
    assert.match(cy.cli(['explain', landed]).stdout, /verdict: PASS/);
    const r = JSON.parse(cy.cli(['report', '--format', 'json', `${landed}~1..${landed}`]).stdout);
    assert.strictEqual(r.reviewedCommits, 1, 'report counts it reviewed, as the gate did');
  });

  it('attack: the same hunk in the other page, on a main shaped to line it up, is refused without the approved commit', () => {
    const m = fileClone(s, 'Mallory', 'mallory@example.com', false);
    lacks(m, single.tip);
    // A human commit drops the public page, so the admin page is the only one with that context.
    commitFile(m, 'app.py', page('admin_page', ''), `drop the public page\n\n${HUMAN(0)}`);
    assert.strictEqual(verifyThenPush(m, 'main', ['origin', 'HEAD:main']).status, 0);
    commitFile(m, 'app.py', page('admin_page', ANON), `public page: allow anonymous\n\n${AI(1)}`);
    refused(m, /replayed back onto the approved base .* does not give the approved tree/);
  });

  it('a squash of the two approved commits, on the moved main, carries without them', () => {
    const m = fileClone(s, 'Mallory', 'mallory@example.com', false);
    lacks(m, double.tip);
    commitFile(m, 'a.py', A2, `a and b\n\n${AI(4)}`);
    const r = verifyThenPush(m, 'main', ['origin', 'HEAD:main']);
    assert.strictEqual(r.status, 0, `the approved change squashed was refused:\n${r.stderr}`);
  });
});
