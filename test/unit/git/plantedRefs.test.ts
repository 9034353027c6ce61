import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { aiCommit, serverRef, setup } from '../helpers/gateServer';

interface Finding {
  check: string;
  status: 'ok' | 'fix' | 'info';
  message: string;
  fix?: string;
}

/**
 * attack24 5: refs planted on the server before the gate was installed stayed, and neither `install --server` nor
 * `doctor` said so. A replace ref made the server's `git archive main` and every mirror serve other content than
 * the gate judged; `refs/release/2.0` at unreviewed agent code stood in for the protected branch release/2.0 on
 * the server once the team created it (git reads refs/<name> first), and creating that branch was accepted.
 * Real bare server with `install --server`; the planting is done on the server, as before a rollout.
 */
describe('server: refs planted before the gate (attack24 5, real server)', function () {
  this.timeout(240_000);

  it('doctor and install --server list them with their fix; creating a protected branch they shadow is refused', () => {
    const s = setup();
    const { ada, server } = s;
    const main = serverRef(s, 'refs/heads/main');
    const ai = aiCommit(ada, 'run.sh');
    const agent = ada.gitResult(['push', '--no-verify', 'origin', `${ai}:refs/heads/agent`]);
    assert.strictEqual(agent.status, 0, agent.stderr);
    const planted = ['refs/release/2.0', 'refs/tags/Release/3.0', 'refs/heads/Release/4.0', `refs/replace/${main}`];
    for (const ref of planted) server.git('update-ref', ref, ai);
    const grafts = path.join(server.dir, 'info', 'grafts');
    fs.mkdirSync(path.dirname(grafts), { recursive: true });
    fs.writeFileSync(grafts, `${main}\n`);

    const d = server.cli(['doctor', '--json']);
    assert.strictEqual(d.status, 1, `doctor found nothing to fix: ${d.stdout}`);
    const found = (JSON.parse(d.stdout) as { checks: Finding[] }).checks.filter((c) => c.check === 'server-refs');
    for (const ref of planted) {
      const f = found.find((c) => c.message.startsWith(ref));
      assert.ok(f && f.status === 'fix', `doctor does not list ${ref}: ${JSON.stringify(found, null, 2)}`);
      assert.match(f.fix ?? '', new RegExp(`git update-ref -d ${ref.replace(/\./g, '\\.')}`));
    }
    assert.ok(
      found.some((c) => c.status === 'fix' && (c.fix ?? '').includes(grafts)),
      'doctor lists info/grafts',
    );
    const inst = server.cli(['install', '--server']);
    assert.strictEqual(inst.status, 0, inst.stderr);
    for (const ref of planted) assert.ok(inst.stderr.includes(`git update-ref -d ${ref}`), inst.stderr);

    // The team creates its release branches from main: each is shadowed on the server by a planted ref.
    for (const [branch, by] of [
      ['release/2.0', 'refs/release/2.0'],
      ['release/3.0', 'refs/tags/Release/3.0'],
      ['release/4.0', 'refs/heads/Release/4.0'],
    ]) {
      const r = ada.gitResult(['push', '--no-verify', 'origin', `${main}:refs/heads/${branch}`]);
      assert.notStrictEqual(r.status, 0, `${branch} was created while ${by} shadows it: ${r.stderr}`);
      assert.ok(r.stderr.includes(by) && r.stderr.includes(`git update-ref -d ${by}`), r.stderr);
    }
    // Once the administrator deletes the planted refs, the branch is created and doctor has nothing to fix.
    for (const ref of planted) server.git('update-ref', '-d', ref);
    fs.rmSync(grafts);
    const ok = ada.gitResult(['push', '--no-verify', 'origin', `${main}:refs/heads/release/2.0`]);
    assert.strictEqual(ok.status, 0, ok.stderr);
    const after = server.cli(['doctor', '--json']);
    assert.strictEqual(after.status, 0, after.stdout);
  });
});
