import * as assert from 'assert';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { MAX_PUSH_NOTE_BYTES } from '../../../src/core/noteBounds';
import { MAX_NOTE_BYTES } from '../../../src/git/notesAdditions';
import { cloneAs, recordDecision } from '../helpers/approvals';
import { verifyThenPush } from '../helpers/gateAgreement';
import { commitFile, setup, type Setup } from '../helpers/gateServer';
import type { TempRepo } from '../helpers/tempRepo';

/**
 * A per-push bound on what the server reads into refs/notes/countersign (issue 10). refs/notes/ai had one
 * (MAX_PUSH_NOTE_BYTES, summed from the blobs' sizes before any is read: session 9, I4); refs/notes/countersign
 * only capped each note (MAX_NOTE_BYTES), so one push of 5,000 notes of 256 KiB — a few KB once delta-compressed —
 * made the hook read 1.25 GiB. One rule now serves both refs (noteBounds.pushedNoteBytes). Real server, real keys.
 */
describe('approvals ref: a push is read only up to a byte bound (real pushes)', function () {
  this.timeout(180_000);
  let s: Setup;
  let mallory: TempRepo;
  before(() => {
    s = setup();
    mallory = cloneAs(s.server.dir, 'Mallory', 'mallory@example.com');
  });
  after(() => {
    for (const dir of [mallory.dir, path.dirname(s.server.dir)]) fs.rmSync(dir, { recursive: true, force: true });
  });

  it(`attack: refuses more than ${MAX_PUSH_NOTE_BYTES} bytes of notes before reading them, naming the ref`, () => {
    const before = s.server.gitResult(['rev-parse', '--verify', '-q', 'refs/notes/countersign']).stdout.trim();
    // Distinct notes just under the per-note cap, on made-up object ids: each within every per-note rule's size.
    const n = Math.floor(MAX_PUSH_NOTE_BYTES / (MAX_NOTE_BYTES - 1024)) + 1;
    const pad = 'x'.repeat(MAX_NOTE_BYTES - 1024);
    const oid = (i: number) => createHash('sha1').update(`flood ${i}`).digest('hex');
    const dir = fs.mkdtempSync(path.join(mallory.dir, '..', 'flood-'));
    const files = Array.from({ length: n }, (_, i) => {
      const file = path.join(dir, `${i}`);
      fs.writeFileSync(file, `${i}${pad}\n`);
      return file;
    });
    const blobs = mallory.gitResult(['hash-object', '-w', '--stdin-paths'], files.join('\n') + '\n').stdout.split('\n');
    const tree = mallory
      .gitResult(['mktree'], files.map((_, i) => `100644 blob ${blobs[i]}\t${oid(i)}\n`).join(''))
      .stdout.trim();
    mallory.git('update-ref', 'refs/notes/countersign', mallory.git('commit-tree', '-m', 'flood', tree));
    const r = mallory.gitResult(['push', '--no-verify', 'origin', 'refs/notes/countersign']);
    assert.notStrictEqual(r.status, 0);
    // Refused from the sizes alone: before the bound, the hook read every note and refused it for its lines.
    assert.match(
      r.stderr,
      new RegExp(
        `adds or changes \\d+ bytes of notes in refs/notes/countersign, more than the server reads in one push \\(${MAX_PUSH_NOTE_BYTES}\\); push them in parts`,
      ),
    );
    assert.doesNotMatch(r.stderr, /no listed reviewer signed/);
    assert.strictEqual(
      s.server.gitResult(['rev-parse', '--verify', '-q', 'refs/notes/countersign']).stdout.trim(),
      before,
    );
  });

  it("takes a reviewer's large batch of approvals in one push, and the approved push lands", () => {
    const { ada, bob } = s;
    const base = ada.git('rev-parse', 'origin/main');
    const ai = 'AI-Provenance: v1 ai=1 human=0 untracked=0';
    const tips = Array.from({ length: 30 }, (_, i) =>
      commitFile(ada, `f${i}.ts`, `export const f${i} = 1;\n`, `f${i}\n\n${ai}`),
    );
    // Each approval of the chain so far, with a review comment: 30 notes, well over 1 KB each.
    tips.forEach((tip, i) =>
      recordDecision(ada, bob, { email: 'bob@example.com', tip, base, comment: `step ${i}: `.padEnd(4000, 'ok ') }),
    );
    const notes = ada.gitResult(['push', 'origin', 'refs/notes/countersign']);
    assert.strictEqual(notes.status, 0, notes.stderr);
    const landed = verifyThenPush(ada, 'main', ['origin', 'HEAD:main']);
    assert.strictEqual(landed.status, 0, landed.stderr);
  });
});
