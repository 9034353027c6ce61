import * as assert from 'assert';
import { verifyThenPush } from '../helpers/gateAgreement';
import { commitFile, setup, type Setup } from '../helpers/gateServer';

/**
 * Provenance trailers written to talk the gate out of a review (docs/design.md, "What a commit carries" and "The
 * gate": anything unreadable fails closed; trailers agents add themselves are AI evidence). Each pushes to a
 * real bare server with the installed pre-receive, and `verify` must agree. One server for the file: every
 * attempt starts from the server's main, and a refused push leaves it as it was.
 */
describe('provenance trailers cannot talk the gate out of a review (server-side, real pushes)', function () {
  this.timeout(120_000);

  let s: Setup;
  before(() => { s = setup(); });
  beforeEach(() => s.ada.git('checkout', '-q', '-B', 'attempt', 'origin/main'));

  function attempt(file: string, message: string) {
    const sha = commitFile(s.ada, file, Array.from({ length: 50 }, (_, i) => `line ${i}`).join('\n') + '\n', message);
    const onServer = s.server.git('rev-parse', 'main');
    const r = verifyThenPush(s.ada, 'main', ['origin', 'HEAD:main']);
    if (r.status !== 0) assert.strictEqual(s.server.git('rev-parse', 'main'), onServer);
    return { ...r, sha };
  }

  it('two AI-Provenance trailers (ai=50, then ai=0): unreadable, needs review, names the commit and the fix', () => {
    const r = attempt('a.ts', 'AI change\n\nAI-Provenance: v1 ai=50 human=0 untracked=0\nAI-Provenance: v1 ai=0 human=50 untracked=0');
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
    const assisted = attempt('c.ts', 'change\n\nAssisted-by: Claude:claude-sonnet-4-5 claude-code\nAI-Provenance: v1 ai=0 human=50 untracked=0');
    assert.notStrictEqual(assisted.status, 0, 'a commit that names its AI must not pass on ai=0');
    assert.match(assisted.stderr, /AI-attributed: .*Claude:claude-sonnet-4-5 claude-code/);
    s.ada.git('checkout', '-q', '-B', 'attempt', 'origin/main');
    const coAuthor = attempt('d.ts', 'change\n\nCo-authored-by: Claude <noreply@anthropic.com>\nAI-Provenance: v1 ai=0 human=50 untracked=0');
    assert.notStrictEqual(coAuthor.status, 0);
  });

  it('legitimate: a human commit with one readable trailer passes (the refusals above are for their trailers)', () => {
    const r = attempt('e.ts', 'change\n\nAI-Provenance: v1 ai=0 human=50 untracked=0');
    assert.strictEqual(r.status, 0, r.stderr);
  });
});
