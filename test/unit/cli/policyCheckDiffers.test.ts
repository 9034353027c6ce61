import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { setup } from '../helpers/gateServer';

/**
 * newuser13 R21: DESIGN ("Policy") says `policy check` warns when the policy it checks differs from the one on
 * the policy branch, which is the one the gate uses. It said only "valid" for a branch's edited policy and for an
 * uncommitted edit on main. Real server and clone.
 */
describe('policy check warns when the file differs from the policy the gate uses (newuser13 R21)', function () {
  this.timeout(120_000);

  it('on a branch with an edited policy and for an uncommitted edit; not when they agree', () => {
    const s = setup();
    try {
      const { ada } = s;
      const said = /differs from \.countersign\.json on origin\/main, which is the policy the gate uses/;
      const same = ada.cli(['policy', 'check']);
      assert.strictEqual(same.status, 0, same.stderr);
      assert.doesNotMatch(same.stdout, said);

      ada.git('checkout', '-q', '-b', 'pol3', 'origin/main');
      const policy = JSON.parse(ada.read('.countersign.json')) as { protectedBranches: string[] };
      policy.protectedBranches.push('hotfix/*');
      ada.write('.countersign.json', JSON.stringify(policy, null, 2) + '\n');
      ada.git('commit', '-q', '-am', 'protect hotfix branches');
      const branch = ada.cli(['policy', 'check']);
      assert.strictEqual(branch.status, 0, branch.stderr);
      assert.match(branch.stdout, said);
      const json = JSON.parse(ada.cli(['policy', 'check', '--json']).stdout) as { warnings: string[] };
      assert.ok(
        json.warnings.some((w) => said.test(w)),
        json.warnings.join('\n'),
      );

      ada.git('checkout', '-q', 'main');
      ada.write('.countersign.json', JSON.stringify(policy, null, 2) + '\n');
      assert.match(ada.cli(['policy', 'check']).stdout, said);
    } finally {
      fs.rmSync(path.dirname(s.server.dir), { recursive: true, force: true });
    }
  });
});
