import * as assert from 'assert';
import { openLedger } from '../../../src/git/ledger';
import { TempRepo } from '../helpers/tempRepo';

type FileCounts = { ai: number; human: number; untracked: number; agents: string[] };

/**
 * newuser15 #3: git writes files without a checkout (`git merge --squash`, a fast-forward merge, a pull,
 * `git restore`) and no hook records it, so the ledger's last known state of such a file predates what git
 * wrote. A shell tool call that then changes the file must be credited with its change only, not with every
 * line git wrote since.
 */
describe('files git wrote without a checkout, then a shell tool call', function () {
  this.timeout(120_000);
  let repo: TempRepo;
  const status = (): Record<string, FileCounts> =>
    (JSON.parse(repo.cli(['status', '--json']).stdout) as { files: Record<string, FileCounts> }).files;
  const fileCall = (agent: string, file: string, content: string): void => {
    repo.cli(['checkpoint', '--phase', 'before', '--agent', agent, '--session', 's1', file, '-q']);
    repo.write(file, content);
    repo.cli(['checkpoint', '--phase', 'after', '--agent', agent, '--session', 's1', file, '-q']);
  };
  /** A shell tool call: no FILE, so both phases snapshot what git lists as changed. */
  const shellCall = (write: () => void): void => {
    assert.strictEqual(repo.cli(['checkpoint', '--phase', 'before', '--agent', 'codex', '--session', 's10']).status, 0);
    write();
    assert.strictEqual(repo.cli(['checkpoint', '--phase', 'after', '--agent', 'codex', '--session', 's10']).status, 0);
  };
  const append = (file: string, line: string) => () => repo.write(file, repo.read(file) + line);

  beforeEach(() => {
    repo = TempRepo.create();
    repo.write('base.txt', 'base\n');
    repo.git('add', '.');
    repo.commit('base');
    const r = repo.cli(['install', '-q']);
    assert.strictEqual(r.status, 0, r.stderr);
  });

  /** Claude writes d.py on branch sq and commits it; back on main. */
  const claudeOnBranch = (): void => {
    repo.git('checkout', '-q', '-b', 'sq');
    fileCall('claude', 'd.py', 'd1\nd2\nd3\n');
    repo.git('add', 'd.py');
    repo.commit('d by claude');
    repo.git('checkout', '-q', 'main');
  };

  it('after git merge --squash and its commit: only the appended line is the agent’s', () => {
    claudeOnBranch();
    repo.git('merge', '-q', '--squash', 'sq');
    repo.commit('squash d');
    shellCall(append('d.py', 'd4\n'));
    assert.deepStrictEqual(status()['d.py'], { ai: 1, human: 0, untracked: 3, agents: ['codex'] });
    repo.git('commit', '-qam', 'd4');
    assert.ok(repo.trailers().includes('AI-Provenance: v1 ai=1 human=0 untracked=0'), repo.trailers().join('\n'));
  });

  it('after a fast-forward merge', () => {
    claudeOnBranch();
    repo.git('merge', '-q', '--ff-only', 'sq');
    shellCall(append('d.py', 'd4\n'));
    assert.deepStrictEqual(status()['d.py'], { ai: 1, human: 0, untracked: 3, agents: ['codex'] });
  });

  it('after git restore brought back lines an agent had deleted', () => {
    repo.write('r.py', 'r1\nr2\nr3\n');
    repo.git('add', 'r.py');
    repo.commit('r');
    fileCall('claude', 'r.py', 'r1\nby claude\n');
    repo.git('restore', 'r.py');
    shellCall(append('r.py', 'r4\n'));
    assert.deepStrictEqual(status()['r.py'], { ai: 1, human: 0, untracked: 3, agents: ['codex'] });
  });

  it('keeps what a human changed unseen before the call as theirs (untracked), and an agent’s uncommitted lines', () => {
    repo.write('h.py', 'h1\nh2\n');
    repo.git('add', 'h.py');
    repo.commit('h');
    fileCall('claude', 'h.py', 'h1\nh2\nby claude\n');
    repo.write('h.py', 'h1\nh2\nby claude\nhuman a\nhuman b\n'); // typed with no editor watching
    repo.write('new.py', 'human new\n');
    shellCall(() => {
      append('h.py', 'by codex\n')();
      append('new.py', 'codex new\n')();
    });
    assert.deepStrictEqual(status()['h.py'], { ai: 2, human: 0, untracked: 4, agents: ['claude-code', 'codex'] });
    assert.deepStrictEqual(status()['new.py'], { ai: 1, human: 0, untracked: 1, agents: ['codex'] });
  });

  it('a write seen during the call (the editor’s file watcher) is compared with HEAD’s content too', async () => {
    claudeOnBranch();
    repo.git('merge', '-q', '--squash', 'sq');
    repo.commit('squash d');
    assert.strictEqual(repo.cli(['checkpoint', '--phase', 'before', '--agent', 'codex', '--session', 's10']).status, 0);
    append('d.py', 'd4\n')();
    const ledger = await openLedger(repo.dir);
    await ledger.record({ type: 'diskWrite', file: 'd.py', content: repo.read('d.py') });
    const during = await ledger.fileAttribution('d.py');
    assert.deepStrictEqual(
      during?.labels.map((l) => l.kind),
      ['untracked', 'untracked', 'untracked', 'ai'],
    );
    assert.strictEqual(repo.cli(['checkpoint', '--phase', 'after', '--agent', 'codex', '--session', 's10']).status, 0);
    assert.deepStrictEqual(status()['d.py'], { ai: 1, human: 0, untracked: 3, agents: ['codex'] });
  });
});
