import * as assert from 'assert';
import { cloneAs } from '../helpers/approvals';
import { policyJson } from '../helpers/gateServer';
import { makeKey } from '../helpers/reviewerKeys';
import { TempRepo } from '../helpers/tempRepo';

/**
 * newuser10 N18: with an invalid policy already on the policy branch of a plain remote (a forge: GitHub, GitLab —
 * no server hook, no `install --server`), verify's advice named only `install --server --recover` "in the server's
 * repository", which such a team does not have. The advice now also says how a hosted team lands the fix.
 * Real bare remote without the hook; the broken policy pushed with --no-verify, as the report did.
 */
describe('an invalid policy on a hosted policy branch: recovery advice a forge team can follow', function () {
  this.timeout(120_000);

  it('verify (exit 2) and doctor name the forge route (an administrator merges past the required check) as well as --recover', () => {
    const remote = TempRepo.create({ bare: true });
    const ada = TempRepo.create();
    ada.git('remote', 'add', 'origin', remote.dir);
    ada.write('.countersign.json', policyJson(makeKey('bob'), makeKey('carol')));
    ada.git('add', '.');
    ada.commit('policy', '-m', 'AI-Provenance: v1 ai=0 human=1 untracked=0');
    ada.git('push', '-q', 'origin', 'main');
    const clone = cloneAs(remote.dir, 'Ada Author', 'ada@example.com');
    assert.strictEqual(clone.cli(['install']).status, 0);
    const broken = JSON.parse(clone.read('.countersign.json'));
    broken.approvals = 'one';
    clone.write('.countersign.json', JSON.stringify(broken, null, 2) + '\n');
    clone.git('commit', '-qam', 'typo policy', '--no-verify');
    assert.strictEqual(clone.gitResult(['push', '-q', '--no-verify', 'origin', 'main']).status, 0);
    // The fix, in a commit of its own.
    delete broken.approvals;
    clone.write('.countersign.json', JSON.stringify(broken, null, 2) + '\n');
    clone.git('commit', '-qam', 'fix policy\n\nAI-Provenance: v1 ai=0 human=1 untracked=0');

    const verify = clone.cli(['verify']);
    assert.strictEqual(verify.status, 2, verify.stdout + verify.stderr);
    const said = verify.stdout + verify.stderr;
    assert.match(said, /install --server --recover/, 'the self-hosted route stays');
    assert.match(said, /GitHub or GitLab/);
    assert.match(said, /administrator merges it past the required check/);

    // The route it gives works: the fix waits on a branch of its own for the administrator's merge. pre-push
    // and verify hold only what the last readable policy protected, as the server does (newuser24 F11: they held
    // every push, the fix branch included); --no-verify only where the history has no readable policy.
    assert.match(said, /git push --no-verify/);
    const branch = clone.gitResult(['push', '-q', 'origin', 'HEAD:refs/heads/fix-policy']);
    assert.strictEqual(branch.status, 0, branch.stderr);
    const feat = clone.cli(['verify', '--branch', 'fix-policy']);
    assert.strictEqual(feat.status, 0, feat.stdout + feat.stderr);
    assert.match(
      feat.stdout,
      /fix-policy is not protected by the last readable \.countersign\.json on origin\/main, at [0-9a-f]+/,
    );
    const main = clone.gitResult(['push', '-q', 'origin', 'HEAD:main']);
    assert.strictEqual(main.status, 1, 'the policy branch stays closed');
    assert.match(main.stderr, /BLOCKED — the policy that judges main cannot be read/);

    const doctor = clone.cli(['doctor', '--json']);
    const policy = (JSON.parse(doctor.stdout).checks as Array<{ check: string; fix?: string }>).find(
      (c) => c.check === 'policy',
    );
    assert.match(policy?.fix ?? '', /GitHub or GitLab/);
  });
});
