import * as assert from 'assert';
import { TempRepo } from '../helpers/tempRepo';

/**
 * newuser22 F-legacy-unattested: `report` on a project that adopted Countersign late counted every commit from
 * before it as unattested ("Unattested commits 3000 (100.0%)"), which reads as hooks bypassed 3,000 times.
 * unattestedCommits keeps its meaning (DESIGN's JSON contract); a separate figure says how many of them come from
 * before the first policy — as review coverage already treats them, a commit whose first parent holds no
 * .countersign.json — in the text and, additively, in the JSON.
 */
describe('report on a repository that adopted Countersign late', function () {
  this.timeout(120_000);

  it('counts the unattested commits from before the first policy separately, and says so', () => {
    const repo = TempRepo.create();
    for (let i = 0; i < 3; i++) {
      repo.write(`legacy${i}.txt`, `${i}\n`);
      repo.git('add', '.');
      repo.commit(`legacy ${i}`);
    }
    repo.write('.countersign.json', JSON.stringify({ protectedBranches: ['main'], reviewers: [] }) + '\n');
    repo.git('add', '.');
    repo.commit('Add policy\n\nAI-Provenance: v1 ai=0 human=1 untracked=0');
    repo.write('after.txt', 'x\n');
    repo.git('add', '.');
    repo.commit('bypassed the hooks'); // unattested, after the policy: what the figure is for

    const j = repo.cli(['report', '--json']);
    assert.strictEqual(j.status, 0, j.stderr);
    const rep = JSON.parse(j.stdout) as { commits: number; unattestedCommits: number; [k: string]: unknown };
    assert.strictEqual(rep.commits, 5);
    assert.strictEqual(rep.unattestedCommits, 4, 'the total keeps its meaning');
    assert.strictEqual(rep.unattestedBeforePolicyCommits, 3);

    const t = repo.cli(['report']);
    assert.strictEqual(t.status, 0, t.stderr);
    assert.match(
      t.stdout,
      /Unattested commits +4 \(80\.0%\) — no AI-Provenance trailer; 3 of them from before the first policy/,
    );
    // No figure to add where every unattested commit came after the policy.
    const since = repo.cli(['report', 'HEAD~1..HEAD', '--json']);
    assert.strictEqual((JSON.parse(since.stdout) as Record<string, unknown>).unattestedBeforePolicyCommits, 0);
    assert.doesNotMatch(repo.cli(['report', 'HEAD~1..HEAD']).stdout, /before the first policy/);
  });
});
