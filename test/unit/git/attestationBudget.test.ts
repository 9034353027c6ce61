import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { MAX_AI_ATTESTATION_BYTES, MAX_PUSH_ATTESTATION_BYTES, attestationBytes } from '../../../src/core/noteBounds';
import { verifyThenPush } from '../helpers/gateAgreement';
import { commitFile, setup, type Setup } from '../helpers/gateServer';

/**
 * The gate parses at most MAX_PUSH_ATTESTATION_BYTES (8 MiB) of refs/notes/ai range lines per judgement
 * (gateInput.ts; docs/threat-model.md, "Huge readable provenance notes"): anyone may add readable notes to anyone's
 * commits, each up to MAX_AI_ATTESTATION_BYTES, so a range of such commits would otherwise be parsed in full on
 * every push of it. The commits whose notes lie beyond the budget need review, named — fail closed, never a time-out.
 * Real bare server, real pre-receive; `verify` asked about the same pushes.
 */
const H = 'h_0123456789abcd';
/** A readable note of human ranges with just under `bytes` of file and range lines. */
function humanNote(file: string, bytes: number): string {
  const head = `${file}\n  ${H} `;
  const ranges: string[] = [];
  let size = head.length + 1;
  for (let line = 1; size + String(line).length + 1 < bytes; line += 2) {
    ranges.push(String(line));
    size += String(line).length + 1;
  }
  return (
    `${head}${ranges.join(',')}\n---\n` +
    JSON.stringify({
      schema_version: 'authorship/3.0.0',
      base_commit_sha: '',
      prompts: {},
      humans: { [H]: { author: 'Ada Author <ada@example.com>' } },
    })
  );
}

describe('refs/notes/ai: a push is parsed only up to a budget of range lines (real server)', function () {
  this.timeout(180_000);
  let s: Setup;
  after(() => fs.rmSync(path.dirname(s.server.dir), { recursive: true, force: true }));

  it(`past ${MAX_PUSH_ATTESTATION_BYTES} bytes of range lines the rest need review; within it nothing does`, () => {
    s = setup();
    const { ada } = s;
    // Nine human commits, each with a readable note of 0.95 MiB of ranges: eight fit the budget, nine do not.
    const per = Math.floor(MAX_AI_ATTESTATION_BYTES * 0.95);
    const n = Math.floor(MAX_PUSH_ATTESTATION_BYTES / per) + 1;
    assert.ok((n - 1) * per <= MAX_PUSH_ATTESTATION_BYTES && n * per > MAX_PUSH_ATTESTATION_BYTES);
    const commits = Array.from({ length: n }, (_, i) => {
      const c = commitFile(
        ada,
        `h${i}.txt`,
        `human ${i}\n`,
        `human ${i}\n\nAI-Provenance: v1 ai=0 human=1 untracked=0`,
      );
      const note = humanNote(`h${i}.txt`, per);
      assert.ok(attestationBytes(note) <= per && attestationBytes(note) > per - 16);
      const add = ada.gitResult(['notes', '--ref=refs/notes/ai', 'add', '-f', '-F', '-', c], note);
      assert.strictEqual(add.status, 0, add.stderr);
      return c;
    });
    const notes = ada.gitResult(['push', 'origin', 'refs/notes/ai']);
    assert.strictEqual(notes.status, 0, notes.stderr);

    // All nine in one push: the note past the budget is left unread and its commit needs review.
    const over = verifyThenPush(ada, 'main', ['origin', 'HEAD:main']);
    assert.notStrictEqual(over.status, 0, 'the gate parsed more than its budget, or passed a commit it did not read');
    assert.match(over.stderr, /its provenance note \(refs\/notes\/ai\) was not read/);
    assert.match(over.stderr, /push fewer commits at a time/);
    const json = JSON.parse(over.verify.stdout) as { commits: Array<{ sha: string; ok: boolean }> };
    assert.deepStrictEqual(
      json.commits.filter((c) => !c.ok).map((c) => c.sha),
      [commits[n - 1]],
      'only the commit whose note lies past the budget needs review',
    );

    // Eight, then the ninth: each push within the budget, nothing needs review (verify judges HEAD each time).
    ada.git('checkout', '-q', '-B', 'part', commits[n - 2]);
    const first = verifyThenPush(ada, 'main', ['origin', 'HEAD:main']);
    assert.strictEqual(first.status, 0, first.stderr);
    ada.git('checkout', '-q', 'main');
    const rest = verifyThenPush(ada, 'main', ['origin', 'HEAD:main']);
    assert.strictEqual(rest.status, 0, rest.stderr);
  });
});
