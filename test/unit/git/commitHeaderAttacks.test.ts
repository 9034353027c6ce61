import * as assert from 'assert';
import { recordDecision } from '../helpers/approvals';
import { verifyThenPush } from '../helpers/gateAgreement';
import { commitFile, setup, type Setup, withoutFsck } from '../helpers/gateServer';

/**
 * Commit objects whose header git reads one way and a naive reader another (attack19 01–03): an `encoding` header
 * git converts with iconv, a bare `author`/`committer` line git skips, a duplicated header. The gate must read the
 * object as git does and, where readers may differ, fail closed: its provenance is unreadable (needs review) and
 * its identity unreadable (no approval counts: nobody can be shown not to be its author). `verify`, `explain` and
 * `report` must say the same. Each pushes to a real bare server with the installed pre-receive.
 */

/** IBM037 (EBCDIC) for the few ASCII characters these messages use; 0x25 is EBCDIC's line feed. */
function ebcdic(text: string): Buffer {
  const out: number[] = [];
  const runs: Array<[string, number]> = [
    ['abcdefghi', 0x81],
    ['jklmnopqr', 0x91],
    ['stuvwxyz', 0xa2],
    ['ABCDEFGHI', 0xc1],
    ['JKLMNOPQR', 0xd1],
    ['STUVWXYZ', 0xe2],
    ['0123456789', 0xf0],
  ];
  const single: Record<string, number> = { ' ': 0x40, '.': 0x4b, '<': 0x4c, '-': 0x60, '>': 0x6e, ':': 0x7a };
  Object.assign(single, { '@': 0x7c, '=': 0x7e, '\n': 0x25 });
  for (const ch of text) {
    const run = runs.find(([chars]) => chars.includes(ch));
    const b = run ? run[1] + run[0].indexOf(ch) : single[ch];
    if (b === undefined) throw new Error(`no IBM037 byte for ${JSON.stringify(ch)} in this test's table`);
    out.push(b);
  }
  return Buffer.from(out);
}

