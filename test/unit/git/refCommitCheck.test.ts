import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { commitFile, pushMain, setup, type Setup } from '../helpers/gateServer';
import { TempRepo } from '../helpers/tempRepo';

/**
 * The reference-transaction hook `install --server` adds (src/git/shell/referenceTransaction.sh, attack17 Q8/Q9):
 * its lock never outlives the ref update that took it, a push killed while holding it does not block the next one,
 * pushes that do not race are unaffected, and install/uninstall/doctor know the hook. Real bare servers and pushes.
 */
describe('server gate: the reference-transaction check (real server)', function () {
  this.timeout(240_000);

  const state = (s: Setup, f: string) => path.join(s.server.dir, 'countersign', f);
  /** The lock is a symbolic link to no file (its holder's name): existsSync would follow it. */
  const locked = (s: Setup) => fs.lstatSync(state(s, 'ref-commit.lock'), { throwIfNoEntry: false }) !== undefined;
  const lockFree = (s: Setup) => assert.ok(!locked(s), 'no lock is left behind');
  const generation = (s: Setup) => Number(fs.readFileSync(state(s, 'ref-generation'), 'utf8'));
  const HUMAN = 'AI-Provenance: v1 ai=0 human=1 untracked=0';

  it('sequential pushes are unaffected: several refs, a packed ref deleted, an atomic push; no lock left', () => {
    const s = setup();
    const { ada, server } = s;
    commitFile(ada, 'a.txt', 'a\n', `a\n\n${HUMAN}`);
    const r1 = ada.gitResult(['push', '--no-verify', 'origin', 'main', 'HEAD:refs/heads/topic', 'HEAD:refs/tags/t1']);
    assert.strictEqual(r1.status, 0, r1.stderr);
    lockFree(s);
    const g = generation(s);
    server.git('pack-refs', '--all');
    // Deleting a packed ref is a transaction inside a transaction in git 2.39: the nested lock is released too.
    const r2 = ada.gitResult(['push', '--no-verify', 'origin', ':refs/heads/topic']);
    assert.strictEqual(r2.status, 0, r2.stderr);
    lockFree(s);
    commitFile(ada, 'b.txt', 'b\n', `b\n\n${HUMAN}`);
    const r3 = ada.gitResult(['push', '--no-verify', '--atomic', 'origin', 'main', 'HEAD:refs/heads/other']);
    assert.strictEqual(r3.status, 0, r3.stderr);
    lockFree(s);
    assert.ok(generation(s) > g, 'each ref update counts');
    assert.strictEqual(pushMain(ada, '--no-verify').status, 0);
  });

  it('a push refused by the gate, and one whose every ref fails after the gate passed, leave no lock or verdict', () => {
    const s = setup();
    const { ada, server } = s;
    commitFile(ada, 'ai.txt', 'x\n', 'ai\n\nAI-Provenance: v1 ai=1 human=0 untracked=0');
    assert.notStrictEqual(pushMain(ada, '--no-verify').status, 0, 'unreviewed AI code on main is refused');
    lockFree(s);
    // An update hook (someone else's) declines every ref: the gate passed them, git writes none.
    ada.git('reset', '-q', '--hard', 'origin/main');
    commitFile(ada, 'h.txt', 'h\n', `h\n\n${HUMAN}`);
    const update = path.join(server.dir, 'hooks', 'update');
    fs.writeFileSync(update, '#!/bin/sh\nexit 1\n', { mode: 0o755 });
    const declined = ada.gitResult(['push', '--no-verify', 'origin', 'main', 'HEAD:refs/heads/topic']);
    assert.notStrictEqual(declined.status, 0);
    assert.match(declined.stderr, /hook declined/);
    lockFree(s);
    fs.rmSync(update);
    const again = pushMain(ada, '--no-verify');
    assert.strictEqual(again.status, 0, again.stderr);
    lockFree(s);
    // No verdict of a finished push is left behind once the next push begins.
    assert.deepStrictEqual(fs.readdirSync(state(s, 'judged')).length <= 1, true);
  });

  it('a push killed while it holds the lock: the next push takes the lock over and lands', () => {
    const s = setup();
    const { ada, server } = s;
    // Someone else's reference-transaction hook (chained by install --server) kills receive-pack and Countersign's
    // hook right after the ref is written, before the lock is released: a server process killed mid-push.
    const chained = path.join(server.dir, 'hooks', 'reference-transaction.countersign-chained');
    fs.writeFileSync(
      chained,
      '#!/bin/sh\ncat >/dev/null\n[ "$1" = committed ] && [ -e "$0.kill" ] && kill -9 "$(cut -d" " -f4 /proc/$PPID/stat)" "$PPID"\nexit 0\n',
      { mode: 0o755 },
    );
    fs.writeFileSync(`${chained}.kill`, '');
    commitFile(ada, 'k.txt', 'k\n', `k\n\n${HUMAN}`);
    const killed = pushMain(ada, '--no-verify');
    assert.notStrictEqual(killed.status, 0, killed.stderr);
    assert.match(killed.stderr, /hung up|disconnect/, killed.stderr);
    assert.ok(locked(s), `the killed push left its lock: ${fs.readdirSync(state(s, '.')).join(' ')} ${killed.stderr}`);
    fs.rmSync(`${chained}.kill`);
    commitFile(ada, 'l.txt', 'l\n', `l\n\n${HUMAN}`);
    // Not taken over, the push would be refused after the bounded wait ("another push is being written").
    const next = pushMain(ada, '--no-verify');
    assert.strictEqual(next.status, 0, next.stderr);
    lockFree(s);
  });

  it('a lock held by a live process: the push waits a bounded time, then is refused and names the lock', () => {
    const s = setup();
    const { ada } = s;
    const host = spawnSync('uname', ['-n'], { encoding: 'utf8' }).stdout.trim();
    fs.symlinkSync(`${host} ${process.pid} ${process.pid}`, state(s, 'ref-commit.lock'));
    commitFile(ada, 'w.txt', 'w\n', `w\n\n${HUMAN}`);
    const r = pushMain(ada, '--no-verify');
    assert.notStrictEqual(r.status, 0);
    assert.match(r.stderr, /another push is being written to this repository.*Retry the push/s);
    assert.notStrictEqual(s.server.git('rev-parse', 'main'), ada.git('rev-parse', 'HEAD'));
    fs.rmSync(state(s, 'ref-commit.lock'));
    assert.strictEqual(pushMain(ada, '--no-verify').status, 0);
  });

  it('install --server chains a reference-transaction hook; uninstall --server removes exactly its own; doctor and the gate need it', () => {
    const server = TempRepo.create({ bare: true });
    const hook = path.join(server.dir, 'hooks', 'reference-transaction');
    fs.writeFileSync(hook, '#!/bin/sh\n# theirs\ncat >/dev/null\n', { mode: 0o755 });
    assert.strictEqual(server.cli(['install', '--server']).status, 0);
    assert.match(fs.readFileSync(hook, 'utf8'), /countersign-ref-transaction v5/);
    assert.match(fs.readFileSync(`${hook}.countersign-chained`, 'utf8'), /# theirs/);
    assert.strictEqual(server.cli(['install', '--server']).status, 0, 'a second install refreshes it');
    assert.match(fs.readFileSync(`${hook}.countersign-chained`, 'utf8'), /# theirs/);

    // Without it, doctor says so and the gate refuses every push (else the race is open again).
    fs.rmSync(hook);
    const doctor = server.cli(['doctor']);
    assert.match(
      doctor.stdout + doctor.stderr,
      /reference-transaction is missing or not the script this countersign installs/,
    );
    const ada = TempRepo.create();
    ada.write('README.md', 'x\n');
    ada.git('add', '.');
    ada.commit('x');
    const refused = ada.gitResult(['push', '--no-verify', server.dir, 'HEAD:refs/heads/main']);
    assert.notStrictEqual(refused.status, 0);
    assert.match(refused.stderr, /reference-transaction is missing or not Countersign's/);
    assert.strictEqual(server.cli(['install', '--server']).status, 0);
    const pushed = ada.gitResult(['push', '--no-verify', server.dir, 'HEAD:refs/heads/main']);
    assert.strictEqual(pushed.status, 0, pushed.stderr);
    assert.ok(fs.existsSync(path.join(server.dir, 'countersign', 'ref-generation')));

    assert.strictEqual(server.cli(['uninstall', '--server']).status, 0);
    assert.match(fs.readFileSync(hook, 'utf8'), /# theirs/);
    assert.ok(!fs.existsSync(`${hook}.countersign-chained`));
    assert.ok(!fs.existsSync(path.join(server.dir, 'countersign')), 'no state of the check is left');

    const plain = TempRepo.create({ bare: true });
    assert.strictEqual(plain.cli(['install', '--server']).status, 0);
    assert.strictEqual(plain.cli(['uninstall', '--server']).status, 0);
    assert.deepStrictEqual(
      fs.readdirSync(path.join(plain.dir, 'hooks')).filter((f) => !f.endsWith('.sample')),
      [],
    );
  });
});
