import * as assert from 'assert';
import { recordDecision, cloneAs } from '../helpers/approvals';
import { verifyThenPush } from '../helpers/gateAgreement';
import { commitFile, setup, type Setup } from '../helpers/gateServer';

/**
 * The moved-hunk attack (approvalReplay.test.ts) when the approved commits are NOT in the judging repository
 * and main has moved (outside tester, session 6, F5): CI's fresh clone after the PR branch was force-pushed,
 * or the server after `gc` pruned the unreachable approved commit. The approved change cannot be replayed, so
 * a patch-id carries the approval only onto a commit with the statement's own tree. Real bare server.
 */
describe('a patch-id does not carry an approval whose commits this repository lacks (CI clone, server after gc)', function () {
  this.timeout(120_000);

  const AI = `AI-Provenance: v1 ai=1 human=0 untracked=0`;
  const HUMAN = (n: number) => `AI-Provenance: v1 ai=0 human=${n} untracked=0`;
  const page = (name: string, extra: string) =>
    `def ${name}(req):\n    user = load(req)\n    audit(user)\n    log(user)\n${extra}    cache(user)\n    return render(user)\n    # end\n`;
  const app = (pub: string, admin: string) => `${page('public_page', pub)}\n${page('admin_page', admin)}`;
  const ANON = '    allow_anonymous(req)\n';

  let s: Setup;
  let approvedTip = '';
  let evil = '';
  before(() => {
    s = setup();
    const { ada, bob, server } = s;
    commitFile(ada, 'app.py', app('', ''), `two pages\n\n${HUMAN(15)}`);
    assert.strictEqual(ada.gitResult(['push', '-q', 'origin', 'main']).status, 0);
    const base = ada.git('rev-parse', 'HEAD');
    // Bob approves anonymous access to the PUBLIC page, reviewed against main.
    ada.git('checkout', '-q', '-b', 'feature');
    approvedTip = commitFile(ada, 'app.py', app(ANON, ''), `public page: allow anonymous access\n\n${AI}`);
    recordDecision(ada, bob, { email: 'bob@example.com', tip: approvedTip, base });
    const up = ada.gitResult(['push', '-q', '--no-verify', 'origin', 'feature', 'refs/notes/countersign']);
    assert.strictEqual(up.status, 0, up.stderr);
    // main moves on with a human commit.
    ada.git('checkout', '-q', 'main');
    commitFile(ada, 'CHANGES', 'changelog\n', `changelog\n\n${HUMAN(1)}`);
    assert.strictEqual(ada.gitResult(['push', '-q', '--no-verify', 'origin', 'main']).status, 0);
    // The attacker rebuilds the PR on the new main with the same hunk in the ADMIN page and force-pushes it.
    ada.git('checkout', '-q', '-b', 'evil', 'main');
    evil = commitFile(ada, 'app.py', app('', ANON), `public page: allow anonymous access\n\n${AI}`);
    const forced = ada.gitResult(['push', '-q', '--no-verify', '-f', 'origin', 'evil:feature']);
    assert.strictEqual(forced.status, 0, forced.stderr);
    assert.notStrictEqual(server.gitResult(['merge-base', '--is-ancestor', approvedTip, 'feature']).status, 0);
  });

  it('CI: a fresh clone lacking the approved commit blocks the moved hunk, naming the commit and the fix', () => {
    const ci = cloneAs(s.server.dir, 'CI', 'ci@example.com');
    ci.git('fetch', '-q', 'origin', '+refs/notes/countersign:refs/notes/countersign');
    assert.notStrictEqual(ci.gitResult(['cat-file', '-e', `${approvedTip}^{commit}`]).status, 0, 'not in the clone');
    const r = ci.cli(
      ['verify', '--remote', 'origin', '--branch', 'main', '--policy-branch', 'main'].concat([
        '--base',
        'origin/main',
        '--head',
        'origin/feature',
      ]),
    );
    const out = r.stdout + r.stderr;
    assert.strictEqual(r.status, 1, `Bob never saw the admin page change:\n${out}`);
    assert.match(out, new RegExp(`✗ ${evil.slice(0, 12)}`));
    assert.match(out, /approved commits are not in this repository/);
    assert.match(out, /its author \(whose clone still has it\) pushes it to a branch/);
  });

  it('server: refused while it has the approved commit, and still refused after gc prunes it', () => {
    const { ada, server } = s;
    const before = server.git('rev-parse', 'main');
    const first = verifyThenPush(ada, 'main', ['origin', 'evil:main']);
    assert.notStrictEqual(first.status, 0, 'the approved change replayed is not this one');
    server.git('gc', '-q', '--prune=now');
    assert.notStrictEqual(server.gitResult(['cat-file', '-e', `${approvedTip}^{commit}`]).status, 0, 'pruned');
    const second = verifyThenPush(ada, 'main', ['origin', 'evil:main']);
    assert.notStrictEqual(second.status, 0, `Bob never saw the admin page change:\n${second.stderr}`);
    assert.match(second.stderr, /approved commits are not in this repository/);
    assert.strictEqual(server.git('rev-parse', 'main'), before);
  });
});
