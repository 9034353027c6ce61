import * as assert from 'assert';
import { cloneAs } from '../helpers/approvals';
import { commitFile, setup } from '../helpers/gateServer';

type Json = Record<string, unknown>;
interface Awaiting {
  sha: string;
  canApprove: boolean;
  cannotApprove?: string;
  approveCommand: string;
  reasons: string[];
}
interface Branch {
  branch: string;
  target: string;
  head: string;
  commits: Awaiting[];
}

/**
 * `countersign review` (issue 17, tried as a new reviewer): what awaits my approval, from the command line,
 * decided by the review panel's own code (reviewSnapshot + viewModel). A real server, Ada's clone, Bob's.
 */
describe('countersign review: what awaits the reviewer', function () {
  this.timeout(240_000);

  it("lists the fetched branch's commit that needs Bob's review with the approve command; after approving it, nothing", () => {
    const { server, ada, bob } = setup();
    /** Ada's one-commit feature branch from main, pushed. */
    const feature = (branch: string, file: string, content: string, message: string): string => {
      ada.git('checkout', '-q', '-b', branch, 'main');
      const tip = commitFile(ada, file, content, message);
      ada.git('push', '-q', 'origin', branch);
      return tip;
    };
    const sha = feature(
      'feature/rate',
      'src/rate.ts',
      'export const rate = 2;\n',
      'Add rate\n\nAssisted-by: Claude:claude-sonnet-4-5 claude-code\nAI-Provenance: v1 ai=1 human=0 untracked=0',
    );

    const bobs = cloneAs(server.dir, 'Bob Reviewer', 'bob@example.com', bob.privateKeyFile);
    // review fetches first: Bob's clone has not seen feature/rate yet.
    const text = bobs.cli(['review']);
    assert.strictEqual(text.status, 0, text.stderr);
    assert.match(text.stdout, /^Reviewer: Bob Reviewer <bob@example\.com>\n1 commit\(s\) await your approval:\n/);
    assert.match(text.stdout, /origin\/feature\/rate → main \(1 commit\(s\) awaiting review\)/);
    assert.ok(text.stdout.includes(`approve: countersign approve ${sha} --base `), text.stdout);

    const json = JSON.parse(bobs.cli(['review', '--json', '--no-fetch']).stdout) as Json;
    assert.strictEqual(json.awaitingYou, 1);
    const [branch] = json.branches as Branch[];
    assert.strictEqual(branch.branch, 'feature/rate');
    assert.deepStrictEqual(
      branch.commits.map((c) => [c.sha, c.canApprove]),
      [[sha, true]],
    );
    // The same verdict verify gives for that branch as a merge into main: this commit is what blocks it.
    const v = bobs.cli(['verify', '--json', '--branch', 'main', '--head', 'origin/feature/rate']);
    const verify = JSON.parse(v.stdout) as { commits: Array<{ sha: string; ok: boolean }> };
    assert.deepStrictEqual(
      verify.commits.filter((c) => !c.ok).map((c) => c.sha),
      [sha],
      v.stdout + v.stderr,
    );

    // Ada is no reviewer: nothing awaits her; --all shows the commit and why she cannot approve it.
    const adas = ada.cli(['review', '--all', '--no-fetch']);
    assert.match(adas.stdout, /Nothing awaits your approval\./);
    assert.match(adas.stdout, /you cannot approve it: you \(ada@example\.com\) are not a reviewer/);

    // Bob runs the command review printed; the next review (which fetches) lists nothing.
    const approve = bobs.cli([...branch.commits[0].approveCommand.split(' ').slice(1), '-q']);
    assert.strictEqual(approve.status, 0, approve.stderr);
    const after = bobs.cli(['review', '--json']);
    assert.strictEqual(after.status, 0, after.stderr);
    assert.strictEqual((JSON.parse(after.stdout) as Json).awaitingYou, 0);
    assert.match(bobs.cli(['review', '--no-fetch']).stdout, /^Reviewer: .*\nNothing awaits your approval\.\n$/);

    // newuser8 F12: a commit needing two approvals that Bob has approved awaits Carol, not Bob again.
    const infra = feature(
      'feature/db',
      'infra/db.tf',
      'resource "db" "x" {}\n',
      'db\n\nAI-Provenance: v1 ai=1 human=0 untracked=0',
    );
    const before = JSON.parse(bobs.cli(['review', '--json']).stdout) as Json;
    const db = (before.branches as Branch[]).find((b) => b.branch === 'feature/db') as Branch;
    assert.deepStrictEqual(
      db.commits.map((c) => [c.sha, c.canApprove]),
      [[infra, true]],
    );
    assert.strictEqual(bobs.cli([...db.commits[0].approveCommand.split(' ').slice(1), '-q']).status, 0);
    const once = JSON.parse(bobs.cli(['review', '--json', '--no-fetch']).stdout) as Json;
    assert.strictEqual(once.awaitingYou, 0, JSON.stringify(once));
    const still = (once.branches as Branch[]).find((b) => b.branch === 'feature/db') as Branch;
    assert.strictEqual(still.commits[0].canApprove, false);
    assert.match(
      still.commits[0].cannotApprove ?? '',
      /^you approved it already \(.*\); it needs another reviewer's approval/,
    );
    const all = bobs.cli(['review', '--all', '--no-fetch']).stdout;
    assert.match(all, /^Reviewer: .*\nNothing awaits your approval\./);
    assert.match(all, /you cannot approve it: you approved it already/);
  });

  // newuser15 #5: a three-commit branch listed three approve commands (three signatures, three pushes) where one
  // approval of the tip covers the branch. The tip's command leads; the per-commit ones are the alternative.
  it('leads a multi-commit branch with the one command approving its tip, per-commit commands as the alternative', () => {
    const { server, ada, bob, carol } = setup();
    const base = ada.git('rev-parse', 'main');
    ada.git('checkout', '-q', '-b', 'feature/pay', 'main');
    const AI = 'AI-Provenance: v1 ai=1 human=0 untracked=0';
    const one = commitFile(ada, 'pay.ts', 'export const pay = 1;\n', `pay\n\n${AI}`);
    ada.write('fees.ts', 'export const fee = 1;\n');
    ada.git('add', 'fees.ts');
    ada.git('commit', '-q', '--author', 'Carol Ops <carol@example.com>', '-m', `fees\n\n${AI}`);
    const two = ada.git('rev-parse', 'HEAD');
    const tip = commitFile(ada, 'clamp.ts', 'export const clamp = 1;\n', `clamp\n\n${AI}`);
    ada.git('push', '-q', 'origin', 'feature/pay');

    const bobs = cloneAs(server.dir, 'Bob Reviewer', 'bob@example.com', bob.privateKeyFile);
    const text = bobs.cli(['review']).stdout;
    const tipCommand = `countersign approve ${tip} --base ${base}`;
    const lead = text.indexOf(`approve all 3 at once — one approval of the tip ${tip.slice(0, 12)} covers`);
    assert.ok(lead > 0, text);
    assert.ok(text.indexOf(`      ${tipCommand}\n`) > lead, text);
    assert.ok(text.indexOf('or commit by commit') > text.indexOf(tipCommand), text);
    for (const sha of [one, two]) assert.ok(text.indexOf(`approve: countersign approve ${sha} --base`) > lead, text);
    // The tip's own command is the one above, not printed twice (newuser16 F13).
    assert.ok(!text.includes(`approve: ${tipCommand}`), text);
    assert.ok(text.indexOf('approve: the command above (this is the tip)') > lead, text);

    const json = JSON.parse(bobs.cli(['review', '--json', '--no-fetch']).stdout) as Json;
    const [branch] = json.branches as Array<Branch & { approveTip: Json }>;
    assert.deepStrictEqual(branch.approveTip, {
      sha: tip,
      base,
      covers: 3,
      canApprove: true,
      approveCommand: tipCommand,
    });
    assert.strictEqual(branch.commits.length, 3, 'the per-commit entries stay');

    // Carol wrote the middle commit: approve would refuse her the tip, so review does not offer it to her.
    const carols = cloneAs(server.dir, 'Carol Ops', 'carol@example.com', carol.privateKeyFile);
    const hers = carols.cli(['review', '--no-fetch']).stdout;
    assert.doesNotMatch(hers, /approve all 3 at once/);
    assert.ok(hers.includes(`it covers ${two.slice(0, 12)} — You authored this commit`), hers);
    // Continued after a colon, the sentence is not capitalised (newuser16 F2).
    assert.match(
      carols.cli(['review', '--all', '--no-fetch']).stdout,
      /you cannot approve it: you authored this commit/,
    );

    // Bob signs the one command; nothing awaits him after.
    assert.strictEqual(bobs.cli([...tipCommand.split(' ').slice(1), '-q']).status, 0);
    assert.match(bobs.cli(['review']).stdout, /^Reviewer: .*\nNothing awaits your approval\.\n$/);
  });

  it('tells someone the policy does not list that they are not a reviewer, instead of calling them one', () => {
    const { server, ada, bob } = setup();
    ada.git('checkout', '-q', '-b', 'feature/x', 'main');
    commitFile(ada, 'x.ts', 'export const x = 1;\n', 'x\n\nAI-Provenance: v1 ai=1 human=0 untracked=0');
    ada.git('push', '-q', 'origin', 'feature/x');
    const mallory = cloneAs(server.dir, 'Mallory', 'mallory@example.com', bob.privateKeyFile);
    const r = mallory.cli(['review']);
    assert.strictEqual(r.status, 0, r.stderr);
    assert.doesNotMatch(r.stdout, /^Reviewer:/);
    assert.match(
      r.stdout,
      /^You \(mallory@example\.com\) are not a reviewer in \.countersign\.json on main: ask a maintainer to add you/,
    );
  });
  it('newuser22 F-review-release: a hotfix cut from a protected release branch is judged against that branch, and its approve command works', () => {
    const { server, ada, bob } = setup(); // main and release/* protected
    const human = 'AI-Provenance: v1 ai=0 human=1 untracked=0';
    ada.git('push', '-q', 'origin', 'main:release/1.0');
    // A release-only fix by Bob (human, one line: no review needed), pushed straight to release/1.0.
    const bobs = cloneAs(server.dir, 'Bob Reviewer', 'bob@example.com', bob.privateKeyFile);
    bobs.git('checkout', '-q', '-b', 'relfix', 'origin/release/1.0');
    const note = commitFile(bobs, 'RELEASE.txt', 'rel note\n', `release note (Bob)\n\n${human}`);
    const landed = bobs.gitResult(['push', 'origin', 'HEAD:release/1.0']);
    assert.strictEqual(landed.status, 0, landed.stderr);
    // main moves on too, so main's merge-base with the hotfix is older than release/1.0's tip.
    commitFile(ada, 'main.txt', 'main\n', `main work\n\n${human}`);
    assert.strictEqual(ada.gitResult(['push', 'origin', 'main']).status, 0);
    // Ada's AI hotfix on top of release/1.0.
    ada.git('fetch', '-q', 'origin');
    ada.git('checkout', '-q', '-b', 'hotfix', 'origin/release/1.0');
    const sha = commitFile(
      ada,
      'src/hf.py',
      'hf = 1\n',
      'hotfix\n\nAssisted-by: Claude:claude-sonnet-4-5 claude-code\nAI-Provenance: v1 ai=1 human=0 untracked=0',
    );
    ada.git('push', '-q', 'origin', 'hotfix');
    const json = JSON.parse(bobs.cli(['review', '--json']).stdout) as Json;
    const branch = (json.branches as Branch[]).find((b) => b.branch === 'hotfix');
    assert.ok(branch, JSON.stringify(json));
    assert.strictEqual(branch.target, 'release/1.0');
    assert.deepStrictEqual(
      branch.commits.map((c) => [c.sha, c.canApprove]),
      [[sha, true]],
    );
    assert.strictEqual(branch.commits[0].approveCommand, `countersign approve ${sha} --base ${note}`);
    // The pasted command signs the hotfix alone (not Bob's own release note), and the push lands.
    const approve = bobs.cli(branch.commits[0].approveCommand.split(' ').slice(1));
    assert.strictEqual(approve.status, 0, approve.stderr);
    ada.git('fetch', '-q', 'origin', '+refs/notes/countersign:refs/notes/countersign');
    const push = ada.gitResult(['push', 'origin', 'hotfix:release/1.0']);
    assert.strictEqual(push.status, 0, push.stderr);
  });
});
