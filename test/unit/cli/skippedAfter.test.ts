import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { TempRepo } from '../helpers/tempRepo';

/**
 * newuser20 F13: an agent call whose `after` could not snapshot a file (binary, or over the 2 MB snapshot bound)
 * never closed for that file, so every later write to it — a person's, another agent's — was folded into that
 * call and credited to its agent (Codex's lines reached a commit as Claude's). Real files, the real CLI.
 */
type Counts = { ai: number; human: number; untracked: number; agents: string[] };
type BlameLine = { line: number; label: string; agent?: string };

const BIN_AGENT = 'A\0\nB\n';
const BIN_LATER = 'A\0\nB\nLATER1\nLATER2\n';

function repoInstalled(): TempRepo {
  const repo = TempRepo.create();
  repo.git('commit', '-q', '--allow-empty', '-m', 'root');
  const r = repo.cli(['install']);
  assert.strictEqual(r.status, 0, r.stderr);
  return repo;
}

function checkpoint(repo: TempRepo, phase: 'before' | 'after', agent: string, file: string): string {
  const r = repo.cli(['checkpoint', '--phase', phase, '--agent', agent, '--model', 'm1', file]);
  assert.strictEqual(r.status, 0, r.stderr);
  return r.stdout;
}

function status(repo: TempRepo): Record<string, Counts> {
  const r = repo.cli(['status', '--json']);
  assert.strictEqual(r.status, 0, r.stderr);
  const files = (JSON.parse(r.stdout) as { files: Record<string, Counts & Record<string, unknown>> }).files;
  const out: Record<string, Counts> = {};
  for (const [f, c] of Object.entries(files))
    out[f] = { ai: c.ai, human: c.human, untracked: c.untracked, agents: c.agents };
  return out;
}

/** Each line's agent as `countersign blame --json` reads it from the commit's note (untracked: ''). */
function blameAgents(repo: TempRepo, file: string): string[] {
  const r = repo.cli(['blame', file, '--json']);
  assert.strictEqual(r.status, 0, r.stderr);
  const parsed = JSON.parse(r.stdout) as { lines: BlameLine[] } | BlameLine[];
  const lines = Array.isArray(parsed) ? parsed : parsed.lines;
  return lines.map((l) => l.agent ?? '');
}

function openCalls(repo: TempRepo): string[] {
  const f = path.join(repo.dir, '.git', 'countersign', 'ledger', 'context.json');
  if (!fs.existsSync(f)) return [];
  const calls = (JSON.parse(fs.readFileSync(f, 'utf8')) as { calls: Record<string, { files: object }> }).calls;
  return Object.values(calls).flatMap((c) => Object.keys(c.files));
}

function claudePayload(repo: TempRepo, event: string, file: string): string {
  return JSON.stringify({
    hook_event_name: event,
    session_id: 'conv-1',
    tool_use_id: 'toolu_1',
    cwd: repo.dir,
    tool_name: 'Write',
    tool_input: { file_path: path.join(repo.dir, file), content: '' },
  });
}

