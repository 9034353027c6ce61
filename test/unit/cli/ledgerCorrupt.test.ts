import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { TempRepo } from '../helpers/tempRepo';

/** newuser14 S9: an unreadable ledger file loses labels; that must be said, not silently read as "never seen". */
describe('a corrupt working ledger file', function () {
  this.timeout(60_000);
  let repo: TempRepo;
  const ledgerDir = (): string => path.join(repo.dir, '.git', 'countersign', 'ledger');

  beforeEach(() => {
    repo = TempRepo.create();
    assert.strictEqual(repo.cli(['install', '-q']).status, 0);
    repo.write('f.py', 'x = 0\n');
    repo.git('add', 'f.py');
    repo.commit('base');
    repo.cli(['checkpoint', '--phase', 'before', '--agent', 'codex', '--session', 'z', 'f.py', '-q']);
    repo.write('f.py', 'x = 0\nai line = 1\n');
    repo.cli(['checkpoint', '--phase', 'after', '--agent', 'codex', '--session', 'z', 'f.py', '-q']);
    assert.strictEqual(repo.cli(['status', '--json']).status, 0); // folds the queue into files/
    const files = fs.readdirSync(path.join(ledgerDir(), 'files')).filter((n) => n.endsWith('.json'));
    assert.strictEqual(files.length, 1);
    fs.writeFileSync(path.join(ledgerDir(), 'files', files[0] as string), 'garbage{\n');
  });

  it('is set aside, not overwritten, and status, doctor, the commit hook and the log all say so, naming f.py', () => {
    const status = repo.cli(['status']);
    assert.strictEqual(status.status, 0);
    assert.match(
      status.stdout + status.stderr,
      /a working ledger file could not be read, so the AI labels of f\.py are lost .*kept in \.git\/countersign\/ledger\/rejected/s,
    );
    const aside = fs.readdirSync(path.join(ledgerDir(), 'rejected')).filter((n) => !n.startsWith('.'));
    assert.strictEqual(aside.length, 1);
    assert.strictEqual(fs.readFileSync(path.join(ledgerDir(), 'rejected', aside[0] as string), 'utf8'), 'garbage{\n');

    const doctor = repo.cli(['doctor']);
    assert.strictEqual(doctor.status, 1, doctor.stdout);
    assert.match(doctor.stdout, /ledger.*could not be read/);
    assert.match(doctor.stdout, new RegExp(`${aside[0] as string} \\(f\\.py\\)`));

    const commit = repo.gitResult(['commit', '-qam', 'x']);
    assert.strictEqual(commit.status, 0, commit.stderr); // hooks never break a commit for this
    // status said it in full already: the commit reminds, and does not announce it as new.
    assert.match(commit.stderr, /prepare-commit-msg.*1 damaged ledger file\(s\) were set aside earlier/s);
    assert.doesNotMatch(commit.stderr, /could not be read/);
    const log = fs.readFileSync(path.join(repo.dir, '.git', 'countersign', 'log'), 'utf8');
    assert.match(log, /working ledger file could not be read/);

    fs.rmSync(path.join(ledgerDir(), 'rejected'), { recursive: true });
    const after = repo.cli(['status']);
    assert.doesNotMatch(after.stdout + after.stderr, /could not be read|set aside/);
  });

  it('several damaged files and a junk context.json: one message naming the files, said once, then a reminder (newuser19 F10)', () => {
    // A second file with an agent's line, and the ledger's context damaged as well.
    repo.write('z.txt', 'z\n');
    repo.git('add', 'z.txt');
    repo.commit('z');
    repo.cli(['checkpoint', '--phase', 'before', '--agent', 'codex', '--session', 'y', 'z.txt', '-q']);
    repo.write('z.txt', 'z\nai z\n');
    repo.cli(['checkpoint', '--phase', 'after', '--agent', 'codex', '--session', 'y', 'z.txt', '-q']);
    assert.strictEqual(repo.cli(['status', '--json']).status, 0);
    const rejected = path.join(ledgerDir(), 'rejected');
    // That status set f.py's damaged file aside (beforeEach) and said so; z.txt's and the context follow.
    for (const n of fs.readdirSync(path.join(ledgerDir(), 'files')).filter((f) => f.endsWith('.json')))
      fs.writeFileSync(path.join(ledgerDir(), 'files', n), 'junk\n');
    fs.writeFileSync(path.join(ledgerDir(), 'context.json'), 'junk\n');

    const first = repo.cli(['status']);
    const warnings = (first.stdout + first.stderr)
      .split('\n')
      .filter((l) => l.startsWith('warning:') && /ledger/.test(l));
    assert.strictEqual(warnings.length, 1, first.stdout + first.stderr);
    assert.match(
      warnings[0] as string,
      /2 working ledger files could not be read, so the AI labels of f\.py, z\.txt are lost/,
    );
    assert.match(warnings[0] as string, /context\.json could not be read/);
    assert.match(warnings[0] as string, /Fix: check the AI lines of f\.py, z\.txt /);
    assert.strictEqual(fs.readdirSync(rejected).filter((n) => !n.startsWith('.')).length, 3);

    const doctor = repo.cli(['doctor']);
    assert.strictEqual((doctor.stdout.match(/^FIX {2}ledger/gm) ?? []).length, 1, doctor.stdout);
    assert.match(doctor.stdout, /\(z\.txt\)/);

    for (const message of ['one', 'two']) {
      repo.write('other.txt', `${message}\n`);
      repo.git('add', 'other.txt');
      const commit = repo.gitResult(['commit', '-qm', message]);
      assert.strictEqual(commit.status, 0, commit.stderr);
      assert.match(
        commit.stderr,
        /3 damaged ledger file\(s\) were set aside earlier \(\.git\/countersign\/ledger\/rejected\): delete them once checked/,
      );
      assert.doesNotMatch(commit.stderr, /could not be read|are lost/, `${message}: an old loss announced as new`);
    }
    // A new loss is new: said in full again.
    repo.cli(['checkpoint', '--phase', 'before', '--agent', 'codex', '--session', 'x', 'f.py', '-q']);
    repo.write('f.py', 'x = 0\nai line = 2\n');
    repo.cli(['checkpoint', '--phase', 'after', '--agent', 'codex', '--session', 'x', 'f.py', '-q']);
    assert.strictEqual(repo.cli(['status', '--json']).status, 0);
    for (const n of fs.readdirSync(path.join(ledgerDir(), 'files')).filter((f) => f.endsWith('.json')))
      fs.writeFileSync(path.join(ledgerDir(), 'files', n), 'junk again\n');
    const again = repo.cli(['status']);
    assert.match(again.stdout + again.stderr, /could not be read, so the AI labels of f\.py/);
  });
});
