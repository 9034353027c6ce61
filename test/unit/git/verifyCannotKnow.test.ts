import * as assert from 'assert';
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { commitFile, policyJson, setup } from '../helpers/gateServer';
import { makeKey } from '../helpers/reviewerKeys';
import { CLI, TempRepo } from '../helpers/tempRepo';

/**
 * `verify` must not turn a required check green when it cannot know (issue 17): each misconfiguration exits 2
 * with one sentence and the fix. And on a feature branch it judges what would land on the default branch.
 */
describe('verify when it cannot know, and on a feature branch', function () {
  this.timeout(120_000);

  const AI = 'AI-Provenance: v1 ai=1 human=0 untracked=0';

  it('exits 2 for an unknown --remote, a mistyped --branch, and no remote at all', () => {
    const { ada } = setup();
    commitFile(ada, 'ai.ts', 'ai\n', `AI change\n\n${AI}`);
    const remote = ada.cli(['verify', '--remote', 'upstream', '--branch', 'main']);
    assert.strictEqual(remote.status, 2, remote.stdout + remote.stderr);
    assert.match(remote.stderr, /there is no remote named 'upstream' here \(remotes: origin\)/);
    const typo = ada.cli(['verify', '--branch', 'mian']);
    assert.strictEqual(typo.status, 2, typo.stdout + typo.stderr);
    assert.match(
      typo.stderr,
      /--branch 'mian' is not a branch on origin and no protected pattern matches it.*did you mean 'main'\?/,
    );
    // A new branch the policy protects is a legitimate target: judged (and blocked), not an error.
    assert.strictEqual(ada.cli(['verify', '--branch', 'release/7']).status, 1);

    const lone = TempRepo.create();
    commitFile(lone, 'a.txt', 'a\n', 'a');
    const none = lone.cli(['verify', '--branch', 'main']);
    assert.strictEqual(none.status, 2, none.stdout + none.stderr);
    assert.match(none.stderr, /this repository has no remote.*git remote add origin URL/);
  });

  it('exits 2 for an ambiguous --base or --head: a tag named origin/main does not choose the range (G3)', () => {
    const { ada } = setup();
    const tip = commitFile(ada, 'ai.ts', 'ai\n', `AI change\n\n${AI}`);
    // The attack (outside tester, session 7): a tag shadowing the remote-tracking branch, at the pull
    // request's head, made `--base origin/main` mean the head itself: 0 commits judged, exit 0.
    ada.git('tag', 'origin/main', tip);
    const hijacked = ada.cli(['verify', '--branch', 'main', '--base', 'origin/main', '--head', tip]);
    assert.strictEqual(hijacked.status, 2, hijacked.stdout + hijacked.stderr);
    assert.match(hijacked.stderr, /--base origin\/main is ambiguous.*refs\/remotes\/origin\/main/);
    ada.git('branch', 'origin/feature', tip);
    ada.git('tag', 'origin/feature', 'origin/main');
    const head = ada.cli([
      'verify',
      '--branch',
      'main',
      '--base',
      'refs/remotes/origin/main',
      '--head',
      'origin/feature',
    ]);
    assert.strictEqual(head.status, 2, head.stdout + head.stderr);
    assert.match(head.stderr, /--head origin\/feature is ambiguous/);
    // Named in full, the range is the pull request's, and it needs review.
    const full = ada.cli(['verify', '--branch', 'main', '--base', 'refs/remotes/origin/main', '--head', tip]);
    assert.strictEqual(full.status, 1, full.stdout + full.stderr);
    // A tag named like the full name (outside tester H6, session 8) cannot hold the check up: git looks the
    // exact ref up first, so the full name means the remote-tracking branch whatever else exists.
    ada.git('tag', 'refs/remotes/origin/main', tip);
    const shadowed = ada.cli(['verify', '--branch', 'main', '--base', 'refs/remotes/origin/main', '--head', tip]);
    assert.strictEqual(shadowed.status, 1, shadowed.stdout + shadowed.stderr);
    assert.doesNotMatch(shadowed.stderr, /ambiguous/);
  });

  it('without origin/HEAD, does not guess between main and master (G13)', () => {
    // A forge whose default branch is master; the CI clone is made as actions/checkout makes it (init +
    // fetch): no origin/HEAD. The attacker (outside tester, session 7) pushes a branch `main` whose policy
    // protects only main, which the guess "origin/main, else origin/master" took for the policy branch.
    const bob = makeKey('bob');
    const forge = TempRepo.create({ bare: true });
    forge.git('symbolic-ref', 'HEAD', 'refs/heads/master');
    const ada = TempRepo.create();
    ada.git('remote', 'add', 'origin', forge.dir);
    const strict = { ...(JSON.parse(policyJson(bob, makeKey('carol'))) as object), protectedBranches: ['master'] };
    commitFile(
      ada,
      '.countersign.json',
      JSON.stringify(strict),
      'policy\n\nAI-Provenance: v1 ai=0 human=1 untracked=0',
    );
    ada.git('push', '-q', 'origin', 'main:master');
    const tip = commitFile(ada, 'ai.ts', 'ai\n', `AI change\n\n${AI}`);
    ada.git('push', '-q', 'origin', 'HEAD:refs/heads/feature');
    ada.git('checkout', '-q', '-b', 'evil', 'origin/master');
    commitFile(ada, '.countersign.json', JSON.stringify({ ...strict, protectedBranches: ['main'] }), 'mine');
    ada.git('push', '-q', 'origin', 'HEAD:refs/heads/main');

    const ci = TempRepo.create();
    ci.git('remote', 'add', 'origin', forge.dir);
    ci.git('fetch', '-q', 'origin', '+refs/heads/*:refs/remotes/origin/*');
    ci.git('checkout', '-q', tip);
    const args = ['verify', '--branch', 'master', '--base', 'refs/remotes/origin/master', '--head', tip];
    const r = ci.cli(args);
    assert.strictEqual(r.status, 2, r.stdout + r.stderr);
    assert.match(r.stdout + r.stderr, /both origin\/main and origin\/master exist/);
    // Told the policy branch (as the templates are), or once origin/HEAD is set, it judges under master's.
    const told = ci.cli([...args, '--policy-branch', 'master']);
    assert.strictEqual(told.status, 1, told.stdout + told.stderr);
    assert.match(told.stdout, /1 of 1 commit\(s\) need review/);
    ci.git('remote', 'set-head', 'origin', '--auto');
    assert.strictEqual(ci.cli(args).status, 1);
  });

  it('exits 2 when notes are missing under --no-fetch, and for a shallow clone without the range', () => {
    const { ada, server } = setup();
    commitFile(ada, 'a.txt', 'a\n', 'human\n\nAI-Provenance: v1 ai=0 human=1 untracked=0');
    ada.git('push', '-q', 'origin', 'main');
    const noNotes = ada.cli(['verify', '--branch', 'main', '--no-fetch']);
    assert.strictEqual(noNotes.status, 2, noNotes.stdout + noNotes.stderr);
    assert.match(
      noNotes.stderr,
      /refs\/notes\/countersign and refs\/notes\/ai are not in this clone and --no-fetch was given.*drop --no-fetch/,
    );

    for (let i = 0; i < 3; i++)
      commitFile(ada, `f${i}.txt`, `${i}\n`, `human ${i}\n\nAI-Provenance: v1 ai=0 human=1 untracked=0`);
    ada.git('push', '-q', 'origin', 'main:feature/deep');
    const shallowDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cs-shallow-'));
    execFileSync('git', ['clone', '-q', '--depth', '1', '--no-single-branch', `file://${server.dir}`, shallowDir], {
      env: ada.env,
    });
    const shallow = spawnCli(shallowDir, ada.env, [
      'verify',
      '--branch',
      'main',
      '--base',
      'origin/main',
      '--head',
      'origin/feature/deep',
    ]);
    assert.strictEqual(shallow.status, 2, shallow.stdout + shallow.stderr);
    assert.match(shallow.stderr, /this clone is shallow and lacks part of .*git fetch --unshallow origin/);
    // newuser22 F-shallow: a --base older than the cut does not resolve at all; `git fetch origin` never deepens.
    const cut = spawnCli(shallowDir, ada.env, ['verify', '--branch', 'main', '--base', 'HEAD~1', '--head', 'HEAD']);
    assert.strictEqual(cut.status, 2, cut.stdout + cut.stderr);
    assert.match(cut.stderr, /--base HEAD~1 is not in this clone, which is shallow.*git fetch --unshallow origin/);

    // newuser15 #8: the error JSON said "protected": false for main, which the readable policy protects.
    const range = ['--base', 'origin/main', '--head', 'origin/feature/deep', '--json'];
    const json = spawnCli(shallowDir, ada.env, ['verify', '--branch', 'main', ...range]);
    assert.strictEqual(json.status, 2, json.stdout + json.stderr);
    const doc = JSON.parse(json.stdout) as { ok: boolean; branch: string; protected: boolean; exitCode: number };
    assert.deepStrictEqual([doc.ok, doc.branch, doc.protected, doc.exitCode], [false, 'main', true, 2]);
    const other = spawnCli(shallowDir, ada.env, ['verify', '--branch', 'feature/deep', ...range]);
    assert.strictEqual(other.status, 2, other.stdout + other.stderr);
    assert.strictEqual((JSON.parse(other.stdout) as { protected: boolean }).protected, false, 'not protected');
  });

  // newuser15 #10: DESIGN's contract is "a push to branch NAME (default: the current branch's upstream)"; verify
  // judged the remote's default branch instead whenever the upstream was unprotected.
  it('on a feature branch with an upstream, judges the upstream (DESIGN) and names --branch for where it lands', () => {
    const bob = makeKey('bob');
    const { ada } = setup(policyJson(bob, makeKey('carol')));
    ada.git('checkout', '-q', '-b', 'feature/ai');
    commitFile(ada, 'ai.ts', 'ai\n', `AI change\n\n${AI}`);
    ada.git('push', '-q', '-u', 'origin', 'feature/ai');
    const r = ada.cli(['verify', '--format', 'json']);
    assert.strictEqual(r.status, 0, r.stdout + r.stderr);
    const j = JSON.parse(r.stdout) as { ok: boolean; branch: string; protected: boolean };
    assert.deepStrictEqual([j.ok, j.branch, j.protected], [true, 'feature/ai', false]);
    const text = ada.cli(['verify']);
    assert.strictEqual(text.status, 0, text.stdout + text.stderr);
    assert.match(text.stdout, /feature\/ai is not protected/);
    assert.match(
      text.stdout,
      /judged as a push to origin\/feature\/ai, this branch's upstream; to check it as it would land on main: countersign verify --branch main/,
    );
    const landing = ada.cli(['verify', '--branch', 'main', '--format', 'json']);
    assert.strictEqual(landing.status, 1, landing.stdout + landing.stderr);
    assert.deepStrictEqual(
      [
        (JSON.parse(landing.stdout) as { branch: string }).branch,
        (JSON.parse(landing.stdout) as { protected: boolean }).protected,
      ],
      ['main', true],
    );
  });

  it('without an upstream, judges where the branch lands: the same name when protected, else the default branch', () => {
    const bob = makeKey('bob');
    const { ada } = setup(policyJson(bob, makeKey('carol')));
    ada.git('checkout', '-q', '-b', 'feature/noup');
    commitFile(ada, 'n.ts', 'n\n', `AI change\n\n${AI}`);
    ada.git('push', '-q', 'origin', 'feature/noup'); // no -u: no upstream
    const pushed = ada.cli(['verify', '--format', 'json']);
    assert.strictEqual(pushed.status, 1, pushed.stdout + pushed.stderr);
    assert.strictEqual((JSON.parse(pushed.stdout) as { branch: string }).branch, 'main');
    ada.git('checkout', '-q', '-b', 'local-only');
    const local = ada.cli(['verify', '--format', 'json']);
    assert.strictEqual(local.status, 1, local.stdout + local.stderr);
    assert.strictEqual((JSON.parse(local.stdout) as { branch: string }).branch, 'main');
    // On release/2, protected and on the remote, without an upstream: judged as a push to release/2 itself.
    ada.git('push', '-q', 'origin', 'main:release/2');
    ada.git('checkout', '-q', '-b', 'release/2', 'origin/release/2');
    ada.git('branch', '-q', '--unset-upstream');
    commitFile(ada, 'r.ts', 'r\n', `AI change\n\n${AI}`);
    const own = ada.cli(['verify', '--format', 'json']);
    assert.strictEqual(own.status, 1, own.stdout + own.stderr);
    assert.strictEqual((JSON.parse(own.stdout) as { branch: string }).branch, 'release/2');
  });

  it('prepare-commit-msg warns when a staged policy is invalid, and the commit goes on', () => {
    const { ada } = setup();
    assert.strictEqual(ada.cli(['install']).status, 0);
    ada.write('.countersign.json', '{"protectedBranches": ["main"], "reviewers": [{"name": "X"}]}');
    ada.git('add', '.countersign.json');
    const r = ada.gitResult(['commit', '-m', 'edit policy']);
    assert.strictEqual(r.status, 0, r.stderr);
    assert.match(r.stderr, /countersign \(prepare-commit-msg\): the staged \.countersign\.json is not a valid policy/);
    assert.match(r.stderr, /reviewers\[0\]\.email/);
  });
});

function spawnCli(cwd: string, env: NodeJS.ProcessEnv, args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, env, encoding: 'utf8' });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}
