import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { formatStatementLine } from '../../../src/core/approvalStatement';
import { attach, cloneAs, forkAs, sign, statementFor } from '../helpers/approvals';
import { withoutGate } from '../helpers/gateAgreement';
import { commitFile, setup } from '../helpers/gateServer';
import type { TempRepo } from '../helpers/tempRepo';

/**
 * A contributor's fork poisoned a reviewer's notes (attack10 J3). The review panel (and `countersign review`) fetch
 * every remote's notes and merged them into the reviewer's refs/notes/countersign unfiltered; one junk line in the
 * fork's notes then made the real server refuse every later push of that ref, so the reviewer's approvals stayed
 * local. Another remote's lines are now taken only where the server would take them (the server's own rule,
 * core/addedStatementLine.ts). Real bare server with `install --server`, a fork without the hook, real keys.
 */
/**
 * A commit of Dana's made past her hooks, so it keeps the AI-Provenance trailer the test writes: these tests' notes
 * attest a human line by hand, and the hooks' own trailer would call that line untracked (the server refuses a
 * note that attests more human lines than the commit's trailer says, attack16 P7).
 */
function unhookedCommit(repo: TempRepo, file: string, content: string, message: string): string {
  repo.write(file, content);
  repo.git('add', '--', file);
  repo.git('-c', 'core.hooksPath=/dev/null', 'commit', '-q', '-m', message);
  return repo.git('rev-parse', 'HEAD');
}

