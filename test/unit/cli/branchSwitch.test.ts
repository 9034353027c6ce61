import * as assert from 'assert';
import { TempRepo } from '../helpers/tempRepo';

/**
 * newuser14 S1: the working ledger must not carry one branch's AI labels onto what a human types after a
 * `git checkout`. DESIGN: "A diskWrite with no agent active (a checkout, a pull) marks what it changed
 * untracked", and "a line's label is that of the last writer".
 */
describe('a branch switch and the working ledger', function () {
  this.timeout(60_000);
  let repo: TempRepo;
  const provenance = (): string | undefined => repo.trailers().find((t) => t.startsWith('AI-Provenance:'));
  const aiNote = (): string => repo.gitResult(['notes', '--ref=ai', 'show', 'HEAD']).stdout;
  const agentWrites = (file: string, content: string, agent = 'codex'): void => {
    repo.cli(['checkpoint', '--phase', 'before', '--agent', agent, '--session', 'lo', file, '-q']);
    repo.write(file, content);
    repo.cli(['checkpoint', '--phase', 'after', '--agent', agent, '--session', 'lo', file, '-q']);
  };

  beforeEach(() => {
    repo = TempRepo.create();
    const r = repo.cli(['install', '-q']);
    assert.strictEqual(r.status, 0, r.stderr);
  });

  it("does not credit the agent with a human's line that matches one of its lines on the other branch", () => {
    repo.write('m.js', 'const a = 1;\n');
    repo.git('add', 'm.js');
    repo.commit('base');
    repo.git('checkout', '-q', '-b', 'A');
    agentWrites('m.js', 'const a = 1;\nfunction f(items) {\n  return items.map((i) => i * 2);\n}\n');
    repo.git('commit', '-qam', 'ai on A');
    assert.strictEqual(provenance(), 'AI-Provenance: v1 ai=3 human=0 untracked=0');
    repo.git('checkout', '-q', 'main');
    repo.write('m.js', 'const a = 1;\nfunction g(items) {\n  return items;\n}\n'); // typed by a human
    const status = JSON.parse(repo.cli(['status', '--json']).stdout) as { files: Record<string, { ai: number }> };
    assert.strictEqual(status.files['m.js']?.ai, 0);
    repo.git('commit', '-qam', 'human on main');
    assert.strictEqual(provenance(), 'AI-Provenance: v1 ai=0 human=0 untracked=3');
    assert.doesNotMatch(aiNote(), /s_[0-9a-f]{14}::/);
  });

  it('does not credit the agent with a short line that is what is left of its line on the other branch', () => {
    repo.write('f.py', 'print(1)\n');
    repo.git('add', 'f.py');
    repo.commit('base');
    repo.git('checkout', '-q', '-b', 'A');
    agentWrites('f.py', "print(1)\nx = 'local'\n");
    repo.git('commit', '-qam', 'ai on A');
    repo.git('checkout', '-q', 'main');
    repo.write('f.py', 'print(1)\nx\n');
    repo.git('commit', '-qam', 'human on main');
    assert.strictEqual(provenance(), 'AI-Provenance: v1 ai=0 human=0 untracked=1');
  });

  it("keeps the agent's uncommitted lines over a switch away and back, and its committed lines on its branch", () => {
    repo.write('m.js', 'const a = 1;\n');
    repo.write('other.js', 'one\n');
    repo.git('add', '.');
    repo.commit('base');
    repo.git('checkout', '-q', '-b', 'A');
    repo.write('other.js', 'one\ntwo\n');
    repo.git('commit', '-qam', 'A differs in other.js');
    agentWrites('m.js', 'const a = 1;\nconst b = 2;\n');
    agentWrites('other.js', 'one\ntwo\nthree by ai\n', 'claude');
    repo.git('commit', '-qm', 'ai other.js', '--', 'other.js');
    // m.js is uncommitted and the same on both branches: it travels with the switch.
    repo.git('checkout', '-q', 'main');
    repo.git('checkout', '-q', 'A');
    repo.write('other.js', 'one\ntwo\nthree by ai\nfour by hand\n');
    repo.git('commit', '-qam', 'both');
    assert.strictEqual(provenance(), 'AI-Provenance: v1 ai=1 human=0 untracked=1');
    assert.match(aiNote(), /^m\.js\n {2}s_[0-9a-f]{14}::t_[0-9a-f]{14} 2$/m);
  });
});
