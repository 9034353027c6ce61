import * as assert from 'assert';
import { spawn, spawnSync, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { labelKey, type LineLabel } from '../../../src/core/attribution/labels';
import { FileLock } from '../../../src/git/fileLock';
import { openLedger, type Ledger } from '../../../src/git/ledger';
import { TempRepo } from '../helpers/tempRepo';

const WORKER = path.resolve(process.env.COUNTERSIGN_OUT ?? 'dist', 'test/unit/helpers/ledgerWorker.js');

function keys(labels: readonly LineLabel[]): string[] {
  return labels.map(labelKey);
}

/** Each `openLedger` is what a separate process (hook, window, CLI) does: nothing is shared in memory. */
async function fresh(repo: TempRepo, opts: Parameters<typeof openLedger>[1] = {}): Promise<Ledger> {
  return openLedger(repo.dir, opts);
}

function waitFor(check: () => boolean, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const tick = () => {
      if (check()) resolve();
      else if (Date.now() > until) reject(new Error('timed out waiting'));
      else setTimeout(tick, 5);
    };
    tick();
  });
}

function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve(child.exitCode);
    else child.on('exit', (code) => resolve(code));
  });
}

describe('working ledger', () => {
  let repo: TempRepo;
  beforeEach(() => {
    repo = TempRepo.create();
    repo.write('src/app.ts', 'one\ntwo\nthree\n');
    repo.git('add', '.');
    repo.commit('init');
  });

  it("pairs an agent before and after recorded by different processes: changed lines are the agent's", async () => {
    await (
      await fresh(repo)
    ).record({
      type: 'agent',
      phase: 'before',
      agent: 'claude-code',
      session: 's1',
      files: { 'src/app.ts': 'one\ntwo\nthree\n' },
    });
    repo.write('src/app.ts', 'one\nTWO\nthree\nfour\n');
    await (
      await fresh(repo)
    ).record({
      type: 'agent',
      phase: 'after',
      agent: 'claude-code',
      model: 'claude-sonnet-4-5',
      session: 's1',
      files: { 'src/app.ts': 'one\nTWO\nthree\nfour\n' },
    });
    const a = await (await fresh(repo)).fileAttribution('src/app.ts');
    assert.ok(a);
    assert.deepStrictEqual(keys(a.labels), ['untracked', 'ai:claude-code', 'untracked', 'ai:claude-code']);
    const ai = a.labels[1];
    assert.ok(ai.kind === 'ai' && ai.model === 'claude-sonnet-4-5' && ai.session === 's1');
  });

  it('keeps the before snapshot across a fold in between: the after is compared with it, not with later writes', async () => {
    await (
      await fresh(repo)
    ).record(
      { type: 'agent', phase: 'before', agent: 'codex', files: { 'src/app.ts': 'one\ntwo\nthree\n' } },
      { callId: 'c1' },
    );
    // A reader folds while the tool runs, seeing the tool's intermediate write as an unknown change...
    repo.write('src/app.ts', 'one\n');
    await (await fresh(repo)).sync();
    // ...and the agent deletes then recreates content unchanged: those lines keep their labels.
    repo.write('src/app.ts', 'one\ntwo\nthree\nnew\n');
    await (
      await fresh(repo)
    ).record(
      { type: 'agent', phase: 'after', agent: 'codex', files: { 'src/app.ts': 'one\ntwo\nthree\nnew\n' } },
      { callId: 'c1' },
    );
    const a = await (await fresh(repo)).fileAttribution('src/app.ts');
    assert.deepStrictEqual(keys(a!.labels), ['untracked', 'untracked', 'untracked', 'ai:codex']);
  });

  it('attributes a diskWrite recorded during an open tool call to that call', async () => {
    await (
      await fresh(repo)
    ).record({ type: 'agent', phase: 'before', agent: 'gemini-cli', session: 'g', files: {} }, { shell: true });
    repo.write('src/app.ts', 'one\ntwo\nthree\nwritten by the shell\n');
    await (
      await fresh(repo)
    ).record({ type: 'diskWrite', file: 'src/app.ts', content: 'one\ntwo\nthree\nwritten by the shell\n' });
    assert.deepStrictEqual(keys((await (await fresh(repo)).fileAttribution('src/app.ts'))!.labels), [
      'untracked',
      'untracked',
      'untracked',
      'ai:gemini-cli',
    ]);
  });

  it('lets a tool call whose after never came claim nothing it did not snapshot, and nothing at all after 30 minutes', async () => {
    let now = Date.now();
    const clock = { now: () => now };
    await (
      await fresh(repo, clock)
    ).record(
      { type: 'agent', phase: 'before', agent: 'claude-code', files: { 'src/app.ts': 'one\ntwo\nthree\n' } },
      { callId: 'failed' },
    );
    repo.write('other.txt', 'x\n');
    await (await fresh(repo, clock)).storeFile('other.txt', 'x\n', [{ kind: 'human' }]);
    repo.write('other.txt', 'x\nby hand, unwatched\n');
    repo.write('src/app.ts', 'one\ntwo\nthree\nduring the call\n');
    const l = await fresh(repo, clock);
    assert.deepStrictEqual(keys((await l.fileAttribution('other.txt'))!.labels), ['human', 'untracked']);
    assert.deepStrictEqual(keys((await l.fileAttribution('src/app.ts'))!.labels), [
      'untracked',
      'untracked',
      'untracked',
      'ai:claude-code',
    ]);
    now += 31 * 60_000;
    await (await fresh(repo, clock)).record({ type: 'clipboard', text: 'anything, to make a fold happen' });
    // The expired call's snapshot is gone and the ledger kept no state for the file: nothing known, all untracked.
    assert.strictEqual(await (await fresh(repo, clock)).fileAttribution('src/app.ts'), undefined);
  });

  it('reconciles with the working tree: lines changed while nothing watched are untracked, re-indented ones keep their label', async () => {
    const ledger = await fresh(repo);
    await ledger.storeFile('src/app.ts', 'one\ntwo\nthree\n', [
      { kind: 'human' },
      { kind: 'ai', agent: 'cursor' },
      { kind: 'ai', agent: 'cursor' },
    ]);
    repo.write('src/app.ts', 'one\n    two\nTHREE\nfour\n');
    const a = await (await fresh(repo)).fileAttribution('src/app.ts');
    assert.strictEqual(a!.content, 'one\n    two\nTHREE\nfour\n');
    assert.deepStrictEqual(keys(a!.labels), ['human', 'ai:cursor', 'untracked', 'untracked']);
    // Reconciling is a view: the stored state is untouched, so a change undone on disk gets its labels back.
    repo.write('src/app.ts', 'one\ntwo\nthree\n');
    assert.deepStrictEqual(keys((await (await fresh(repo)).fileAttribution('src/app.ts'))!.labels), [
      'human',
      'ai:cursor',
      'ai:cursor',
    ]);
  });

  it('marks what changed untracked when a before snapshot differs from what the ledger last saw', async () => {
    await (
      await fresh(repo)
    ).storeFile('src/app.ts', 'one\ntwo\nthree\n', [{ kind: 'human' }, { kind: 'human' }, { kind: 'human' }]);
    await (
      await fresh(repo)
    ).record({
      type: 'agent',
      phase: 'before',
      agent: 'kiro',
      files: { 'src/app.ts': 'one\nchanged meanwhile\nthree\n' },
    });
    repo.write('src/app.ts', 'one\nchanged meanwhile\nthree\nby kiro\n');
    await (
      await fresh(repo)
    ).record({
      type: 'agent',
      phase: 'after',
      agent: 'kiro',
      files: { 'src/app.ts': 'one\nchanged meanwhile\nthree\nby kiro\n' },
    });
    assert.deepStrictEqual(keys((await (await fresh(repo)).fileAttribution('src/app.ts'))!.labels), [
      'human',
      'untracked',
      'human',
      'ai:kiro',
    ]);
  });

  it('compares an after without a before with HEAD for a file it never saw, and counts a new file as all AI', async () => {
    repo.write('src/app.ts', 'one\ntwo\nthree\nfour\n');
    repo.write('src/new.ts', 'a\nb\n');
    await (
      await fresh(repo)
    ).record({
      type: 'agent',
      phase: 'after',
      agent: 'cursor',
      files: { 'src/app.ts': 'one\ntwo\nthree\nfour\n', 'src/new.ts': 'a\nb\n' },
    });
    const l = await fresh(repo);
    assert.deepStrictEqual(keys((await l.fileAttribution('src/app.ts'))!.labels), [
      'untracked',
      'untracked',
      'untracked',
      'ai:cursor',
    ]);
    assert.deepStrictEqual(keys((await l.fileAttribution('src/new.ts'))!.labels), ['ai:cursor', 'ai:cursor']);
    assert.deepStrictEqual(await l.allFiles(), ['src/app.ts', 'src/new.ts']);
  });

  it('forgets a file an agent deleted, and answers undefined for files it does not track or that are gone', async () => {
    repo.write('src/new.ts', 'a\n');
    await (await fresh(repo)).record({ type: 'agent', phase: 'after', agent: 'codex', files: { 'src/new.ts': 'a\n' } });
    fs.rmSync(path.join(repo.dir, 'src/new.ts'));
    await (
      await fresh(repo)
    ).record({ type: 'agent', phase: 'after', agent: 'codex', files: {} }, { deleted: ['src/new.ts'] });
    const l = await fresh(repo);
    assert.deepStrictEqual(await l.allFiles(), []);
    assert.strictEqual(await l.fileAttribution('src/new.ts'), undefined);
    assert.strictEqual(await l.fileAttribution('src/app.ts'), undefined);
  });

  it('accepts absolute paths inside the work tree and refuses paths outside it', async () => {
    const l = await fresh(repo);
    await l.storeFile(path.join(repo.dir, 'src/app.ts'), 'one\ntwo\nthree\n', [
      { kind: 'human' },
      { kind: 'human' },
      { kind: 'human' },
    ]);
    assert.deepStrictEqual(await l.allFiles(), ['src/app.ts']);
    await assert.rejects(l.storeFile('../elsewhere.ts', '', []), /not inside the working tree/);
  });

  it('answers from an in-memory fold, without waiting, when another process holds the lock', async () => {
    await (
      await fresh(repo)
    ).storeFile('src/app.ts', 'one\ntwo\nthree\n', [{ kind: 'human' }, { kind: 'human' }, { kind: 'human' }]);
    const l = await fresh(repo, { lockTimeoutMs: 100 });
    const held = await FileLock.acquire(path.join(l.dir, 'lock'));
    try {
      assert.deepStrictEqual(keys((await l.fileAttribution('src/app.ts'))!.labels), ['human', 'human', 'human']);
      assert.strictEqual(await l.sync({ wait: false }), false);
      assert.ok(fs.readdirSync(path.join(l.dir, 'queue')).length > 0, 'nothing was folded while the lock was held');
    } finally {
      held.release();
    }
    assert.strictEqual(await l.sync(), true);
    assert.deepStrictEqual(fs.readdirSync(path.join(l.dir, 'queue')), []);
  });

  it('completes a fold interrupted after its journal was written, applying each record exactly once', async () => {
    const l = await fresh(repo, {
      onFoldStep: (s) => {
        if (s === 'state-written') throw new Error('simulated crash');
      },
    });
    await l.storeFile('src/app.ts', 'one\ntwo\nthree\n', [{ kind: 'human' }, { kind: 'human' }, { kind: 'human' }]);
    // An edit inserting a line is not idempotent: applied twice it would insert two.
    await l.record({ type: 'edit', file: 'src/app.ts', changes: [{ offset: 0, length: 0, text: 'zero\n' }] });
    await assert.rejects(l.sync(), /simulated crash/);
    assert.ok(fs.existsSync(path.join(l.dir, 'journal.json')));
    repo.write('src/app.ts', 'zero\none\ntwo\nthree\n');
    const a = await (await fresh(repo)).fileAttribution('src/app.ts');
    assert.strictEqual(a!.content, 'zero\none\ntwo\nthree\n');
    assert.deepStrictEqual(keys(a!.labels), ['human', 'human', 'human', 'human']);
    assert.ok(!fs.existsSync(path.join(l.dir, 'journal.json')));
    assert.deepStrictEqual(fs.readdirSync(path.join(l.dir, 'queue')), []);
  });

  it('sets aside an unreadable queue entry instead of blocking the ones after it', async () => {
    const l = await fresh(repo);
    fs.writeFileSync(path.join(l.dir, 'queue', '00000000000001-000001-1-aaaaaa.json'), '{"v":1,"kind":"nonsense"}');
    await l.storeFile('src/app.ts', 'one\ntwo\nthree\n', [{ kind: 'human' }, { kind: 'human' }, { kind: 'human' }]);
    assert.deepStrictEqual(keys((await l.fileAttribution('src/app.ts'))!.labels), ['human', 'human', 'human']);
    assert.deepStrictEqual(fs.readdirSync(path.join(l.dir, 'rejected')), ['00000000000001-000001-1-aaaaaa.json']);
  });

  it('keeps a separate ledger per linked worktree', async () => {
    const wt = path.join(repo.dir, '..', `${path.basename(repo.dir)}-wt`);
    repo.git('worktree', 'add', '-q', wt);
    const main = await fresh(repo);
    const linked = await openLedger(wt);
    assert.notStrictEqual(main.dir, linked.dir);
    await linked.storeFile('src/app.ts', 'one\ntwo\nthree\n', [
      { kind: 'human' },
      { kind: 'human' },
      { kind: 'human' },
    ]);
    assert.deepStrictEqual(await main.allFiles(), []);
    assert.deepStrictEqual(await linked.allFiles(), ['src/app.ts']);
  });

  describe('with several processes', function () {
    this.timeout(120_000);

    it('loses nothing when many processes record and fold at once', async () => {
      const workers = 6;
      const calls = 20;
      const children = Array.from({ length: workers }, (_, w) =>
        spawn(process.execPath, [WORKER, 'checkpoints', repo.dir, String(w), String(calls)], {
          stdio: ['ignore', 'ignore', 'pipe'],
        }),
      );
      const errors: string[] = [];
      for (const c of children) c.stderr?.on('data', (d: Buffer) => errors.push(d.toString()));
      const codes = await Promise.all(children.map(exited));
      assert.deepStrictEqual(
        codes,
        children.map(() => 0),
        errors.join('\n'),
      );
      const l = await fresh(repo);
      for (let w = 0; w < workers; w++) {
        const a = await l.fileAttribution(`w${w}.txt`);
        assert.ok(a, `w${w}.txt tracked`);
        // A lost after would leave its line untracked (reconciled); a lost before would make the next after
        // compare with stale content — either shows up here.
        assert.deepStrictEqual(keys(a.labels), new Array(calls).fill(`ai:agent-${w}`), `w${w}.txt`);
      }
      assert.deepStrictEqual(fs.readdirSync(path.join(l.dir, 'queue')), []);
    });

    it('serialises processes through the file lock (no lost increments)', async () => {
      const lockFile = path.join(repo.dir, '.git', 'test.lock');
      const counter = path.join(repo.dir, '.git', 'counter');
      fs.writeFileSync(counter, '0');
      const children = Array.from({ length: 6 }, () =>
        spawn(process.execPath, [WORKER, 'lock-counter', lockFile, counter, '40'], { stdio: 'ignore' }),
      );
      assert.deepStrictEqual(
        await Promise.all(children.map(exited)),
        children.map(() => 0),
      );
      assert.strictEqual(fs.readFileSync(counter, 'utf8'), '240');
    });

    it('survives kill -9 of a writer mid-write: the ledger stays readable and nothing else is lost', async () => {
      const l = await fresh(repo);
      await l.storeFile('src/app.ts', 'one\ntwo\nthree\n', [
        { kind: 'human' },
        { kind: 'ai', agent: 'amp' },
        { kind: 'human' },
      ]);
      const child = spawn(process.execPath, [WORKER, 'big-writer', repo.dir], { stdio: 'ignore' });
      const queue = path.join(l.dir, 'queue');
      await waitFor(() => fs.readdirSync(queue).some((n) => n.startsWith('.') && n.endsWith('.tmp')), 30_000);
      child.kill('SIGKILL');
      await exited(child);
      await l.record({
        type: 'agent',
        phase: 'after',
        agent: 'opencode',
        files: { 'src/app.ts': 'one\ntwo\nthree\nfour\n' },
      });
      repo.write('src/app.ts', 'one\ntwo\nthree\nfour\n');
      const a = await (await fresh(repo)).fileAttribution('src/app.ts');
      assert.deepStrictEqual(keys(a!.labels), ['human', 'ai:amp', 'human', 'ai:opencode']);
      // The killed writer's half-written temp file is ignored (and swept once old); no entry is left behind.
      assert.deepStrictEqual(
        fs.readdirSync(queue).filter((n) => !n.startsWith('.')),
        [],
      );
    });

    for (const step of ['journal-written', 'state-written', 'context-written', 'entries-removed']) {
      it(`survives kill -9 of a folder at "${step}": the next reader completes the fold, nothing lost or doubled`, async () => {
        const l = await fresh(repo);
        await l.storeFile('src/app.ts', 'one\ntwo\nthree\n', [{ kind: 'human' }, { kind: 'human' }, { kind: 'human' }]);
        await l.record({ type: 'edit', file: 'src/app.ts', changes: [{ offset: 0, length: 0, text: 'zero\n' }] });
        await l.record({ type: 'agent', phase: 'before', agent: 'claude-code', files: { 'src/other.ts': '' } });
        const marker = path.join(repo.dir, '.git', 'marker');
        const child = spawn(process.execPath, [WORKER, 'hang-in-fold', repo.dir, step, marker], { stdio: 'ignore' });
        await waitFor(() => fs.existsSync(marker), 30_000);
        child.kill('SIGKILL');
        await exited(child);
        // Recorded after the crash, paired with the before the killed fold was carrying.
        repo.write('src/other.ts', 'by claude\n');
        await l.record({
          type: 'agent',
          phase: 'after',
          agent: 'claude-code',
          files: { 'src/other.ts': 'by claude\n' },
        });
        repo.write('src/app.ts', 'zero\none\ntwo\nthree\n');
        const r = await fresh(repo, { lockTimeoutMs: 1000 });
        const a = await r.fileAttribution('src/app.ts');
        assert.strictEqual(a!.content, 'zero\none\ntwo\nthree\n');
        assert.deepStrictEqual(keys(a!.labels), ['human', 'human', 'human', 'human']);
        assert.deepStrictEqual(keys((await r.fileAttribution('src/other.ts'))!.labels), ['ai:claude-code']);
        assert.ok(!fs.existsSync(path.join(r.dir, 'journal.json')));
      });
    }
  });

  it("keeps the build's worker script next to the tests", () => {
    assert.ok(fs.existsSync(WORKER), WORKER);
    assert.strictEqual(spawnSync(process.execPath, [WORKER, 'nonsense']).status, 1);
  });
});
