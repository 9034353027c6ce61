import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { runFastImport } from '../helpers/fastImport';
import { commitFile, setup, type Setup } from '../helpers/gateServer';

/**
 * Outside tester, session 11, L9: a new protected branch at a protected branch's tip costs nothing and can never
 * be deleted, so a keyless pusher can park tens of thousands of them on the server (one push of ~45,000 fit in
 * the hook's time). The gate then named every protected tip on one git command line (`rev-list … --not <tips>`)
 * and every later push — to main, to an unprotected branch, of approvals — died with "spawn E2BIG" until an
 * administrator deleted refs by hand. Tips now reach git on stdin, and each distinct commit once. Real server;
 * the bulk of the branches is planted straight into the server's refs (the attacker's own set-up shortcut: a
 * real push of them takes minutes), and a real push of a few hundred shows that path.
 */
describe('many protected branches on the server (L9, real pushes)', function () {
  this.timeout(240_000);
  const PLANTED = 60_000; // 60,000 × 41 bytes of ids is past Linux's 2 MiB for a command line and its environment
  let s: Setup;
  before(() => {
    s = setup();
    // Distinct commits, so that no de-duplication of equal tips hides the length of the list; their refs are
    // written as a packed-refs file (60,000 loose ref files take a minute to write on a loaded machine).
    const main = s.server.git('rev-parse', 'refs/heads/main');
    const stream: string[] = [];
    for (let i = 0; i < PLANTED; i++) {
      stream.push(`commit refs/heads/planted\nmark :${i + 1}\n`);
      stream.push(`committer Mallory <mallory@example.com> ${1_700_000_000 + i} +0000\ndata 3\nf${i % 10}\n\n`);
      if (i === 0) stream.push(`from ${main}\n`);
    }
    const marks = path.join(path.dirname(s.server.dir), 'marks');
    const r = runFastImport(s.server, ['--quiet', `--export-marks=${marks}`], stream.join(''));
    assert.strictEqual(r.status, 0, r.stderr);
    s.server.git('update-ref', '-d', 'refs/heads/planted');
    s.server.git('pack-refs', '--all');
    const packed = path.join(s.server.dir, 'packed-refs');
    const planted = fs
      .readFileSync(marks, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => {
        const [mark, sha] = line.split(' ');
        return `${sha} refs/heads/release/f${Number(mark.slice(1)) - 1}`;
      });
    const kept = fs
      .readFileSync(packed, 'utf8')
      .split('\n')
      .filter((l) => l !== '' && !l.startsWith('#'));
    const sorted = [...kept, ...planted].sort((a, b) => (a.slice(41) < b.slice(41) ? -1 : 1));
    fs.writeFileSync(packed, `# pack-refs with: peeled fully-peeled sorted \n${sorted.join('\n')}\n`);
    assert.strictEqual(s.server.git('for-each-ref', '--format=x', 'refs/heads/release/').split('\n').length, PLANTED);
  });
  after(() => fs.rmSync(path.dirname(s.server.dir), { recursive: true, force: true }));

  it('attack: an honest push to main still passes', () => {
    commitFile(s.ada, 'NOTES.md', 'a note\n', 'notes\n\nAI-Provenance: v1 ai=0 human=1 untracked=0');
    // The server only: a clone fetching 60,000 branches would spend minutes writing their refs.
    const r = s.ada.gitResult(['push', '--no-verify', 'origin', 'main']);
    assert.strictEqual(r.status, 0, r.stderr);
    assert.doesNotMatch(r.stderr, /E2BIG/);
  });

  it('a push to an unprotected branch and a tag at main passes', () => {
    commitFile(s.ada, 'wip.md', 'wip\n', 'wip\n\nAI-Provenance: v1 ai=0 human=1 untracked=0');
    const wip = s.ada.gitResult(['push', '--no-verify', 'origin', 'HEAD:refs/heads/wip/ada']);
    assert.strictEqual(wip.status, 0, wip.stderr);
    const tag = s.ada.gitResult(['push', '--no-verify', 'origin', 'origin/main:refs/tags/v1.0']);
    assert.strictEqual(tag.status, 0, tag.stderr);
  });

  it('a real push of 200 new protected branches at main is taken, and the next push to main passes', () => {
    const refspecs = Array.from({ length: 200 }, (_, i) => `origin/main:refs/heads/release/r${i}`);
    s.ada.git('fetch', '-q', 'origin', 'main');
    const r = s.ada.gitResult(['push', '--no-verify', 'origin', ...refspecs]);
    assert.strictEqual(r.status, 0, r.stderr);
    commitFile(s.ada, 'NOTES.md', 'a second note\n', 'notes\n\nAI-Provenance: v1 ai=0 human=1 untracked=0');
    const next = s.ada.gitResult(['push', '--no-verify', 'origin', 'main']);
    assert.strictEqual(next.status, 0, next.stderr);
  });
});
