import * as assert from 'assert';
import { recordDecision } from '../helpers/approvals';
import { verifyThenPush } from '../helpers/gateAgreement';
import { commitFile, pushMain, setup } from '../helpers/gateServer';

/**
 * Bypasses an outside tester found against the real server gate (session 3), each written as the attack
 * first: a rejection hidden at a path that is not a note, git's replace refs substituting a commit or the
 * policy, and a symbolic ref outside refs/heads moving a protected branch.
 */
describe('server gate: notes paths, replace refs and symbolic refs (real pushes)', function () {
  this.timeout(120_000);

  it('a rejection moved to a path that is no note is a dropped statement: refused, and the rejected commit stays out', () => {
    const { ada, bob, server } = setup();
    const base = ada.git('rev-parse', 'origin/main');
    const tip = commitFile(ada, 'x.ts', 'x\n', 'x');
    const t0 = Date.now();
    recordDecision(ada, bob, { email: 'bob@example.com', tip, base, time: new Date(t0).toISOString() });
    recordDecision(ada, bob, {
      email: 'bob@example.com',
      tip,
      base,
      decision: 'reject',
      comment: 'no',
      time: new Date(t0 + 1000).toISOString(),
    });
    assert.strictEqual(ada.gitResult(['push', 'origin', 'refs/notes/countersign']).status, 0);
    const before = server.git('rev-parse', 'refs/notes/countersign');
    // The same two lines, the rejection under `zz` (git notes and the gate read note paths only).
    const note = ada.git('notes', '--ref=refs/notes/countersign', 'show', tip).split('\n');
    const blob = (lines: string[]) =>
      ada.gitResult(['hash-object', '-w', '--stdin'], lines.join('\n') + '\n').stdout.trim();
    const approve = blob(note.filter((l) => l.includes('"approve"')));
    const reject = blob(note.filter((l) => l.includes('"reject"')));
    const tree = ada.gitResult(['mktree'], `100644 blob ${approve}\t${tip}\n100644 blob ${reject}\tzz\n`).stdout.trim();
    const forged = ada.git('commit-tree', tree, '-p', before, '-m', 'notes');
    const both = ada.gitResult(['push', '--no-verify', 'origin', `${forged}:refs/notes/countersign`, 'main:main']);
    assert.notStrictEqual(both.status, 0, 'one push of the forged notes and main must be refused');
    assert.strictEqual(server.git('rev-parse', 'refs/notes/countersign'), before);
    assert.notStrictEqual(server.git('rev-parse', 'main'), tip);
    const notesOnly = ada.gitResult(['push', '--no-verify', 'origin', `${forged}:refs/notes/countersign`]);
    assert.notStrictEqual(notesOnly.status, 0, 'a notes tree with an entry at a path that is no note is refused');
    assert.match(notesOnly.stderr, /zz/);
    assert.notStrictEqual(pushMain(ada, '--no-verify').status, 0);
  });

  it('replace refs cannot be pushed, and the gate never judges a replacement instead of the pushed commit', () => {
    const { ada, server } = setup();
    const tip = commitFile(ada, 'x.ts', 'x\n', 'AI work');
    // A replacement of the same commit whose message claims no AI lines (an unattested commit needs review).
    const fake = ada
      .gitResult(
        ['hash-object', '-t', 'commit', '-w', '--stdin'],
        ada.git('cat-file', 'commit', tip) + '\nAI-Provenance: v1 ai=0 human=1 untracked=0\n',
      )
      .stdout.trim();
    const replace = ada.gitResult(['push', '--no-verify', 'origin', `${fake}:refs/replace/${tip}`]);
    assert.notStrictEqual(replace.status, 0, 'pushing refs/replace/* is refused');
    assert.match(replace.stderr, /refs\/replace/);
    // Even if a replace ref is there (an administrator made it), the gate judges the real commit.
    ada.git('branch', 'carry', tip);
    server.git('fetch', '-q', ada.dir, 'carry');
    const onServer = server
      .gitResult(['hash-object', '-t', 'commit', '-w', '--stdin'], ada.git('cat-file', 'commit', fake) + '\n')
      .stdout.trim();
    assert.strictEqual(onServer, fake);
    server.git('update-ref', `refs/replace/${tip}`, fake);
    const land = pushMain(ada, '--no-verify');
    assert.notStrictEqual(land.status, 0, 'the real commit is unattested and needs review');
    assert.notStrictEqual(server.git('rev-parse', 'main'), tip);
  });

  it('a policy blob replaced on the server does not unprotect main', () => {
    const { ada, server } = setup();
    const tip = commitFile(ada, 'x.ts', 'x\n', 'AI work');
    const open = server
      .gitResult(['hash-object', '-w', '--stdin'], JSON.stringify({ protectedBranches: ['nothing'], reviewers: [] }))
      .stdout.trim();
    server.git('update-ref', `refs/replace/${server.git('rev-parse', 'main:.countersign.json')}`, open);
    assert.notStrictEqual(pushMain(ada, '--no-verify').status, 0, 'main is still protected by the real policy');
    assert.notStrictEqual(server.git('rev-parse', 'main'), tip);
  });

  it('a symbolic ref outside refs/heads is judged as the branch it points to', () => {
    const { ada, server } = setup();
    server.git('symbolic-ref', 'refs/x/main', 'refs/heads/main');
    const tip = commitFile(ada, 'x.ts', 'x\n', 'AI work');
    const r = ada.gitResult(['push', '--no-verify', 'origin', `${tip}:refs/x/main`]);
    assert.notStrictEqual(r.status, 0, 'moving main through refs/x/main must be judged and refused');
    assert.notStrictEqual(server.git('rev-parse', 'main'), tip);
  });

  it('a .gitattributes in the pushed commits cannot hide deleted lines from verify (it agrees with the server)', () => {
    const { ada } = setup();
    ada.write('big.dat', Array.from({ length: 700 }, (_, i) => `row ${i}`).join('\n') + '\n');
    ada.git('add', 'big.dat');
    ada.commit('data', '-m', 'AI-Provenance: v1 ai=0 human=700 untracked=0');
    assert.strictEqual(pushMain(ada, '--no-verify').status, 0);
    ada.write('.gitattributes', 'big.dat -diff\n');
    ada.git('add', '.gitattributes');
    ada.commit('treat big.dat as binary', '-m', 'AI-Provenance: v1 ai=0 human=1 untracked=0');
    ada.git('rm', '-q', 'big.dat');
    ada.commit('drop the data', '-m', 'AI-Provenance: v1 ai=0 human=0 untracked=0');
    // The checkout's .gitattributes makes git report big.dat as binary ('-' lines) unless the gate ignores it.
    const r = verifyThenPush(ada, 'main', ['origin', 'main']);
    assert.notStrictEqual(r.status, 0);
    assert.match(r.verify.stdout, /mass-deletion/);
  });
});
