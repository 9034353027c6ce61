import * as assert from 'assert';
import { recordDecision } from '../helpers/approvals';
import { verifyThenPush } from '../helpers/gateAgreement';
import { commitFile, fileClone, setup, type Setup } from '../helpers/gateServer';
import type { TempRepo } from '../helpers/tempRepo';

/**
 * attack27 04: an approval is spent once its change landed. Bob approved T, which takes an access check out, and T
 * landed on main; a later human commit F put the check back. Mallory's A undoes F: the same hunk with the same
 * context as T's (the approved patch-id from main), and T's change replayed onto main gives A's tree exactly (main's
 * tree is T's base's again) — so the gate carried Bob's approval to A as if A were T rebased, and the check went
 * out a second time with nobody's review. T is in main's history: the approval covered its change once. Real bare
 * server (`install --server`), real clones, real keys.
 */
describe('attack27 04: an approval whose approved commits already landed does not carry to the same change again', function () {
  this.timeout(240_000);

  const AI = (n: number) => `AI-Provenance: v1 ai=${n} human=0 untracked=0`;
  const HUMAN = (n: number) => `AI-Provenance: v1 ai=0 human=${n} untracked=0`;
  const page = (guard: string) =>
    `def admin_page(req):\n    user = load(req)\n    audit(user)\n${guard}    log(user)\n    return render(user)\n`;
  const CHECKED = '    require_admin(user)\n';
  const OPEN = '    pass  # admin check moved to the proxy\n';

  let s: Setup;
  let approved = { base: '', tip: '' };
  let restored = '';

  /** Mallory's A: main (the check restored) with the check taken out again — T's hunk, T's tree. */
  const attackCommit = (m: TempRepo) => {
    const a = commitFile(m, 'admin.py', page(OPEN), `admin: drop the check again\n\n${AI(1)}`);
    assert.strictEqual(m.git('rev-parse', `${a}^{tree}`), m.git('rev-parse', `${approved.tip}^{tree}`));
    return a;
  };

  before(() => {
    s = setup();
    const { ada, bob } = s;
    const base = commitFile(ada, 'admin.py', page(CHECKED), `admin page\n\n${HUMAN(6)}`);
    assert.strictEqual(ada.gitResult(['push', '-q', 'origin', 'main']).status, 0);
    // T takes the check out; Bob approves it and it lands (fast-forward).
    const tip = commitFile(ada, 'admin.py', page(OPEN), `admin: the proxy checks\n\n${AI(1)}`);
    approved = { base, tip };
    recordDecision(ada, bob, { email: 'bob@example.com', ...approved });
    const landed = verifyThenPush(ada, 'main', ['--atomic', 'origin', 'main', 'refs/notes/countersign']);
    assert.strictEqual(landed.status, 0, landed.stderr);
    // F puts it back (the proxy never checked): a one-line human change, main's tree is T's base's again.
    restored = commitFile(ada, 'admin.py', page(CHECKED), `admin: restore the check\n\n${HUMAN(1)}`);
    assert.strictEqual(ada.git('rev-parse', `${restored}^{tree}`), ada.git('rev-parse', `${base}^{tree}`));
    const fixed = verifyThenPush(ada, 'main', ['origin', 'main']);
    assert.strictEqual(fixed.status, 0, fixed.stderr);
  });

  it('attack: the same change pushed again after a fix undid it is refused by the server and verify', () => {
    const m = fileClone(s, 'Mallory', 'mallory@example.com', false);
    attackCommit(m);
    const before = s.server.git('rev-parse', 'main');
    const r = verifyThenPush(m, 'main', ['origin', 'HEAD:main']);
    assert.notStrictEqual(r.status, 0, `the server accepted the approved change a second time:\n${r.verify.stdout}`);
    const why = /already in .* history: the approved change landed/;
    assert.match(r.stderr, why);
    assert.match(r.verify.stdout, why);
    assert.strictEqual(s.server.git('rev-parse', 'main'), before);
  });

  it('attack (attack28 01): CI judging a pull request from its merge base sees the approval spent on main', () => {
    // The shipped workflows run `verify --base refs/remotes/origin/main --head PR`, judged from merge-base(main, PR):
    // T cherry-picked onto T's old base has that base as its merge base, whose history lacks T.
    const m = fileClone(s, 'Mallory', 'mallory@example.com', false);
    m.git('checkout', '-q', '-b', 'pr', approved.base);
    m.git('cherry-pick', approved.tip);
    const a = m.git('rev-parse', 'HEAD');
    assert.notStrictEqual(a, approved.tip);
    const r = m.cli(['verify', '--branch', 'main', '--base', 'refs/remotes/origin/main', '--head', a]);
    assert.strictEqual(r.status, 1, `CI passed a pull request re-using a spent approval:\n${r.stdout}${r.stderr}`);
    const main = m.git('rev-parse', 'refs/remotes/origin/main');
    assert.match(r.stdout, new RegExp(`already in ${main.slice(0, 12)}'s history: the approved change landed`));
  });

  it('attack: explain and report in a fresh clone agree with the server (BLOCKED, not reviewed)', () => {
    const m = fileClone(s, 'Mallory', 'mallory@example.com', false);
    const a = attackCommit(m);
    assert.strictEqual(m.gitResult(['push', '-q', '--no-verify', 'origin', 'HEAD:refs/heads/evil']).status, 0);
    const cy = fileClone(s, 'Cy', 'cy@example.com', true);
    const e = JSON.parse(cy.cli(['explain', a, '--json']).stdout);
    assert.strictEqual(e.gate.ok, false, JSON.stringify(e.gate));
    const r = JSON.parse(cy.cli(['report', '--format', 'json', `${restored}..${a}`]).stdout);
    assert.strictEqual(r.commits, 1);
    assert.strictEqual(r.reviewedCommits, 0, 'report counts it unreviewed, as the server does');
  });
});
