import * as assert from 'assert';
import { attach, sign, statementFor } from '../helpers/approvals';
import { commitFile, policyJson, setup } from '../helpers/gateServer';

/**
 * `policy check` against the repository it is in (newuser12 P4, P13): a protected branch spelt so that it
 * matches nothing, and a reviewer's address mistyped so that the approvals their key signed stop counting. Real
 * clone of a real server, a real SSH signature; the same check first on the healthy policy (no false alarm).
 */
describe('policy check: typos the schema cannot see', function () {
  this.timeout(120_000);

  it("warns about a literal protected branch that matches no branch and a reviewer's key signing as another address", () => {
    const { ada, bob, carol } = setup();
    ada.git('checkout', '-q', '-B', 'feature', 'origin/main');
    const base = ada.git('rev-parse', 'HEAD');
    const tip = commitFile(ada, 'f.ts', 'x\n', 'F\n\nAI-Provenance: v1 ai=1 human=0 untracked=0');
    attach(ada.dir, sign(bob, statementFor(ada.dir, { email: 'bob@example.com', tip, base })), tip, ada.env);

    const healthy = ada.cli(['policy', 'check']);
    assert.strictEqual(healthy.status, 0, healthy.stderr);
    assert.doesNotMatch(healthy.stdout, /matches no branch|signed .* approval statement/, healthy.stdout);

    ada.write(
      '.countersign.json',
      policyJson(bob, carol, { protectedBranches: ['mian', 'release/*'] }).replace(
        'bob@example.com',
        'bob@exmaple.com',
      ),
    );
    const typos = ada.cli(['policy', 'check']);
    assert.strictEqual(typos.status, 0, 'warnings, not errors');
    assert.match(
      typos.stdout,
      /warning: protectedBranches names 'mian', which matches no branch .* did you mean 'main'\?/,
    );
    assert.doesNotMatch(typos.stdout, /names 'release\/\*'/, 'a glob for branches not cut yet is normal');
    assert.match(
      typos.stdout,
      /warning: reviewer bob@exmaple\.com's key signed 1 approval statement\(s\) as bob@example\.com: approvals are matched by address/,
    );
    const json = JSON.parse(ada.cli(['policy', 'check', '--json']).stdout) as { warnings: string[] };
    assert.strictEqual(json.warnings.filter((w) => /mian|bob@exmaple/.test(w)).length, 2, json.warnings.join('\n'));
  });
});
