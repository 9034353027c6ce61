import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { makeKey, tempDir } from '../helpers/sshKeys';
import { TempRepo } from '../helpers/tempRepo';

type InitJson = {
  policy: { status: string; reason?: string };
  agents: string[];
  ci: { forge: string | null; status: string; file?: string; reason?: string; provide?: string[] };
  nextSteps: string[];
};

/**
 * `countersign init` (issue 17 item 6), run as a script would (stdin is not a terminal: it never asks): one
 * command sets up hooks, notes refspecs, a policy naming the current user with their signing key, the agents
 * found on the machine and the forge's CI template, and says what is left.
 */
describe('countersign init', function () {
  this.timeout(120_000);
  let keys: string;
  let remote: TempRepo;

  before(() => {
    keys = tempDir('cs-init-keys-');
    remote = TempRepo.create({ bare: true });
  });
  after(() => fs.rmSync(keys, { recursive: true, force: true }));

  function clone(): TempRepo {
    const r = TempRepo.create();
    r.write('README.md', 'app\n');
    r.git('add', '.');
    r.commit('init');
    r.git('remote', 'add', 'origin', remote.dir);
    // Agents "found on this machine": Claude Code's and Gemini CLI's settings folders in the (test) home.
    for (const d of ['.claude', '.gemini']) fs.mkdirSync(path.join(r.env.HOME as string, d), { recursive: true });
    r.env.PATH = `${path.dirname(process.execPath)}${path.delimiter}/usr/bin${path.delimiter}/bin`;
    return r;
  }

  it("sets up hooks, notes refspecs, a policy with you as reviewer, the agents found and the forge's CI template; a second run keeps it all", () => {
    const ada = clone();
    const key = makeKey(keys, 'ada', ['-t', 'ed25519']);
    ada.git('config', 'user.signingkey', key.publicFile);
    const r = ada.cli(['init', '--ci', 'github']);
    assert.strictEqual(r.status, 0, `${r.stdout}${r.stderr}`);
    assert.strictEqual(
      path.resolve(ada.dir, ada.git('config', 'core.hooksPath')),
      path.join(ada.dir, '.git', 'countersign', 'hooks'),
    );
    assert.match(ada.git('config', '--get-all', 'remote.origin.fetch'), /refs\/notes\/countersign/);
    assert.match(ada.git('config', '--get-all', 'notes.rewriteRef'), /refs\/notes\/ai/);
    const policy = JSON.parse(ada.read('.countersign.json')) as {
      protectedBranches: string[];
      reviewers: Array<{ name: string; email: string; key: string }>;
    };
    assert.deepStrictEqual(policy.protectedBranches, ['main']);
    assert.deepStrictEqual(
      policy.reviewers.map((x) => [x.name, x.email, x.key]),
      [['Ada Author', 'ada@example.com', key.publicLine]],
    );
    assert.strictEqual(ada.cli(['policy', 'check']).status, 0);
    assert.match(r.stdout, /AI agents \(found: claude, ~\/\.claude exists; gemini, ~\/\.gemini exists\)/);
    assert.match(ada.read('.claude/settings.local.json'), /checkpoint --from claude/);
    assert.strictEqual(
      ada.gitResult(['check-ignore', '-q', '.claude/settings.local.json']).status,
      0,
      'personal: out of commits',
    );
    assert.match(ada.read('.gemini/settings.json'), /checkpoint --from gemini/);
    assert.strictEqual(
      ada.read('.github/workflows/countersign.yml'),
      fs.readFileSync('ci-examples/github-actions.yml', 'utf8'),
      'the documented, tested template',
    );
    // newuser8 F8: you alone can never approve your own commits, and the default tiers need 2: init says so, with
    // policy check's own warnings, and its first step adds teammates while that is still free (before the commit).
    assert.match(r.stdout, /warning: tier 'infrastructure' needs 2 approvals but only 1 reviewer\(s\) are listed/);
    assert.match(
      r.stdout,
      /warning: nobody approves their own change, so with 1 reviewer\(s\) .* list at least 3 reviewers/,
    );
    assert.match(
      r.stdout,
      /Next steps:\n {2}1\. Add your teammates as reviewers before you commit the policy .*: countersign policy add-reviewer "Name <email>" --key THEIR_KEY\.pub\n {2}2\. Provide the CI's countersign tarball .*\n {2}3\. Commit \.countersign\.json and \.github\/workflows\/countersign\.yml/,
    );
    assert.match(r.stdout, /Make the "countersign \/ gate" check required/);
    // newuser12 P1/P2: the check does not see tag pushes, and nothing re-runs it when an approval is pushed.
    assert.match(r.stdout, /restrict who may create tags with a tag ruleset/);
    assert.match(r.stdout, /After a reviewer approves, someone re-runs the check on the pull request/);
    // The template installs a tarball the team provides (nothing by name from the registry): init says so loudly.
    assert.match(r.stdout, /ACTION NEEDED before the CI check can pass: countersign is not on the npm registry/);
    assert.match(
      r.stdout,
      /npm ci && npm pack\n.*gh release create countersign-v0\.1\.0 countersign-0\.1\.0\.tgz.*\n.*sha256sum countersign-0\.1\.0\.tgz` into COUNTERSIGN_SHA256 in \.github\/workflows\/countersign\.yml/,
    );
    assert.match(r.stdout, /\d\. Provide the CI's countersign tarball/);
    const doctor = JSON.parse(ada.cli(['doctor', '--json']).stdout) as {
      checks: Array<{ check: string; status: string }>;
    };
    for (const check of ['hooks-installed', 'hooks-active', 'cli-copy', 'notes-refspecs']) {
      assert.ok(
        doctor.checks.filter((c) => c.check === check).every((c) => c.status === 'ok'),
        `${check}: ${JSON.stringify(doctor.checks)}`,
      );
    }
    assert.ok(
      doctor.checks.filter((c) => c.check === 'agents').every((c) => c.status === 'ok'),
      JSON.stringify(doctor.checks),
    );

    // The step's command, done twice, leaves a policy every requirement of which a reviewer's own commit can meet.
    for (const who of ['bo', 'cy']) {
      const k = makeKey(keys, who, ['-t', 'ed25519']);
      const add = ada.cli(['policy', 'add-reviewer', `${who} <${who}@example.com>`, '--key', k.publicFile]);
      assert.strictEqual(add.status, 0, add.stderr);
    }
    assert.deepStrictEqual(
      (JSON.parse(ada.cli(['policy', 'check', '--json']).stdout) as { warnings: string[] }).warnings,
      [],
    );

    const again = JSON.parse(ada.cli(['init', '--json', '--ci', 'github']).stdout) as InitJson;
    assert.strictEqual(again.policy.status, 'kept');
    assert.strictEqual(again.ci.status, 'kept');
    assert.strictEqual(again.ci.provide?.length, 3, 'the kept template still lacks its checksum: still said');
    assert.deepStrictEqual(again.agents, ['claude', 'gemini']);
  });

  it('newuser22 F-init-order: on GitHub, COUNTERSIGN_SHA256 is filled in before the first commit, not after (2 approvals)', () => {
    const ada = clone();
    const key = makeKey(keys, 'ada-order', ['-t', 'ed25519']);
    ada.git('config', 'user.signingkey', key.publicFile);
    const r = ada.cli(['init', '--ci', 'github', '--agents', 'none', '--json']);
    assert.strictEqual(r.status, 0, `${r.stdout}${r.stderr}`);
    const steps = (JSON.parse(r.stdout) as InitJson).nextSteps;
    const provide = steps.findIndex((s) => s.startsWith("Provide the CI's countersign tarball"));
    const commit = steps.findIndex((s) =>
      s.startsWith('Commit .countersign.json and .github/workflows/countersign.yml'),
    );
    assert.ok(provide >= 0 && commit >= 0, steps.join('\n'));
    assert.ok(provide < commit, `the checksum is filled in before the commit:\n${steps.join('\n')}`);
    assert.match(steps[provide], /before you commit it/);
    assert.match(
      steps[provide],
      /the "infrastructure" tier holds for 2 approval\(s\) from reviewers other than its author/,
    );
    // The policy that will judge that edit holds the workflow file under a tier needing 2 approvals.
    ada.git('add', '.github');
    const check = ada.cli(['policy', 'check']);
    assert.match(
      check.stdout,
      /"infrastructure" tier matches .*\.github\/workflows\/countersign\.yml.*needs 2 approval/,
    );
  });

  it('newuser11 Q10: the commit step says the first policy lands without Countersign approval and why its lines are untracked', () => {
    const ada = clone();
    const key = makeKey(keys, 'ada-q10', ['-t', 'ed25519']);
    ada.git('config', 'user.signingkey', key.publicFile);
    const r = ada.cli(['init', '--ci', 'none', '--json']);
    assert.strictEqual(r.status, 0, `${r.stdout}${r.stderr}`);
    const step = (JSON.parse(r.stdout) as InitJson).nextSteps.find((s) => s.startsWith('Commit .countersign.json'));
    assert.ok(step, r.stdout);
    assert.doesNotMatch(step, /through review/);
    assert.match(
      step,
      /needs no Countersign approval, since no policy is in force before it; every later change to it does/,
    );
    assert.match(step, /untracked/);
  });

  it('a re-run in a clone set up for husky keeps husky in charge (core.hooksPath stays .husky/_)', () => {
    const cara = clone();
    fs.mkdirSync(path.join(cara.dir, '.husky', '_'), { recursive: true });
    cara.git('config', 'core.hooksPath', '.husky/_');
    const setUp = cara.cli(['install', '--hook-manager', 'husky']);
    assert.strictEqual(setUp.status, 0, setUp.stderr);
    const r = JSON.parse(cara.cli(['init', '--json', '--yes', '--agents', 'none']).stdout) as {
      hooks: { hookManager: string | null };
    };
    assert.strictEqual(r.hooks.hookManager, 'husky');
    assert.strictEqual(cara.git('config', 'core.hooksPath'), '.husky/_');
  });

  it('a user.signingkey naming a missing file is reported as that, not as "not set"', () => {
    // newuser10 N1: `git config user.signingkey ~/.ssh/id_ed25519.pub` with no such file made init say
    // "user.signingkey is not set", while doctor named the missing file.
    const bo = clone();
    const missing = path.join(bo.dir, 'no-such-key.pub');
    bo.git('config', 'user.signingkey', missing);
    const r = JSON.parse(bo.cli(['init', '--json', '--agents', 'none']).stdout) as InitJson;
    assert.strictEqual(r.policy.status, 'skipped');
    assert.doesNotMatch(r.policy.reason ?? '', /is not set/);
    const reason = r.policy.reason ?? '';
    assert.ok(reason.includes(missing) && /does not exist/.test(reason), reason);
    assert.ok(!fs.existsSync(path.join(bo.dir, '.countersign.json')));
  });

  it('newuser14 S30: --reviewer/--key given by someone with no signing key writes the policy with those reviewers', () => {
    // A team lead who will not review (or has no key on this machine) scripts init for the team: the reviewers
    // asked for are written, and init says the runner is not one of them, instead of dropping them and exiting 0.
    const lead = clone();
    const rita = makeKey(keys, 'rita-s30', ['-t', 'ed25519']);
    const r = lead.cli([
      'init',
      '--json',
      '--agents',
      'none',
      '--reviewer',
      'Rita Reviewer <rita@example.com>',
      '--key',
      rita.publicFile,
    ]);
    assert.strictEqual(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout) as InitJson & { policy: { notReviewer?: string } };
    assert.strictEqual(out.policy.status, 'written', JSON.stringify(out.policy));
    const policy = JSON.parse(lead.read('.countersign.json')) as { reviewers: Array<{ email: string; key: string }> };
    assert.deepStrictEqual(
      policy.reviewers.map((x) => [x.email, x.key]),
      [['rita@example.com', rita.publicLine]],
    );
    assert.match(
      out.policy.notReviewer ?? '',
      /you \(ada@example\.com\) are not a reviewer.*user\.signingkey is not set/,
    );
    assert.strictEqual(lead.cli(['policy', 'check']).status, 0);
  });

  /** init --json in a clone one commit behind origin/main, whose commit holds the policy `write` puts there. */
  const initBehind = (dee: TempRepo, write: () => void): InitJson => {
    write();
    dee.git('add', '.');
    dee.git('update-ref', 'refs/remotes/origin/main', dee.commit('policy'));
    dee.git('remote', 'set-head', 'origin', 'main');
    dee.git('reset', '-q', '--hard', 'HEAD~1');
    return JSON.parse(dee.cli(['init', '--json', '--agents', 'none']).stdout) as InitJson;
  };

  it("newuser14 S2: in a clone behind origin/main, init keeps the policy branch's policy instead of writing one", () => {
    const dee = clone();
    const key = makeKey(keys, 'dee-s2', ['-t', 'ed25519']);
    dee.git('config', 'user.signingkey', key.publicFile);
    const r = initBehind(dee, () => dee.write('.countersign.json', '{"protectedBranches":["main"],"reviewers":[]}\n'));
    assert.strictEqual(r.policy.status, 'kept', JSON.stringify(r.policy));
    assert.match(r.policy.reason ?? '', /already in force on origin\/main.*git pull/);
    assert.ok(!fs.existsSync(path.join(dee.dir, '.countersign.json')));
    assert.ok(!r.nextSteps.some((s) => /no policy is in force/.test(s)), r.nextSteps.join('\n'));
  });

  it("attack31's nit: a policy on origin/main that cannot be read (a link to a missing file) is named as such, not as in force", () => {
    const dee = clone();
    const r = initBehind(dee, () => fs.symlinkSync('missing.json', path.join(dee.dir, '.countersign.json')));
    assert.strictEqual(r.policy.status, 'kept', JSON.stringify(r.policy));
    assert.match(
      r.policy.reason ?? '',
      /origin\/main has a \.countersign\.json that cannot be read \(.+\), so the gate holds/,
    );
    assert.doesNotMatch(r.policy.reason ?? '', /already in force/);
  });

  it('without a signing key or a forge it does the rest and says what is left; bad options exit 2 before writing anything', () => {
    const bo = clone();
    const r = JSON.parse(bo.cli(['init', '--json', '--agents', 'none']).stdout) as InitJson;
    assert.strictEqual(r.policy.status, 'skipped');
    assert.match(
      r.policy.reason ?? '',
      /user\.signingkey is not set.*git config user\.signingkey ~\/\.ssh\/id_ed25519\.pub/,
    );
    assert.ok(!fs.existsSync(path.join(bo.dir, '.countersign.json')));
    assert.deepStrictEqual(r.agents, []);
    assert.strictEqual(r.ci.forge, null);
    assert.match(
      r.ci.reason ?? '',
      /not on GitHub or GitLab: on a self-hosted server, enforce it there with the `countersign install --server --policy-branch …` step/,
    );
    // newuser10 N2: the key comes before re-running init (which cannot write the policy without it), once.
    const write = r.nextSteps.findIndex((s) => /Write the policy/.test(s));
    const key = r.nextSteps.findIndex((s) => /git config user\.signingkey/.test(s));
    assert.ok(write >= 0 && key >= 0 && key <= write, r.nextSteps.join('\n'));
    assert.ok(/git config user\.signingkey.*then run countersign init again/.test(r.nextSteps[key]), r.nextSteps[key]);
    assert.strictEqual(r.nextSteps.filter((s) => /user\.signingkey/.test(s)).length, 1, r.nextSteps.join('\n'));
    // newuser19 F12: `--agents none` chose no agents; the server step is for whoever runs the server.
    assert.ok(!r.nextSteps.some((s) => /agents connect/.test(s)), r.nextSteps.join('\n'));
    assert.ok(r.nextSteps.some((s) => /^Enforce it where nobody can skip it, unless your team already does/.test(s)));
    // newuser24 F2: the server step names the policy branch (a plain bare repository's HEAD names master).
    assert.ok(r.nextSteps.some((s) => /`countersign install --server --policy-branch (main|master)`/.test(s)));
    const text = bo.cli(['init', '--agents', 'none']);
    assert.strictEqual(text.status, 0, 'init --help: "0 set up (next steps may remain)"');
    assert.match(text.stdout, /Next steps:\n {2}1\. Write the policy: git user\.signingkey is not set/);
    assert.ok(
      fs.existsSync(path.join(bo.dir, '.git', 'countersign', 'hooks', 'pre-push')),
      'hooks installed all the same',
    );

    const fresh = clone();
    for (const bad of [
      ['--agents', 'vim'],
      ['--ci', 'bitbucket'],
      ['--hook-manager', 'yarn'],
      ['--reviewer', 'Bo <bo@example.com>', '--key', '/nonexistent.pub'],
    ]) {
      const x = fresh.cli(['init', ...bad]);
      assert.strictEqual(x.status, 2, `${bad.join(' ')}: ${x.stderr}`);
    }
    assert.strictEqual(fresh.gitResult(['config', 'core.hooksPath']).status, 1, 'nothing installed by a refused init');
  });
});
