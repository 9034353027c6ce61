import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { cloneAs } from '../helpers/approvals';
import { verifyThenPush } from '../helpers/gateAgreement';
import { setup } from '../helpers/gateServer';

/**
 * newuser14 S22: a hand-added binary file was stamped `untracked=770` by the commit hook and held by the gate
 * ("770 of 770 added lines"), while `explain` and `report` (git's plain numstat: `- -`) said 0 added. One rule
 * now (core/textLines.ts): a file's lines are its bytes split on "\n", as git's --text diff counts them, binary or
 * not; every figure agrees and what a person reads names binary files as such. The gate keeps counting them so a
 * NUL byte still cannot hide an agent's lines from review (session 5, F3).
 */
describe('binary files: one line count in the trailer, the gate, explain and report (newuser14 S22)', function () {
  this.timeout(240_000);

  /** 200,000 bytes of a fixed pseudo-random stream: NUL bytes and newlines among them, like a real image. */
  function noise(): Buffer {
    const out = Buffer.alloc(200_000);
    let x = 1;
    for (let i = 0; i < out.length; i++) {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      out[i] = x >>> 16;
    }
    return out;
  }
  const linesOf = (b: Buffer) =>
    b.filter((c) => c === 0x0a).length + (b.length > 0 && b[b.length - 1] !== 0x0a ? 1 : 0);

  it('counts a hand-added image and a NUL-byte agent file the same everywhere; the agent file needs review on the server', () => {
    const s = setup();
    const dana = cloneAs(s.server.dir, 'Dana', 'dana@example.com');
    assert.strictEqual(dana.cli(['install']).status, 0);

    const logo = noise();
    const logoLines = linesOf(logo);
    assert.ok(logo.includes(0) && logoLines > 100, 'the image has NUL bytes and newlines');
    fs.writeFileSync(path.join(dana.dir, 'logo.png'), logo);
    dana.git('add', 'logo.png');
    const c1 = dana.commit('add logo');

    // An agent writes a script with one NUL byte in it: git calls it binary.
    dana.write('run.sh', '');
    const cp = ['--agent', 'claude-code', '--model', 'claude-sonnet-4-5', '--session', 's1', 'run.sh'];
    assert.strictEqual(dana.cli(['checkpoint', '--phase', 'before', ...cp]).status, 0);
    dana.write('run.sh', Array.from({ length: 30 }, (_, i) => `kubectl delete ns team-${i}\n`).join('') + '# \0\n');
    assert.strictEqual(dana.cli(['checkpoint', '--phase', 'after', ...cp]).status, 0);
    dana.git('add', 'run.sh');
    const c2 = dana.commit('add run.sh');
    assert.match(dana.git('show', '--numstat', '--format=', c2), /^-\t-\trun\.sh$/m, 'git itself calls run.sh binary');

    // The commit hook's trailers.
    assert.match(
      dana.git('log', '-1', '--format=%B', c1),
      new RegExp(`AI-Provenance: v1 ai=0 human=0 untracked=${logoLines}\\b`),
    );
    assert.match(dana.git('log', '-1', '--format=%B', c2), /AI-Provenance: v1 ai=31 human=0 untracked=0\b/);

    // verify (and, through verifyThenPush, the server's pre-receive) — the same figures, binary files named.
    const pushed = verifyThenPush(dana, 'main', ['origin', 'main']);
    assert.notStrictEqual(pushed.status, 0, 'the push is refused');
    const verdict = JSON.parse(pushed.verify.stdout) as {
      commits: Array<{ sha: string; reasons: string[]; needsReview: boolean }>;
    };
    const byId = new Map(verdict.commits.map((c) => [c.sha, c]));
    const r1 = byId.get(c1)?.reasons.join('\n') ?? '';
    assert.match(r1, new RegExp(`${logoLines} of ${logoLines} added lines`));
    assert.match(r1, new RegExp(`logo\\.png is binary \\(git counts ${logoLines} newline-separated lines in it\\)`));
    const r2 = byId.get(c2);
    assert.ok(r2?.needsReview, 'the NUL-byte agent file needs review');
    assert.match(r2.reasons.join('\n'), /31 of 31 added line\(s\) written by AI/);
    assert.match(r2.reasons.join('\n'), /run\.sh is binary \(git counts 31 newline-separated lines in it\)/);
    assert.match(pushed.stderr, /run\.sh is binary/, 'the server names the binary file too');
    assert.match(pushed.stderr, /31 of 31 added line\(s\) written by AI/, 'the server holds the agent file for review');

    // explain --json: the same added lines, the binary files flagged.
    for (const [c, file, lines] of [
      [c1, 'logo.png', logoLines],
      [c2, 'run.sh', 31],
    ] as const) {
      const e = dana.cli(['explain', c, '--json']);
      assert.strictEqual(e.status, 0, e.stderr);
      const p = (
        JSON.parse(e.stdout) as {
          provenance: { addedLines: number; files: Array<{ path: string; added: number; binary?: boolean }> };
        }
      ).provenance;
      assert.strictEqual(p.addedLines, lines, `explain ${file}`);
      assert.deepStrictEqual(p.files, [{ path: file, added: lines, binary: true }]);
      assert.match(dana.cli(['explain', c]).stdout, new RegExp(`${file.replace('.', '\\.')} is binary`));
    }

    // report --format json over the same range.
    const rep = dana.cli(['report', 'origin/main..HEAD', '--format', 'json']);
    assert.strictEqual(rep.status, 0, rep.stderr);
    const j = JSON.parse(rep.stdout) as {
      addedLines: number;
      aiLines: number;
      binaryFiles: number;
      binaryLines: number;
    };
    assert.strictEqual(j.addedLines, logoLines + 31);
    assert.strictEqual(j.aiLines, 31);
    assert.strictEqual(j.binaryFiles, 2);
    assert.strictEqual(j.binaryLines, logoLines + 31);
    assert.match(dana.cli(['report', 'origin/main..HEAD']).stdout, /[Bb]inary files\s+2\b/);
  });
});
