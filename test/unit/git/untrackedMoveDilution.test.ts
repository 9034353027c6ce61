import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { verifyThenPush } from '../helpers/gateAgreement';
import { commitFile, serverRef, setup, type Setup } from '../helpers/gateServer';

const lines = (n: number, prefix: string) => Array.from({ length: n }, (_, i) => `${prefix} ${i};`).join('\n') + '\n';

/** The team's 400-line file, typed by a person, on main. */
function humanFile(s: Setup): void {
  commitFile(
    s.ada,
    'billing.js',
    lines(400, 'const billing'),
    'billing\n\nAI-Provenance: v1 ai=0 human=400 untracked=0',
  );
  assert.strictEqual(verifyThenPush(s.ada, 'main', ['origin', 'main']).status, 0, 'a person typed it');
}

/**
 * attack30 F2: a moved (or re-indented) file's lines keep their writer's label, and the gate counts a move as a
 * deletion plus an addition, so `git mv` of a person's 400-line file in the same commit as 300 lines from a writer
 * Countersign did not observe stamped human=400 untracked=300 (43%) and landed unreviewed. The share is now taken
 * over the lines the commit writes (renames found, white space ignored); verify and the server agree.
 */
describe('review.untracked is not diluted by moved or re-indented lines (attack30 F2)', function () {
  this.timeout(240_000);

  it('control: 300 unobserved lines in a commit of their own need review', () => {
    const s = setup();
    humanFile(s);
    commitFile(
      s.ada,
      'src/payout.js',
      lines(300, 'const payout'),
      'payout\n\nAI-Provenance: v1 ai=0 human=0 untracked=300',
    );
    const r = verifyThenPush(s.ada, 'main', ['origin', 'main']);
    assert.notStrictEqual(r.status, 0);
    assert.match(r.stderr, /300 of 300 added lines were written by something Countersign did not observe/);
  });

  it('a move of a person’s file in the same commit does not dilute them', () => {
    const s = setup();
    humanFile(s);
    const base = serverRef(s, 'refs/heads/main');
    fs.mkdirSync(path.join(s.ada.dir, 'src'), { recursive: true });
    s.ada.git('mv', 'billing.js', 'src/billing.js');
    commitFile(
      s.ada,
      'src/payout.js',
      lines(300, 'const payout'),
      'refactor\n\nAI-Provenance: v1 ai=0 human=400 untracked=300',
    );
    const r = verifyThenPush(s.ada, 'main', ['origin', 'main']);
    assert.notStrictEqual(r.status, 0, 'a git mv diluted 300 unobserved lines past review');
    assert.match(
      r.stderr,
      /300 of 300 added lines were written by something Countersign did not observe \(untracked\) \(counting the lines it writes/,
    );
    assert.match(r.verify.stdout, /300 of 300 added lines/);
    assert.strictEqual(serverRef(s, 'refs/heads/main'), base);
  });

  it('a moved file whose lines an unobserved writer rewrote, and a re-indented one, are judged by what was written', () => {
    const s = setup();
    humanFile(s);
    fs.mkdirSync(path.join(s.ada.dir, 'src'), { recursive: true });
    s.ada.git('mv', 'billing.js', 'src/billing.js');
    const text = s.ada.read('src/billing.js').split('\n');
    for (let i = 0; i < 150; i++) text[i] = `const rewritten ${i};`;
    // Re-indenting 30 more writes nothing: their label stays, and they are not counted either way.
    for (let i = 150; i < 180; i++) text[i] = `    ${text[i]}`;
    const rewritten = text.join('\n');
    commitFile(s.ada, 'src/billing.js', rewritten, 'tidy\n\nAI-Provenance: v1 ai=0 human=250 untracked=150');
    const r = verifyThenPush(s.ada, 'main', ['origin', 'main']);
    assert.notStrictEqual(r.status, 0, '150 rewritten lines passed as 37.5% of a moved file');
    assert.match(r.stderr, /150 of 150 added lines were written by something Countersign did not observe/);
  });

  it('a person’s refactor with a few unobserved lines still passes', () => {
    const s = setup();
    humanFile(s);
    fs.mkdirSync(path.join(s.ada.dir, 'src'), { recursive: true });
    s.ada.git('mv', 'billing.js', 'src/billing.js');
    const text = s.ada.read('src/billing.js') + lines(30, 'const added');
    commitFile(s.ada, 'src/billing.js', text, 'move and extend\n\nAI-Provenance: v1 ai=0 human=425 untracked=5');
    const r = verifyThenPush(s.ada, 'main', ['origin', 'main']);
    assert.strictEqual(r.status, 0, r.stderr + r.verify.stdout);
  });
});
