import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { cloneAs } from '../helpers/approvals';
import { commitFile, policyJson, setup } from '../helpers/gateServer';
import { makeKey } from '../helpers/reviewerKeys';
import { TempRepo } from '../helpers/tempRepo';

/** newuser16 F20: the small things a new user following the README tripped over. */
describe('newuser16 F20: policy check of a missing file, init and the standard key, explain, approve --force, JSON errors', function () {
  this.timeout(240_000);

  it('(a) policy check FILE that does not exist names the file and the fix, not ENOENT', () => {
    const repo = TempRepo.create();
    const r = repo.cli(['policy', 'check', 'polcy.json']);
    assert.strictEqual(r.status, 2, r.stderr);
    assert.doesNotMatch(r.stderr, /ENOENT|no such file or directory, open/);
    assert.match(
      r.stderr,
      /^countersign policy check: there is no file polcy\.json \(\/.*\/polcy\.json\); check the path — with no FILE, `countersign policy check` checks this repository's \.countersign\.json, which `countersign policy init` writes\n$/,
    );
    fs.mkdirSync(path.join(repo.dir, 'conf'));
    assert.match(repo.cli(['policy', 'check', 'conf']).stderr, /conf \(.*\) is a folder, not a policy file/);
  });

  it('(b) init names the key it finds in ~/.ssh (HOME) when user.signingkey is unset', () => {
    const repo = TempRepo.create();
    const ssh = path.join(repo.env.HOME as string, '.ssh');
    fs.mkdirSync(ssh, { recursive: true });
    execFileSync('ssh-keygen', ['-q', '-t', 'ecdsa', '-N', '', '-C', 'ada', '-f', path.join(ssh, 'id_ecdsa')]);
    const out = JSON.parse(repo.cli(['init', '--json', '--agents', 'none', '--ci', 'none']).stdout) as {
      policy: { status: string; reason?: string };
      nextSteps: string[];
    };
    assert.strictEqual(out.policy.status, 'skipped');
    assert.match(
      out.policy.reason ?? '',
      /user\.signingkey is not set, so you cannot be listed as a reviewer: git config user\.signingkey ~\/\.ssh\/id_ecdsa\.pub \(the key found in your ~\/\.ssh\), then run countersign init again/,
    );
    // Following it as printed makes init list the user as the reviewer.
    repo.git('config', 'user.signingkey', path.join(ssh, 'id_ecdsa.pub'));
    const again = JSON.parse(repo.cli(['init', '--json', '--agents', 'none', '--ci', 'none']).stdout) as {
      policy: { status: string };
    };
    assert.strictEqual(again.policy.status, 'written');
  });

  it('(c) explain of the commit that adds the first policy says so in one sentence, without nested brackets', () => {
    // A team repository with history, then the commit that adopts Countersign, pushed.
    const server = TempRepo.create({ bare: true });
    const ada = TempRepo.create();
    ada.git('remote', 'add', 'origin', server.dir);
    commitFile(ada, 'README.md', 'hello\n', 'start');
    ada.write('.countersign.json', policyJson(makeKey('bob'), makeKey('carol')));
    ada.git('add', '.countersign.json');
    const adopt = ada.commit('Adopt Countersign');
    ada.git('push', '-q', 'origin', 'main');
    ada.git('remote', 'set-head', 'origin', 'main');
    ada.git('branch', '-q', '-u', 'origin/main');
    const text = ada.cli(['explain', adopt]).stdout;
    const header = text.split('\n').find((l) => l.startsWith('Approvals'));
    assert.strictEqual(
      header,
      `Approvals — NO POLICY to judge them: no .countersign.json in origin/main at ${ada.git('rev-parse', `${adopt}^`).slice(0, 12)}, the first parent of ${adopt.slice(0, 12)}`,
      text,
    );
    for (const line of text.split('\n')) assert.doesNotMatch(line, /\([^()]*\(/, `nested brackets: ${line}`);
  });

  it('(d) approve --force of your own commit says on stdout that it does not count, and who may approve', () => {
    const { server, bob } = setup();
    const bobs = cloneAs(server.dir, 'Bob Reviewer', 'bob@example.com', bob.privateKeyFile);
    bobs.git('checkout', '-q', '-b', 'own');
    commitFile(bobs, 'own.ts', 'mine\n', 'mine\n\nAI-Provenance: v1 ai=1 human=0 untracked=0');
    bobs.git('commit', '-q', '--amend', '--no-edit', '--author', 'Bob Reviewer <bob@example.com>');
    const own = bobs.git('rev-parse', 'HEAD');
    const r = bobs.cli(['approve', 'HEAD', '--force', '--no-push']);
    assert.strictEqual(r.status, 0, r.stderr);
    assert.doesNotMatch(r.stdout, /^Approved/m);
    assert.match(
      r.stdout,
      new RegExp(
        `^Recorded, but NOT counted: your approval of HEAD \\(${own.slice(0, 12)}\\) as Bob Reviewer <bob@example\\.com> does not count — it covers your own commit ${own.slice(0, 12)} \\(two-person rule\\); ask Carol Ops <carol@example\\.com> \\(sre\\) to approve it$`,
        'm',
      ),
    );
  });

  it('(e) a JSON error carries the same "countersign …" sentence as stderr', () => {
    const repo = TempRepo.create();
    for (const args of [
      ['policy', 'check', 'missing.json', '--json'],
      ['approve', '--bogus', '--json'],
      ['verfy', '--json'],
    ]) {
      const r = repo.cli(args);
      assert.strictEqual(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
      const doc = JSON.parse(r.stdout) as { error: string; errors: string[] };
      assert.match(doc.error, /^countersign[ :]/, args.join(' '));
      assert.deepStrictEqual(doc.errors, [doc.error]);
      assert.strictEqual(r.stderr.split('\n').join(' ').replace(/\s+/g, ' ').trim(), doc.error, args.join(' '));
    }
  });
});
