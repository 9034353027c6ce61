import * as assert from 'assert';
import { parsePolicy } from '../../../src/core/policy';
import { refNameKeys, verdictReads } from '../../../src/git/verdictReads';

/** What a push's verdicts read, as the reference-transaction hook is told it (attack23 03). */
describe('verdictReads: which refs of a push nobody reads but by name, and which names it watches', () => {
  const policy = {
    policy: parsePolicy(
      JSON.stringify({ protectedBranches: ['main', 'release/*'], protectedTags: ['v*'], reviewers: [] }),
      '.countersign.json',
    ),
  };
  const cmd = (ref: string, target = ref) => ({ ref, target, old: undefined, new: 'a'.repeat(40) });

  it('folds names as the shadowing rules collide them', () => {
    assert.deepStrictEqual(refNameKeys('refs/heads/Topic'), ['topic']);
    assert.deepStrictEqual(refNameKeys('refs/tags/origin/Main'), ['origin/main', 'main']);
    assert.deepStrictEqual(refNameKeys('refs/heads/x/main'), ['x/main'], 'a branch collides by its whole name only');
    assert.deepStrictEqual(refNameKeys('refs/release/2.0'), ['release/2.0']);
  });

  it('an unprotected branch or tag is plain; protected refs, the policy branch, notes and symbolic refs are not', () => {
    const text = verdictReads({
      commands: [
        cmd('refs/heads/junk'),
        cmd('refs/tags/build1'),
        cmd('refs/heads/main'),
        cmd('refs/tags/v1'),
        cmd('refs/notes/countersign'),
        cmd('refs/heads/alias', 'refs/heads/other'),
      ],
      policy: policy.policy,
      policyRef: 'refs/heads/main',
      readsAll: false,
    });
    const lines = text.trim().split('\n');
    assert.deepStrictEqual(
      lines.filter((l) => l.startsWith('plain')),
      ['plain refs/heads/junk junk', 'plain refs/tags/build1 build1'],
    );
    assert.ok(!lines.includes('all'));
    assert.ok(lines.includes('watch main') && lines.includes('watch other') && lines.includes('watch junk'));
    assert.strictEqual(lines.at(-1), 'end');
  });

  it('a notes ref the gate never reads is plain; the guarded ones, their case twins and refs below them are not (attack24 11)', () => {
    const text = verdictReads({
      commands: [
        cmd('refs/notes/junk'),
        cmd('refs/notes/commits'),
        cmd('refs/notes/ai'),
        cmd('refs/notes/AI'),
        cmd('refs/notes/Countersign'),
        cmd('refs/notes/ai/x'),
      ],
      policy: policy.policy,
      policyRef: 'refs/heads/main',
      readsAll: false,
    });
    assert.deepStrictEqual(
      text.split('\n').filter((l) => l.startsWith('plain')),
      ['plain refs/notes/junk notes/junk', 'plain refs/notes/commits notes/commits'],
    );
  });

  it('a policy change, or no policy in force, reads everything and leaves nothing plain', () => {
    for (const o of [
      { policy: policy.policy, readsAll: true },
      { policy: undefined, readsAll: false },
    ]) {
      const text = verdictReads({ commands: [cmd('refs/heads/junk')], policyRef: 'refs/heads/main', ...o });
      assert.match(text, /^all$/m);
      assert.doesNotMatch(text, /^plain/m);
    }
  });
});
