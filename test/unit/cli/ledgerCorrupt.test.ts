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

  it('is set aside, not overwritten, and status, doctor, the commit hook and the log all say so', () => {
    const status = repo.cli(['status']);
    assert.strictEqual(status.status, 0);
    assert.match(
      status.stdout + status.stderr,
      /ledger file .*files\/[0-9a-f]{40}\.json was unreadable.*rejected\/[0-9a-f]{40}\.json\.\d+/s,
    );
    const aside = fs.readdirSync(path.join(ledgerDir(), 'rejected'));
    assert.strictEqual(aside.length, 1);
    assert.strictEqual(fs.readFileSync(path.join(ledgerDir(), 'rejected', aside[0] as string), 'utf8'), 'garbage{\n');

    const doctor = repo.cli(['doctor']);
    assert.strictEqual(doctor.status, 1, doctor.stdout);
    assert.match(doctor.stdout, /ledger.*unreadable/);
    assert.match(doctor.stdout, new RegExp(aside[0] as string));

    const commit = repo.gitResult(['commit', '-qam', 'x']);
    assert.strictEqual(commit.status, 0, commit.stderr); // hooks never break a commit for this
    assert.match(commit.stderr, /prepare-commit-msg.*ledger file .*unreadable/s);
    const log = fs.readFileSync(path.join(repo.dir, '.git', 'countersign', 'log'), 'utf8');
    assert.match(log, /ledger file .*unreadable/);

    fs.rmSync(path.join(ledgerDir(), 'rejected', aside[0] as string));
    const after = repo.cli(['status']);
    assert.doesNotMatch(after.stdout + after.stderr, /unreadable/);
  });
});
