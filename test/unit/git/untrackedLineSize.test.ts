import * as assert from 'assert';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { verifyThenPush } from '../helpers/gateAgreement';
import { commitFile, serverRef, setup, type Setup } from '../helpers/gateServer';

const provenance = (ai: number, human: number, untracked: number) =>
  `AI-Provenance: v1 ai=${ai} human=${human} untracked=${untracked}`;

function commitBytes(s: Setup, file: string, content: Buffer, message: string): void {
  fs.mkdirSync(path.dirname(path.join(s.ada.dir, file)), { recursive: true });
  fs.writeFileSync(path.join(s.ada.dir, file), content);
  s.ada.git('add', '--', file);
  s.ada.commit(message);
}

/** Random bytes as git counts their lines: newlines, and a last line without one. */
function gitLines(b: Buffer): number {
  let n = 0;
  for (const c of b) if (c === 0x0a) n++;
  return n + (b[b.length - 1] === 0x0a ? 0 : 1);
}

/**
 * attack30 F1: review.untracked counted newlines, so an unobserved writer's code of any size landed as one long line
 * (a 318 KB one-line module stamped untracked=1) or as a binary with no newline byte (a 64 KB native addon). The
 * gate now weighs the added lines by size: a file's added bytes count as at least one line per 1,000 bytes, and
 * what that adds beyond the trailer's total is unaccounted, so untracked. verify and the server agree.
 */
describe('review.untracked weighs added lines by size (attack30 F1)', function () {
  this.timeout(240_000);

  it('a 318 KB one-line module stamped untracked=1 needs review', () => {
    const s = setup();
    const base = serverRef(s, 'refs/heads/main');
    const js =
      Array.from({ length: 20_000 }, (_, i) => `var p${i}=${i};`).join('') +
      'require("child_process").exec(process.env.X);\n';
    commitFile(s.ada, 'lib/vendor.min.js', js, `vendor update\n\n${provenance(0, 0, 1)}`);
    const r = verifyThenPush(s.ada, 'main', ['origin', 'main']);
    assert.notStrictEqual(r.status, 0, 'one long line of unobserved code landed unreviewed');
    assert.match(r.stderr, /added lines were written by something Countersign did not observe/);
    assert.match(
      r.stderr,
      /\d+ of them for size: review.untracked weighs a file.s added bytes as at least one line per 1,000/,
    );
    assert.doesNotMatch(
      r.stderr,
      /missing from its AI-Provenance trailer/,
      'an honest trailer is not told it is missing lines (newuser25 N5)',
    );
    assert.strictEqual(serverRef(s, 'refs/heads/main'), base);
  });

  it('a 64 KB binary without a newline byte stamped untracked=1 needs review', () => {
    const s = setup();
    const bin = Buffer.concat([
      Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]),
      Buffer.from(crypto.randomBytes(65_536).map((b) => (b === 0x0a ? 0x0b : b))),
    ]);
    commitBytes(s, 'lib/addon.node', bin, `vendor update\n\n${provenance(0, 0, 1)}`);
    const r = verifyThenPush(s.ada, 'main', ['origin', 'main']);
    assert.notStrictEqual(r.status, 0, 'an unobserved binary landed unreviewed');
    assert.match(r.stderr, /added lines were written by something Countersign did not observe/);
  });

  it('a person’s image and long documentation paragraphs, beside a few unobserved lines, still pass', () => {
    const s = setup();
    const png = crypto.randomBytes(50_000);
    commitBytes(s, 'media/logo.png', png, `logo\n\n${provenance(0, gitLines(png), 0)}`);
    // Weighed (the commit has untracked lines): random bytes average a newline per 256, paragraphs are under 1 KB.
    const para = Array.from({ length: 12 }, (_, i) => `Paragraph ${i} ${'word '.repeat(190)}`).join('\n\n') + '\n';
    s.ada.write('docs/guide.md', para);
    s.ada.write('media/other.png', crypto.randomBytes(30_000).toString('latin1'));
    s.ada.write('scripts/fix.sh', 'a\nb\nc\nd\ne\n');
    s.ada.git('add', '-A');
    const other = gitLines(fs.readFileSync(path.join(s.ada.dir, 'media/other.png')));
    s.ada.commit(`guide\n\n${provenance(0, 23 + other, 5)}`);
    const r = verifyThenPush(s.ada, 'main', ['origin', 'main']);
    assert.strictEqual(r.status, 0, r.stderr + r.verify.stdout);
  });
});
