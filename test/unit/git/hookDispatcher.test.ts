import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { commitFile, HUMAN_ONE, pushMain, serverRef, setup, type Setup } from '../helpers/gateServer';

/**
 * attack24 9: the verdict record the reference-transaction hook reads was keyed by the pre-receive script's $PPID,
 * and looked up with the reference-transaction hook's own parent, receive-pack. Under a hook dispatcher (Gitea's
 * and Forgejo's hooks/pre-receive running hooks/pre-receive.d/*, a site wrapper) pre-receive is not receive-pack's
 * child: the record was written under the dispatcher's pid, never found, and the land-together and stale-verdict
 * checks were skipped without a word. Real bare server with `install --server`, stock git.
 */
describe('server gate under a hook dispatcher (attack24 9, real server)', function () {
  this.timeout(240_000);

  /** Gitea/Forgejo's layout: hooks/pre-receive is a bash dispatcher running each hooks/pre-receive.d/* script. */
  function dispatch(s: Setup): void {
    const hooks = path.join(s.server.dir, 'hooks');
    fs.mkdirSync(path.join(hooks, 'pre-receive.d'));
    const gate = fs.readFileSync(path.join(hooks, 'pre-receive'), 'utf8');
    // The gate finds its repository from its own folder: one level up now.
    const moved = gate.replace('case $0 in */*) here=${0%/*} ;;', 'case $0 in */*) here=${0%/*}/.. ;;');
    assert.notStrictEqual(moved, gate, 'the gate script names its folder as expected');
    fs.writeFileSync(path.join(hooks, 'pre-receive.d', 'countersign'), moved, { mode: 0o755 });
    fs.writeFileSync(
      path.join(hooks, 'pre-receive'),
      `#!/usr/bin/env bash
data=$(cat)
codes=""
for hook in "$(dirname "$0")"/pre-receive.d/*; do
  test -x "$hook" && test -f "$hook" || continue
  echo "$data" | "$hook"
  codes="$codes $?"
done
for c in $codes; do [ "$c" -eq 0 ] || exit "$c"; done
`,
      { mode: 0o755 },
    );
  }

  it('a tag v1 whose verdict relies on deleting branch v1 does not land when git refuses the deletion', () => {
    const s = setup();
    const { ada, server } = s;
    dispatch(s);
    server.git('config', 'receive.denyDeletes', 'true');
    const main = serverRef(s, 'refs/heads/main');
    const branch = ada.gitResult(['push', '--no-verify', 'origin', `${main}:refs/heads/v1`]);
    assert.strictEqual(branch.status, 0, branch.stderr);
    const r = ada.gitResult(['push', '--no-verify', 'origin', `${main}:refs/tags/v1`, ':refs/heads/v1']);
    assert.strictEqual(serverRef(s, 'refs/tags/v1'), '', `a branch and a tag v1 both exist:\n${r.stderr}`);
    assert.match(r.stderr, /git push --atomic/);
    // Ordinary pushes still land through the dispatcher.
    commitFile(ada, 'notes.txt', 'x\n', `human\n\n${HUMAN_ONE}`);
    const ok = pushMain(ada, '--no-verify');
    assert.strictEqual(ok.status, 0, ok.stderr);
  });

  it('a gate run outside any git receive-pack refuses, naming why', () => {
    const s = setup();
    const main = serverRef(s, 'refs/heads/main');
    const r = spawnSync('sh', [path.join(s.server.dir, 'hooks', 'pre-receive')], {
      cwd: s.server.dir,
      input: `${'0'.repeat(40)} ${main} refs/heads/topic\n`,
      encoding: 'utf8',
      env: { ...process.env, GIT_DIR: s.server.dir },
    });
    assert.notStrictEqual(r.status, 0, r.stderr);
    assert.match(r.stderr, /no git receive-pack among this hook's parent processes/);
  });

  it("a push a pre-receive hook let through without Countersign's gate is refused at its ref update", () => {
    const s = setup();
    const { ada, server } = s;
    // Someone's own pre-receive in place of the gate, the reference-transaction hook still installed.
    fs.writeFileSync(path.join(server.dir, 'hooks', 'pre-receive'), '#!/bin/sh\ncat >/dev/null\nexit 0\n', {
      mode: 0o755,
    });
    const before = serverRef(s, 'refs/heads/main');
    commitFile(ada, 'x.txt', 'x\n', `human\n\n${HUMAN_ONE}`);
    const r = pushMain(ada, '--no-verify');
    assert.notStrictEqual(r.status, 0, r.stderr);
    assert.match(r.stderr, /no verdict of the pre-receive gate is recorded for this push/);
    assert.strictEqual(serverRef(s, 'refs/heads/main'), before);
    // With no pre-receive hook at all (an administrator's maintenance push), git's own rules apply.
    fs.rmSync(path.join(server.dir, 'hooks', 'pre-receive'));
    const admin = pushMain(ada, '--no-verify');
    assert.strictEqual(admin.status, 0, admin.stderr);
  });
});
