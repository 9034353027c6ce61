import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { makeKey } from '../helpers/reviewerKeys';
import { TempRepo } from '../helpers/tempRepo';

/**
 * `policy init` without --protect protects what `init` does (git/policyBranch.ts defaultProtectedBranch), and its
 * errors name the subcommand (newuser15 #14: a repository on master got a policy protecting main, and
 * "countersign policy: … already exists").
 */
describe('countersign policy init: default branch and error prefix', function () {
  this.timeout(60_000);

  it('protects the current branch when it is master, and the remote default branch over it', () => {
    const repo = TempRepo.create();
    repo.git('symbolic-ref', 'HEAD', 'refs/heads/master');
    const r = repo.cli(['policy', 'init', '--json']);
    assert.strictEqual(r.status, 0, r.stderr);
    assert.deepStrictEqual(
      (JSON.parse(r.stdout) as { policy: { protectedBranches: string[] } }).policy.protectedBranches,
      ['master'],
    );
    repo.git('commit', '-q', '--allow-empty', '-m', 'first');
    const server = TempRepo.create({ bare: true });
    repo.git('remote', 'add', 'origin', server.dir);
    repo.git('push', '-q', 'origin', 'master:trunk');
    repo.git('fetch', '-q', 'origin');
    repo.git('symbolic-ref', 'refs/remotes/origin/HEAD', 'refs/remotes/origin/trunk');
    const again = repo.cli(['policy', 'init', '--force', '--json']);
    assert.strictEqual(again.status, 0, again.stderr);
    assert.deepStrictEqual(
      (JSON.parse(again.stdout) as { policy: { protectedBranches: string[] } }).policy.protectedBranches,
      ['trunk'],
    );
  });

  it('an existing policy is refused with the subcommand named, in text and JSON', () => {
    const repo = TempRepo.create();
    assert.strictEqual(repo.cli(['policy', 'init']).status, 0);
    const r = repo.cli(['policy', 'init']);
    assert.strictEqual(r.status, 2);
    assert.match(r.stderr, /^countersign policy init: .*\.countersign\.json already exists; edit it, or pass --force/);
    const j = repo.cli(['policy', 'init', '--json']);
    assert.match((JSON.parse(j.stdout) as { error: string }).error, /^countersign policy init: /);
  });

  it('policy init, policy check and init name the tracked files the tiers already catch (newuser15 #11)', () => {
    const repo = TempRepo.create();
    repo.write('db/001_users.sql', 'create table users();\n');
    repo.write('app.yaml', 'runtime: go\n');
    repo.write('main.go', 'package main\n');
    repo.git('add', '.');
    const note =
      /note: the "infrastructure" tier matches 2 file\(s\) already here — \*\.sql \(1: db\/001_users\.sql\), app\.yaml \(1: app\.yaml\): a change to any of them needs 2 approval\(s\); if some are not what the tier is for, narrow its "paths" in \.countersign\.json/;
    assert.match(repo.cli(['policy', 'init']).stdout, note);
    assert.match(repo.cli(['policy', 'check']).stdout, note);
    // The same notes in the JSON a script reads (newuser25 N12: it printed them only).
    const checked = JSON.parse(repo.cli(['policy', 'check', '--json']).stdout) as { notes: string[] };
    assert.ok(
      checked.notes.some((n) => note.test(`note: ${n}`)),
      checked.notes.join('\n'),
    );
    assert.doesNotMatch(
      repo.cli(['policy', 'check', '.countersign.json']).stdout,
      /note:/,
      "a FILE is not this tree's policy",
    );
    repo.git('config', 'user.signingkey', makeKey('ada-tiers').privateKeyFile);
    const init = repo.cli(['init', '--yes', '--ci', 'none', '--agents', 'none', '--force']);
    assert.match(init.stdout, note, init.stderr);
  });

  it('init and policy init: one sentence for the default protected branch, in both helps and docs/usage.md, and init does it (newuser19 F5)', () => {
    const rule = "the remote's default branch, else the current branch when it is main or master, else main";
    const flat = (text: string) => text.replace(/\s+/g, ' ');
    const repo = TempRepo.create();
    for (const command of ['init', 'policy'])
      assert.ok(flat(repo.cli([command, '--help']).stdout).includes(rule), `${command} --help`);
    assert.ok(flat(fs.readFileSync('docs/usage.md', 'utf8')).includes(rule), 'docs/usage.md');
    // What the sentence says, done by init as by policy init: no remote, on master, protects master.
    repo.git('symbolic-ref', 'HEAD', 'refs/heads/master');
    repo.git('config', 'user.signingkey', makeKey('ada-default-branch').privateKeyFile);
    const r = repo.cli(['init', '--yes', '--agents', 'none']);
    assert.strictEqual(r.status, 0, r.stderr);
    const written = JSON.parse(fs.readFileSync(path.join(repo.dir, '.countersign.json'), 'utf8')) as {
      protectedBranches: string[];
    };
    assert.deepStrictEqual(written.protectedBranches, ['master']);
  });
});
