import * as assert from 'assert';
import { verifyThenPush } from '../helpers/gateAgreement';
import { commitFile, setup } from '../helpers/gateServer';

/**
 * An outside tester's bypasses (session 5, F3 and F5): files git treats as binary — one NUL byte, or a
 * committed `.gitattributes` line `-diff` — showed `- -` in the numstat and no added lines in the commit
 * hook's diff. Replacing a 600-line file with one NUL byte skipped the mass-deletion tier, and AI lines in such
 * a file were stamped `ai=0 human=0 untracked=0` and passed. The gate now counts their lines as text, and added
 * lines that a trailer does not account for count as untracked.
 */
describe('server gate: files git treats as binary (real pushes)', function () {
  this.timeout(120_000);

  const HUMAN = (n: number) => `AI-Provenance: v1 ai=0 human=${n} untracked=0`;
  const NONE = 'AI-Provenance: v1 ai=0 human=0 untracked=0';

  it('a NUL byte does not hide a mass deletion, nor lines the trailer leaves out; verify agrees', () => {
    const { ada, server } = setup(undefined);
    const big = Array.from({ length: 600 }, (_, i) => `setting_${i} = ${i}`).join('\n') + '\n';
    commitFile(ada, 'config.txt', big, `config\n\n${HUMAN(600)}`);
    ada.write('.gitattributes', 'deploy.sh -diff\n');
    ada.git('add', '.gitattributes');
    ada.commit('attributes', '-m', HUMAN(1));
    server.git('fetch', '-q', ada.dir, 'main:main');
    ada.git('fetch', '-q', 'origin');

    // F5: 600 lines replaced by one NUL byte.
    commitFile(ada, 'config.txt', '\0', `shrink\n\n${NONE}`);
    const wipe = verifyThenPush(ada, 'main', ['origin', 'main']);
    assert.notStrictEqual(wipe.status, 0, 'replacing 600 lines by a NUL byte deletes 600 lines');
    assert.match(wipe.stderr, /mass-deletion/);

    // F3 backstop: 30 lines the trailer does not account for (NUL-containing, and marked -diff in the tree).
    const payload = Array.from({ length: 30 }, (_, i) => `echo step ${i}`).join('\n') + '\n';
    for (const [file, content] of [
      ['run.sh', payload + '# \0\n'],
      ['deploy.sh', payload],
    ]) {
      ada.git('reset', '-q', '--hard', 'origin/main');
      commitFile(ada, file, content, `add ${file}\n\n${NONE}`);
      const r = verifyThenPush(ada, 'main', ['origin', 'main']);
      assert.notStrictEqual(r.status, 0, `${file}: added lines no trailer accounts for are untracked`);
      assert.match(r.stderr, /untracked/);
    }
    // An honest human commit of such a file passes.
    ada.git('reset', '-q', '--hard', 'origin/main');
    commitFile(ada, 'deploy.sh', payload, `add deploy.sh\n\n${HUMAN(30)}`);
    assert.strictEqual(verifyThenPush(ada, 'main', ['origin', 'main']).status, 0);
  });
});
