import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { MAX_AI_ATTESTATION_BYTES, MAX_AI_NOTE_BYTES } from '../../../src/core/noteBounds';
import { cloneAs } from '../helpers/approvals';
import { verifyThenPush } from '../helpers/gateAgreement';
import { commitFile, setup, type Setup } from '../helpers/gateServer';
import type { TempRepo } from '../helpers/tempRepo';

/**
 * Huge but readable refs/notes/ai notes (outside tester, session 8, H5): 28 MB of human ranges added to a
 * colleague's commits made every push of them parse it, and the approved push timed out. The server now refuses
 * a note over MAX_AI_NOTE_BYTES or with more than MAX_AI_ATTESTATION_BYTES of file/range lines, and the gate
 * parses no such note (nor more than a per-push budget of range lines): the commit needs review, named.
 */
const H = 'h_0123456789abcd';
const note = (ranges: string, prompts: Record<string, unknown> = {}) =>
  `fix.txt\n  ${H} ${ranges}\n---\n` +
  JSON.stringify({
    schema_version: 'authorship/3.0.0',
    base_commit_sha: '',
    prompts,
    humans: { [H]: { author: 'Ada Author <ada@example.com>' } },
  });

describe('refs/notes/ai: huge readable notes are refused and never parsed (real pushes)', function () {
  this.timeout(120_000);
  let s: Setup;
  let mallory: TempRepo;
  let h: string;

  before(() => {
    s = setup();
    h = commitFile(s.ada, 'fix.txt', 'human fix\n', 'human fix\n\nAI-Provenance: v1 ai=0 human=1 untracked=0');
    assert.strictEqual(s.ada.gitResult(['push', '-q', '--no-verify', 'origin', 'HEAD:refs/heads/fix']).status, 0);
    mallory = cloneAs(s.server.dir, 'Mallory', 'mallory@example.com');
    mallory.git('fetch', '-q', 'origin', 'fix');
  });
  after(() => {
    for (const dir of [mallory.dir, path.dirname(s.server.dir)]) fs.rmSync(dir, { recursive: true, force: true });
  });

  function pushNote(repo: TempRepo, on: string, text: string) {
    repo.gitResult(['fetch', '-q', 'origin', '+refs/notes/ai:refs/notes/ai']); // absent at first
    const add = repo.gitResult(['notes', '--ref=refs/notes/ai', 'add', '-f', '-F', '-', on], text);
    assert.strictEqual(add.status, 0, add.stderr);
    return repo.gitResult(['push', '--no-verify', 'origin', 'refs/notes/ai']);
  }

  it("refuses a colleague's commit given a note of too many range lines, or too many bytes, naming the commit", () => {
    const ranges = Array.from({ length: MAX_AI_ATTESTATION_BYTES / 6 }, (_, i) => 2 * i + 1).join(',');
    const many = pushNote(mallory, h, note(ranges));
    assert.notStrictEqual(many.status, 0, 'a note of over 1 MiB of ranges is parsed by every push of its commit');
    assert.match(
      many.stderr,
      new RegExp(`note on ${h.slice(0, 12)} is too large: it has \\d+ bytes of file and range`),
    );
    const big = pushNote(mallory, h, note('1', { p: { transcript: 'x'.repeat(MAX_AI_NOTE_BYTES) } }));
    assert.notStrictEqual(big.status, 0);
    assert.match(big.stderr, new RegExp(`note on ${h.slice(0, 12)} \\d+ bytes, more than a provenance note may hold`));
  });

  it('takes a real-sized note with a long prompt transcript, and the push of its commit lands', () => {
    const ok = pushNote(s.ada, h, note('1', { p: { transcript: 'y'.repeat(512 * 1024) } }));
    assert.strictEqual(ok.status, 0, ok.stderr);
    const landed = verifyThenPush(s.ada, 'main', ['origin', 'HEAD:main']);
    assert.strictEqual(landed.status, 0, landed.stderr);
  });

  it('the gate does not parse an oversized note already on the server: its commit needs review, named', () => {
    const h2 = commitFile(s.ada, 'two.txt', 'two\n', 'two\n\nAI-Provenance: v1 ai=0 human=1 untracked=0');
    assert.strictEqual(s.ada.gitResult(['push', '-q', '--no-verify', 'origin', 'HEAD:refs/heads/fix']).status, 0);
    // Planted by an administrator's hand (the guard refuses it): a note from before the bound.
    const ranges = Array.from({ length: MAX_AI_ATTESTATION_BYTES / 6 }, (_, i) => 2 * i + 1).join(',');
    const blob = s.server.gitResult(['hash-object', '-w', '--stdin'], note(ranges)).stdout.trim();
    s.server.git(
      '-c',
      'user.name=Admin',
      '-c',
      'user.email=admin@example.com',
      'notes',
      '--ref=refs/notes/ai',
      'add',
      '-C',
      blob,
      h2,
    );
    s.ada.git('fetch', '-q', 'origin', '+refs/notes/ai:refs/notes/ai');
    const r = s.ada.gitResult(['push', '--no-verify', 'origin', 'HEAD:main']);
    assert.notStrictEqual(r.status, 0, 'an unparsed note fails closed');
    assert.match(r.stderr, new RegExp(`${h2.slice(0, 7)}[\\s\\S]*provenance note \\(refs/notes/ai\\) was not read`));
  });
});