describe('an agent call whose after could not snapshot a file closes anyway (newuser20 F13)', function () {
  this.timeout(120_000);

  it('a binary file: the agent gets its own lines; a person appending later gets untracked, not the agent', () => {
    const repo = repoInstalled();
    checkpoint(repo, 'before', 'claude', 'data.bin');
    repo.write('data.bin', BIN_AGENT);
    const after = checkpoint(repo, 'after', 'claude', 'data.bin');
    assert.deepStrictEqual(status(repo)['data.bin'], { ai: 2, human: 0, untracked: 0, agents: ['claude-code'] });

    repo.write('data.bin', BIN_LATER); // a person appends two lines; no agent is running
    assert.deepStrictEqual(status(repo)['data.bin'], { ai: 2, human: 0, untracked: 2, agents: ['claude-code'] });
    assert.doesNotMatch(after, /skipped/, 'a binary file within the bound is snapshotted, as its before was');
    assert.deepStrictEqual(openCalls(repo), [], 'the after closed the call');
    repo.git('add', 'data.bin');
    repo.commit('bin');
    const trailers = repo.trailers();
    assert.ok(trailers.includes('AI-Provenance: v1 ai=2 human=0 untracked=2'), trailers.join('\n'));
    assert.deepStrictEqual(blameAgents(repo, 'data.bin'), ['claude-code', 'claude-code', '', '']);
  });

  it("Codex writing after Claude's call on a binary file (Claude's hook payload): Codex's lines are Codex's", () => {
    const repo = repoInstalled();
    const hook = (event: string) =>
      repo.cli(['checkpoint', '--from', 'claude', '--repo', repo.dir], {
        input: claudePayload(repo, event, 'logo.bin'),
      });
    assert.strictEqual(hook('PreToolUse').status, 0);
    repo.write('logo.bin', BIN_AGENT);
    assert.strictEqual(hook('PostToolUse').status, 0);

    checkpoint(repo, 'before', 'codex', 'logo.bin');
    repo.write('logo.bin', BIN_LATER);
    checkpoint(repo, 'after', 'codex', 'logo.bin');
    assert.deepStrictEqual(status(repo)['logo.bin'], {
      ai: 4,
      human: 0,
      untracked: 0,
      agents: ['claude-code', 'codex'],
    });
    repo.git('add', 'logo.bin');
    repo.commit('logo');
    const assisted = repo.trailers().filter((t) => t.startsWith('Assisted-by:'));
    assert.strictEqual(assisted.length, 2, assisted.join('\n'));
    assert.deepStrictEqual(blameAgents(repo, 'logo.bin'), ['claude-code', 'claude-code', 'codex', 'codex']);
  });

  it('a file over the 2 MB snapshot bound: the after says so and closes the call; later writes are not the agent’s', () => {
    const repo = repoInstalled();
    const big = `${'x'.repeat(99_999)}\n`.repeat(22); // 2.2 MB, 22 lines
    checkpoint(repo, 'before', 'claude', 'big.txt');
    repo.write('big.txt', big);
    const after = checkpoint(repo, 'after', 'claude', 'big.txt');
    assert.match(after, /skipped 1 too large or not a regular file: big\.txt/);
    // What the call wrote could not be read: untracked (docs/ledger.md), never a later writer's lines as Claude's;
    // but the file is named as changed by Claude, so the commit is Assisted-by and reviewed (session 23).
    fs.appendFileSync(path.join(repo.dir, 'big.txt'), 'HUMAN1\nHUMAN2\n');
    assert.deepStrictEqual(status(repo)['big.txt'], { ai: 0, human: 0, untracked: 24, agents: ['claude-code'] });
    assert.deepStrictEqual(openCalls(repo), [], 'the after closed the call although it could not read the file');

    // And a write to another file, while nothing runs, is not folded into Claude's call either.
    checkpoint(repo, 'before', 'codex', 'small.txt');
    repo.write('small.txt', 'one\ntwo\n');
    checkpoint(repo, 'after', 'codex', 'small.txt');
    repo.write('small.txt', 'one\ntwo\nthree\n');
    assert.deepStrictEqual(status(repo)['small.txt'], { ai: 2, human: 0, untracked: 1, agents: ['codex'] });
  });

  it("VS Code's agent hooks: a file over the bound closes both the ledger's call and the editor's open-call entry", () => {
    const repo = repoInstalled();
    const hook = (event: string) =>
      repo.cli(['checkpoint', '--from', 'vscode', '--repo', repo.dir], {
        input: JSON.stringify({
          hookEventName: event,
          sessionId: 's1',
          tool_use_id: 't1',
          cwd: repo.dir,
          tool_name: 'create_file',
          tool_input: { filePath: path.join(repo.dir, 'big.txt') },
        }),
      });
    assert.strictEqual(hook('PreToolUse').status, 0);
    repo.write('big.txt', `${'y'.repeat(99_999)}\n`.repeat(22));
    assert.strictEqual(hook('PostToolUse').status, 0);
    fs.appendFileSync(path.join(repo.dir, 'big.txt'), 'HUMAN\n');
    assert.deepStrictEqual(status(repo)['big.txt'], { ai: 0, human: 0, untracked: 23, agents: ['copilot'] });
    assert.deepStrictEqual(openCalls(repo), []);
    const dir = path.join(repo.dir, '.git', 'countersign', 'open-calls');
    assert.deepStrictEqual(fs.existsSync(dir) ? fs.readdirSync(dir) : [], []);
  });
});
