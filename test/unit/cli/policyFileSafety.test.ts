import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { recordDecision } from '../helpers/approvals';
import { verifyThenPush } from '../helpers/gateAgreement';
import { setup, type Setup } from '../helpers/gateServer';
import { TempRepo } from '../helpers/tempRepo';

/**
 * Two ways a `.countersign.json` could say one thing to a person and another to Countersign (outside tester,
 * session 7, unscripted): duplicate keys (JSON.parse keeps the last; a reader sees the first), and a work-tree
 * policy that is a symlink to /dev/zero, which `policy check` read until it ran out of memory.
 */
describe('policy file: duplicate keys and a symlinked work-tree policy', function () {
  this.timeout(240_000);

  const policyWithTail = (text: string) => text.replace(/\n}\n$/, ',\n  "protectedBranches": []\n}\n');

  describe('policy check', () => {
    let repo: TempRepo;
    before(() => {
      repo = TempRepo.create();
    });
    after(() => fs.rmSync(repo.dir, { recursive: true, force: true }));

    it('refuses a policy with a key written twice, naming the file, line and key', () => {
      const text = policyWithTail(
        JSON.stringify({ protectedBranches: ['main'], reviewers: [], approvals: 1 }, null, 2) + '\n',
      );
      repo.write('.countersign.json', text);
      const r = repo.cli(['policy', 'check']);
      assert.strictEqual(r.status, 1, r.stdout + r.stderr);
      const line = text.split('\n').findIndex((l) => l.includes('"protectedBranches": []')) + 1;
      assert.match(
        r.stderr,
        new RegExp(`\\.countersign\\.json:${line}:\\d+: protectedBranches: the key "protectedBranches" appears twice`),
      );
      assert.match(r.stderr, /first at line 2/);
    });

    it('refuses a work-tree policy that is a symlink to /dev/zero at once, naming the fix', () => {
      fs.rmSync(path.join(repo.dir, '.countersign.json'), { force: true });
      fs.symlinkSync('/dev/zero', path.join(repo.dir, '.countersign.json'));
      // A CLI that read /dev/zero would never answer: the child's own timeout kills it, with no exit status 2.
      const r = repo.cli(['policy', 'check']);
      assert.strictEqual(r.status, 2, r.stdout + r.stderr);
      assert.match(r.stderr, /\.countersign\.json is not a regular file .*policy init --force/);
    });
  });

  describe('the server gate', () => {
    let s: Setup;
    before(() => {
      s = setup();
    });
    after(() => fs.rmSync(path.dirname(s.server.dir), { recursive: true, force: true }));

    it('refuses a policy change that adds a second protectedBranches key, even approved by both reviewers', () => {
      const { ada, bob, carol, server } = s;
      const base = ada.git('rev-parse', 'HEAD');
      ada.write('.countersign.json', policyWithTail(ada.read('.countersign.json')));
      ada.git('add', '.countersign.json');
      const tip = ada.commit('policy: tidy', '-m', 'AI-Provenance: v1 ai=0 human=1 untracked=0');
      recordDecision(ada, bob, { email: 'bob@example.com', tip, base });
      recordDecision(ada, carol, { email: 'carol@example.com', tip, base });
      assert.strictEqual(ada.gitResult(['push', '-q', 'origin', 'refs/notes/countersign']).status, 0);
      const r = verifyThenPush(ada, 'main', ['origin', 'main']);
      assert.notStrictEqual(r.status, 0, 'a second protectedBranches key unprotected main');
      assert.match(r.stderr, /the key "protectedBranches" appears twice/);
      assert.strictEqual(server.git('rev-parse', 'main'), base);
    });
  });
});
