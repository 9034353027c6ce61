import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { verifyThenPush, withoutGate } from '../helpers/gateAgreement';
import { setup, type Setup } from '../helpers/gateServer';

/**
 * What counts as a deleted file for the tiers' `deletedFiles` (outside tester, session 7, G7): `git rm` of 8
 * files met the mass-deletion tier, while emptying 4 of them and replacing the other 4 with symlinks to
 * /dev/null — the same files destroyed — landed with no approval. A file whose content goes to nothing, or
 * whose regular file becomes a symlink or a gitlink, is deleted (src/core/fileDeletion.ts).
 */
describe('server gate: files emptied or replaced by symlinks count as deleted (real pushes)', function () {
  this.timeout(240_000);

  const HUMAN = (n: number) => `AI-Provenance: v1 ai=0 human=${n} untracked=0`;
  const SERVICES = Array.from({ length: 8 }, (_, i) => `services/svc${i + 1}.yaml`);

  let s: Setup;
  before(() => {
    s = setup();
    const { ada } = s;
    for (const f of SERVICES) ada.write(f, `name: ${f}\nreplicas: 3\nimage: app\nport: 80\n`);
    ada.git('add', '.');
    ada.commit('services', '-m', HUMAN(32));
    assert.strictEqual(verifyThenPush(ada, 'main', ['origin', 'main']).status, 0);
  });
  afterEach(() => s.ada.git('reset', '-q', '--hard', 'origin/main'));

  it('emptying 4 files and turning 4 into symlinks meets the tier as git rm of the 8 does', () => {
    const { ada, server } = s;
    for (const f of SERVICES.slice(0, 4)) ada.write(f, '');
    for (const f of SERVICES.slice(4)) {
      fs.rmSync(path.join(ada.dir, f));
      fs.symlinkSync('/dev/null', path.join(ada.dir, f));
    }
    ada.git('add', '-A');
    ada.commit('tidy services', '-m', HUMAN(4));
    const before = server.git('rev-parse', 'main');
    const r = verifyThenPush(ada, 'main', ['origin', 'main']);
    assert.notStrictEqual(r.status, 0, '8 service definitions destroyed with no approval');
    assert.match(r.stderr, /tier 'mass-deletion': deletes 8 file\(s\)/);
    assert.strictEqual(server.git('rev-parse', 'main'), before);
  });

  it('leaving a newline, a space, a lone # or a BOM in each of 8 files meets the tier as git rm does (attack24 02)', () => {
    const { ada, server } = s;
    // What is left holds nothing of the service: only the empty blob counted before, so each of these was an edit.
    const stubs = ['\n', ' ', '#\n', '\uFEFF\n'];
    for (const [i, f] of SERVICES.entries()) ada.write(f, stubs[i % stubs.length]);
    ada.git('add', '-A');
    ada.commit('trim service definitions', '-m', HUMAN(0));
    const before = server.git('rev-parse', 'main');
    const r = verifyThenPush(ada, 'main', ['origin', 'main']);
    assert.notStrictEqual(r.status, 0, '8 service definitions destroyed, a stub left in each, with no approval');
    assert.match(r.stderr, /tier 'mass-deletion': deletes 8 file\(s\)/);
    assert.strictEqual(server.git('rev-parse', 'main'), before);
  });

  it('stubs left over two pushes meet the tier with the unreviewed commits before (attack24 02, across pushes)', () => {
    const { ada, server } = s;
    const trim = (files: string[], n: number) => {
      for (const f of files) ada.write(f, '#\n');
      ada.git('add', '-A');
      ada.commit(`trim ${n}`, '-m', HUMAN(0));
      return verifyThenPush(ada, 'main', ['origin', 'main']);
    };
    // 4 files: under the tier's 5, so the first push lands.
    assert.strictEqual(trim(SERVICES.slice(0, 4), 1).status, 0);
    const before = server.git('rev-parse', 'main');
    const r = trim(SERVICES.slice(4), 2);
    assert.notStrictEqual(r.status, 0, 'the second half of the stubs landed: 8 files destroyed in two pushes');
    assert.match(
      r.stderr,
      /tier 'mass-deletion': this push and the \d+ unreviewed commit\(s\) on main .*delete 8 files/,
    );
    assert.strictEqual(server.git('rev-parse', 'main'), before);
    // Put the server back for the other tests (afterEach resets the clone to it).
    withoutGate(server, () => server.git('update-ref', 'refs/heads/main', ada.git('rev-parse', 'HEAD~2')));
    ada.git('fetch', '-q', 'origin');
  });

  it('spread over several commits, the push as a whole still meets the tier', () => {
    const { ada } = s;
    for (const [i, f] of SERVICES.entries()) {
      ada.write(f, '');
      ada.git('add', f);
      ada.commit(`empty ${i}`, '-m', HUMAN(0));
    }
    const r = verifyThenPush(ada, 'main', ['origin', 'main']);
    assert.notStrictEqual(r.status, 0);
    assert.match(r.stderr, /this push deletes 8 files/);
  });

  it('ordinary edits of every file are not deletions', () => {
    const { ada, server } = s;
    for (const f of SERVICES) ada.write(f, `name: ${f}\nreplicas: 5\n`);
    ada.git('add', '-A');
    ada.commit('scale services', '-m', HUMAN(8));
    assert.strictEqual(verifyThenPush(ada, 'main', ['origin', 'main']).status, 0);
    assert.strictEqual(server.git('rev-parse', 'main'), ada.git('rev-parse', 'HEAD'));
  });
});
