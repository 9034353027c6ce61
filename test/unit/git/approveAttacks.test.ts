import * as assert from 'assert';
import { parseStatementNote } from '../../../src/core/approvalStatement';
import { REVIEW_NOTES_REF } from '../../../src/git/notesConfig';
import { cloneAs as cloneRepoAs, pushFeature } from '../helpers/approvals';
import { makeKey, type TestKey } from '../helpers/reviewerKeys';
import { TempRepo } from '../helpers/tempRepo';

/**
 * `approve` must not sign what will not count or what the reviewer did not mean (issue 17 item 5, issue 16
 * class 5): ambiguous revisions, approving one's own commit, approving as someone the policy does not list
 * or with a key it does not list. Real bare remote, real clones, real ssh-keygen keys.
 */
describe('approve: refuses what would not count, and what the reviewer did not see', function () {
  this.timeout(60_000);
  let rita: TestKey;
  let other: TestKey;
  let remote: TempRepo;
  let author: TempRepo;
  let tip: string;

  function policy(): string {
    return (
      JSON.stringify(
        {
          protectedBranches: ['main'],
          reviewers: [{ name: 'Rita Reviewer', email: 'rita@example.com', key: rita.publicKey }],
        },
        null,
        2,
      ) + '\n'
    );
  }

  function cloneAs(name: string, email: string, key?: TestKey): TempRepo {
    return cloneRepoAs(remote.dir, name, email, key?.privateKeyFile);
  }

  function statementsOn(repo: TempRepo, commit: string) {
    const r = repo.gitResult(['notes', `--ref=${REVIEW_NOTES_REF}`, 'show', commit]);
    return r.status === 0 ? parseStatementNote(r.stdout).statements : [];
  }

  before(() => {
    rita = makeKey('rita');
    other = makeKey('rita-laptop');
  });

  beforeEach(() => {
    remote = TempRepo.create({ bare: true });
    author = TempRepo.create();
    ({ tip } = pushFeature(author, remote.dir, { '.countersign.json': policy(), 'README.md': 'hello\n' }, [
      'feature 1: add app',
      'feature 2: change x',
    ]));
  });

  it('attack: a fetched tag named origin/feature is not silently approved instead of the branch', () => {
    // The author pushes a tag whose name shadows the remote-tracking branch, pointing at other code.
    author.git('checkout', '-q', '-b', 'evil', 'main');
    author.write('src/app.ts', 'export const x = "rm -rf /";\n');
    author.git('add', '.');
    const evil = author.commit('innocent-looking');
    author.git('tag', 'origin/feature', evil);
    author.git('push', '-q', 'origin', 'refs/tags/origin/feature');
    const reviewer = cloneAs('Rita Reviewer', 'rita@example.com', rita);
    reviewer.git('fetch', '-q', '--tags', 'origin');
    const r = reviewer.cli(['approve', 'origin/feature', '--no-push']);
    assert.strictEqual(r.status, 2, `must refuse: ${r.stdout}${r.stderr}`);
    assert.match(r.stderr, /origin\/feature is ambiguous/);
    assert.match(r.stderr, /refs\/remotes\/origin\/feature/);
    assert.match(r.stderr, /refs\/tags\/origin\/feature/);
    assert.deepStrictEqual(statementsOn(reviewer, evil), [], "nothing signed on the tag's commit");
    assert.deepStrictEqual(statementsOn(reviewer, tip), []);
    // Named in full, it is what the reviewer meant.
    const full = reviewer.cli(['approve', 'refs/remotes/origin/feature', '--no-push']);
    assert.strictEqual(full.status, 0, full.stderr);
    assert.strictEqual(statementsOn(reviewer, tip).length, 1);
  });

  it('attack: --base is checked for ambiguity too', () => {
    const reviewer = cloneAs('Rita Reviewer', 'rita@example.com', rita);
    reviewer.git('tag', 'origin/main', tip);
    const r = reviewer.cli(['approve', 'origin/feature', '--base', 'origin/main', '--no-push']);
    assert.strictEqual(r.status, 2, r.stderr);
    assert.match(r.stderr, /--base origin\/main is ambiguous/);
  });

  it('a --base the branch does not contain (main moved on) is refused, naming both commits and their merge base (F11)', () => {
    // base..tip would also undo main's newer commits, which the reviewer never saw, and no rebase of the branch
    // could match that patch-id. It used to be signed from the merge base with a warning (the statement then
    // named another base than the one typed); now nothing is signed and the message gives the base to use.
    const forkPoint = author.git('merge-base', 'main', 'feature');
    author.git('checkout', '-q', 'main');
    author.write('NEWS.md', 'main moved on\n');
    author.git('add', 'NEWS.md');
    author.commit('main moves on');
    author.git('push', '-q', 'origin', 'main');
    const moved = author.git('rev-parse', 'main');
    const reviewer = cloneAs('Rita Reviewer', 'rita@example.com', rita);
    const r = reviewer.cli(['approve', 'origin/feature', '--base', 'refs/remotes/origin/main', '--no-push']);
    assert.strictEqual(r.status, 2, r.stdout + r.stderr);
    assert.match(
      r.stderr,
      new RegExp(
        `^countersign approve: --base refs/remotes/origin/main \\(${moved.slice(0, 12)}\\) is not an ancestor of origin/feature \\(${tip.slice(0, 12)}\\): .*Nothing was signed; .*--base ${forkPoint} \\(their merge-base\\)`,
      ),
    );
    assert.doesNotMatch(r.stdout, /^Approved/m);
    assert.strictEqual(statementsOn(reviewer, tip).length, 0, 'nothing recorded');
    const json = reviewer.cli(['approve', 'origin/feature', '--base', 'refs/remotes/origin/main', '--json']);
    assert.strictEqual(json.status, 2);
    assert.match((JSON.parse(json.stdout) as { error: string }).error, /is not an ancestor of origin\/feature/);
    // The base the message names signs the branch's own change.
    const ok = reviewer.cli(['approve', 'origin/feature', '--base', forkPoint, '--no-push']);
    assert.strictEqual(ok.status, 0, ok.stderr);
    assert.match(ok.stdout, /covers 2 commits/);
    const [st] = statementsOn(reviewer, tip);
    assert.strictEqual(st.statement.base, forkPoint);
  });

  it('prints the commits base..tip covers, with AI line counts, before signing (and in --json)', () => {
    const reviewer = cloneAs('Rita Reviewer', 'rita@example.com', rita);
    const r = reviewer.cli(['approve', 'origin/feature', '--no-push']);
    assert.strictEqual(r.status, 0, r.stderr);
    assert.match(r.stdout, /covers 2 commits/);
    assert.match(r.stdout, /feature 1: add app/);
    assert.match(r.stdout, /feature 2: change x/);
    assert.ok(r.stdout.indexOf('feature 2: change x') < r.stdout.indexOf('Approved'), r.stdout);
    const j = reviewer.cli(['approve', 'origin/feature', '--no-push', '--json', '--comment', 'again, with JSON']);
    const out = JSON.parse(j.stdout) as {
      covers: Array<{ sha: string; subject: string; aiLines: number | null; author: string }>;
    };
    assert.deepStrictEqual(
      out.covers.map((c) => c.subject),
      ['feature 2: change x', 'feature 1: add app'],
    );
    assert.strictEqual(out.covers[0].sha, tip);
    // Unattested commits (no trailer): their AI share is unknown, null as review --json says (newuser25 N10).
    assert.ok(out.covers.every((c) => c.aiLines === null || typeof c.aiLines === 'number'));
  });

  // newuser15 #2: a commit made with COUNTERSIGN_SKIP=1 was listed "no AI lines" just before signing, while
  // review, verify and explain said nobody can tell how much of it AI wrote.
  it('lists an unattested commit as unattested, not as "no AI lines", before signing (and attested: false in --json)', () => {
    author.git('checkout', '-q', 'feature');
    author.write('src/b.ts', 'export const y = 1;\n');
    author.git('add', '.');
    const attested = author.commit('attested, human', '-m', 'AI-Provenance: v1 ai=0 human=1 untracked=0');
    author.git('push', '-q', 'origin', 'feature');
    const reviewer = cloneAs('Rita Reviewer', 'rita@example.com', rita);
    const r = reviewer.cli(['approve', 'origin/feature', '--no-push', '--comment', 'ok']);
    assert.strictEqual(r.status, 0, r.stderr);
    assert.match(r.stdout, /attested, human {2}— \S.*, no AI lines\n/);
    assert.match(r.stdout, /feature 1: add app {2}— \S.*, unattested \(AI share unknown\)\n/);
    assert.match(r.stdout, /feature 2: change x {2}— \S.*, unattested \(AI share unknown\)\n/);
    const j = reviewer.cli(['approve', 'origin/feature', '--no-push', '--json', '--comment', 'again']);
    const out = JSON.parse(j.stdout) as { covers: Array<{ sha: string; attested: boolean; aiLines: number | null }> };
    assert.deepStrictEqual(
      out.covers.map((c) => c.attested),
      [true, false, false],
    );
    assert.deepStrictEqual(
      out.covers.map((c) => c.aiLines),
      [0, null, null],
    );
    assert.strictEqual(out.covers[0].sha, attested);
  });

  it('attack: approving your own commit is refused (exit 2, nothing recorded); --force records it, stated as not counting', () => {
    const selfie = cloneAs('Ada Author', 'ada@example.com', rita);
    // Ada even has Rita's key and lists herself nowhere: the first reason given is that she is not listed.
    const notListed = selfie.cli(['approve', 'origin/feature', '--no-push']);
    assert.strictEqual(notListed.status, 2);
    assert.match(notListed.stderr, /not a reviewer/);
    // Rita approving a branch that contains her own commit.
    const reviewer = cloneAs('Rita Reviewer', 'rita@example.com', rita);
    reviewer.git('checkout', '-q', '-b', 'mine', 'origin/feature');
    reviewer.write('src/app.ts', 'export const x = 3;\n');
    Object.assign(reviewer.env, {
      GIT_AUTHOR_NAME: 'Rita Reviewer',
      GIT_AUTHOR_EMAIL: 'rita@example.com',
      GIT_COMMITTER_NAME: 'Rita Reviewer',
      GIT_COMMITTER_EMAIL: 'rita@example.com',
    });
    const own = reviewer.commit('rita tweaks', '-a');
    const r = reviewer.cli(['approve', 'HEAD', '--no-push']);
    assert.strictEqual(r.status, 2, r.stdout);
    assert.match(r.stderr, /You authored .*under the two-person rule/);
    assert.match(r.stderr, /--force/);
    assert.deepStrictEqual(statementsOn(reviewer, own), []);
    const forced = reviewer.cli(['approve', 'HEAD', '--no-push', '--force']);
    assert.strictEqual(forced.status, 0, forced.stderr);
    assert.match(forced.stderr, /recorded anyway.*does not count/);
    assert.strictEqual(statementsOn(reviewer, own).length, 1);
  });

  it('attack: a reviewer signing with a key the policy does not list is refused', () => {
    const reviewer = cloneAs('Rita Reviewer', 'rita@example.com', other);
    const r = reviewer.cli(['approve', 'origin/feature', '--no-push']);
    assert.strictEqual(r.status, 2, r.stdout);
    assert.match(r.stderr, /not the key \.countersign\.json on origin\/main lists for rita@example\.com/);
    assert.deepStrictEqual(statementsOn(reviewer, tip), []);
    const json = reviewer.cli(['approve', 'origin/feature', '--no-push', '--force', '--json']);
    assert.strictEqual(json.status, 0, json.stderr);
    assert.match((JSON.parse(json.stdout) as { notCounting: string }).notCounting, /not the key/);
  });

  it('a listed reviewer with the listed key: signed, and the gate counts it; approving the same tip again is a no-op', () => {
    const reviewer = cloneAs('Rita Reviewer', 'rita@example.com', rita);
    const r = reviewer.cli(['approve', 'origin/feature']);
    assert.strictEqual(r.status, 0, r.stderr);
    const again = reviewer.cli(['approve', 'origin/feature']);
    assert.strictEqual(again.status, 0, again.stderr);
    assert.match(again.stdout, /already approved/i);
    assert.strictEqual(statementsOn(reviewer, tip).length, 1, 'one statement, not two');
    const j = JSON.parse(reviewer.cli(['approve', 'origin/feature', '--json']).stdout) as { alreadyRecorded: boolean };
    assert.strictEqual(j.alreadyRecorded, true);
    // A rejection in between makes a later approval new again.
    assert.strictEqual(reviewer.cli(['reject', 'origin/feature', '--comment', 'wait']).status, 0);
    assert.strictEqual(reviewer.cli(['approve', 'origin/feature']).status, 0);
    assert.strictEqual(statementsOn(reviewer, tip).length, 3);
    author.git('fetch', '-q', 'origin', `+${REVIEW_NOTES_REF}:${REVIEW_NOTES_REF}`);
    const v = author.cli([
      'verify',
      '--branch',
      'main',
      '--base',
      'origin/main',
      '--head',
      'feature',
      '--format',
      'json',
    ]);
    assert.strictEqual(v.status, 0, v.stdout + v.stderr);
  });
});
