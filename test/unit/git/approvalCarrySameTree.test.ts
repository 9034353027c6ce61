import * as assert from 'assert';
import { recordDecision } from '../helpers/approvals';
import { verifyThenPush } from '../helpers/gateAgreement';
import { commitFile, fileClone, setup, type Setup } from '../helpers/gateServer';
import type { TempRepo } from '../helpers/tempRepo';

/**
 * attack27 01 and 02: where the approved commits are missing, an anchor with the statement's own tree carried the
 * approval without any replay (approvalReplayCheck.ts's shortcut). But the same tree is not the same change: the
 * attacker's feature base B already had the dangerous line at place 2, Bob approved B..T adding it at place 1
 * (benign-looking), main R has it at place 1 only. A = R + the line at place 2 has T's tree and the approved patch-id
 * (same hunk, same context, other line numbers), and brings to main what nobody reviewed. The server (gc pruned T)
 * accepted it, and `explain`/`report` in a fresh clone said PASS/reviewed. Replayed back onto B, A's change gives
 * B's tree, not T's: refused. Real bare server (`install --server`), real `git clone file://…` clones, real keys.
 */
describe('attack27 01/02: the approved tree, not the approved change, where the approved commits are missing', function () {
  this.timeout(240_000);

  const AI = (n: number) => `AI-Provenance: v1 ai=${n} human=0 untracked=0`;
  const HUMAN = (n: number) => `AI-Provenance: v1 ai=0 human=${n} untracked=0`;
  const page = (name: string, extra: string) =>
    `def ${name}(req):\n    user = load(req)\n    audit(user)\n    log(user)\n${extra}    cache(user)\n    return render(user)\n    # end\n`;
  const app = (pub: string, admin: string) => `${page('public_page', pub)}\n${page('admin_page', admin)}`;
  const ANON = '    allow_anonymous(req)\n';

  let s: Setup;
  let approved = { base: '', tip: '' };
  let approvedTree = '';
  let mainTip = '';

  const has = (repo: TempRepo, sha: string) => repo.gitResult(['cat-file', '-e', `${sha}^{commit}`]).status === 0;

  /** Mallory's A: main's tip plus the line in the admin page — T's tree, the approved patch-id from main. */
  const attackCommit = (m: TempRepo) => {
    const a = commitFile(m, 'app.py', app(ANON, ANON), `admin page: allow anonymous\n\n${AI(1)}`);
    assert.strictEqual(m.git('rev-parse', `${a}^{tree}`), approvedTree);
    return a;
  };

  before(() => {
    s = setup();
    const { ada, bob, server } = s;
    const root = ada.git('rev-parse', 'HEAD');
    // Main R: anonymous access on the public page only (reviewed long ago, human).
    mainTip = commitFile(ada, 'app.py', app(ANON, ''), `two pages, public anonymous\n\n${HUMAN(15)}`);
    assert.strictEqual(ada.gitResult(['push', '-q', 'origin', 'main']).status, 0);
    // Mallory's feature base B, off main's parent: the line is already in the ADMIN page, not in the public one.
    ada.git('checkout', '-q', '-b', 'wip', root);
    const base = commitFile(ada, 'app.py', app('', ANON), `two pages\n\n${HUMAN(15)}`);
    ada.git('checkout', '-q', '-b', 'feature');
    // T adds the line to the PUBLIC page: what Bob reviews (B..T) and approves.
    const tip = commitFile(ada, 'app.py', app(ANON, ANON), `public page: allow anonymous\n\n${AI(1)}`);
    approved = { base, tip };
    approvedTree = ada.git('rev-parse', `${tip}^{tree}`);
    recordDecision(ada, bob, { email: 'bob@example.com', ...approved });
    const up = ada.gitResult(['push', '-q', '--no-verify', 'origin', 'wip', 'feature', 'refs/notes/countersign']);
    assert.strictEqual(up.status, 0, up.stderr);
    ada.git('checkout', '-q', 'main');
    // The approved branch goes and gc prunes T; B stays on wip (an unprotected branch).
    assert.strictEqual(ada.gitResult(['push', '-q', 'origin', '--delete', 'feature']).status, 0);
    server.git('gc', '-q', '--prune=now');
    assert.ok(!has(server, approved.tip), 'T is pruned');
    assert.ok(has(server, approved.base), 'B is on wip');
  });

  it('attack (01): main + the line at the other place, with the approved tree, is refused by the server and verify', () => {
    const m = fileClone(s, 'Mallory', 'mallory@example.com', false);
    assert.ok(!has(m, approved.tip));
    attackCommit(m);
    const before = s.server.git('rev-parse', 'main');
    const r = verifyThenPush(m, 'main', ['origin', 'HEAD:main']);
    assert.notStrictEqual(r.status, 0, `the server accepted an unreviewed change:\n${r.verify.stdout}`);
    const why = /replayed back onto the approved base .* does not give the approved tree/;
    assert.match(r.stderr, why);
    assert.match(r.verify.stdout, why);
    assert.strictEqual(s.server.git('rev-parse', 'main'), before);
  });

  it('attack (02): explain and report in a fresh clone agree with the server (BLOCKED, not reviewed)', () => {
    const m = fileClone(s, 'Mallory', 'mallory@example.com', false);
    const a = attackCommit(m);
    // On an unprotected branch, where any reader's clone fetches it.
    assert.strictEqual(m.gitResult(['push', '-q', '--no-verify', 'origin', 'HEAD:refs/heads/evil']).status, 0);
    const cy = fileClone(s, 'Cy', 'cy@example.com', true);
    assert.ok(!has(cy, approved.tip));
    assert.ok(has(cy, a));
    const e = JSON.parse(cy.cli(['explain', a, '--json']).stdout);
    assert.strictEqual(e.gate.ok, false, JSON.stringify(e.gate));
    assert.ok(!e.approvals.statements.some((x: { counts: boolean }) => x.counts), JSON.stringify(e.approvals));
    assert.match(cy.cli(['explain', a]).stdout, /verdict: BLOCKED/);
    const r = JSON.parse(cy.cli(['report', '--format', 'json', `${mainTip}..${a}`]).stdout);
    assert.strictEqual(r.commits, 1);
    assert.strictEqual(r.reviewedCommits, 0, 'report counts it unreviewed, as the server does');
  });

  it('attack (01): with the approved base pruned too, the same tree carries nothing', () => {
    const { server } = s;
    assert.strictEqual(server.gitResult(['update-ref', '-d', 'refs/heads/wip']).status, 0);
    assert.strictEqual(server.gitResult(['update-ref', '-d', 'refs/heads/evil']).status, 0);
    server.git('gc', '-q', '--prune=now');
    assert.ok(!has(server, approved.base));
    const m = fileClone(s, 'Mallory', 'mallory@example.com', false);
    attackCommit(m);
    const r = verifyThenPush(m, 'main', ['origin', 'HEAD:main']);
    assert.notStrictEqual(r.status, 0, `the server accepted an unreviewed change:\n${r.verify.stdout}`);
    assert.match(
      r.stderr,
      /does not replay cleanly back onto the approved base .* \(or that base is not here either\)/,
    );
  });

  it('honest: the approved commit reworded on the same base, its original pruned, lands (landed back)', () => {
    const { ada, bob, server } = s;
    ada.git('fetch', '-q', 'origin');
    ada.git('checkout', '-q', '-B', 'main', 'origin/main');
    const base = ada.git('rev-parse', 'HEAD');
    ada.git('checkout', '-q', '-b', 'feature2');
    const tip = commitFile(ada, 'b.py', 'def b():\n    return 2\n', `b\n\n${AI(2)}`);
    recordDecision(ada, bob, { email: 'bob@example.com', tip, base });
    const up = ada.gitResult(['push', '-q', '--no-verify', 'origin', 'feature2', 'refs/notes/countersign']);
    assert.strictEqual(up.status, 0, up.stderr);
    assert.strictEqual(ada.gitResult(['push', '-q', 'origin', '--delete', 'feature2']).status, 0);
    server.git('gc', '-q', '--prune=now');
    assert.ok(!has(server, tip));
    ada.git('commit', '-q', '--amend', '-m', `b, reworded\n\n${AI(2)}`);
    const reworded = ada.git('rev-parse', 'HEAD');
    assert.notStrictEqual(reworded, tip);
    const r = verifyThenPush(ada, 'main', ['origin', 'HEAD:main']);
    assert.strictEqual(r.status, 0, `the approved change, reworded, was refused:\n${r.stderr}`);
    assert.strictEqual(server.git('rev-parse', 'main'), reworded);
  });
});
