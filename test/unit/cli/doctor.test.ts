import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { pushMain, setup } from '../helpers/gateServer';
import { makeKey } from '../helpers/reviewerKeys';
import { TempRepo } from '../helpers/tempRepo';

interface Finding {
  check: string;
  status: 'ok' | 'fix' | 'info';
  message: string;
  fix?: string;
}

function doctor(repo: TempRepo): {
  status: number;
  ok: boolean;
  checks: Finding[];
  byCheck: (name: string) => Finding[];
} {
  const r = repo.cli(['doctor', '--json']);
  assert.ok(r.status === 0 || r.status === 1, `doctor exited ${r.status}: ${r.stderr}`);
  const j = JSON.parse(r.stdout) as { ok: boolean; checks: Finding[] };
  // newuser19 F4: every check name doctor prints (what `--json` scripts filter on) is one its help lists, for the
  // kind of repository it ran in.
  const listed =
    namesInHelp(repo)[repo.git('rev-parse', '--is-bare-repository').trim() === 'true' ? 'server' : 'clone'];
  for (const c of j.checks) assert.ok(listed.has(c.check), `doctor --help does not list '${c.check}'`);
  return { status: r.status, ok: j.ok, checks: j.checks, byCheck: (name) => j.checks.filter((c) => c.check === name) };
}

let helpNames: { clone: Set<string>; server: Set<string> } | undefined;

/** The check names `doctor --help` lists: in a working repository, and in a bare one (a server). */
function namesInHelp(repo: TempRepo): { clone: Set<string>; server: Set<string> } {
  if (helpNames) return helpNames;
  const help = repo.cli(['doctor', '--help']).stdout;
  const names = (text: string) => new Set([...text.matchAll(/^ {2}([a-z-]+) {2,}\S/gm)].map((m) => m[1]));
  const end = help.indexOf('\nOptions:');
  const server = help.indexOf('In a bare repository') >= 0 ? help.indexOf('In a bare repository') : end;
  helpNames = { clone: names(help.slice(0, server)), server: names(help.slice(server, end)) };
  return helpNames;
}

/** Ada is a reviewer too (of others' commits), so her signing key matters; Bob reviews hers. */
function teamPolicy(): string {
  const ada = makeKey('ada');
  const bob = makeKey('bob');
  return (
    JSON.stringify(
      {
        protectedBranches: ['main'],
        reviewers: [
          { name: 'Ada Author', email: 'ada@example.com', key: ada.publicKey },
          { name: 'Bob Reviewer', email: 'bob@example.com', key: bob.publicKey },
        ],
      },
      null,
      2,
    ) + '\n'
  );
}

/**
 * `countersign doctor` against real set-ups: a real bare server with the policy, a clone with the real hooks
 * installed, real agents' hook files, real ssh-keygen keys.
 */
