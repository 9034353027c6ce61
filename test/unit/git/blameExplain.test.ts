import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import {
  canonicalStatementBytes,
  formatStatementLine,
  type ApprovalStatement,
} from '../../../src/core/approvalStatement';
import { gitAiNote } from '../helpers/fastImport';
import { commitFile, setup } from '../helpers/gateServer';
import { TempRepo } from '../helpers/tempRepo';

const sessions = {
  s_0123456789abcd: { agent_id: { tool: 'claude', id: 'conv-1', model: 'claude-sonnet-4-5' } },
  s_aaaaaaaaaaaaaa: { agent_id: { tool: 'github-copilot', id: 'conv-2', model: 'gpt-4.1' } },
};

function addNote(repo: TempRepo, sha: string, text: string): void {
  const r = repo.gitResult(['notes', '--ref=ai', 'add', '-f', '-F', '-', sha], text);
  assert.strictEqual(r.status, 0, r.stderr);
}

interface BlameJson {
  lines: Array<{
    line: number;
    commit: string | null;
    kind: string;
    agent?: string;
    model?: string;
    origPath: string;
    origLine: number;
    human?: string;
  }>;
  summary: { ai: number; human: number; untracked: number; agents: Record<string, number> };
}

describe('countersign blame', () => {
  it('labels each line from the note of the commit it comes from, following renames and moved lines', () => {
    const repo = TempRepo.create();
    repo.write('a.ts', 'one\ntwo\nthree\nfour\nfive\nsix\n');
    repo.git('add', 'a.ts');
    const c1 = repo.commit('first');
    addNote(
      repo,
      c1,
      gitAiNote(
        [
          [
            'a.ts',
            [
              ['h_bbbbbbbbbbbbbb', '1'],
              ['s_0123456789abcd::t_00000000000001', '2-3'],
            ],
          ],
        ],
        { sessions, humans: { h_bbbbbbbbbbbbbb: { author: 'Ada Author <ada@example.com>' } } },
      ),
    );
    repo.git('mv', 'a.ts', 'b.ts');
    repo.write('b.ts', 'zero\nhalf\none\ntwo\nthree\nfour\nfive\nsix\n');
    repo.git('add', 'b.ts');
    const c2 = repo.commit('rename and prepend');
    addNote(repo, c2, gitAiNote([['b.ts', [['s_aaaaaaaaaaaaaa::t_00000000000002', '1-2']]]], { sessions }));
    fs.appendFileSync(path.join(repo.dir, 'b.ts'), 'uncommitted\n');
    const r = repo.cli(['blame', 'b.ts', '--json']);
    assert.strictEqual(r.status, 0, r.stderr);
    const b = JSON.parse(r.stdout) as BlameJson;
    const view = b.lines.map((l) => [
      l.line,
      l.commit === null ? null : l.commit === c1 ? 'c1' : 'c2',
      l.kind,
      l.agent ?? l.human ?? '',
      l.origPath,
      l.origLine,
    ]);
    assert.deepStrictEqual(view, [
      [1, 'c2', 'ai', 'copilot', 'b.ts', 1],
      [2, 'c2', 'ai', 'copilot', 'b.ts', 2],
      [3, 'c1', 'human', 'Ada Author <ada@example.com>', 'a.ts', 1],
      [4, 'c1', 'ai', 'claude-code', 'a.ts', 2],
      [5, 'c1', 'ai', 'claude-code', 'a.ts', 3],
      [6, 'c1', 'untracked', '', 'a.ts', 4],
      [7, 'c1', 'untracked', '', 'a.ts', 5],
      [8, 'c1', 'untracked', '', 'a.ts', 6],
      [9, null, 'untracked', '', 'b.ts', 9],
    ]);
    assert.strictEqual(b.lines[3].model, 'claude-sonnet-4-5');
    assert.deepStrictEqual(b.summary, { ai: 4, human: 1, untracked: 4, agents: { copilot: 2, 'claude-code': 2 } });
    const text = repo.cli(['blame', 'b.ts']);
    assert.match(text.stdout, /^[0-9a-f]{8} ai:claude-code claude-sonnet-4-5 +Ada Author +4\) two$/m);
    assert.strictEqual(repo.cli(['blame']).status, 2);
    assert.strictEqual(repo.cli(['blame', 'missing.ts']).status, 2);
  });
});

