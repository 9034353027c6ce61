import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { verifyThenPush } from '../helpers/gateAgreement';
import { policyJson } from '../helpers/gateServer';
import { makeKey, type TestKey } from '../helpers/reviewerKeys';
import { TempRepo } from '../helpers/tempRepo';

/**
 * A SHA-256 repository's root commits have the SHA-256 empty tree as their base, not SHA-1's well-known one
 * (issue 10). A real SHA-256 bare server with the installed pre-receive, `verify` agreeing on every push: a
 * protected branch that is a single root commit, approved against the empty tree; a force-push of main back
 * to a root-only history, refused by default and judged (with what it drops) when the policy allows it.
 */
function sha256Repo(bare: boolean): TempRepo {
  const repo = TempRepo.create({ bare });
  fs.rmSync(bare ? path.join(repo.dir, 'HEAD') : path.join(repo.dir, '.git'), { recursive: true, force: true });
  if (bare)
    for (const f of fs.readdirSync(repo.dir)) fs.rmSync(path.join(repo.dir, f), { recursive: true, force: true });
  repo.git('init', '-q', '--object-format=sha256', '-b', 'main', ...(bare ? ['--bare'] : []));
  return repo;
}

describe('a SHA-256 server: root commits and rewinds to a root are judged (real pushes)', function () {
  this.timeout(180_000);

  let server: TempRepo;
  let ada: TempRepo;
  let bob: TestKey;
  let carol: TestKey;

  function rootCommit(branch: string, file: string, lines: number, policy: string): string {
    ada.git('checkout', '-q', '--orphan', branch);
    ada.git('rm', '-q', '-r', '--cached', '--ignore-unmatch', '.');
    for (const f of fs.readdirSync(ada.dir))
      if (f !== '.git') fs.rmSync(path.join(ada.dir, f), { recursive: true, force: true });
    ada.write('.countersign.json', policy);
    ada.write(file, Array.from({ length: lines }, (_, i) => `ai line ${i}`).join('\n') + '\n');
    ada.git('add', '.');
    return ada.commit(`root ${branch}`, '-m', `AI-Provenance: v1 ai=${lines} human=0 untracked=0`);
  }

  /** `countersign approve REV` as a reviewer, with its default base (the empty tree for a root commit); it pushes the notes. */
  function approveAs(key: TestKey, rev: string, ...extra: string[]): void {
    const email = key === bob ? 'bob@example.com' : 'carol@example.com';
    const r = ada.cli(['approve', rev, '--key', key.privateKeyFile, ...extra], {
      env: { GIT_CONFIG_COUNT: '1', GIT_CONFIG_KEY_0: 'user.email', GIT_CONFIG_VALUE_0: email },
    });
    assert.strictEqual(r.status, 0, r.stderr + r.stdout);
  }

  before(() => {
    bob = makeKey('bob');
    carol = makeKey('carol');
    server = sha256Repo(true);
    assert.strictEqual(server.cli(['install', '--server']).status, 0);
    ada = sha256Repo(false);
    ada.git('config', 'user.name', 'Ada Author');
    ada.git('config', 'user.email', 'ada@example.com');
    ada.git('remote', 'add', 'origin', server.dir);
    ada.write('.countersign.json', policyJson(bob, carol, { allowForcePushes: false }));
    ada.write('README.md', 'hello\n');
    ada.git('add', '.');
    ada.commit('Add policy', '-m', 'AI-Provenance: v1 ai=0 human=2 untracked=0');
    assert.strictEqual(ada.gitResult(['push', '-q', 'origin', 'main']).status, 0);
    assert.strictEqual(server.git('rev-parse', '--show-object-format'), 'sha256');
  });

  it('a protected branch that is one root commit: refused unreviewed, accepted once approved against the empty tree', () => {
    const root = rootCommit('release/1', 'gen.ts', 30, ada.git('show', 'main:.countersign.json') + '\n');
    assert.strictEqual(root.length, 64);
    const before = verifyThenPush(ada, 'release/1', ['origin', 'HEAD:refs/heads/release/1']);
    assert.notStrictEqual(before.status, 0, 'unreviewed AI root commit must be refused');
    assert.match(before.stderr, /AI-attributed: 30 of 30/);
    // The root commit adds .countersign.json: a policy change, which needs what the strictest tier needs (two).
    approveAs(bob, root);
    approveAs(carol, root);
    const after = verifyThenPush(ada, 'release/1', ['origin', 'HEAD:refs/heads/release/1']);
    assert.strictEqual(after.status, 0, after.stderr + after.verify.stdout);
  });

  it('a force-push of main to a root-only history: refused by default with the rewind named, not an error', () => {
    ada.git('checkout', '-q', 'main');
    rootCommit('replacement', 'env.tf', 3, ada.git('show', 'main:.countersign.json') + '\n');
    const r = verifyThenPush(ada, 'main', ['--force', 'origin', 'HEAD:main']);
    assert.notStrictEqual(r.status, 0);
    assert.match(r.stderr, /non-fast-forward update of the protected branch main is not allowed/);
  });

  it('with allowForcePushes the rewind to a root is judged: what it drops counts, and an approval lets it through', () => {
    ada.git('checkout', '-q', 'main');
    ada.write('.countersign.json', policyJson(bob, carol, { allowForcePushes: true }));
    ada.git('add', '.');
    ada.commit('Allow force-pushes', '-m', 'AI-Provenance: v1 ai=0 human=1 untracked=0');
    const policyChange = verifyThenPush(ada, 'main', ['origin', 'HEAD:main']);
    assert.notStrictEqual(policyChange.status, 0, 'a policy change needs review');
    approveAs(bob, 'HEAD');
    approveAs(carol, 'HEAD');
    assert.strictEqual(verifyThenPush(ada, 'main', ['origin', 'HEAD:main']).status, 0);

    const root = rootCommit('replacement2', 'app.ts', 4, ada.git('show', 'main:.countersign.json') + '\n');
    const refused = verifyThenPush(ada, 'main', ['--force', 'origin', 'HEAD:main']);
    assert.notStrictEqual(refused.status, 0);
    assert.match(
      refused.stderr,
      /force-push of main from [0-9a-f]{64} to [0-9a-f]{64}: it drops 2 commit\(s\) now on main, which counts as deleting 2 file\(s\)/,
    );
    // The rewind is approved as such, from main's value (attack23 1): the root's own approvals do not count for it.
    const old = ada.git('rev-parse', 'main');
    approveAs(bob, root, '--base', old, '--rewind');
    approveAs(carol, root, '--base', old, '--rewind');
    const accepted = verifyThenPush(ada, 'main', ['--force', 'origin', 'HEAD:main']);
    assert.strictEqual(accepted.status, 0, accepted.stderr + accepted.verify.stdout);
    assert.strictEqual(server.git('rev-parse', 'main'), root);
  });
});
