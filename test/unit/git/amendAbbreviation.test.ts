import * as assert from 'assert';
import { serverRef, setup } from '../helpers/gateServer';

/**
 * red26: `git commit --amen` (git takes any unambiguous prefix of --amend) is an amend to git, but the commit hook
 * read only the exact word: it diffed the index against the commit being replaced, so an agent's amended commit
 * was stamped with the amend's own lines only (ai=0), and the protected server took it unreviewed.
 */
describe('an amend spelled as an abbreviation of --amend (red26)', function () {
  this.timeout(240_000);
  for (const spelling of ['--amend', '--amen', '--am']) {
    it(`${spelling}: the agent's lines stay the agent's, and the push needs a review`, () => {
      const s = setup();
      const { ada } = s;
      assert.strictEqual(ada.cli(['install']).status, 0);
      const cp = (phase: string) =>
        assert.strictEqual(
          ada.cli(['checkpoint', '--phase', phase, '--agent', 'claude-code', 'agent.py', '-q']).status,
          0,
        );
      cp('before');
      ada.write('agent.py', Array.from({ length: 18 }, (_, i) => `x${i} = ${i}`).join('\n') + '\n');
      cp('after');
      ada.git('add', 'agent.py');
      ada.commit('agent work');
      assert.match(ada.git('log', '-1', '--format=%B'), /ai=18 /);
      ada.write('README.md', 'readme\n');
      ada.git('add', 'README.md');
      ada.git('commit', '-q', spelling, '-m', 'tidy up');
      const msg = ada.git('log', '-1', '--format=%B');
      const push = ada.gitResult(['push', '--no-verify', 'origin', 'main']);
      assert.match(msg, /ai=18 /, msg);
      assert.notStrictEqual(serverRef(s, 'refs/heads/main'), ada.git('rev-parse', 'HEAD'), push.stderr);
    });
  }
});
