import * as assert from 'assert';
import { execFileSync } from 'child_process';
import { recordDecision } from '../helpers/approvals';
import { fastImport } from '../helpers/fastImport';
import { verifyThenPush, withoutGate } from '../helpers/gateAgreement';
import { commitFile, fileClone, setup, snapshotSetup } from '../helpers/gateServer';
import { GitProcessLog } from '../helpers/gitProcessLog';
import { TempRepo } from '../helpers/tempRepo';

/**
 * attack28 F1 (threat model attack28 02): an approval is spent once its change landed on the branch, whichever
 * commit object carried it. Bob approved T taking an access check out; Ada landed T not as itself but as a
 * cherry-picked copy (same parent, same tree, another committer date), carried by patch-id as designed; F put the
 * check back; Mallory's A undoes F: T's patch-id again, and T replayed onto main gives A's tree. attack27 04's
 * defence asked only whether T itself is in main's history, so A was carried by Bob's approval a second time.
 * Real bare server (`install --server`), real clones, real keys.
 */
describe('attack28 F1: an approval carried once as a copy does not carry to the same change again', function () {
  this.timeout(240_000);

  const AI = (n: number) => `AI-Provenance: v1 ai=${n} human=0 untracked=0`;
  const HUMAN = (n: number) => `AI-Provenance: v1 ai=0 human=${n} untracked=0`;
  const page = (guard: string, head = '') =>
    `${head}def admin_page(req):\n    user = load(req)\n    audit(user)\n${guard}    log(user)\n    return render(user)\n`;
  const CHECKED = '    require_admin(user)\n';
  const OPEN = '    pass  # admin check moved to the proxy\n';
  const short = (sha: string) => sha.slice(0, 12);

  /** `git cherry-pick` of `commits` in `repo` with another committer date each time: a copy, never the same object. */
  let date = 1_700_000_000;
  const cherryPick = (repo: TempRepo, ...commits: string[]) => {
    execFileSync('git', ['cherry-pick', ...commits], {
      cwd: repo.dir,
      env: { ...repo.env, GIT_COMMITTER_DATE: `@${(date += 60)} +0000` },
      stdio: 'pipe',
    });
    return repo.git('rev-parse', 'HEAD');
  };

  /**
   * Main: the page with the check (B); T on feat takes it out, Bob approves B..T; Ada lands a copy of T (carried by
   * patch-id); F puts the check back (human, needs no review). main's tree is B's again.
   */
  const landedCopy = () =>
    snapshotSetup('approvalSpentCopy:one', () => {
      const s = setup();
      const { ada, bob } = s;
      const base = commitFile(ada, 'admin.py', page(CHECKED), `admin page\n\n${HUMAN(6)}`);
      assert.strictEqual(ada.gitResult(['push', '-q', 'origin', 'main']).status, 0);
      ada.git('checkout', '-q', '-b', 'feat');
      const tip = commitFile(ada, 'admin.py', page(OPEN), `admin: the proxy checks\n\n${AI(1)}`);
      assert.strictEqual(ada.gitResult(['push', '-q', '--no-verify', 'origin', 'feat']).status, 0);
      recordDecision(ada, bob, { email: 'bob@example.com', base, tip });
      ada.git('checkout', '-q', 'main');
      const copy = cherryPick(ada, tip);
      assert.notStrictEqual(copy, tip);
      const landed = verifyThenPush(ada, 'main', ['--atomic', 'origin', 'main', 'refs/notes/countersign']);
      assert.strictEqual(landed.status, 0, `the copy of the approved change is carried (designed):\n${landed.stderr}`);
      const restored = commitFile(ada, 'admin.py', page(CHECKED), `admin: restore the check\n\n${HUMAN(1)}`);
      const fixed = verifyThenPush(ada, 'main', ['origin', 'main']);
      assert.strictEqual(fixed.status, 0, fixed.stderr);
      return { ...s, approved: { base, tip }, copy, restored };
    });

  it('attack: the change pushed again after a fix undid it is refused by the server and verify, naming the copy', () => {
    const s = landedCopy();
    const m = fileClone(s, 'Mallory', 'mallory@example.com', false);
    const a = commitFile(m, 'admin.py', page(OPEN), `admin: drop the check again\n\n${AI(1)}`);
    assert.strictEqual(m.git('rev-parse', `${a}^{tree}`), m.git('rev-parse', `${s.approved.tip}^{tree}`));
    const before = s.server.git('rev-parse', 'main');
    const r = verifyThenPush(m, 'main', ['origin', 'HEAD:main']);
    assert.notStrictEqual(r.status, 0, `the server carried a spent approval again:\n${r.verify.stdout}`);
    const why = new RegExp(`already landed as ${short(s.copy)}.*an approval covers it once`);
    assert.match(r.stderr, why);
    assert.match(r.verify.stdout, why);
    assert.strictEqual(s.server.git('rev-parse', 'main'), before);
  });

  it('attack, CI form: verify --base origin/main --head PR of T cherry-picked onto its old base is blocked', () => {
    const s = landedCopy();
    const m = fileClone(s, 'Mallory', 'mallory@example.com', false);
    m.git('checkout', '-q', '-b', 'pr', s.approved.base);
    const a = cherryPick(m, s.approved.tip);
    const r = m.cli(['verify', '--branch', 'main', '--base', 'refs/remotes/origin/main', '--head', a]);
    assert.strictEqual(r.status, 1, `CI passed a pull request re-using a spent approval:\n${r.stdout}${r.stderr}`);
    assert.match(r.stdout, new RegExp(`already landed as ${short(s.copy)}`));
  });

  it('attack: explain in a fresh clone agrees with the server (BLOCKED), report does not count it reviewed', () => {
    const s = landedCopy();
    const m = fileClone(s, 'Mallory', 'mallory@example.com', false);
    const a = commitFile(m, 'admin.py', page(OPEN), `admin: drop the check again\n\n${AI(1)}`);
    assert.strictEqual(m.gitResult(['push', '-q', '--no-verify', 'origin', 'HEAD:refs/heads/evil']).status, 0);
    const cy = fileClone(s, 'Cy', 'cy@example.com', true);
    const e = JSON.parse(cy.cli(['explain', a, '--json']).stdout);
    assert.strictEqual(e.gate.ok, false, JSON.stringify(e.gate));
    const r = JSON.parse(cy.cli(['report', '--format', 'json', `${s.approved.base}..${a}`]).stdout);
    assert.strictEqual(r.commits, 3);
    assert.strictEqual(r.reviewedCommits, 1, 'the copy was reviewed; A is not');
  });

  it('honest: the approved change backported to release/1 is carried there (spent per branch)', () => {
    const s = landedCopy();
    const { ada } = s;
    ada.git('checkout', '-q', '-b', 'release/1', s.approved.base);
    assert.strictEqual(ada.gitResult(['push', '-q', 'origin', 'release/1']).status, 0);
    cherryPick(ada, s.approved.tip);
    const r = verifyThenPush(ada, 'release/1', ['origin', 'release/1']);
    assert.strictEqual(r.status, 0, `the backport was refused:\n${r.stderr}`);
  });

  it('honest: a rebased approved change lands once by patch-id, main having changed the same file meanwhile', () => {
    const s = setup();
    const { ada, bob } = s;
    const base = commitFile(ada, 'admin.py', page(CHECKED), `admin page\n\n${HUMAN(6)}`);
    assert.strictEqual(ada.gitResult(['push', '-q', 'origin', 'main']).status, 0);
    ada.git('checkout', '-q', '-b', 'feat');
    const tip = commitFile(ada, 'admin.py', page(OPEN), `admin: the proxy checks\n\n${AI(1)}`);
    recordDecision(ada, bob, { email: 'bob@example.com', base, tip });
    ada.git('checkout', '-q', 'main');
    for (let i = 0; i < 3; i++) {
      const head = Array.from({ length: i + 1 }, (_, j) => `def helper_${j}():\n    return ${j}\n\n\n`).join('');
      commitFile(ada, 'admin.py', page(CHECKED, head), `helper ${i}\n\n${HUMAN(4)}`);
    }
    assert.strictEqual(ada.gitResult(['push', '-q', 'origin', 'main']).status, 0);
    cherryPick(ada, tip);
    const r = verifyThenPush(ada, 'main', ['--atomic', 'origin', 'main', 'refs/notes/countersign']);
    assert.strictEqual(r.status, 0, `the rebased approved change was refused:\n${r.stderr}`);
  });

  it('honest: the approved commits themselves in two pushes (a human step, then the tip) land', () => {
    const s = setup();
    const { ada, bob } = s;
    const base = commitFile(ada, 'admin.py', page(CHECKED), `admin page\n\n${HUMAN(6)}`);
    assert.strictEqual(ada.gitResult(['push', '-q', 'origin', 'main']).status, 0);
    commitFile(ada, 'NOTES.md', 'the proxy checks admins\n', `notes\n\n${HUMAN(1)}`);
    const tip = commitFile(ada, 'admin.py', page(OPEN), `admin: the proxy checks\n\n${AI(1)}`);
    recordDecision(ada, bob, { email: 'bob@example.com', base, tip });
    const first = ada.gitResult(['push', '-q', '--no-verify', 'origin', 'HEAD~1:main']);
    assert.strictEqual(first.status, 0, `the human step was refused:\n${first.stderr}`);
    const r = verifyThenPush(ada, 'main', ['--atomic', 'origin', 'main', 'refs/notes/countersign']);
    assert.strictEqual(r.status, 0, `the approved tip was refused:\n${r.stderr}`);
  });

  it("honest: a re-land after a revert (the change in the base's history, made and undone on main) is carried", () => {
    const s = setup();
    const { ada, bob } = s;
    commitFile(ada, 'admin.py', page(CHECKED), `admin page\n\n${HUMAN(6)}`);
    commitFile(ada, 'admin.py', page(OPEN), `admin: the proxy checks\n\n${HUMAN(1)}`);
    const base = commitFile(ada, 'admin.py', page(CHECKED), `Revert "admin: the proxy checks"\n\n${HUMAN(1)}`);
    assert.strictEqual(ada.gitResult(['push', '-q', 'origin', 'main']).status, 0);
    ada.git('checkout', '-q', '-b', 'feat');
    const tip = commitFile(ada, 'admin.py', page(OPEN), `Reland "admin: the proxy checks"\n\n${AI(1)}`);
    recordDecision(ada, bob, { email: 'bob@example.com', base, tip });
    ada.git('checkout', '-q', 'main');
    commitFile(ada, 'admin.py', page(CHECKED, 'import proxy\n\n\n'), `import the proxy\n\n${HUMAN(1)}`);
    assert.strictEqual(ada.gitResult(['push', '-q', 'origin', 'main']).status, 0);
    cherryPick(ada, tip);
    const r = verifyThenPush(ada, 'main', ['--atomic', 'origin', 'main', 'refs/notes/countersign']);
    assert.strictEqual(r.status, 0, `the re-land was refused:\n${r.stderr}`);
  });

  /**
   * The copy hidden in the approved base (a look since the statement's base leaves out what the base holds): Mallory
   * builds her base as X (the check out) + its revert, then T redoing X; Bob approves B..T and sees only the check
   * going. X itself, pushed onto main (its parent main's tip), has the approved patch-id and T's tree, so it was
   * carried — and, being in B's history, no later look saw that it landed: after F, A was carried again.
   */
  it('attack: a copy the approved base already holds is not carried (the base made and undid the change)', () => {
    const s = setup();
    const { ada, bob } = s;
    commitFile(ada, 'admin.py', page(CHECKED), `admin page\n\n${HUMAN(6)}`);
    assert.strictEqual(ada.gitResult(['push', '-q', 'origin', 'main']).status, 0);
    const m = fileClone(s, 'Mallory', 'mallory@example.com', false);
    const x = commitFile(m, 'admin.py', page(OPEN), `admin: the proxy checks\n\n${AI(1)}`);
    const base = commitFile(m, 'admin.py', page(CHECKED), `Revert: keep the check for now\n\n${HUMAN(1)}`);
    const tip = commitFile(m, 'admin.py', page(OPEN), `admin: the proxy checks\n\n${AI(1)}`);
    assert.strictEqual(m.gitResult(['push', '-q', '--no-verify', 'origin', 'HEAD:refs/heads/feat']).status, 0);
    m.git('fetch', '-q', 'origin', 'refs/notes/*:refs/notes/*');
    recordDecision(m, bob, { email: 'bob@example.com', base, tip });
    assert.strictEqual(m.gitResult(['push', '-q', 'origin', 'refs/notes/countersign']).status, 0);
    m.git('checkout', '-q', '-B', 'main', x);
    const r = verifyThenPush(m, 'main', ['origin', 'HEAD:main']);
    assert.notStrictEqual(r.status, 0, `X, which the approved base holds, was carried:\n${r.verify.stdout}`);
    assert.match(r.stderr, new RegExp(`the approved base ${short(base)} already holds ${short(x)}`));
  });

  /**
   * A two-commit approval (the check out of admin.py, then a flag in config.py) landed as a copy one commit at a
   * time; F puts both back; A makes both changes again in one commit (a squash: the approved patch-id, and the
   * approved change replayed onto main gives its tree).
   */
  it('attack, multi-commit: a copy landed commit by commit, then the squashed change again, is refused', () => {
    const s = setup();
    const { ada, bob } = s;
    ada.write('config.py', 'PROXY = False\n');
    ada.git('add', 'config.py');
    const base = commitFile(ada, 'admin.py', page(CHECKED), `admin page\n\n${HUMAN(7)}`);
    assert.strictEqual(ada.gitResult(['push', '-q', 'origin', 'main']).status, 0);
    ada.git('checkout', '-q', '-b', 'feat');
    const c1 = commitFile(ada, 'admin.py', page(OPEN), `admin: the proxy checks\n\n${AI(1)}`);
    const tip = commitFile(ada, 'config.py', 'PROXY = True\n', `config: the proxy\n\n${AI(1)}`);
    assert.strictEqual(ada.gitResult(['push', '-q', '--no-verify', 'origin', 'feat']).status, 0);
    recordDecision(ada, bob, { email: 'bob@example.com', base, tip });
    ada.git('checkout', '-q', 'main');
    const copies = [cherryPick(ada, c1), cherryPick(ada, tip)];
    const landed = verifyThenPush(ada, 'main', ['--atomic', 'origin', 'main', 'refs/notes/countersign']);
    assert.strictEqual(landed.status, 0, `the copy, commit by commit, is carried (designed):\n${landed.stderr}`);
    ada.write('config.py', 'PROXY = False\n');
    ada.git('add', 'config.py');
    commitFile(ada, 'admin.py', page(CHECKED), `restore the check\n\n${HUMAN(2)}`);
    assert.strictEqual(verifyThenPush(ada, 'main', ['origin', 'main']).status, 0);
    const m = fileClone(s, 'Mallory', 'mallory@example.com', false);
    m.write('config.py', 'PROXY = True\n');
    m.git('add', 'config.py');
    const a = commitFile(m, 'admin.py', page(OPEN), `both again\n\n${AI(2)}`);
    assert.strictEqual(m.git('rev-parse', `${a}^{tree}`), m.git('rev-parse', `${tip}^{tree}`));
    const r = verifyThenPush(m, 'main', ['origin', 'HEAD:main']);
    assert.notStrictEqual(r.status, 0, `the server carried a spent approval again:\n${r.verify.stdout}`);
    assert.match(r.stderr, new RegExp(`already landed as ${short(copies[0])}\\^\\.\\.${short(copies[1])}`));
  });
});