describe('countersign explain', function () {
  this.timeout(30_000);

  it('shows provenance, the approvals covering the commit with their verification, and the gate verdict', () => {
    const repo = TempRepo.create();
    const keyDir = fs.mkdtempSync(path.join(repo.dir, '..', 'keys-'));
    const bobKey = path.join(keyDir, 'bob');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'bob', '-f', bobKey]);
    const policy = {
      protectedBranches: ['main'],
      tiers: [],
      reviewers: [{ name: 'Bob', email: 'bob@example.com', key: fs.readFileSync(`${bobKey}.pub`, 'utf8').trim() }],
    };
    repo.write('.countersign.json', JSON.stringify(policy, null, 2));
    repo.git('add', '.countersign.json');
    const c0 = repo.commit('policy');
    repo.write('src/a.ts', 'a\nb\nc\n');
    repo.git('add', 'src/a.ts');
    const c1 = repo.commit(
      'feat: a\n\nAssisted-by: Claude:claude-sonnet-4-5 claude-code\nAI-Provenance: v1 ai=2 human=1 untracked=0',
    );
    addNote(repo, c1, gitAiNote([['src/a.ts', [['s_0123456789abcd::t_00000000000001', '2-3']]]], { sessions }));
    repo.write('src/b.ts', 'x\ny\n');
    repo.git('add', 'src/b.ts');
    const c2 = repo.commit('feat: b\n\nAI-Provenance: v1 ai=2 human=0 untracked=0');
    addNote(repo, c2, gitAiNote([['src/b.ts', [['s_0123456789abcd::t_00000000000002', '1-2']]]], { sessions }));

    const st: ApprovalStatement = {
      v: 1,
      decision: 'approve',
      reviewer: { name: 'Bob', email: 'bob@example.com' },
      tip: c1,
      tree: repo.git('rev-parse', `${c1}^{tree}`),
      base: c0,
      patchId: 'b'.repeat(40),
      time: '2026-01-01T00:00:00Z',
      comment: 'looked at the parser',
    };
    const msg = path.join(keyDir, 'msg');
    fs.writeFileSync(msg, canonicalStatementBytes(st));
    execFileSync('ssh-keygen', ['-Y', 'sign', '-q', '-f', bobKey, '-n', 'countersign-review', msg]);
    repo.gitResult(
      ['notes', '--ref=countersign', 'add', '-F', '-', c1],
      formatStatementLine({ statement: st, signature: fs.readFileSync(`${msg}.sig`, 'utf8') }),
    );

    const r = repo.cli(['explain', c1, '--branch', 'main', '--json']);
    assert.strictEqual(r.status, 0, r.stderr);
    const e = JSON.parse(r.stdout);
    assert.strictEqual(e.commit.sha, c1);
    assert.strictEqual(e.provenance.aiProvenance.ai, 2);
    assert.deepStrictEqual(e.provenance.note.files, [
      {
        path: 'src/a.ts',
        ai: [{ ranges: '2-3', agent: 'claude-code', model: 'claude-sonnet-4-5', session: 's_0123456789abcd' }],
        human: [],
      },
    ]);
    assert.strictEqual(e.provenance.note.sessions[0].conversationId, 'conv-1');
    assert.deepStrictEqual(e.provenance.inconsistencies, []);
    assert.strictEqual(e.approvals.policy.status, 'ok');
    assert.strictEqual(e.approvals.statements.length, 1);
    assert.strictEqual(e.approvals.statements[0].verification.ok, true);
    assert.strictEqual(e.approvals.statements[0].counts, true);
    assert.strictEqual(e.gate.available, true);
    assert.strictEqual(e.gate.judgedAs, 'landed');
    assert.strictEqual(e.gate.decision.needsReview, true);
    assert.strictEqual(e.gate.decision.ok, true);

    const blocked = JSON.parse(repo.cli(['explain', 'HEAD', '--branch', 'main', '--json']).stdout);
    assert.strictEqual(blocked.commit.sha, c2);
    assert.deepStrictEqual(blocked.approvals.statements, [], 'the approval of base..c1 does not cover c2');
    assert.strictEqual(blocked.gate.decision.ok, false);

    const text = repo.cli(['explain', c1, '--branch', 'main']);
    assert.match(text.stdout, /ai:claude-code claude-sonnet-4-5 {2}lines 2-3/);
    assert.match(text.stdout, /✓ approve by Bob <bob@example.com>/);
    assert.match(text.stdout, /verdict: PASS/);
    assert.strictEqual(repo.cli(['explain', 'no-such-rev']).status, 2);
    const noBranch = JSON.parse(repo.cli(['explain', c1, '--json']).stdout);
    assert.strictEqual(noBranch.gate.available, false);
  });

  it("on a feature branch judges against the default branch, as verify and the panel do — not the feature's own upstream", function () {
    this.timeout(120_000);
    const { ada } = setup();
    ada.git('remote', 'set-head', 'origin', 'main');
    ada.git('checkout', '-q', '-b', 'feature');
    // The feature branch also carries a permissive copy of the policy: it must not choose the verdict.
    ada.write('.countersign.json', JSON.stringify({ protectedBranches: [], reviewers: [] }));
    const sha = commitFile(ada, 'src/x.ts', 'a\nb\n', 'feat: x\n\nAI-Provenance: v1 ai=2 human=0 untracked=0');
    const pushed = ada.gitResult(['push', '-q', '-u', 'origin', 'feature']);
    assert.strictEqual(pushed.status, 0, pushed.stderr);

    const e = JSON.parse(ada.cli(['explain', 'HEAD', '--json']).stdout);
    assert.strictEqual(e.gate.available, true, e.gate.reason);
    assert.strictEqual(e.gate.branch, 'main');
    assert.strictEqual(e.gate.protected, true);
    assert.strictEqual(e.gate.judgedAs, 'pending', 'not on main yet: judged as part of main..HEAD');
    assert.strictEqual(e.gate.decision.sha, sha);
    assert.strictEqual(e.gate.decision.needsReview, true);
    assert.strictEqual(e.gate.ok, false);
    assert.strictEqual(e.approvals.policy.from, '.countersign.json on origin/main');
    // verify on the same branch gives the same verdict for the same commit (verify's own default is the
    // upstream, feature, by DESIGN; --branch main asks what explain asks).
    const v = ada.cli(['verify', '--json', '--branch', 'main']);
    assert.strictEqual(v.status, 1, v.stderr);
    const vj = JSON.parse(v.stdout) as {
      branch: string;
      commits: Array<{ sha: string; ok: boolean; needsReview: boolean }>;
    };
    assert.strictEqual(vj.branch, 'main');
    assert.deepStrictEqual(
      vj.commits.find((c) => c.sha === sha),
      { ...vj.commits.find((c) => c.sha === sha), ok: e.gate.decision.ok, needsReview: true },
    );
    // --branch still chooses, and on main itself (a protected upstream) main is the branch.
    assert.strictEqual(
      JSON.parse(ada.cli(['explain', 'HEAD', '--branch', 'feature', '--json']).stdout).gate.branch,
      'feature',
    );
    ada.git('checkout', '-q', 'main');
    assert.strictEqual(JSON.parse(ada.cli(['explain', 'HEAD', '--json']).stdout).gate.branch, 'main');
  });
});