describe("a fork's notes cannot block a reviewer's approvals (real server)", function () {
  this.timeout(120_000);
  const dirs: string[] = [];
  after(() => {
    for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  });

  it("Bob's approval reaches the server after a review refresh fetched the fork's junk; the fork's real approval comes along", () => {
    const { ada, bob, carol, server } = setup();
    dirs.push(path.dirname(server.dir));
    // Ada's fix, on the server, waiting for review.
    const base = ada.git('rev-parse', 'origin/main');
    const fix = commitFile(
      ada,
      'fix.ts',
      'export const fix = 1;\n',
      'fix\n\nAI-Provenance: v1 ai=1 human=0 untracked=0',
    );
    assert.strictEqual(ada.gitResult(['push', '-q', '--no-verify', 'origin', 'HEAD:refs/heads/fix']).status, 0);

    // Alice's fork (no hook): a junk line, a real statement about another commit copied onto her commit's note, and
    // Carol's real approval of the fix recorded there (what a fork may legitimately carry).
    const { fork, clone: alice } = forkAs(server.dir, 'Alice', 'alice@example.com');
    dirs.push(alice.dir);
    alice.git('fetch', '-q', 'origin', 'fix');
    const feature = commitFile(alice, 'hi.py', "print('hi')\n", 'feature');
    alice.git('notes', '--ref=refs/notes/countersign', 'add', '-m', 'not a statement', feature);
    const carols = sign(carol, statementFor(alice.dir, { email: 'carol@example.com', tip: fix, base }));
    attach(alice.dir, carols);
    attach(alice.dir, carols, feature);
    assert.strictEqual(
      alice.gitResult(['push', '-q', 'origin', 'HEAD:refs/heads/feature', 'refs/notes/countersign']).status,
      0,
    );

    // Bob reviews: his clone knows the fork, and a review refresh fetches every remote's notes.
    const bobs = cloneAs(server.dir, 'Bob Reviewer', 'bob@example.com', bob.privateKeyFile);
    dirs.push(bobs.dir);
    assert.strictEqual(bobs.cli(['install']).status, 0);
    bobs.git('remote', 'add', 'alice', fork);
    bobs.git('fetch', '-q', 'alice');
    const review = bobs.cli(['review']);
    assert.ok(review.status === 0 || review.status === 1, review.stderr);
    const approve = bobs.cli(['approve', fix, '--base', base, '--remote', 'origin']);
    assert.strictEqual(approve.status, 0, approve.stdout + approve.stderr);

    const onServer = server.git('notes', '--ref=refs/notes/countersign', 'show', fix);
    assert.match(onServer, /"email":"bob@example\.com"/, "Bob's approval did not reach the server");
    assert.ok(onServer.includes(formatStatementLine(carols)), "the fork's real approval of the fix came along");
    assert.strictEqual(
      server.gitResult(['notes', '--ref=refs/notes/countersign', 'show', feature]).status,
      1,
      "no line of the fork's note on its own commit reached the server",
    );
    assert.doesNotMatch(bobs.git('notes', '--ref=refs/notes/countersign', 'list'), new RegExp(feature));
  });
  it("checking out the fork's pull-request branch (tracking the fork) does not make the fork's notes or policy trusted (attack11 K2)", () => {
    const { ada, bob, mallory, server } = setup();
    dirs.push(path.dirname(server.dir));
    const base = ada.git('rev-parse', 'origin/main');
    const fix = commitFile(
      ada,
      'fix.ts',
      'export const fix = 1;\n',
      'fix\n\nAI-Provenance: v1 ai=1 human=0 untracked=0',
    );
    assert.strictEqual(ada.gitResult(['push', '-q', '--no-verify', 'origin', 'HEAD:refs/heads/fix']).status, 0);

    // Alice's fork (no hook): its main lists Mallory as a reviewer too, and her pull-request branch's note holds a
    // junk line and a canonical statement about that very commit signed by Mallory (listed only in the fork).
    const { fork, clone: alice } = forkAs(server.dir, 'Alice', 'alice@example.com');
    dirs.push(alice.dir);
    const policy = JSON.parse(alice.git('show', 'HEAD:.countersign.json'));
    policy.reviewers.push({ name: 'Mallory', email: 'mallory@example.com', key: mallory.publicKey });
    commitFile(alice, '.countersign.json', JSON.stringify(policy, null, 2) + '\n', 'policy: add Mallory');
    const feature = commitFile(alice, 'hi.py', "print('hi')\n", 'feature');
    alice.git('notes', '--ref=refs/notes/countersign', 'add', '-m', 'not a statement', feature);
    const mallorys = sign(mallory, statementFor(alice.dir, { email: 'mallory@example.com', tip: feature, base }));
    attach(alice.dir, mallorys);
    assert.strictEqual(
      alice.gitResult([
        'push',
        '-q',
        'origin',
        'HEAD:refs/heads/main',
        'HEAD:refs/heads/feature',
        'refs/notes/countersign',
      ]).status,
      0,
    );

    // Bob checks the pull request out the ordinary way: `git checkout feature` tracks alice/feature.
    const bobs = cloneAs(server.dir, 'Bob Reviewer', 'bob@example.com', bob.privateKeyFile);
    dirs.push(bobs.dir);
    assert.strictEqual(bobs.cli(['install']).status, 0);
    bobs.git('remote', 'add', 'alice', fork);
    bobs.git('fetch', '-q', 'alice');
    bobs.git('checkout', '-q', 'feature');
    assert.strictEqual(bobs.git('rev-parse', '--abbrev-ref', '@{upstream}'), 'alice/feature');
    const review = bobs.cli(['review']);
    assert.ok(review.status === 0 || review.status === 1, review.stderr);
    assert.doesNotMatch(bobs.git('notes', '--ref=refs/notes/countersign', 'list'), new RegExp(feature));
    // Sharing an approval with the fork itself (`approve --remote alice`: its push fetches the fork's notes when they
    // are ahead) takes them no further: the push to the fork may fail, Bob's own ref stays clean.
    bobs.cli(['approve', fix, '--base', base, '--remote', 'alice']);
    assert.doesNotMatch(bobs.git('notes', '--ref=refs/notes/countersign', 'list'), new RegExp(feature));

    bobs.git('checkout', '-q', 'main');
    const approve = bobs.cli(['approve', fix, '--base', base, '--remote', 'origin']);
    assert.strictEqual(approve.status, 0, approve.stdout + approve.stderr);
    const onServer = server.git('notes', '--ref=refs/notes/countersign', 'show', fix);
    assert.match(onServer, /"email":"bob@example\.com"/, "Bob's approval did not reach the server");
    assert.doesNotMatch(approve.stdout + approve.stderr, /failed/);
  });

  // attack12 L3: a fork made with `git clone --mirror` shares the server's notes history; one notes commit on top that
  // removes the note holding Bob's earlier approval (drop), or rewrites it as a padded copy (pad), adds no line, so
  // the intake filter had nothing to leave out and fast-forwarded Bob's ref to the fork's commit as it was. Every
  // later push of his approvals was then refused by the server (drops a statement / a padded line), for good.
  for (const variant of ['drop', 'pad'] as const) {
    it(`a fork's notes commit that ${variant === 'drop' ? 'removes' : 'pads'} an approval is not adopted; Bob's next approval reaches the server (attack12 L3)`, () => {
      const { ada, bob, server } = setup();
      dirs.push(path.dirname(server.dir));
      const base = ada.git('rev-parse', 'origin/main');
      const old = commitFile(
        ada,
        'old.ts',
        'export const old = 1;\n',
        'old\n\nAI-Provenance: v1 ai=0 human=1 untracked=0',
      );
      assert.strictEqual(ada.gitResult(['push', '-q', '--no-verify', 'origin', 'HEAD:refs/heads/old']).status, 0);
      const bobs = cloneAs(server.dir, 'Bob Reviewer', 'bob@example.com', bob.privateKeyFile);
      dirs.push(bobs.dir);
      assert.strictEqual(bobs.cli(['install']).status, 0);
      const first = bobs.cli(['approve', old, '--base', base, '--remote', 'origin']);
      assert.strictEqual(first.status, 0, first.stdout + first.stderr);
      const statement = server.git('notes', '--ref=refs/notes/countersign', 'show', old);

      // The fork: a mirror of the server, and one notes commit on top.
      const fork = path.join(path.dirname(server.dir), 'fork.git');
      execFileSync('git', ['clone', '-q', '--mirror', server.dir, fork]);
      const alice = cloneAs(fork, 'Alice', 'alice@example.com');
      dirs.push(alice.dir);
      alice.git('fetch', '-q', 'origin', 'refs/notes/countersign:refs/notes/countersign');
      if (variant === 'drop') alice.git('notes', '--ref=refs/notes/countersign', 'remove', old);
      else alice.git('notes', '--ref=refs/notes/countersign', 'add', '-f', '-m', ` ${statement}`, old);
      assert.strictEqual(alice.gitResult(['push', '-q', 'origin', 'refs/notes/countersign']).status, 0);

      bobs.git('remote', 'add', 'alice', fork);
      bobs.git('fetch', '-q', 'alice');
      const review = bobs.cli(['review']);
      assert.ok(review.status === 0 || review.status === 1, review.stderr);
      assert.strictEqual(
        bobs.git('notes', '--ref=refs/notes/countersign', 'show', old),
        statement,
        "Bob's note on the old commit is as the server has it",
      );

      const fix = commitFile(
        ada,
        'fix.ts',
        'export const fix = 1;\n',
        'fix\n\nAI-Provenance: v1 ai=0 human=1 untracked=0',
      );
      assert.strictEqual(ada.gitResult(['push', '-q', '--no-verify', 'origin', 'HEAD:refs/heads/fix']).status, 0);
      bobs.git('fetch', '-q', 'origin');
      const approve = bobs.cli(['approve', fix, '--base', old, '--remote', 'origin']);
      assert.strictEqual(approve.status, 0, approve.stdout + approve.stderr);
      assert.doesNotMatch(approve.stdout + approve.stderr, /failed/);
      assert.match(server.git('notes', '--ref=refs/notes/countersign', 'show', fix), /"email":"bob@example\.com"/);
      assert.strictEqual(server.git('notes', '--ref=refs/notes/countersign', 'show', old), statement);
    });
  }

  // attack12 L7: refs/notes/ai from a fork was fast-forwarded to as it was; a `--mirror` fork whose notes commit
  // removes a note made Dana's ref lose it, and every later push of her provenance notes was refused (append-only).
  it("a fork's refs/notes/ai that drops a note is not adopted; its new readable notes come along; Dana's notes still reach the server (attack12 L7)", () => {
    const { server } = setup();
    dirs.push(path.dirname(server.dir));
    const aiNote = (file: string) =>
      `${file}\n  h_0123456789abcd 1\n---\n` +
      JSON.stringify({
        schema_version: 'authorship/3.0.0',
        base_commit_sha: '',
        prompts: {},
        humans: { h_0123456789abcd: { author: 'Dana <dana@example.com>' } },
      });
    const dana = cloneAs(server.dir, 'Dana', 'dana@example.com');
    dirs.push(dana.dir);
    assert.strictEqual(dana.cli(['install']).status, 0);
    const c1 = unhookedCommit(dana, 'a.py', "print('a')\n", 'a\n\nAI-Provenance: v1 ai=0 human=1 untracked=0');
    dana.git('notes', '--ref=refs/notes/ai', 'add', '-f', '-m', aiNote('a.py'), c1);
    assert.strictEqual(dana.gitResult(['push', '-q', '--no-verify', 'origin', 'HEAD:refs/heads/feature']).status, 0);
    assert.strictEqual(dana.gitResult(['push', '-q', '--no-verify', 'origin', 'refs/notes/ai']).status, 0);
    const c1Note = server.git('notes', '--ref=refs/notes/ai', 'show', c1);

    const fork = path.join(path.dirname(server.dir), 'fork.git');
    execFileSync('git', ['clone', '-q', '--mirror', server.dir, fork]);
    const alice = cloneAs(fork, 'Alice', 'alice@example.com');
    dirs.push(alice.dir);
    alice.git('fetch', '-q', 'origin', 'refs/notes/ai:refs/notes/ai');
    alice.git('notes', '--ref=refs/notes/ai', 'remove', c1);
    const pr = commitFile(alice, 'pr.py', "print('pr')\n", 'pr\n\nAI-Provenance: v1 ai=0 human=1 untracked=0');
    alice.git('notes', '--ref=refs/notes/ai', 'add', '-m', aiNote('pr.py'), pr);
    assert.strictEqual(alice.gitResult(['push', '-q', 'origin', 'HEAD:refs/heads/pr', 'refs/notes/ai']).status, 0);

    dana.git('remote', 'add', 'alice', fork);
    dana.git('fetch', '-q', 'alice');
    const review = dana.cli(['review']);
    assert.ok(review.status === 0 || review.status === 1, review.stderr);
    assert.strictEqual(
      dana.git('notes', '--ref=refs/notes/ai', 'show', c1),
      c1Note,
      'Dana keeps the note the fork dropped',
    );
    assert.match(dana.git('notes', '--ref=refs/notes/ai', 'show', pr), /pr\.py/, "the fork's readable note came along");

    const c2 = unhookedCommit(dana, 'b.py', "print('b')\n", 'b\n\nAI-Provenance: v1 ai=0 human=1 untracked=0');
    dana.git('notes', '--ref=refs/notes/ai', 'add', '-f', '-m', aiNote('b.py'), c2);
    const push = dana.gitResult(['push', '--no-verify', 'origin', 'HEAD:refs/heads/feature', 'refs/notes/ai']);
    assert.strictEqual(push.status, 0, push.stderr);
    assert.match(server.git('notes', '--ref=refs/notes/ai', 'show', c2), /b\.py/);
    assert.strictEqual(server.git('notes', '--ref=refs/notes/ai', 'show', c1), c1Note);
  });
  it("a fork's second entry for a noted commit is merged into Dana's note, not added beside it; her notes still reach the server (attack13 M8)", () => {
    const { server } = setup();
    dirs.push(path.dirname(server.dir));
    const aiNote = (who: string) =>
      `a.py\n  h_0123456789abcd 1\n---\n` +
      JSON.stringify({
        schema_version: 'authorship/3.0.0',
        base_commit_sha: '',
        prompts: {},
        humans: { h_0123456789abcd: { author: who } },
      });
    const dana = cloneAs(server.dir, 'Dana', 'dana@example.com');
    dirs.push(dana.dir);
    assert.strictEqual(dana.cli(['install']).status, 0);
    const c1 = unhookedCommit(dana, 'a.py', "print('a')\n", 'a\n\nAI-Provenance: v1 ai=0 human=1 untracked=0');
    dana.git('notes', '--ref=refs/notes/ai', 'add', '-f', '-m', aiNote('Dana <dana@example.com>'), c1);
    assert.strictEqual(dana.gitResult(['push', '-q', '--no-verify', 'origin', 'HEAD:refs/heads/feature']).status, 0);
    assert.strictEqual(dana.gitResult(['push', '-q', '--no-verify', 'origin', 'refs/notes/ai']).status, 0);

    // The fork (a mirror, no hook) keeps the flat note and adds a fan-out entry for c1 with another readable note.
    const fork = path.join(path.dirname(server.dir), 'fork.git');
    execFileSync('git', ['clone', '-q', '--mirror', server.dir, fork]);
    const env = { GIT_INDEX_FILE: path.join(fork, 'craft-index') };
    const git = (args: string[], input?: string) =>
      execFileSync('git', args, { cwd: fork, env: { ...process.env, ...env }, input })
        .toString()
        .trim();
    const blob = git(['hash-object', '-w', '--stdin'], aiNote('Mallory <mallory@example.com>'));
    git(['read-tree', 'refs/notes/ai']);
    git(['update-index', '--add', '--cacheinfo', `100644,${blob},${c1.slice(0, 2)}/${c1.slice(2)}`]);
    const commit = git(['commit-tree', git(['write-tree']), '-p', 'refs/notes/ai', '-m', 'notes']);
    git(['update-ref', 'refs/notes/ai', commit]);

    dana.git('remote', 'add', 'alice', fork);
    dana.git('fetch', '-q', 'alice');
    const review = dana.cli(['review']);
    assert.ok(review.status === 0 || review.status === 1, review.stderr);
    const entries = dana.git('ls-tree', '-r', '--name-only', 'refs/notes/ai').split('\n');
    assert.deepStrictEqual(
      entries.filter((p) => p.replace('/', '') === c1),
      [c1],
      "one entry for c1, at Dana's path",
    );
    assert.doesNotMatch(dana.git('notes', '--ref=refs/notes/ai', 'show', c1), /Mallory/, "Dana's attribution stays");

    const c2 = unhookedCommit(dana, 'b.py', "print('b')\n", 'b\n\nAI-Provenance: v1 ai=0 human=1 untracked=0');
    dana.git(
      'notes',
      '--ref=refs/notes/ai',
      'add',
      '-f',
      '-m',
      aiNote('Dana <dana@example.com>').replace('a.py', 'b.py'),
      c2,
    );
    const push = dana.gitResult(['push', '--no-verify', 'origin', 'HEAD:refs/heads/feature', 'refs/notes/ai']);
    assert.strictEqual(push.status, 0, push.stderr);
    assert.match(server.git('notes', '--ref=refs/notes/ai', 'show', c2), /b\.py/);
    // Taken in as the same-commit merge (reformatted), so the server's note on c1 may be rewritten: still Dana's.
    assert.doesNotMatch(server.git('notes', '--ref=refs/notes/ai', 'show', c1), /Mallory/);
    assert.match(server.git('notes', '--ref=refs/notes/ai', 'show', c1), /Dana <dana@example.com>/);
  });

  // attack13 M7: the intake took a fork's readable note on any commit "we have none for" — a forged note on main's
  // first (human) commit, attributing README.md to claude-code, went into Dana's refs/notes/ai on `review`, and her
  // next ordinary push carried it to origin. The intake now applies the server's landed-note rule
  // (core/noteGains.ts) against each commit's own AI-Provenance trailer: the forgery stays out; a fork's honest note
  // (it agrees with its commit's trailer) on a landed commit origin has no note for is still taken and reaches origin.
  it("a fork's note that frames a landed human commit as AI stays out of Dana's notes and off origin; its honest note comes along (attack13 M7)", () => {
    const { ada, server } = setup();
    dirs.push(path.dirname(server.dir));
    const first = ada.git('rev-parse', 'origin/main'); // "Add policy": AI-Provenance: v1 ai=0 human=2 untracked=0
    const agentLine = commitFile(ada, 'run.sh', 'make deploy\n', 'run\n\nAI-Provenance: v1 ai=1 human=0 untracked=0');
    withoutGate(server, () => assert.strictEqual(ada.gitResult(['push', '-q', 'origin', 'HEAD:main']).status, 0));
    const aiNote = (file: string, lines: string) =>
      `${file}\n  s_0123456789abcd::t_00000000000001 ${lines}\n---\n` +
      JSON.stringify({
        schema_version: 'authorship/3.0.0',
        base_commit_sha: '',
        prompts: {},
        sessions: { s_0123456789abcd: { agent_id: { tool: 'claude-code', id: 'c1', model: 'claude-sonnet-4-5' } } },
      });

    const fork = path.join(path.dirname(server.dir), 'fork.git');
    execFileSync('git', ['clone', '-q', '--mirror', server.dir, fork]);
    const alice = cloneAs(fork, 'Alice', 'alice@example.com');
    dirs.push(alice.dir);
    alice.git('notes', '--ref=refs/notes/ai', 'add', '-m', aiNote('README.md', '1'), first);
    alice.git('notes', '--ref=refs/notes/ai', 'add', '-m', aiNote('run.sh', '1'), agentLine);
    assert.strictEqual(alice.gitResult(['push', '-q', 'origin', 'refs/notes/ai']).status, 0);

    const dana = cloneAs(server.dir, 'Dana', 'dana@example.com');
    dirs.push(dana.dir);
    assert.strictEqual(dana.cli(['install']).status, 0);
    dana.git('remote', 'add', 'alice', fork);
    dana.git('fetch', '-q', 'alice');
    const review = dana.cli(['review']);
    assert.ok(review.status === 0 || review.status === 1, review.stderr);
    assert.strictEqual(
      dana.gitResult(['notes', '--ref=refs/notes/ai', 'show', first]).status,
      1,
      'the forgery was taken',
    );
    assert.match(
      dana.git('notes', '--ref=refs/notes/ai', 'show', agentLine),
      /run\.sh/,
      'the honest note was left out',
    );

    unhookedCommit(dana, 'b.py', "print('b')\n", 'b\n\nAI-Provenance: v1 ai=0 human=1 untracked=0');
    const push = dana.gitResult(['push', 'origin', 'HEAD:refs/heads/feature']);
    assert.strictEqual(push.status, 0, push.stderr);
    assert.strictEqual(server.gitResult(['notes', '--ref=refs/notes/ai', 'show', first]).status, 1);
    assert.match(server.git('notes', '--ref=refs/notes/ai', 'show', agentLine), /run\.sh/);
  });
});
