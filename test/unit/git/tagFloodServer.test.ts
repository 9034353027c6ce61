import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { recordDecision } from '../helpers/approvals';
import { commitFile, setup } from '../helpers/gateServer';
import { GitProcessLog } from '../helpers/gitProcessLog';
import { TempRepo } from '../helpers/tempRepo';
import { newRefCapRefusal } from '../../../src/git/newRefCap';

/**
 * attack17 Q1: anyone may create tags at landed commits, and every push listed every ref with its type, peeled
 * commit and symbolic target (twice): 100,000 keyless tags made an approved push take 62 s, 250,000 ran every
 * push into the hook's 120 s timeout. The server now reads the branches and the refs a push names
 * (src/git/serverRefs.ts), and one push creates at most countersign.maxNewRefs refs (src/git/newRefCap.ts).
 * Counted in git processes the hook starts and in what they read, not in time (load cannot make a count drift).
 */
describe('server gate: a tag flood does not slow or block later pushes (attack17 Q1, real server)', function () {
  this.timeout(300_000);

  /** Writes `n` tags at `sha` straight into the server's packed-refs, as many keyless pushes would leave them. */
  function flood(server: TempRepo, sha: string, n: number): void {
    server.git('pack-refs', '--all');
    const file = path.join(server.dir, 'packed-refs');
    const lines = fs.readFileSync(file, 'utf8').split('\n').filter(Boolean);
    const header = lines[0].startsWith('#') ? [lines.shift() as string] : [];
    for (let i = 0; i < n; i++) lines.push(`${sha} refs/tags/flood${i}`);
    lines.sort((a, b) => (a.split(' ')[1] < b.split(' ')[1] ? -1 : 1));
    fs.writeFileSync(file, [...header, ...lines].join('\n') + '\n');
  }

  it('with 100,000 tags, judges an unreviewed push (refused) and an approved one (accepted) with a bounded number of git processes, none listing every tag', () => {
    const s = setup();
    const { server, ada } = s;
    const log = new GitProcessLog({ onlyIn: server.dir });
    try {
      const base = ada.git('rev-parse', 'HEAD');
      flood(server, base, 100_000);
      assert.strictEqual(server.git('for-each-ref', '--count=3', 'refs/tags/flood9999*').split('\n').length, 3);
      const tip = commitFile(ada, 'agent.ts', 'agent\n', 'agent code\n\nAI-Provenance: v1 ai=1 human=0 untracked=0');
      const pusher = TempRepo.at(ada.dir, log.env);

      log.reset();
      const unreviewed = pusher.gitResult(['push', 'origin', 'main']);
      assert.notStrictEqual(unreviewed.status, 0, 'an unreviewed AI commit is refused');
      assert.match(unreviewed.stderr, /approval/);
      const refusedStarts = log.starts();

      recordDecision(ada, s.bob, { email: 'bob@example.com', tip, base });
      assert.strictEqual(ada.gitResult(['push', '-q', 'origin', 'refs/notes/countersign']).status, 0);
      log.reset();
      const approved = pusher.gitResult(['push', 'origin', 'main']);
      assert.strictEqual(approved.status, 0, approved.stderr);
      assert.strictEqual(server.git('rev-parse', 'main'), tip);
      const approvedStarts = log.starts();

      console.log(
        `      hook git processes with 100k tags: refused push ${refusedStarts.length}, approved push ${approvedStarts.length} (${log.summary()})`,
      );
      for (const starts of [refusedStarts, approvedStarts]) {
        assert.ok(starts.length <= 40, `the hook started ${starts.length} git processes:\n${starts.join('\n')}`);
        // No listing of every ref (for-each-ref with no pattern) or of every tag.
        const listings = starts.filter((a) => {
          const words = a.split(' ');
          const patterns = words.filter((w) => w.startsWith('refs/'));
          return (
            words[0] === 'for-each-ref' && (patterns.length === 0 || patterns.some((w) => /^refs\/(tags\/)?$/.test(w)))
          );
        });
        assert.deepStrictEqual(listings, [], 'for-each-ref over every ref or tag');
      }
    } finally {
      log.remove();
      fs.rmSync(path.dirname(server.dir), { recursive: true, force: true });
    }
  });

  it('refuses a push creating 1001 refs, naming countersign.maxNewRefs; 0 lifts the bound', async () => {
    const s = setup();
    const { server, ada } = s;
    try {
      const specs = Array.from({ length: 1001 }, (_, i) => `main:refs/tags/many${i}`);
      const capped = ada.gitResult(['push', 'origin', ...specs]);
      assert.notStrictEqual(capped.status, 0, 'refused');
      assert.match(capped.stderr, /creates 1001 refs[^\n]*countersign\.maxNewRefs/);
      assert.strictEqual(server.git('tag', '--list', 'many*'), '');
      // The bound as the hook reads it from the server's config (a real 1001-ref push takes minutes of hook
      // time under load, so the lifted bound is asked of the same function the hook calls).
      const zero = '0'.repeat(40);
      const updates = Array.from({ length: 1001 }, (_, i) => ({ old: zero, ref: `refs/tags/many${i}` }));
      server.git('config', 'countersign.maxNewRefs', 'lots');
      assert.match(
        (await newRefCapRefusal(server.dir, updates)) ?? '',
        /more than this server accepts in one push \(1000,/,
      );
      server.git('config', 'countersign.maxNewRefs', '0');
      assert.strictEqual(await newRefCapRefusal(server.dir, updates), undefined);
      server.git('config', 'countersign.maxNewRefs', '2');
      const small = ada.gitResult(['push', 'origin', 'main:refs/tags/a', 'main:refs/tags/b', 'main:refs/tags/c']);
      assert.notStrictEqual(small.status, 0, 'refused');
      assert.match(small.stderr, /creates 3 refs[^\n]*\(2, git config countersign\.maxNewRefs\)/);
      server.git('config', 'countersign.maxNewRefs', '0');
      const lifted = ada.gitResult(['push', 'origin', 'main:refs/tags/a', 'main:refs/tags/b', 'main:refs/tags/c']);
      assert.strictEqual(lifted.status, 0, lifted.stderr);
    } finally {
      fs.rmSync(path.dirname(server.dir), { recursive: true, force: true });
    }
  });
});
