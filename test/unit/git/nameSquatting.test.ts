import * as assert from 'assert';
import { recordDecision } from '../helpers/approvals';
import { aiCommit, serverRef, setup } from '../helpers/gateServer';

interface Finding {
  check: string;
  status: 'ok' | 'fix' | 'info';
  message: string;
}

/**
 * attack25 A25-02 (DoS): git keeps a ref as a file, so `refs/notes/countersign/x` and `refs/notes/countersign`
 * cannot both exist. A keyless pusher created `refs/notes/countersign/x` (and `refs/notes/ai/x`) on a server with
 * no approval recorded yet — every new adoption — and from then on no approval could be pushed ("failed to update
 * ref"): every AI commit stayed blocked, and a colleague deleting the squatter lost to a loop re-creating it. Likewise
 * `release/1.0/x` (unprotected: `release/*` is one segment) kept the protected `release/1.0` from being created.
 * Real bare server with `install --server`; planted refs are listed by doctor.
 */
describe('server gate: no ref may squat the name of the approvals, the provenance notes or a protected branch (attack25 A25-02, real server)', function () {
  this.timeout(240_000);

  it('refuses refs below refs/notes/countersign and refs/notes/ai (any case); an approval is then recorded', () => {
    const s = setup();
    const { ada } = s;
    assert.strictEqual(serverRef(s, 'refs/notes/countersign'), '', 'the fixture already has approvals');
    const base = serverRef(s, 'refs/heads/main');
    for (const ref of ['refs/notes/countersign/x', 'refs/notes/ai/x', 'refs/notes/Countersign/x']) {
      const r = ada.gitResult(['push', '--no-verify', 'origin', `${base}:${ref}`]);
      assert.notStrictEqual(r.status, 0, `${ref} was created: ${r.stderr}`);
      assert.match(r.stderr, /below refs\/notes\/(countersign|ai)/);
    }
    const other = ada.gitResult(['push', '--no-verify', 'origin', `${base}:refs/notes/team/x`]);
    assert.strictEqual(other.status, 0, `an unrelated notes ref is the team's own: ${other.stderr}`);

    const tip = aiCommit(ada, 'feature.py');
    recordDecision(ada, s.bob, { email: 'bob@example.com', tip, base });
    const r = ada.gitResult(['push', '--atomic', 'origin', 'main', 'refs/notes/countersign']);
    assert.strictEqual(r.status, 0, r.stderr);
  });

  // A squatting branch is refused, names like it pass, and the protected branch is then created.
  for (const c of [
    {
      what: 'below a protected branch name not yet created (release/1.0/x under release/*)',
      squat: 'release/1.0/x',
      says: /release\/1\.0/,
      ok: ['feature/a/b', 'releases/1.0/x'],
    },
    {
      what: 'named like the folder of a protected pattern (release for release/*, attack26 01)',
      squat: 'release',
      says: /release\/\*/,
      ok: ['releases', 'feature'],
    },
  ])
    it(`refuses a branch ${c.what}; others pass`, () => {
      const s = setup();
      const { ada } = s;
      const base = serverRef(s, 'refs/heads/main');
      const squat = ada.gitResult(['push', '--no-verify', 'origin', `${base}:refs/heads/${c.squat}`]);
      assert.notStrictEqual(squat.status, 0, `${c.squat} was created: ${squat.stderr}`);
      assert.match(squat.stderr, c.says);
      for (const ok of c.ok) {
        const r = ada.gitResult(['push', '--no-verify', 'origin', `${base}:refs/heads/${ok}`]);
        assert.strictEqual(r.status, 0, `${ok}: ${r.stderr}`);
      }
      const made = ada.gitResult(['push', '--no-verify', 'origin', `${base}:refs/heads/release/1.0`]);
      assert.strictEqual(made.status, 0, made.stderr);
    });

  it('doctor on the server lists such refs planted before the gate', () => {
    const s = setup();
    const { server } = s;
    const base = serverRef(s, 'refs/heads/main');
    const planted = ['refs/notes/countersign/x', 'refs/heads/release/2.0/x'];
    for (const ref of planted) server.git('update-ref', ref, base);
    const d = server.cli(['doctor', '--json']);
    const found = (JSON.parse(d.stdout) as { checks: Finding[] }).checks.filter((c) => c.check === 'server-refs');
    for (const ref of planted)
      assert.ok(
        found.some((c) => c.status === 'fix' && c.message.startsWith(ref)),
        `doctor does not list ${ref}: ${JSON.stringify(found, null, 2)}`,
      );
  });

  it('refuses case twins of protected branches by Unicode case folding (releaſe/2.0: attack26 02)', () => {
    const s = setup();
    const { ada } = s;
    const tip = aiCommit(ada, 'evil.sh');
    // mAin: the ASCII twin, refused before; releaſe/2.0: U+017F folds to s (APFS); maın: U+0131 upper-cases to I.
    for (const twin of ['mAin', 'releaſe/2.0', 'maın']) {
      const r = ada.gitResult(['push', '--no-verify', 'origin', `${tip}:refs/heads/${twin}`]);
      assert.notStrictEqual(r.status, 0, `${twin} was created at unreviewed AI code: ${r.stderr}`);
    }
  });
});