describe('countersign doctor', function () {
  this.timeout(180_000);

  it("notes-refspecs' fixes say what they do and, pasted as printed, fix it alone (newuser15 #14)", () => {
    const { ada } = setup(teamPolicy());
    ada.git('remote', 'add', "odd'name", ada.dir);
    const fixes = doctor(ada)
      .byCheck('notes-refspecs')
      .filter((f) => f.status === 'fix');
    assert.strictEqual(fixes.length, 3, JSON.stringify(fixes));
    for (const f of fixes) {
      assert.doesNotMatch(f.fix ?? '', /hooks/, 'a refspec is not a hook');
      const alone = /, or alone: (.*)$/.exec(f.fix ?? '')?.[1];
      assert.ok(alone, f.fix);
      execFileSync('sh', ['-c', alone], { cwd: ada.dir, env: ada.env });
    }
    const after = doctor(ada).byCheck('notes-refspecs');
    assert.ok(
      after.every((f) => f.status === 'ok'),
      JSON.stringify(after),
    );
  });

  it('a complete set-up has nothing to fix (exit 0); every check reports', () => {
    const { ada } = setup(teamPolicy());
    assert.strictEqual(ada.cli(['install']).status, 0);
    assert.strictEqual(ada.cli(['agents', 'connect', '--local', 'claude']).status, 0);
    ada.git('config', 'user.signingkey', makeKey('ada').privateKeyFile);
    const d = doctor(ada);
    assert.strictEqual(d.status, 0, JSON.stringify(d.checks, null, 2));
    assert.strictEqual(d.ok, true);
    for (const name of [
      'hooks-installed',
      'hooks-active',
      'cli-copy',
      'agents',
      'notes-refspecs',
      'policy',
      'signing-key',
    ]) {
      assert.ok(
        d.byCheck(name).some((f) => f.status === 'ok'),
        `${name}: ${JSON.stringify(d.byCheck(name))}`,
      );
    }
    assert.match(
      d.byCheck('policy')[0].message,
      /\.countersign\.json on origin\/main parses: protects main; 2 reviewer\(s\)/,
    );
    // newuser8 F3: only the file that holds the hooks (--local wrote no .claude/settings.json).
    assert.strictEqual(d.byCheck('agents')[0].message, 'Claude Code: hooks connected (.claude/settings.local.json)');
    const text = ada.cli(['doctor']);
    assert.strictEqual(text.status, 0);
    assert.match(text.stdout, /Nothing to fix\./);
  });

  it('a repository with nothing set up: each problem with its fix, exit 1', () => {
    const repo = TempRepo.create();
    repo.write('a.txt', 'a\n');
    repo.git('add', '.');
    repo.commit('first');
    const d = doctor(repo);
    assert.strictEqual(d.status, 1);
    assert.strictEqual(d.ok, false);
    assert.strictEqual(d.byCheck('hooks-installed')[0].status, 'fix');
    assert.match(d.byCheck('hooks-installed')[0].fix ?? '', /countersign install/);
    assert.strictEqual(d.byCheck('policy')[0].status, 'fix');
    assert.match(d.byCheck('policy')[0].message, /no \.countersign\.json on the policy branch main/);
    assert.match(d.byCheck('policy')[0].fix ?? '', /countersign policy init/);
    assert.strictEqual(d.byCheck('agents')[0].status, 'info');
    // newuser8 F2: the personal placement, as install and init advise (shared files would pin this clone's paths).
    assert.match(d.byCheck('agents')[0].fix ?? '', /^run `countersign agents connect --local` /);
    assert.strictEqual(d.byCheck('signing-key')[0].status, 'info');
    const text = repo.cli(['doctor']);
    assert.strictEqual(text.status, 1);
    assert.match(text.stdout, /^FIX  hooks-installed/m);
    assert.match(text.stdout, /fix: run `countersign install`/);
  });

  it('hooks taken over by husky, a stale CLI copy, a remote without notes refspecs, a removed and an altered agent hook', () => {
    const { ada, server } = setup(teamPolicy());
    assert.strictEqual(ada.cli(['install']).status, 0);
    assert.strictEqual(ada.cli(['agents', 'connect', 'claude', 'copilot']).status, 0);
    ada.git('config', 'user.signingkey', makeKey('ada').privateKeyFile);
    assert.strictEqual(doctor(ada).ok, true);

    // husky's prepare script resets core.hooksPath.
    ada.git('config', 'core.hooksPath', '.husky/_');
    const csDir = path.join(ada.dir, '.git', 'countersign');
    fs.appendFileSync(path.join(csDir, 'bin', 'countersign.js'), '\n// an older build\n');
    ada.git('remote', 'add', 'mirror', server.dir);
    // The agent edits its own settings: Claude drops Countersign's hooks, Copilot's file is changed.
    const settings = JSON.parse(ada.read('.claude/settings.json')) as { hooks: Record<string, unknown> };
    settings.hooks = {};
    ada.write('.claude/settings.json', JSON.stringify(settings, null, 2));
    ada.write(
      '.github/hooks/countersign.json',
      ada.read('.github/hooks/countersign.json').replace(/"timeoutSec": 15/g, '"timeoutSec": 1'),
    );

    const d = doctor(ada);
    assert.strictEqual(d.status, 1);
    const active = d.byCheck('hooks-active')[0];
    assert.strictEqual(active.status, 'fix');
    assert.match(active.message, /core\.hooksPath is \.husky\/_ \(husky\): Countersign's hooks were taken over/);
    assert.strictEqual(d.byCheck('cli-copy')[0].status, 'fix');
    const notes = d.byCheck('notes-refspecs');
    assert.deepStrictEqual(notes.map((f) => [f.status, f.message.split(' ')[0]]).sort(), [
      ['fix', 'mirror'],
      ['ok', 'origin'],
    ]);
    const agents = d.byCheck('agents');
    assert.ok(
      agents.some(
        (f) =>
          f.status === 'fix' &&
          /^Claude Code's Countersign hooks were removed/.test(f.message) &&
          f.fix === 'run `countersign agents connect claude`',
      ),
      JSON.stringify(agents),
    );
    assert.ok(
      agents.some((f) => f.status === 'fix' && /^GitHub Copilot's Countersign hooks were changed/.test(f.message)),
      JSON.stringify(agents),
    );

    // Each fix is what it says.
    assert.strictEqual(ada.cli(['install']).status, 0);
    assert.strictEqual(ada.cli(['agents', 'connect', 'claude', 'copilot']).status, 0);
    const after = doctor(ada);
    assert.strictEqual(
      after.status,
      0,
      JSON.stringify(
        after.checks.filter((c) => c.status !== 'ok'),
        null,
        2,
      ),
    );
  });

  it('the policy branch: an unreadable policy there, and a signing key the policy does not list', () => {
    const { ada } = setup(teamPolicy());
    assert.strictEqual(ada.cli(['install']).status, 0);
    ada.git('config', 'user.signingkey', makeKey('mallory').privateKeyFile);
    const wrongKey = doctor(ada).byCheck('signing-key')[0];
    assert.strictEqual(wrongKey.status, 'fix');
    assert.match(wrongKey.message, /signs, but not with the key the policy lists for ada@example\.com/);

    // newuser12 P4: the policy lists this key for another address (a typo on either side): the approvals it signs
    // are refused and earlier ones stop counting — not "ok, you are not a reviewer".
    ada.git('config', 'user.signingkey', makeKey('ada').privateKeyFile);
    assert.strictEqual(doctor(ada).byCheck('signing-key')[0].status, 'ok');
    ada.git('config', 'user.email', 'ada@exmaple.com');
    const otherEmail = doctor(ada).byCheck('signing-key')[0];
    assert.strictEqual(otherEmail.status, 'fix', JSON.stringify(otherEmail));
    assert.match(
      otherEmail.message,
      /is the key the policy lists for ada@example\.com, but your user\.email is ada@exmaple\.com/,
    );
    assert.match(otherEmail.fix ?? '', /git config user\.email ada@example\.com/);
    ada.git('config', 'user.email', 'ada@example.com');

    ada.git('config', 'user.signingkey', path.join(ada.dir, 'no-such-key'));
    assert.match(doctor(ada).byCheck('signing-key')[0].message, /does not exist/);

    // A broken policy on the server's main (pushed while the server had no gate, as an administrator might).
    const broken = TempRepo.create();
    broken.git('remote', 'add', 'origin', ada.git('remote', 'get-url', 'origin'));
    broken.git('fetch', '-q', 'origin');
    broken.git('checkout', '-q', '-B', 'main', 'origin/main');
    broken.write('.countersign.json', '{"protectedBranches": ["main"], "reviewers": [,]}\n');
    broken.git('add', '.');
    broken.commit('break it', '-m', 'AI-Provenance: v1 ai=0 human=1 untracked=0', '--no-verify');
    const serverDir = ada.git('remote', 'get-url', 'origin');
    fs.renameSync(path.join(serverDir, 'hooks', 'pre-receive'), path.join(serverDir, 'hooks', 'pre-receive.off'));
    assert.strictEqual(pushMain(broken).status, 0);
    ada.git('fetch', '-q', 'origin');
    const policy = doctor(ada).byCheck('policy')[0];
    assert.strictEqual(policy.status, 'fix');
    assert.match(policy.message, /\.countersign\.json on origin\/main is not a valid Countersign policy/);
    assert.match(policy.fix ?? '', /countersign policy check/);
  });

  it('on a server (bare repository) it checks the gate itself: missing is a fix, installed is ok', () => {
    const server = TempRepo.create({ bare: true });
    const before = doctor(server).byCheck('hooks-installed')[0];
    assert.strictEqual(before.status, 'fix');
    assert.match(before.message, /without Countersign's server gate/);
    assert.match(before.fix ?? '', /countersign install --server/);
    assert.strictEqual(server.cli(['install', '--server']).status, 0);
    assert.strictEqual(doctor(server).byCheck('hooks-installed')[0].status, 'ok');
    assert.strictEqual(server.cli(['uninstall', '--server']).status, 0);
    assert.ok(
      !fs.existsSync(path.join(server.dir, 'countersign')),
      'uninstall --server leaves no empty countersign/ behind',
    );
    assert.strictEqual(doctor(server).byCheck('hooks-installed')[0].status, 'fix', 'uninstall --server is noticed');
  });

  it('on a healthy server it checks server things only and exits 0; a broken gate, CLI copy or policy is a fix', () => {
    const { ada, server } = setup(teamPolicy());
    // The administrator is a reviewer too, but signs on their own machine, not on the server.
    server.git('config', 'user.email', 'ada@example.com');
    const d = doctor(server);
    assert.strictEqual(d.status, 0, JSON.stringify(d.checks, null, 2));
    assert.deepStrictEqual(
      [...new Set(d.checks.map((c) => c.check))],
      ['hooks-installed', 'cli-copy', 'policy-branch', 'policy', 'server-refs', 'receive-fsck'],
      'no signing key, agents or refspecs on a server',
    );
    assert.ok(
      d.checks.every((c) => c.status === 'ok'),
      JSON.stringify(d.checks, null, 2),
    );
    assert.match(d.byCheck('policy')[0].message, /\.countersign\.json on main parses: protects main; 2 reviewer\(s\)/);

    // The CLI copy the gate runs, from another version: a fix, with the command that refreshes it.
    const copy = path.join(server.dir, 'countersign', 'bin', 'countersign.js');
    fs.appendFileSync(copy, '// another version\n');
    assert.strictEqual(doctor(server).byCheck('cli-copy')[0].status, 'fix');
    // An edited or non-executable hook: git would skip it or run something else.
    assert.strictEqual(server.cli(['install', '--server']).status, 0);
    const hook = path.join(server.dir, 'hooks', 'pre-receive');
    fs.chmodSync(hook, 0o644);
    const off = doctor(server);
    assert.strictEqual(off.status, 1);
    assert.match(off.byCheck('hooks-installed')[0].message, /not executable/);
    fs.chmodSync(hook, 0o755);
    fs.appendFileSync(hook, 'exit 0\n');
    assert.match(doctor(server).byCheck('hooks-installed')[0].message, /not the script this countersign installs/);
    assert.strictEqual(server.cli(['install', '--server']).status, 0);
    assert.strictEqual(doctor(server).status, 0, 'install --server again mends both');

    // A policy the gate cannot read on the policy branch (pushed while the gate was off): a fix naming --recover.
    fs.renameSync(hook, `${hook}.off`);
    ada.write('.countersign.json', '{"protectedBranches": ["main"], "reviewers": [{"name": "x"}]}\n');
    ada.git('commit', '-qam', 'break the policy', '--no-verify');
    assert.strictEqual(pushMain(ada, '--no-verify').status, 0);
    fs.renameSync(`${hook}.off`, hook);
    const broken = doctor(server);
    assert.strictEqual(broken.status, 1);
    assert.strictEqual(broken.byCheck('policy')[0].status, 'fix');
    assert.match(broken.byCheck('policy')[0].fix ?? '', /countersign install --server --recover/);
    // newuser24 F12: once the administrator granted recovery, doctor says it is pending, not to grant it again.
    assert.strictEqual(server.cli(['install', '--server', '--recover']).status, 0);
    const granted = doctor(server).byCheck('policy')[0];
    assert.strictEqual(granted.status, 'fix');
    assert.match(granted.fix ?? '', /^recovery granted at \d{4}-\d\d-\d\dT[\d:]+Z: push the approved fix/);
    assert.doesNotMatch(granted.fix ?? '', /run `countersign install --server --recover`/);
  });

  it('N14: a server whose policy branch does not exist is a fix (exit 1), before and after the team pushes another branch', () => {
    // `git init --bare` names master; the team works on main.
    const server = TempRepo.create({ bare: true });
    server.git('symbolic-ref', 'HEAD', 'refs/heads/master');
    assert.strictEqual(server.cli(['install', '--server']).status, 0);
    const fresh = doctor(server);
    assert.strictEqual(fresh.status, 1, JSON.stringify(fresh.checks, null, 2));
    const policy = fresh.byCheck('policy')[0];
    assert.strictEqual(policy.status, 'fix');
    assert.match(policy.message, /master does not exist here yet: every push is refused except one creating master/);
    assert.match(policy.fix ?? '', /push master with the team's \.countersign\.json/);
    assert.match(policy.fix ?? '', /countersign install --server --policy-branch NAME/);
    assert.match(server.cli(['doctor']).stdout, /^FIX  policy/m);

    // The team's main is refused; doctor still says why and how.
    const ada = TempRepo.create();
    ada.git('remote', 'add', 'origin', server.dir);
    ada.write('.countersign.json', teamPolicy());
    ada.git('add', '.');
    ada.commit('Add policy', '-m', 'AI-Provenance: v1 ai=0 human=1 untracked=0');
    assert.notStrictEqual(pushMain(ada).status, 0, 'main is refused while master is the policy branch');
    assert.strictEqual(doctor(server).byCheck('policy')[0].status, 'fix');

    // The fix doctor names, then the team's first push: nothing left to fix.
    assert.strictEqual(server.cli(['install', '--server', '--policy-branch', 'main']).status, 0);
    assert.strictEqual(pushMain(ada).status, 0);
    const after = doctor(server);
    assert.strictEqual(after.status, 0, JSON.stringify(after.checks, null, 2));

    // The policy branch deleted behind the gate's back: pushes to what it protected are refused, a fix.
    server.git('update-ref', '-d', 'refs/heads/main');
    const gone = doctor(server).byCheck('policy')[0];
    assert.strictEqual(gone.status, 'fix');
    assert.match(gone.message, /main does not exist here/);
    assert.match(gone.fix ?? '', /push main/);
  });

  it('agents connected with --local: the tip keeps --local and names the personal settings file that is there', () => {
    const repo = TempRepo.create();
    repo.commit('first', '--allow-empty');
    assert.strictEqual(repo.cli(['install', '-q']).status, 0);
    assert.strictEqual(repo.cli(['agents', 'connect', 'claude', '--local', '-q']).status, 0);
    assert.ok(!fs.existsSync(path.join(repo.dir, '.claude', 'settings.json')), 'only the personal file was written');
    for (const after of ['{}\n', undefined]) {
      // The agent (or its user) empties the personal file, or deletes it.
      const file = path.join(repo.dir, '.claude', 'settings.local.json');
      if (after === undefined) fs.rmSync(file);
      else fs.writeFileSync(file, after);
      const agents = doctor(repo).byCheck('agents')[0];
      assert.strictEqual(agents.status, 'fix');
      assert.match(agents.fix ?? '', /countersign agents connect --local claude/);
      assert.match(agents.message, /gone from \.claude\/settings\.local\.json/);
      assert.doesNotMatch(agents.message, /settings\.json\b/);
      assert.match(agents.message, /until you run `countersign agents connect --local claude`/);
    }
    // What the tip says mends it: doctor is clean again.
    assert.strictEqual(repo.cli(['agents', 'connect', '--local', 'claude', '-q']).status, 0);
    assert.strictEqual(doctor(repo).byCheck('agents')[0].status, 'ok');
  });

  it('after init, before the first push: commit the policy and push it; no `policy init`, no fetch where there is nothing to fetch (newuser19 F3)', () => {
    const server = TempRepo.create({ bare: true });
    const dir = path.join(path.dirname(server.dir), 'lead');
    server.git('clone', '-q', server.dir, dir);
    const lead = TempRepo.at(dir);
    // What `init` leaves: a valid policy in the work tree, on no branch yet.
    lead.write('.countersign.json', teamPolicy());
    const policyFix = (repo: TempRepo) => {
      const found = doctor(repo).byCheck('policy');
      assert.strictEqual(found.length, 1, JSON.stringify(found));
      assert.strictEqual(found[0].status, 'fix');
      return found[0];
    };
    // A clone of an empty server, and the same after a fetch that found nothing.
    for (const fetched of [false, true]) {
      if (fetched) lead.git('fetch', '-q', 'origin');
      const f = policyFix(lead);
      assert.match(f.message, /origin had no branches/);
      assert.strictEqual(f.fix, 'commit .countersign.json and push it to main');
    }
    // No remote at all, on master: nothing to fetch; the remote is to be added.
    const solo = TempRepo.create();
    solo.git('checkout', '-q', '-b', 'master');
    solo.write('.countersign.json', teamPolicy());
    const alone = policyFix(solo);
    assert.match(alone.message, /there is no remote/);
    assert.match(
      alone.fix ?? '',
      /^commit \.countersign\.json on master, then add the team's remote .* push it to master$/,
    );
    // A remote added but never fetched: fetching is the first thing to try, then the same share.
    solo.git('remote', 'add', 'origin', server.dir);
    const unfetched = policyFix(solo);
    assert.match(
      unfetched.fix ?? '',
      /^fetch it \(git fetch origin\).*if origin is empty: commit \.countersign\.json and push it to master$/,
    );
    for (const f of [policyFix(lead), alone, unfetched]) {
      assert.doesNotMatch(`${f.message} ${f.fix}`, /policy init|\(fetch it\)/);
    }
    // Once pushed, the policy is on the policy branch.
    lead.git('add', '.countersign.json');
    lead.commit('policy', '--no-verify');
    lead.git('push', '-q', 'origin', 'main');
    assert.strictEqual(doctor(lead).byCheck('policy')[0].status, 'ok');
    // A remote with branches but no policy on its default branch: the same share, to that branch.
    const other = TempRepo.at(path.join(path.dirname(server.dir), 'lead'));
    other.git('rm', '-q', '--cached', '.countersign.json');
    other.commit('drop the policy from main', '--no-verify');
    other.git('push', '-q', 'origin', 'main');
    const none = policyFix(other);
    assert.match(none.message, /no \.countersign\.json on the policy branch origin\/main/);
    assert.strictEqual(none.fix, 'commit .countersign.json and push it to main');
  });
});
