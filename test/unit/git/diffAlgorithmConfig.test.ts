import * as assert from 'assert';
import { verifyThenPush } from '../helpers/gateAgreement';
import { commitFile, policyJson, setup } from '../helpers/gateServer';
import { makeKey } from '../helpers/reviewerKeys';

/**
 * attack25 A25-01: the gate's line counts followed the reading git's `diff.algorithm` (porcelain `git log
 * --numstat`), so a server whose administrator set `histogram` (a common recommendation, also in /etc/gitconfig)
 * counted other lines than `verify` in a default CI runner: an honest commit passed one and was refused by the
 * other. Histogram and patience need not be minimal; the gate counts with myers everywhere, whatever the config.
 * The two versions below differ by 5 added, 7 deleted lines (myers) or 6 and 8 (histogram); the tier asks 8.
 */
const OLD = ['}', 'x', 'x', '}', '}', 'b', 'b', '}', 'x', '}', 'b'].join('\n') + '\n';
const NEW = ['x', 'c', 'b', 'a', '}', 'a', '}', 'x', 'x'].join('\n') + '\n';
const HUMAN_EDIT = 'edit data by hand\n\nAI-Provenance: v1 ai=0 human=5 untracked=0';

describe('server gate: line counts do not follow diff.algorithm (attack25 A25-01, real server)', function () {
  this.timeout(240_000);

  for (const side of ['server', 'CI runner'] as const)
    it(`an honest edit counted 7 deleted lines by myers passes both verify and the server when the ${side} says histogram`, () => {
      const s = setup(
        policyJson(makeKey('bob'), makeKey('carol'), {
          tiers: [{ name: 'mass-deletion', deletedLines: 8, approvals: 2 }],
        }),
      );
      const { ada, server } = s;
      commitFile(ada, 'data.txt', OLD, 'add data\n\nAI-Provenance: v1 ai=0 human=11 untracked=0');
      const first = verifyThenPush(ada, 'main', ['origin', 'main']);
      assert.strictEqual(first.status, 0, first.stderr);
      (side === 'server' ? server : ada).git('config', 'diff.algorithm', 'histogram');
      assert.match(ada.gitResult(['-c', 'diff.algorithm=myers', 'diff', '--numstat', 'HEAD']).stdout, /^$/);
      commitFile(ada, 'data.txt', NEW, HUMAN_EDIT);
      const counted = (alg: string) =>
        ada.git('-c', `diff.algorithm=${alg}`, 'show', '--numstat', '--format=', 'HEAD').trim().split('\t');
      assert.deepStrictEqual(counted('myers').slice(0, 2), ['5', '7']);
      assert.deepStrictEqual(counted('histogram').slice(0, 2), ['6', '8'], 'the fixture no longer tells the two apart');
      const r = verifyThenPush(ada, 'main', ['origin', 'main']);
      assert.strictEqual(r.status, 0, r.stderr);
    });
});
