import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { tempDir } from '../helpers/tempDirs';
import { SYNC_TIMEOUT_MS, TempRepo } from '../helpers/tempRepo';

/**
 * A commit nothing was observed for is counted by the hook shim without Node (src/git/unobservedCommit.ts,
 * src/git/shell/parts/unobservedCommit.sh). Held to Node's answer byte for byte: two clones with the same
 * history and clock, one committing through the shim's count, the other with COUNTERSIGN_NODE_HOOK=1 (Node
 * answers every commit, as before), must get the same message and the same note — for every shape of change
 * below. A logging `node` first on PATH tells which way each commit went.
 */
describe('a commit nothing was observed for: counted by the shim, as Node counts it', function () {
  this.timeout(240_000);

  const nodeLogDir = tempDir('cs-node-log-');
  const nodeLog = path.join(nodeLogDir, 'starts');
  fs.writeFileSync(
    path.join(nodeLogDir, 'node'),
    `#!/bin/sh\necho "$*" >> '${nodeLog}'\nexec '${process.execPath}' "$@"\n`,
    { mode: 0o755 },
  );
  const nodeStarts = (): number =>
    fs.existsSync(nodeLog) ? fs.readFileSync(nodeLog, 'utf8').split('\n').filter(Boolean).length : 0;

  /** The same clock in both clones, so the same steps make the same commits (and notes naming them). */
  const clock = {
    GIT_AUTHOR_DATE: '1700000000 +0000',
    GIT_COMMITTER_DATE: '1700000000 +0000',
    PATH: `${nodeLogDir}${path.delimiter}${process.env.PATH ?? ''}`,
  };

  interface Clone {
    repo: TempRepo;
    /** Runs git with the test's PATH; returns its status and stderr. */
    run(args: string[], input?: string): { status: number; stderr: string };
  }

  function clone(nodeHook: boolean): Clone {
    const repo = TempRepo.create({ env: { ...clock, COUNTERSIGN_NODE_HOOK: nodeHook ? '1' : '' } });
    repo.write('base.txt', 'one\ntwo\nthree\n');
    repo.write('keep.txt', 'a\nb\nc\nd\ne\nf\n');
    repo.git('add', '-A');
    repo.commit('base');
    assert.strictEqual(repo.cli(['install']).status, 0);
    return {
      repo,
      run(args, input) {
        const r = spawnSync('git', args, {
          cwd: repo.dir,
          env: repo.env,
          encoding: 'utf8',
          input,
          timeout: SYNC_TIMEOUT_MS,
        });
        return { status: r.status ?? -1, stderr: r.stderr };
      },
    };
  }

  function outcome(c: Clone): { message: string; note: string } {
    const note = c.repo.gitResult(['notes', '--ref=refs/notes/ai', 'show', 'HEAD']);
    return { message: c.repo.git('log', '-1', '--format=%B%x00%H'), note: note.status === 0 ? note.stdout : '(none)' };
  }

  /**
   * Applies `change` and then commits with `args` in both clones; returns whether the shim's clone started Node,
   * having asserted the two outcomes are the same.
   */
  function both(change: (r: TempRepo) => void, args: string[] = ['commit', '-q', '-m', 'change']): boolean {
    const fast = clone(false);
    const node = clone(true);
    const results = [fast, node].map((c) => {
      change(c.repo);
      const before = nodeStarts();
      const r = c.run(args);
      assert.strictEqual(r.status, 0, r.stderr);
      return { ...outcome(c), stderr: r.stderr, started: nodeStarts() - before };
    });
    assert.ok(results[1].started >= 1, 'COUNTERSIGN_NODE_HOOK=1 runs Node');
    // What the commit says (a staged policy's warning, say) is the same too.
    const seen = ({ message, note, stderr }: (typeof results)[number]) => ({ message, note, stderr });
    assert.deepStrictEqual(seen(results[0]), seen(results[1]));
    assert.match(results[0].message, /^AI-Provenance: v1 ai=0 human=0 untracked=\d+$/m);
    return results[0].started > 0;
  }

  const counted: Array<[string, (r: TempRepo) => void, string[]?]> = [
    ['lines appended to a file', (r) => r.write('base.txt', 'one\ntwo\nthree\nfour\nfive\n')],
    [
      'a new file beside a changed one',
      (r) => (r.write('new.txt', 'x\ny\n'), r.write('keep.txt', 'a\nB\nc\nd\nE\nf\n')),
    ],
    ['lines only removed', (r) => r.write('keep.txt', 'a\nf\n')],
    ['a last line without a line break', (r) => r.write('base.txt', 'one\nTWO\nthree')],
    ['CRLF lines', (r) => r.write('crlf.txt', 'a\r\nb\r\nc\r\n')],
    ['an empty file', (r) => r.write('empty.txt', '')],
    ['a whole file rewritten', (r) => r.write('keep.txt', 'u\nv\nw\nx\ny\nz\nzz\n')],
    [
      'lines that look like a patch header',
      (r) =>
        r.write(
          'patch.txt',
          'diff --git a/.countersign.json b/.countersign.json\n@@ -1 +1,900 @@\n+++ b/x\nBinary files a and b differ\n' +
            'new file mode 100644\ndeleted file mode 100644\n@@exit 1\n\\ No newline\n',
        ),
    ],
    ['a path with spaces and letters beyond ASCII', (r) => r.write('dir with space/ünïcödé.txt', 'é\nü\n')],
    ['many hunks', (r) => r.write('many.txt', Array.from({ length: 500 }, (_, i) => `line ${i}`).join('\n') + '\n')],
  ];
  for (const [name, change] of counted) {
    it(`${name}: the shim's answer, Node's bytes`, () => {
      const started = both((r) => {
        change(r);
        r.git('add', '-A');
      });
      assert.strictEqual(started, false, 'the shim counted it without Node');
    });
  }

  it('a pathspec after commit (git commits through a temporary index the diff reads): the same', () => {
    const started = both(
      (r) => (r.write('base.txt', 'x\n'), r.write('keep.txt', 'not committed\n')),
      ['commit', '-q', 'base.txt', '-m', 'm'],
    );
    assert.strictEqual(started, false);
  });

  it('hunks spread through a file, a symlink, and a mode change: the same', () => {
    const started = both((r) => {
      r.write('many.txt', Array.from({ length: 300 }, (_, i) => `line ${i}`).join('\n') + '\n');
      r.git('add', '-A');
      r.git('commit', '-q', '-m', 'many');
      r.write('many.txt', Array.from({ length: 300 }, (_, i) => (i % 7 === 0 ? `LINE ${i}` : `line ${i}`)).join('\n'));
      fs.symlinkSync('base.txt', path.join(r.dir, 'link'));
      fs.chmodSync(path.join(r.dir, 'keep.txt'), 0o755);
      r.git('add', '-A');
    });
    assert.strictEqual(started, false);
  });

  it('messages: without a final line break, with a trailer block, with an AI-Provenance line typed in', () => {
    for (const message of [
      'no line break',
      'subject\n\nSigned-off-by: Ada <ada@example.com>\n',
      'x\n\nAI-Provenance: v1 ai=9 human=0 untracked=0\n',
    ]) {
      const file = path.join(tempDir('cs-msg-'), 'msg');
      fs.writeFileSync(file, message);
      const started = both((r) => (r.write('base.txt', 'one\n2\n'), r.git('add', '-A')), ['commit', '-q', '-F', file]);
      assert.strictEqual(started, false, message);
    }
  });

  it('subjects starting with a bracket, a quote or spaces: the same, without Node', () => {
    for (const subject of ['[PROJ-1] fix', '"quoted" subject', '  indented']) {
      const started = both(
        (r) => (r.write('base.txt', 'one\n2\n'), r.git('add', '-A')),
        ['commit', '-q', '-m', subject],
      );
      assert.strictEqual(started, false, subject);
    }
  });

  it('a message that is only a sign-off is empty to git: the commit is aborted in both clones, not stamped', () => {
    for (const c of [clone(false), clone(true)]) {
      c.repo.write('base.txt', 'x\n');
      c.repo.git('add', '-A');
      const head = c.repo.git('rev-parse', 'HEAD');
      const r = c.run(['commit', '-q', '-s', '-m', '']);
      assert.notStrictEqual(r.status, 0);
      assert.match(r.stderr, /empty commit message/);
      assert.strictEqual(c.repo.git('rev-parse', 'HEAD'), head);
    }
  });

  const toNode: Array<[string, (r: TempRepo) => void, string[]?]> = [
    ['a binary file', (r) => (r.write('bin.dat', 'a\0b\nc\n'), r.git('add', '-A'))],
    ['the policy file', (r) => (r.write('.countersign.json', '{}\n'), r.git('add', '-A'))],
    ['a file deleted beside one added (a rename)', (r) => r.git('mv', 'keep.txt', 'moved.txt')],
    ['an amend', (r) => (r.write('base.txt', 'x\n'), r.git('add', '-A')), ['commit', '-q', '--amend', '-m', 'amended']],
    [
      'a global option before commit',
      (r) => (r.write('base.txt', 'x\n'), r.git('add', '-A')),
      ['-c', 'a.b=c', 'commit', '-q', '-m', 'm'],
    ],
    [
      'an alias',
      (r) => (r.write('base.txt', 'x\n'), r.git('add', '-A')),
      ['-c', 'alias.ci=commit', 'ci', '-q', '-m', 'm'],
    ],
    [
      'a message naming --amend',
      (r) => (r.write('base.txt', 'x\n'), r.git('add', '-A')),
      ['commit', '-q', '-m', 'undo --amend'],
    ],
    [
      'a message starting with a comment character',
      (r) => (r.write('base.txt', 'x\n'), r.git('add', '-A')),
      ['commit', '-q', '-m', '# not a comment here'],
    ],
    [
      'a cherry-pick line',
      (r) => (r.write('base.txt', 'x\n'), r.git('add', '-A')),
      ['commit', '-q', '-m', `picked\n\n(cherry picked from commit ${'a'.repeat(40)})`],
    ],
    [
      'an agent hooks file',
      (r) => (r.write('.claude/settings.json', '{}\n'), r.write('base.txt', 'x\n'), r.git('add', 'base.txt')),
    ],
  ];
  for (const [name, change, args] of toNode) {
    it(`${name}: Node answers`, () => {
      assert.strictEqual(both(change, args), true);
    });
  }

  it('a working ledger that recorded anything: Node answers, and names the agent', () => {
    const c = clone(false);
    assert.strictEqual(c.repo.cli(['checkpoint', '--phase', 'before', '--agent', 'claude-code', 'base.txt']).status, 0);
    c.repo.write('base.txt', 'one\ntwo\nthree\nfour\n');
    assert.strictEqual(c.repo.cli(['checkpoint', '--phase', 'after', '--agent', 'claude-code', 'base.txt']).status, 0);
    c.repo.git('add', '-A');
    const before = nodeStarts();
    assert.strictEqual(c.run(['commit', '-q', '-m', 'agent']).status, 0);
    assert.ok(nodeStarts() > before);
    assert.match(c.repo.git('log', '-1', '--format=%B'), /^AI-Provenance: v1 ai=1 human=0 untracked=0$/m);
  });

  it('agents connected once (agents.json): Node answers', () => {
    const c = clone(false);
    fs.writeFileSync(path.join(c.repo.dir, '.git', 'countersign', 'agents.json'), '{"version":1,"agents":{}}\n');
    c.repo.write('base.txt', 'x\n');
    c.repo.git('add', '-A');
    const before = nodeStarts();
    assert.strictEqual(c.run(['commit', '-q', '-m', 'm']).status, 0);
    assert.ok(nodeStarts() > before);
  });

  it('the note goes only to the commit of the git process that counted it', () => {
    const c = clone(false);
    c.repo.write('base.txt', 'x\n');
    c.repo.git('add', '-A');
    assert.strictEqual(c.run(['commit', '-q', '-m', 'm']).status, 0);
    // What an abandoned commit would leave: a count by another git process. post-commit run by hand (as a tool
    // that commits without prepare-commit-msg would run it) attaches nothing.
    const pending = path.join(c.repo.dir, '.git', 'countersign', 'pending');
    fs.writeFileSync(path.join(pending, 'unobserved'), '1\n');
    fs.writeFileSync(path.join(pending, 'trailers'), 'AI-Provenance: v1 ai=0 human=0 untracked=1\n');
    c.repo.git('notes', '--ref=refs/notes/ai', 'remove', 'HEAD');
    const r = spawnSync(path.join(c.repo.dir, '.git', 'countersign', 'hooks', 'post-commit'), [], {
      cwd: c.repo.dir,
      env: c.repo.env,
      encoding: 'utf8',
    });
    assert.strictEqual(r.status, 0, r.stderr);
    assert.notStrictEqual(c.repo.gitResult(['notes', '--ref=refs/notes/ai', 'show', 'HEAD']).status, 0);
    assert.deepStrictEqual(fs.readdirSync(pending), []);
  });

  it('starts no Node and four git processes of its own: the diff, interpret-trailers, rev-parse, notes add', () => {
    const c = clone(false);
    c.repo.write('base.txt', 'x\ny\n');
    c.repo.git('add', '-A');
    const trace = path.join(tempDir('cs-trace2-'), 'events.json');
    const before = nodeStarts();
    const r = spawnSync('git', ['commit', '-q', '-m', 'm'], {
      cwd: c.repo.dir,
      env: { ...c.repo.env, GIT_TRACE2_EVENT: trace },
      encoding: 'utf8',
    });
    assert.strictEqual(r.status, 0, r.stderr);
    assert.strictEqual(nodeStarts(), before);
    const started = fs
      .readFileSync(trace, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { event: string; argv?: string[] })
      .filter((e) => e.event === 'start')
      .slice(1)
      .map((e) => (e.argv ?? []).filter((a, i, all) => a !== '-c' && all[i - 1] !== '-c')[1]);
    assert.deepStrictEqual(started, ['diff', 'interpret-trailers', 'rev-parse', 'notes']);
  });

  it('a chained post-commit that checks out another branch: the note goes to the commit made, not to HEAD (red26)', () => {
    for (const nodeHook of [false, true]) {
      const c = clone(nodeHook);
      const r = c.repo;
      r.write('keep.txt', 'a\nb\n');
      r.git('-c', 'core.hooksPath=/dev/null', 'commit', '-q', '-am', 'agent work');
      const mainTip = r.git('rev-parse', 'HEAD');
      // An agent's commit's note, as fetched: nothing the next commit may overwrite.
      r.git('notes', '--ref=refs/notes/ai', 'add', '-f', '-m', 'the note of main', mainTip);
      // To the branch with no checkout: post-checkout would start Node, which may record the switch in the ledger.
      r.git('branch', 'topic');
      r.git('symbolic-ref', 'HEAD', 'refs/heads/topic');
      fs.writeFileSync(path.join(r.dir, '.git', 'hooks', 'post-commit'), '#!/bin/sh\ngit checkout -q main\n', {
        mode: 0o755,
      });
      r.write('t.txt', 'x\n');
      r.git('add', 't.txt');
      const res = c.run(['commit', '-q', '-m', 'topic work']);
      assert.strictEqual(res.status, 0, res.stderr);
      assert.strictEqual(r.git('rev-parse', 'HEAD'), mainTip, 'the chained hook went back to main');
      assert.strictEqual(
        r.git('notes', '--ref=refs/notes/ai', 'show', mainTip),
        'the note of main',
        `node: ${nodeHook}`,
      );
      const topic = r.git('rev-parse', 'topic');
      assert.match(r.git('notes', '--ref=refs/notes/ai', 'show', topic), new RegExp(`"base_commit_sha": "${mainTip}"`));
    }
  });
});
