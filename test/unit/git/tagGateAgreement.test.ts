import * as assert from 'assert';
import { attach, sign, statementFor } from '../helpers/approvals';
import { commitFile, setup, type Setup } from '../helpers/gateServer';
import { prePushHook } from '../helpers/refVerdicts';

/**
 * Tags are judged by `verify` and the client's pre-push exactly as the server's pre-receive judges them
 * (docs/design.md, "The policy": `protectedTags`, every tag when absent; a protected tag may only name a commit already
 * on a protected branch or one that passes as a push to the policy branch; deleting one is refused). Each
 * case asks all three — `verify --tag`, the pre-push hook with the ref line git gives it, and a real push
 * past the client hooks to a bare server with the installed pre-receive — and they must agree.
 */
describe('tags: verify, pre-push and the server agree (real server)', function () {
  this.timeout(120_000);

  const ZERO = '0'.repeat(40);
  let s: Setup;
  let aiCommit: string;
  before(() => {
    s = setup();
    s.ada.git('checkout', '-q', '-b', 'feature/ai');
    aiCommit = commitFile(s.ada, 'ai.ts', 'ai\n', 'AI change\n\nAI-Provenance: v1 ai=1 human=0 untracked=0');
    assert.strictEqual(
      s.ada.gitResult(['push', '-q', 'origin', 'feature/ai']).status,
      0,
      'an unprotected branch takes it',
    );
    s.ada.git('checkout', '-q', 'main');
  });

  /** The three verdicts for pushing tag `name` (or deleting it): true = passes. */
  function verdicts(
    name: string,
    opts: { delete?: boolean } = {},
  ): { verify: boolean; prePush: boolean; server: boolean; stderr: string; json: string | undefined } {
    const { ada } = s;
    const ref = `refs/tags/${name}`;
    const remote = ada.git('ls-remote', 'origin', ref).split('\t')[0] || ZERO;
    const local = opts.delete ? ZERO : ada.git('rev-parse', ref);
    const prePush = prePushHook(ada, `${opts.delete ? '(delete)' : ref} ${local} ${ref} ${remote}\n`);
    const server = ada.gitResult(['push', '--no-verify', 'origin', opts.delete ? `:${ref}` : ref]);
    const out = {
      prePush: prePush.status === 0,
      server: server.status === 0,
      stderr: `pre-push: ${prePush.stderr}\nserver: ${server.stderr}`,
    };
    if (opts.delete) return { ...out, verify: out.server, json: undefined };
    const verify = ada.cli(['verify', '--tag', name, '--format', 'json']);
    assert.ok(
      verify.status === 0 || verify.status === 1,
      `verify --tag exits 0 or 1, not ${verify.status}: ${verify.stderr}`,
    );
    return { ...out, verify: verify.status === 0, json: verify.stdout };
  }

  function agree(v: ReturnType<typeof verdicts>, expected: boolean): void {
    assert.deepStrictEqual(
      { verify: v.verify, prePush: v.prePush, server: v.server },
      { verify: expected, prePush: expected, server: expected },
      v.stderr,
    );
  }

  it('a tag (lightweight or annotated) on an unreviewed AI commit parked on a feature branch: refused by all three', () => {
    s.ada.git('tag', 'v2.0', aiCommit);
    s.ada.git('tag', '-a', '-m', 'release', 'v2.1', aiCommit);
    const light = verdicts('v2.0');
    agree(light, false);
    assert.match(light.stderr, /pre-push: [\s\S]*refs\/tags\/v2\.0 is protected/);
    // newuser12 P15: no nested quotes and parentheses around the "every tag" rule.
    assert.match(
      light.stderr,
      /pre-push: [\s\S]*refs\/tags\/v2\.0 is protected \(every tag is: protectedTags is not set in \.countersign\.json on origin\/main\)\./,
    );
    assert.strictEqual((JSON.parse(light.json ?? '{}') as { branch: string }).branch, 'refs/tags/v2.0');
    agree(verdicts('v2.1'), false);
  });

  it('a tag of a tree names no commit: refused by all three', () => {
    s.ada.git('tag', 'v-tree', `${aiCommit}^{tree}`);
    const v = verdicts('v-tree');
    agree(v, false);
    assert.match(v.stderr, /which is not a commit/);
  });

  it("a tag on a commit already on main passes all three; once approved, so does the AI commit's tag", () => {
    s.ada.git('tag', 'v1.0', 'origin/main');
    agree(verdicts('v1.0'), true);
    const base = s.ada.git('rev-parse', 'origin/main');
    attach(
      s.ada.dir,
      sign(s.bob, statementFor(s.ada.dir, { email: 'bob@example.com', tip: aiCommit, base })),
      aiCommit,
      s.ada.env,
    );
    assert.strictEqual(s.ada.gitResult(['push', '-q', 'origin', 'refs/notes/countersign']).status, 0);
    agree(verdicts('v2.0'), true);
  });

  it('deleting a protected tag: refused by pre-push and the server', () => {
    const v = verdicts('v1.0', { delete: true });
    assert.deepStrictEqual({ prePush: v.prePush, server: v.server }, { prePush: false, server: false }, v.stderr);
    assert.match(v.stderr, /deleting the protected tag v1\.0 is not allowed/);
  });
});
