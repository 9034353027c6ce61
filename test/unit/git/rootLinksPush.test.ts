import * as assert from 'assert';
import { runFastImport } from '../helpers/fastImport';
import { setup } from '../helpers/gateServer';
import { chargedNames, MAX_JUDGED_NAMES, type ChargedName } from '../../../src/core/policyPaths';

/**
 * attack29 F3: 7 links to the root (`l0..l6 -> .`) give a changed `f.txt` 4,096 names (l0/f.txt, l0/l1/f.txt, …)
 * and more: the per-path bound cut it, so it met every tier (refused, correctly), but each commit of a push paid
 * for its 4,096 names again — ~8 ms a commit, 2,000 one-line commits a minute of pre-receive, 4,000 past the
 * hook's 120 s. The names are now charged against one budget per judgement (MAX_JUDGED_NAMES); past it each
 * further path with names is cut at its first, with a sentence saying so. 300 commits cross the budget; the
 * refusal must still name the per-path bound for the first commits and the judgement's for the last.
 */
const LINKS = 7;
const COMMITS = 300;

function stream(head: string): string {
  const parts: string[] = [];
  const msg = (i: number) => `c${i}\n\nAI-Provenance: v1 ai=0 human=1 untracked=0\n`;
  for (let i = 0; i < COMMITS; i++) {
    const t = 1_700_000_000 + i;
    parts.push(`commit refs/heads/bomb\nauthor Mallory <mallory@example.com> ${t} +0000\n`);
    parts.push(`committer Mallory <mallory@example.com> ${t} +0000\ndata ${Buffer.byteLength(msg(i))}\n${msg(i)}\n`);
    if (i === 0) {
      parts.push(`from ${head}\n`);
      for (let k = 0; k < LINKS; k++) parts.push(`M 120000 inline l${k}\ndata 1\n.\n`);
    }
    parts.push(`M 100644 inline f.txt\ndata ${String(i).length + 1}\n${i}\n\n`);
  }
  return parts.join('');
}

describe('server gate: root symlinks cost a push bounded names, not 4,096 per commit (attack29 F3, real server)', function () {
  this.timeout(240_000);

  it(`a push of ${COMMITS} commits beside ${LINKS} links to "." is refused, the last past ${MAX_JUDGED_NAMES} names`, () => {
    const { ada } = setup();
    const fi = runFastImport(ada, ['--quiet'], stream(ada.git('rev-parse', 'HEAD').trim()));
    assert.strictEqual(fi.status, 0, fi.stderr);
    const push = ada.gitResult(['push', '--no-verify', 'origin', 'bomb:main']);
    assert.notStrictEqual(push.status, 0, 'the push landed');
    const said = push.stderr.replace(/remote: /g, '').replace(/\s+/g, ' ');
    assert.match(said, /touches f\.txt \(it has more than 4096 names through symbolic links, so it may be any path/);
    const judged = `more than ${MAX_JUDGED_NAMES} names through symbolic links in all (push them in parts)`;
    assert.ok(said.includes(`touches f.txt (the commits judged with it have ${judged}`), said.slice(-3000));
    const verify = ada.cli([
      'verify',
      '--branch',
      'main',
      '--base',
      'origin/main',
      '--head',
      'bomb',
      '--format',
      'json',
    ]);
    assert.notStrictEqual(verify.status, 0, verify.stdout);
    assert.ok(verify.stdout.includes(judged), verify.stdout.slice(-3000));
  });
});

describe('chargedNames: one budget of names per judgement (attack29 F3)', () => {
  it('2,000 commits beside 7 root links compute at most MAX_JUDGED_NAMES names, then 1 per commit', () => {
    const links = new Map(Array.from({ length: LINKS }, (_, k) => [`l${k}`, '.'] as const));
    const budget = { left: MAX_JUDGED_NAMES };
    let total = 0;
    let last: ChargedName[] = [];
    for (let i = 0; i < 2000; i++) {
      last = chargedNames(['f.txt'], links, links, budget);
      total += last.length;
    }
    assert.ok(total <= MAX_JUDGED_NAMES + 2 * 2000, `${total} names`);
    assert.deepStrictEqual(
      last.map((n) => n.cut ?? n.name),
      [
        'f.txt',
        `the commits judged with it have more than ${MAX_JUDGED_NAMES} names through symbolic links in all (push them in parts)`,
      ],
    );
  });
});