/**
 * The look for a landed copy is bounded (core/approvalReplayCheck.ts MAX_LANDED_CANDIDATES): a main where 1,000
 * commits changed the approved file since the approval's base does not make the server compare each (one batched
 * patch-id run of up to 16 spans a commit would be 16,000 diffs): past 200 the approval counts as spent, and the
 * refusal says why. Counted in git processes the server's hook starts (load cannot move a count).
 */
describe('attack28 F1: looking for a landed copy is bounded on a busy history', function () {
  this.timeout(240_000);

  it('1,000 commits changing the approved file since its base: refused as unchecked, in a bounded number of git runs', () => {
    const s = setup();
    const { ada, bob, server } = s;
    const page = (head: string, guard: string) =>
      `${head}def admin_page(req):\n    user = load(req)\n    audit(user)\n${guard}    log(user)\n    return render(user)\n`;
    const base = commitFile(
      ada,
      'admin.py',
      page('', '    require_admin(user)\n'),
      'admin\n\nAI-Provenance: v1 ai=0 human=6 untracked=0',
    );
    assert.strictEqual(ada.gitResult(['push', '-q', 'origin', 'main']).status, 0);
    ada.git('checkout', '-q', '-b', 'feat');
    const tip = commitFile(
      ada,
      'admin.py',
      page('', ''),
      'open\n\nAI-Provenance: v1 ai=0 human=0 untracked=0\nAssisted-by: x:y z',
    );
    recordDecision(ada, bob, { email: 'bob@example.com', base, tip });
    ada.git('checkout', '-q', 'main');
    fastImport(
      ada,
      Array.from({ length: 1000 }, (_, i) => ({
        message: `version ${i}\n\nAI-Provenance: v1 ai=0 human=1 untracked=0`,
        files: { 'admin.py': page(`VERSION = ${i}\n\n\n`, '    require_admin(user)\n') },
      })),
    );
    ada.git('reset', '-q', '--hard', 'main');
    withoutGate(server, () => assert.strictEqual(ada.gitResult(['push', '-q', 'origin', 'main']).status, 0));
    execFileSync('git', ['cherry-pick', tip], { cwd: ada.dir, env: ada.env, stdio: 'pipe' });
    const log = new GitProcessLog({ onlyIn: server.dir });
    const started = Date.now();
    try {
      const r = TempRepo.at(ada.dir, log.env).gitResult([
        'push',
        '--no-verify',
        '--atomic',
        'origin',
        'main',
        'refs/notes/countersign',
      ]);
      const ms = Date.now() - started;
      console.log(`      server hook: ${log.starts().length} git processes (${log.summary()}), push ${ms} ms`);
      assert.notStrictEqual(r.status, 0, 'carried past the bound');
      assert.match(r.stderr, /more than 200 commits since its base .* change the files it changes/);
      assert.strictEqual(log.count('patch-id'), 1, `${log.summary()}`);
      assert.ok(log.starts().length <= 60, `${log.starts().length} git processes: ${log.summary()}`);
    } finally {
      log.remove();
    }
  });
});