describe('commit header tricks cannot split what the gate and git read (server-side, real pushes)', function () {
  this.timeout(120_000);

  let s: Setup;
  before(() => {
    s = setup();
    withoutFsck(s.server); // the gate's own reading of malformed objects, as in a CI verify
  });
  beforeEach(() => s.ada.git('checkout', '-q', '-B', 'attempt', 'origin/main'));

  const BOT = 'Copilot <198982749+Copilot@users.noreply.github.com> 1700000000 +0000';
  const BOB = 'Bob Reviewer <bob@example.com> 1700000000 +0000';
  const ADA = 'Ada <ada@example.com> 1700000000 +0000';

  /** Commits `file`, then re-creates HEAD as a raw object with `header` (after tree/parent) and `message`. */
  function rawCommit(file: string, header: string, message: Buffer | string): string {
    commitFile(s.ada, file, 'a\nb\nc\n', 'placeholder');
    const tree = s.ada.git('rev-parse', 'HEAD^{tree}');
    const parent = s.ada.git('rev-parse', 'HEAD^');
    const object = Buffer.concat([Buffer.from(`tree ${tree}\nparent ${parent}\n${header}\n`), Buffer.from(message)]);
    const sha = s.ada.writeCommitObject(object);
    s.ada.git('reset', '-q', '--hard', sha);
    return sha;
  }

  function push() {
    const onServer = s.server.git('rev-parse', 'main');
    const r = verifyThenPush(s.ada, 'main', ['origin', 'HEAD:main']);
    if (r.status !== 0) assert.strictEqual(s.server.git('rev-parse', 'main'), onServer);
    return r;
  }

  it('attack19 01: an encoding header (IBM037) hiding the Assisted-by git reads: refused, and explain/report agree', () => {
    // A Signed-off-by makes git's trailer reader accept the block despite the EBCDIC "line" after it.
    const signed = 'Signed-off-by: Ada <ada@example.com>\n';
    const gateView = `agent change\n\nAI-Provenance: v1 ai=0 human=3 untracked=0\n${signed}`;
    const gitView = Buffer.concat([
      Buffer.from('%%'),
      ebcdic('agent change\n\nAssisted-by: Claude:claude-sonnet-4-5 claude-code\n'),
      ebcdic(`AI-Provenance: v1 ai=3 human=0 untracked=0\n${signed}`),
    ]);
    const sha = rawCommit(
      'deploy.sh',
      `author ${ADA}\ncommitter ${ADA}\nencoding IBM037\n`,
      Buffer.concat([Buffer.from(gateView), gitView]),
    );
    const gitSays = s.ada.git('log', '-1', '--format=%(trailers:key=AI-Provenance,valueonly)', sha).trim();
    assert.strictEqual(gitSays, 'v1 ai=3 human=0 untracked=0', 'precondition: git converts IBM037 with iconv');
    const r = push();
    assert.notStrictEqual(r.status, 0, 'git says AI wrote 3 lines: the gate must not read ai=0');
    assert.match(r.stderr, new RegExp(`✗ ${sha.slice(0, 12)}`));
    assert.match(r.stderr, /encoding header "IBM037"/);
    assert.match(r.stderr, /git commit --amend/);
    assert.match(r.stderr, /git fsck/);
    assert.match(r.stderr, /re-create it with a normal git, then push again/);

    // explain reads the commit as the gate does: unreadable provenance, the gate's verdict a refusal.
    const e = s.ada.cli(['explain', sha, '--branch', 'main', '--json']);
    assert.strictEqual(e.status, 0, e.stderr);
    const page = JSON.parse(e.stdout) as {
      provenance: { inconsistencies: Array<{ kind: string; message: string }> };
      gate: { ok?: boolean; decision?: { kinds: string[] } };
    };
    assert.ok(
      page.provenance.inconsistencies.some((i) => i.kind === 'object-unreadable' && /IBM037/.test(i.message)),
      e.stdout,
    );
    assert.strictEqual(page.gate.ok, false, e.stdout);
    assert.ok(page.gate.decision?.kinds.includes('unattested'), e.stdout);

    // report: flagged, unattested (as the gate calls it), AI-assisted by what git shows, and reviewed by nobody.
    const rep = s.ada.cli(['report', '--json']);
    assert.strictEqual(rep.status, 0, rep.stderr);
    const json = JSON.parse(rep.stdout) as {
      unattestedCommits: number;
      aiAssistedCommits: number;
      reviewedCommits: number;
      consistency: { mismatches: Array<{ sha: string; kind: string }> };
    };
    const flagged = json.consistency.mismatches.filter((i) => i.sha === sha).map((i) => i.kind);
    assert.deepStrictEqual(flagged, ['object-unreadable'], rep.stdout);
    assert.strictEqual(json.unattestedCommits, 1, rep.stdout);
    assert.strictEqual(json.aiAssistedCommits, 1, rep.stdout);
    assert.strictEqual(json.reviewedCommits, 0, rep.stdout);
  });

  it('attack19 02: a bare `author` line before the bot author git shows: read as git reads it, and refused', () => {
    const sha = rawCommit(
      'bot.txt',
      `author\nauthor ${BOT}\ncommitter ${BOT}\n`,
      'Add bot.txt\n\nAI-Provenance: v1 ai=0 human=3 untracked=0\n',
    );
    assert.strictEqual(s.ada.git('log', '-1', '--format=%an', sha), 'Copilot', 'precondition: git skips the bare line');
    const r = push();
    assert.notStrictEqual(r.status, 0, 'git says the Copilot agent authored it: the gate must not read no author');
    assert.match(r.stderr, /authored by Copilot/);
    assert.match(r.stderr, /the header line "author" with no value/);
  });

  it('attack19 03: a reviewer cannot approve his own commit behind bare author/committer lines', () => {
    const sha = rawCommit(
      'agent.sh',
      `author\ncommitter\nauthor ${BOB}\ncommitter ${BOB}\n`,
      'agent change\n\nAI-Provenance: v1 ai=3 human=0 untracked=0\n',
    );
    assert.strictEqual(s.ada.git('log', '-1', '--format=%ae %ce', sha), 'bob@example.com bob@example.com');
    recordDecision(s.ada, s.bob, { email: 'bob@example.com', tip: sha, base: 'origin/main' });
    assert.strictEqual(s.ada.gitResult(['push', '-q', 'origin', 'refs/notes/countersign']).status, 0);
    const r = push();
    assert.notStrictEqual(r.status, 0, "Bob's approval of a commit git says he authored must not count");
    assert.match(r.stderr, /has 0 of 1 required approval/);
    assert.match(r.stderr, /nobody may approve it as it is/);
  });

  it('a duplicated committer (git shows the last, and git fsck does not object): refused', () => {
    const sha = rawCommit(
      'dup.txt',
      `author ${ADA}\ncommitter ${BOB}\ncommitter ${ADA}\n`,
      'change\n\nAI-Provenance: v1 ai=0 human=3 untracked=0\n',
    );
    assert.strictEqual(s.ada.git('log', '-1', '--format=%ce', sha), 'ada@example.com');
    const r = push();
    assert.notStrictEqual(r.status, 0);
    assert.match(r.stderr, /2 "committer" header lines/);
  });

  it('legitimate: `encoding UTF-8` (any case, utf8 too) reads as a plain commit and passes', () => {
    rawCommit(
      'u.txt',
      `author ${ADA}\ncommitter ${ADA}\nencoding utf8\n`,
      'change\n\nAI-Provenance: v1 ai=0 human=3 untracked=0\n',
    );
    const r = push();
    assert.strictEqual(r.status, 0, r.stderr);
  });
});
