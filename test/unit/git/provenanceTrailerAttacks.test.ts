import * as assert from 'assert';
import { verifyThenPush } from '../helpers/gateAgreement';
import { commitFile, setup, type Setup, withoutFsck } from '../helpers/gateServer';

/**
 * Provenance trailers written to talk the gate out of a review (docs/design.md, "What a commit carries" and "The
 * gate": anything unreadable fails closed; trailers agents add themselves are AI evidence). Each pushes to a
 * real bare server with the installed pre-receive, and `verify` must agree. One server for the file: every
 * attempt starts from the server's main, and a refused push leaves it as it was.
 */
describe('provenance trailers cannot talk the gate out of a review (server-side, real pushes)', function () {
  this.timeout(120_000);

  let s: Setup;
  before(() => {
    s = setup();
    withoutFsck(s.server); // the gate's own reading of malformed objects, as in a CI verify
  });
  beforeEach(() => s.ada.git('checkout', '-q', '-B', 'attempt', 'origin/main'));

  function attempt(file: string, message: string) {
    const sha = commitFile(s.ada, file, Array.from({ length: 50 }, (_, i) => `line ${i}`).join('\n') + '\n', message);
    const onServer = s.server.git('rev-parse', 'main');
    const r = verifyThenPush(s.ada, 'main', ['origin', 'HEAD:main']);
    if (r.status !== 0) assert.strictEqual(s.server.git('rev-parse', 'main'), onServer);
    return { ...r, sha };
  }

  it('two AI-Provenance trailers (ai=50, then ai=0): unreadable, needs review, names the commit and the fix', () => {
    const r = attempt(
      'a.ts',
      'AI change\n\nAI-Provenance: v1 ai=50 human=0 untracked=0\nAI-Provenance: v1 ai=0 human=50 untracked=0',
    );
    assert.notStrictEqual(r.status, 0, 'the last trailer must not win');
    assert.match(r.stderr, new RegExp(`✗ ${r.sha.slice(0, 12)}`));
    assert.match(r.stderr, /carries 2 AI-Provenance trailers/);
    assert.match(r.stderr, /fix: reword the commit/);
  });

  it('one AI-Provenance trailer with a duplicated key (ai=50 … ai=0): unreadable, needs review', () => {
    const r = attempt('b.ts', 'AI change\n\nAI-Provenance: v1 ai=50 human=0 untracked=0 ai=0');
    assert.notStrictEqual(r.status, 0, 'the last key must not win');
    assert.match(r.stderr, /names ai twice/);
  });

  it('Assisted-by naming an AI with ai=0 needs review, as Co-authored-by: Claude with ai=0 does', () => {
    const assisted = attempt(
      'c.ts',
      'change\n\nAssisted-by: Claude:claude-sonnet-4-5 claude-code\nAI-Provenance: v1 ai=0 human=50 untracked=0',
    );
    assert.notStrictEqual(assisted.status, 0, 'a commit that names its AI must not pass on ai=0');
    assert.match(assisted.stderr, /AI-attributed: .*Claude:claude-sonnet-4-5 claude-code/);
    s.ada.git('checkout', '-q', '-B', 'attempt', 'origin/main');
    const coAuthor = attempt(
      'd.ts',
      'change\n\nCo-authored-by: Claude <noreply@anthropic.com>\nAI-Provenance: v1 ai=0 human=50 untracked=0',
    );
    assert.notStrictEqual(coAuthor.status, 0);
  });

  // Issue 10, one trailer reader: Countersign read trailers up to a `---` line and past a NUL byte, git does
  // neither, so a message could show the gate ai=0 while git — and every dashboard or CI script reading
  // `git log --format=%(trailers)` — says AI wrote 50 lines.
  it('a "---" line hiding the AI-Provenance git reads: the gate reads what git reads, and fails closed', () => {
    const r = attempt(
      'f.ts',
      'AI change\n\nAI-Provenance: v1 ai=0 human=50 untracked=0\n---\n\nAI-Provenance: v1 ai=50 human=0 untracked=0',
    );
    assert.strictEqual(
      s.ada.git('log', '-1', '--format=%(trailers:key=AI-Provenance,valueonly)', r.sha).trim(),
      'v1 ai=50 human=0 untracked=0',
    );
    assert.notStrictEqual(r.status, 0, 'git says AI wrote 50 lines: the gate must not read ai=0');
    assert.match(r.stderr, new RegExp(`✗ ${r.sha.slice(0, 12)}`));
    assert.match(r.stderr, /a "---" line splits the message/);
  });

  it('a NUL byte in the message hiding the AI-Provenance git reads: read up to the NUL, as git does', () => {
    commitFile(s.ada, 'g.ts', Array.from({ length: 50 }, (_, i) => `line ${i}`).join('\n') + '\n', 'placeholder');
    const raw = s.ada.git('cat-file', 'commit', 'HEAD');
    const headers = raw.slice(0, raw.indexOf('\n\n'));
    const object = `${headers}\n\nAI change\n\nAI-Provenance: v1 ai=50 human=0 untracked=0\n\0\n\nAI-Provenance: v1 ai=0 human=50 untracked=0\n`;
    const sha = s.ada.writeCommitObject(object);
    s.ada.git('reset', '-q', '--hard', sha);
    assert.strictEqual(
      s.ada.git('log', '-1', '--format=%(trailers:key=AI-Provenance,valueonly)', sha).trim(),
      'v1 ai=50 human=0 untracked=0',
    );
    const onServer = s.server.git('rev-parse', 'main');
    const r = verifyThenPush(s.ada, 'main', ['origin', 'HEAD:main']);
    assert.notStrictEqual(r.status, 0, 'git says AI wrote 50 lines: the gate must not read past the NUL');
    assert.strictEqual(s.server.git('rev-parse', 'main'), onServer);
    assert.match(r.stderr, /AI-attributed: 50 of 50/);
  });

  it('legitimate: a human commit with one readable trailer passes (the refusals above are for their trailers)', () => {
    const r = attempt('e.ts', 'change\n\nAI-Provenance: v1 ai=0 human=50 untracked=0');
    assert.strictEqual(r.status, 0, r.stderr);
  });
});
