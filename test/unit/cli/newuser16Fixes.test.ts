import * as assert from 'assert';
import * as fs from 'fs';
import { cloneAs } from '../helpers/approvals';
import { commitFile, setup } from '../helpers/gateServer';
import { makeKey } from '../helpers/reviewerKeys';
import { TempRepo } from '../helpers/tempRepo';

/** newuser16's findings on the CLI's own wording and set-up commands (a new user following the README). */
describe('newuser16: key rotation, a broken local policy, a repeated approval', function () {
  this.timeout(120_000);

  it('F1: add-reviewer of someone listed says so and how to rotate; --replace puts the new key in place', () => {
    const repo = TempRepo.create();
    const [ada, bo, bo2] = [makeKey('nu16-ada'), makeKey('nu16-bo'), makeKey('nu16-bo2')];
    const init = repo.cli(['policy', 'init', '--reviewer', 'Ada <ada@example.com>', '--key', ada.publicKeyFile]);
    assert.strictEqual(init.status, 0, init.stderr);
    const role = ['--role', 'security'];
    assert.strictEqual(
      repo.cli(['policy', 'add-reviewer', 'Bo <bo@example.com>', '--key', bo.publicKeyFile, ...role]).status,
      0,
    );
    const again = repo.cli(['policy', 'add-reviewer', 'Bo <BO@example.com>', '--key', bo2.publicKeyFile]);
    assert.strictEqual(again.status, 2);
    assert.match(
      again.stderr,
      /^countersign policy add-reviewer: BO@example\.com is already a reviewer \(reviewers\[1\] in \.countersign\.json, key SHA256:[^)]+\); to give them a new key \(a lost or rotated one\), pass --replace/,
    );
    const replaced = repo.cli([
      'policy',
      'add-reviewer',
      'Bo <bo@example.com>',
      '--key',
      bo2.publicKeyFile,
      '--replace',
      '--json',
    ]);
    assert.strictEqual(replaced.status, 0, replaced.stderr);
    const out = JSON.parse(replaced.stdout) as {
      replaced: boolean;
      policy: { reviewers: Array<Record<string, string>> };
    };
    assert.strictEqual(out.replaced, true);
    assert.deepStrictEqual(
      out.policy.reviewers.map((r) => [r.email, r.key.split(' ')[1], r.role]),
      [
        ['ada@example.com', ada.publicKey.split(' ')[1], undefined],
        ['bo@example.com', bo2.publicKey.split(' ')[1], 'security'],
      ],
      'the same entry, new key, role kept',
    );
    // newuser24 F10: a different name given with --replace is not written, and the message says the kept one.
    const renamed = repo.cli([
      'policy',
      'add-reviewer',
      'Bob R <bo@example.com>',
      '--key',
      bo.publicKeyFile,
      '--replace',
    ]);
    assert.strictEqual(renamed.status, 0, renamed.stderr);
    assert.match(
      renamed.stdout,
      /^Replaced the key of Bo <bo@example\.com> in .*; 2 reviewer\(s\)\. The entry keeps its name "Bo" \(not "Bob R"\)/,
    );
    assert.doesNotMatch(fs.readFileSync(`${repo.dir}/.countersign.json`, 'utf8'), /Bob R/);
  });

  it('F5, F12: doctor and init say when the work tree’s .countersign.json does not parse', () => {
    const repo = TempRepo.create();
    fs.writeFileSync(`${repo.dir}/.countersign.json`, '{"protectedBranch": ["main"]}\n');
    const d = JSON.parse(repo.cli(['doctor', '--json']).stdout) as {
      ok: boolean;
      checks: Array<Record<string, string>>;
    };
    assert.strictEqual(d.ok, false);
    const local = d.checks.find((c) => c.check === 'policy' && /work tree/.test(c.message));
    assert.ok(local, JSON.stringify(d.checks));
    assert.strictEqual(local.status, 'fix');
    assert.match(
      local.message,
      /^the work tree's \.countersign\.json does not parse .*\.countersign\.json:1:1: protectedBranches/,
    );
    repo.git('config', 'user.signingkey', makeKey('nu16-ada').privateKeyFile);
    const init = repo.cli(['init', '--yes', '--ci', 'none', '--agents', 'none']);
    assert.match(
      init.stdout,
      /kept the existing \.countersign\.json: but the work tree's \.countersign\.json does not parse/,
    );
    fs.writeFileSync(`${repo.dir}/.countersign.json`, '{"protectedBranches": ["main"], "reviewers": []}\n');
    assert.match(
      repo.cli(['init', '--yes', '--ci', 'none', '--agents', 'none']).stdout,
      // newuser17 F7: a teammate's init names the team's policy instead of offering --force over it.
      /kept the existing \.countersign\.json: the team's policy \(protects main; 0 reviewers\); change it with countersign policy add-reviewer/,
    );
  });

  it('F14: approving again signs nothing and pushes nothing, and says so', () => {
    const { server, ada, bob } = setup();
    ada.git('checkout', '-q', '-b', 'feature/tax', 'main');
    commitFile(ada, 'tax.ts', 'export const tax = 1;\n', 'tax\n\nAI-Provenance: v1 ai=1 human=0 untracked=0');
    ada.git('push', '-q', 'origin', 'feature/tax');
    const bobs = cloneAs(server.dir, 'Bob Reviewer', 'bob@example.com', bob.privateKeyFile);
    const first = bobs.cli(['approve', 'origin/feature/tax']);
    assert.strictEqual(first.status, 0, first.stderr);
    assert.match(first.stdout, /pushed: {3}origin refs\/notes\/countersign/);
    const second = bobs.cli(['approve', 'origin/feature/tax']);
    assert.strictEqual(second.status, 0, second.stderr);
    assert.match(second.stdout, /\nAlready approved .*: nothing new signed\n/);
    assert.match(second.stdout, /shared: {3}origin refs\/notes\/countersign already has it/);
    assert.doesNotMatch(second.stdout, /pushed:/);
  });
});
