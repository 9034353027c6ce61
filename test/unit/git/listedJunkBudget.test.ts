import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { formatStatementLine, type SignedStatement } from '../../../src/core/approvalStatement';
import { MAX_FAILED_SIGNATURE_CHECKS } from '../../../src/core/reviewerKeys';
import { shortSha } from '../../../src/core/shortSha';
import { recordDecision } from '../helpers/approvals';
import { verifyThenPush } from '../helpers/gateAgreement';
import { aiCommit, serverRef, setup, type Setup } from '../helpers/gateServer';
import type { TempRepo } from '../helpers/tempRepo';

/**
 * attack31 F7 (a): a hostile clone's refs/notes/countersign holds well-formed junk statements that name a listed
 * reviewer and carry a copy of that reviewer's real signature (so the key lookup passes), each one a full
 * signature check that fails. `verify`, `explain` and `report` checked every one (34,000 RSA lines: 7–10 s of CPU).
 * A reading now spends at most MAX_FAILED_SIGNATURE_CHECKS failed checks, and past them no approval counts (an
 * unchecked line could be a rejection): fail closed, with a reason naming the commit, the ref and the fix. Counted
 * in signature checks (crypto.verify calls in every Node process the command starts), never in time.
 */
describe('junk statements signed with a listed key: a bounded number of signature checks (attack31 F7)', function () {
  this.timeout(240_000);
  const JUNK = 3 * MAX_FAILED_SIGNATURE_CHECKS;

  /** Counts crypto.verify calls per Node process (git passes NODE_OPTIONS on to the server's hook). */
  class CheckLog {
    readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cs-sigchecks-'));
    readonly log = path.join(this.dir, 'checks.log');
    readonly env: NodeJS.ProcessEnv;
    constructor() {
      const preload = path.join(this.dir, 'count.js');
      fs.writeFileSync(
        preload,
        `'use strict';\nconst c = require('crypto'); const real = c.verify; let n = 0;\n` +
          `c.verify = (...a) => { n++; return real(...a); };\n` +
          `process.on('exit', () => require('fs').appendFileSync(${JSON.stringify(this.log)}, n + '\\n'));\n`,
      );
      const inherited = process.env.NODE_OPTIONS ? `${process.env.NODE_OPTIONS} ` : '';
      this.env = { NODE_OPTIONS: `${inherited}-r ${preload}` };
    }
    /** Signature checks of every process recorded since the last call. */
    take(): number {
      if (!fs.existsSync(this.log)) return 0;
      const n = fs
        .readFileSync(this.log, 'utf8')
        .split('\n')
        .filter(Boolean)
        .reduce((sum, l) => sum + Number(l), 0);
      fs.rmSync(this.log);
      return n;
    }
  }
  let checks: CheckLog;
  before(() => (checks = new CheckLog()));
  after(() => fs.rmSync(checks.dir, { recursive: true, force: true }));

  /** `n` copies of `real`'s signature on statements that differ from it by their time: each fails its check. */
  function junkLines(real: SignedStatement, n: number): string[] {
    return Array.from({ length: n }, (_, i) =>
      formatStatementLine({
        statement: { ...real.statement, time: new Date(Date.UTC(2026, 9, 1, 0, 0, i)).toISOString() },
        signature: real.signature,
      }),
    );
  }

  /** Replaces the refs/notes/countersign note on `commit` in `repo` (what a hostile fetch leaves there). */
  function plantNote(repo: TempRepo, commit: string, lines: string[]): void {
    const file = path.join(checks.dir, 'note.txt');
    fs.writeFileSync(file, lines.join('\n') + '\n');
    repo.git('notes', '--ref=refs/notes/countersign', 'add', '-f', '-F', file, commit);
  }

  /** Ada's AI commit on main, ahead of the server, and Bob's real approval of it (in Ada's clone only). */
  function approvedAhead(s: Setup): { tip: string; base: string; real: SignedStatement } {
    const base = s.ada.git('rev-parse', 'origin/main');
    const tip = aiCommit(s.ada, 'agent.py');
    const real = recordDecision(s.ada, s.bob, { email: 'bob@example.com', tip, base });
    return { tip, base, real };
  }

  function verifyJson(repo: TempRepo): {
    status: number;
    json: { ok: boolean; commits: Array<{ sha: string; ok: boolean; reasons: string[] }> };
  } {
    const r = repo.cli(['verify', '--branch', 'main', '--format', 'json'], { env: checks.env });
    return { status: r.status, json: JSON.parse(r.stdout) };
  }

  it('verify, explain and report stop checking past the bound and count no approval; an honest note is judged as before', () => {
    const s = setup();
    const { tip, real } = approvedAhead(s);
    const realLine = formatStatementLine(real);

    // Control, as before the bound: a few junk lines beside the real approval; the approval counts.
    plantNote(s.ada, tip, [...junkLines(real, 10), realLine]);
    checks.take();
    const honest = verifyJson(s.ada);
    assert.strictEqual(honest.status, 0, JSON.stringify(honest.json));
    assert.ok(checks.take() <= 11, 'one check per distinct line');

    // The attack: three times the bound of junk lines before the real approval.
    plantNote(s.ada, tip, [...junkLines(real, JUNK), realLine]);
    checks.take();
    const v = verifyJson(s.ada);
    const spent = checks.take();
    assert.ok(spent <= MAX_FAILED_SIGNATURE_CHECKS + 1, `verify made ${spent} signature checks`);
    assert.strictEqual(v.status, 1, 'the commit must not count as approved past the bound');
    const decision = v.json.commits.find((c) => c.sha === tip);
    assert.ok(decision && !decision.ok);
    const reason = decision.reasons.find((r) => r.includes('were not checked'));
    assert.ok(reason, decision.reasons.join('\n'));
    assert.ok(reason.includes(shortSha(tip)) && reason.includes('refs/notes/countersign'), reason);
    assert.match(reason, /git fetch origin \+refs\/notes\/countersign:refs\/notes\/countersign/);

    const e = s.ada.cli(['explain', tip, '--branch', 'main', '--json'], { env: checks.env });
    const explainChecks = checks.take();
    // Two readings of the policy in one explain (its approvals section, the gate's verdict): a budget each.
    assert.ok(explainChecks <= 2 * (MAX_FAILED_SIGNATURE_CHECKS + 1), `explain made ${explainChecks} checks`);
    const page = JSON.parse(e.stdout) as {
      approvals: { errors: string[] };
      gate: { decision?: { ok: boolean; reasons: string[] } };
    };
    assert.strictEqual(page.gate.decision?.ok, false, e.stdout.slice(0, 2000));
    assert.ok(
      page.approvals.errors.some((x) => x.includes('were not checked')),
      JSON.stringify(page.approvals),
    );

    const r = s.ada.cli(['report', '--format', 'json'], { env: checks.env });
    const reportChecks = checks.take();
    assert.ok(reportChecks <= MAX_FAILED_SIGNATURE_CHECKS + 1, `report made ${reportChecks} checks`);
    assert.strictEqual((JSON.parse(r.stdout) as { reviewedCommits: number }).reviewedCommits, 0, r.stdout);
  });

  it("a reviewer's real rejection past the bound still holds the commit", () => {
    const s = setup();
    const { tip, base, real } = approvedAhead(s);
    const reject = recordDecision(s.ada, s.bob, {
      email: 'bob@example.com',
      tip,
      base,
      decision: 'reject',
      comment: 'no',
      time: new Date(Date.parse(real.statement.time) + 1000).toISOString(),
    });
    plantNote(s.ada, tip, [formatStatementLine(real), ...junkLines(real, JUNK), formatStatementLine(reject)]);
    checks.take();
    const v = verifyJson(s.ada);
    assert.ok(checks.take() <= MAX_FAILED_SIGNATURE_CHECKS + 1);
    assert.strictEqual(v.status, 1, JSON.stringify(v.json));
    assert.strictEqual(v.json.commits.find((c) => c.sha === tip)?.ok, false);
  });

  it('the server refuses a push of junk lines within the bound of checks, and takes the honest push as before', () => {
    const s = setup();
    const { tip, real } = approvedAhead(s);
    const before = serverRef(s, 'refs/notes/countersign');
    plantNote(s.ada, tip, [...junkLines(real, JUNK), formatStatementLine(real)]);
    checks.take();
    const junk = s.ada.gitResult(['push', '--no-verify', '--atomic', 'origin', 'main', 'refs/notes/countersign']);
    const spent = checks.take();
    assert.notStrictEqual(junk.status, 0, 'junk lines are refused');
    assert.strictEqual(serverRef(s, 'refs/notes/countersign'), before);
    assert.ok(spent <= MAX_FAILED_SIGNATURE_CHECKS + 2, `the server made ${spent} signature checks`);

    plantNote(s.ada, tip, [formatStatementLine(real)]);
    const honest = verifyThenPush(s.ada, 'main', ['--atomic', 'origin', 'main', 'refs/notes/countersign']);
    assert.strictEqual(honest.status, 0, honest.stderr);
    assert.strictEqual(serverRef(s, 'refs/heads/main'), tip);
  });
});
