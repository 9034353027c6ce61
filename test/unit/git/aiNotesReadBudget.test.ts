import * as assert from 'assert';
import { attestationBytes } from '../../../src/core/noteBounds';
import { MAX_READ_ATTESTATION_BYTES } from '../../../src/core/report/aiNoteReadBudget';
import { TempRepo } from '../helpers/tempRepo';

/**
 * attack31 F7 (b): `report` had no total budget for refs/notes/ai. In a hostile clone, 200 readable notes of 1 MB
 * of ranges each (every one within the server's bounds) cost 37 s of CPU. A reading now parses at most
 * MAX_READ_ATTESTATION_BYTES of file and range lines; the notes past it count as unreadable (their commits by
 * their AI-Provenance trailers, as docs/design.md's report contract says) and a warning says how many and why.
 * Asserted in notes read and skipped, never in time.
 */
describe('report reads a bounded amount of refs/notes/ai (attack31 F7)', function () {
  this.timeout(120_000);

  /** `n` commits, each adding a one-line file with trailer ai=7, and a note of ~`bytes` attesting that line. */
  function hostileClone(n: number, bytes: number): { repo: TempRepo; note: string } {
    const repo = TempRepo.create();
    let stream = '';
    for (let c = 0; c < n; c++) {
      const msg = `c${c}\n\nAI-Provenance: v1 ai=7 human=0 untracked=0\n`;
      stream += `commit refs/heads/main\nmark :${c + 1}\ncommitter M <m@example.com> ${1700000000 + c} +0000\n`;
      stream += `data ${Buffer.byteLength(msg)}\n${msg}${c ? `from :${c}\n` : ''}M 100644 inline f.txt\ndata 3\n${c}\n\n`;
    }
    repo.gitResult(['fast-import', '--quiet'], stream);
    const commits = repo.git('rev-list', '--reverse', 'main').split('\n');
    // The same line attested over and over: readable, within the server's 1 MiB, and claiming one line only.
    const ranges = Array.from({ length: Math.floor(bytes / 2) }, () => '1').join(',');
    const note =
      `f.txt\n  s_0123456789abcd::t_0123456789abcd ${ranges}\n---\n` +
      '{"schema_version":"authorship/3.0.0","base_commit_sha":"","prompts":{},"sessions":{"s_0123456789abcd":' +
      '{"agent_id":{"tool":"claude-code","id":"x","model":"m"},"human_author":"M"}},"humans":{}}\n';
    let notes = 'commit refs/notes/ai\ncommitter M <m@example.com> 1700000000 +0000\ndata 5\nnotes\n';
    // Distinct blobs (a commit sha each), as a crafted clone makes them: one shared blob would be read once.
    for (const c of commits) {
      const body = note.replace('"base_commit_sha":""', `"base_commit_sha":"${c}"`);
      notes += `M 100644 inline ${c}\ndata ${Buffer.byteLength(body)}\n${body}`;
    }
    repo.gitResult(['fast-import', '--quiet'], notes);
    return { repo, note };
  }

  it('past the budget notes are not parsed: their commits count by their trailers, and a warning says how many', () => {
    const N = 12;
    const { repo, note } = hostileClone(N, 1_000_000);
    const per = attestationBytes(note);
    const fit = Math.floor(MAX_READ_ATTESTATION_BYTES / per);
    assert.ok(fit > 0 && fit < N, `the fixture must cross the budget (${fit} of ${N} notes fit)`);

    const r = repo.cli(['report', '--format', 'json']);
    assert.strictEqual(r.status, 0, r.stderr);
    const report = JSON.parse(r.stdout) as {
      commits: number;
      aiLines: number;
      notes: { ai: number; unreadable: number };
    };
    assert.strictEqual(report.commits, N);
    assert.deepStrictEqual(report.notes, { ai: N, unreadable: N - fit });
    // Notes read attest their one line; the others fall back to their trailer's ai=7.
    assert.strictEqual(report.aiLines, fit * 1 + (N - fit) * 7);
    assert.match(r.stderr, new RegExp(`${N - fit} refs/notes/ai note\\(s\\) were not read`));
    assert.match(r.stderr, /git fetch origin \+refs\/notes\/ai:refs\/notes\/ai/);
  });

  it('a history within the budget is read whole, as before', () => {
    const { repo } = hostileClone(3, 1000);
    const r = repo.cli(['report', '--format', 'json']);
    const report = JSON.parse(r.stdout) as { aiLines: number; notes: { ai: number; unreadable: number } };
    assert.deepStrictEqual(report.notes, { ai: 3, unreadable: 0 });
    assert.strictEqual(report.aiLines, 3);
    assert.doesNotMatch(r.stderr, /were not read/);
  });
});
