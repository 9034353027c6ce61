import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { cloneAs, recordDecision } from '../helpers/approvals';
import { verifyThenPush } from '../helpers/gateAgreement';
import { commitFile, setup, type Setup } from '../helpers/gateServer';
import { tempDir } from '../helpers/tempDirs';
import type { TempRepo } from '../helpers/tempRepo';

/**
 * attack27 05: the replay of an approved change (git/approvalReplay.ts) ran `git merge-tree` in the reader's
 * repository, so its merge followed that repository's attributes and merge drivers: `* merge=union` in a work tree's
 * .gitattributes, in .git/info/attributes, in core.attributesFile (or merge.default=union) merged what the server
 * (bare, none of them) finds in conflict. Bob approved B..T adding a line after a run of three identical lines; main
 * then got a fourth; Mallory's commit puts the line after the fourth — the approved patch-id (same hunk, same
 * context), and exactly what a union merge gives. The server refuses it (the approved change does not replay
 * cleanly); `verify` and `explain` in such a clone said PASS. They must agree with the server.
 */
describe('attack27 05: the replay of an approved change is independent of the reader’s attributes and merge drivers', function () {
  this.timeout(240_000);

  const AI = (n: number) => `AI-Provenance: v1 ai=${n} human=0 untracked=0`;
  const HUMAN = (n: number) => `AI-Provenance: v1 ai=0 human=${n} untracked=0`;
  const K = '    check(req)\n';
  const file = (ks: number, x: boolean) =>
    `def handler(req):\n${K.repeat(ks)}${x ? '    allow_anonymous(req)\n' : ''}    cache(req)\n    render(req)\n    done(req)\n`;

  let s: Setup;
  before(() => {
    s = setup();
    const { ada, bob } = s;
    const base = commitFile(ada, 'app.py', file(3, false), `handler\n\n${HUMAN(7)}`);
    assert.strictEqual(ada.gitResult(['push', '-q', 'origin', 'main']).status, 0);
    ada.git('checkout', '-q', '-b', 'feature');
    const tip = commitFile(ada, 'app.py', file(3, true), `allow anonymous\n\n${AI(1)}`);
    recordDecision(ada, bob, { email: 'bob@example.com', tip, base });
    const up = ada.gitResult(['push', '-q', '--no-verify', 'origin', 'feature', 'refs/notes/countersign']);
    assert.strictEqual(up.status, 0, up.stderr);
    ada.git('checkout', '-q', 'main');
    commitFile(ada, 'app.py', file(4, false), `one more check\n\n${HUMAN(1)}`);
    assert.strictEqual(ada.gitResult(['push', '-q', 'origin', 'main']).status, 0);
  });

  const unionFile = () => {
    const f = path.join(tempDir('cs-attrs-'), 'attributes');
    fs.writeFileSync(f, '* merge=union\n');
    return f;
  };
  const places: Array<[string, (m: TempRepo) => void]> = [
    ['the work tree’s .gitattributes', (m) => m.write('.gitattributes', '* merge=union\n')],
    ['.git/info/attributes', (m) => m.write('.git/info/attributes', '* merge=union\n')],
    ['core.attributesFile', (m) => m.git('config', 'core.attributesFile', unionFile())],
    ['merge.default=union', (m) => m.git('config', 'merge.default', 'union')],
  ];
  for (const [where, plant] of places)
    it(`attack: * merge=union in ${where}: verify and explain refuse as the server does`, () => {
      const m = cloneAs(s.server.dir, 'Mallory', 'mallory@example.com');
      m.git('fetch', '-q', 'origin', '+refs/notes/countersign:refs/notes/countersign');
      plant(m);
      const a = commitFile(m, 'app.py', file(4, true), `allow anonymous\n\n${AI(1)}`);
      const before = s.server.git('rev-parse', 'main');
      const r = verifyThenPush(m, 'main', ['origin', 'HEAD:main']);
      assert.notStrictEqual(r.status, 0, `the server accepted it:\n${r.verify.stdout}`);
      assert.match(r.stderr, /the approved change does not replay cleanly onto/);
      assert.match(r.verify.stdout, /the approved change does not replay cleanly onto/);
      assert.strictEqual(s.server.git('rev-parse', 'main'), before);
      const e = JSON.parse(m.cli(['explain', a, '--json']).stdout);
      assert.strictEqual(e.gate.ok, false, JSON.stringify(e.gate));
      // The replay's throwaway commits went to a throwaway repository, not to the clone's or the server's objects.
      for (const repo of [m, s.server]) assert.deepStrictEqual(replayCommits(repo), [], repo.dir);
    });

  /** Commits in `repo`'s object store made by the replay (its fixed identity). */
  const replayCommits = (repo: TempRepo): string[] => {
    const all = repo.git('cat-file', '--batch-all-objects', '--batch-check=%(objecttype) %(objectname)');
    const commits = all
      .split('\n')
      .filter((l) => l.startsWith('commit '))
      .map((l) => l.slice(7));
    return repo
      .git('log', '--no-walk=unsorted', '--format=%H %ae', ...commits)
      .split('\n')
      .filter((l) => l.endsWith(' replay@countersign.invalid'));
  };
});
