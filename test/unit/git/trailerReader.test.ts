import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as fc from 'fast-check';
import { parseTrailers, readMessageProvenance } from '../../../src/core/trailers';
import { TempRepo } from '../helpers/tempRepo';

/**
 * One trailer reader, git's (docs/design.md, "What a commit carries"; issue 10): parseTrailers must see exactly
 * the trailers git sees in a commit message — `git log --format=%(trailers)` and `git interpret-trailers --parse
 * --no-divider` —, for any message, so no message can show Countersign one AI-Provenance and git another.
 */
function gitParse(message: string): string[] {
  return execFileSync('git', ['interpret-trailers', '--parse', '--no-divider'], {
    input: message,
    encoding: 'utf8',
    env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1', HOME: '/nonexistent' },
  })
    .split('\n')
    .filter((l) => l !== '');
}

const ours = (message: string) => parseTrailers(message).map((t) => `${t.key}: ${t.value}`);

describe('parseTrailers reads a commit message as git does', function () {
  this.timeout(120_000);

  it('property: any message built from the lines that matter to git parses as git parses it', () => {
    const line = fc.constantFrom(
      'subject',
      'some words here',
      '',
      ' ',
      '\t',
      '\u00a0',
      '---',
      '--- x',
      '---x',
      '-- -',
      '# comment',
      '#',
      '# ------------------------ >8 ------------------------',
      '# ----- >8 -----',
      'Conflicts:',
      '\tpath/a',
      'AI-Provenance: v1 ai=0 human=5 untracked=0',
      'AI-Provenance: v1 ai=50 human=0 untracked=0',
      'ai-provenance : v1 ai=7 human=0 untracked=0',
      'Signed-off-by: A <a@b>',
      'Co-authored-by: Claude <noreply@anthropic.com>',
      '(cherry picked from commit 0123456789abcdef0123456789abcdef01234567)',
      '  continued value',
      '\fform feed',
      '-x: dash first',
      'Key x: not a trailer',
      'Key\t: tab before colon',
      'AI-Provenance: v1 ai=1 human=0 untracked=0\r',
      '\r',
      'Assisted-by: Claude:claude-sonnet-4-5 claude-code',
    );
    fc.assert(
      fc.property(fc.array(line, { maxLength: 12 }), fc.boolean(), (lines, finalNewline) => {
        const message = lines.join('\n') + (finalNewline ? '\n' : '');
        assert.deepStrictEqual(ours(message), gitParse(message), JSON.stringify(message));
      }),
      { numRuns: 300 },
    );
  });

  it('a commit object with a NUL in its message: read up to the NUL, as git log --format=%(trailers) does', () => {
    const repo = TempRepo.create();
    const tree = repo.git('mktree');
    const message =
      'subject\n\nAI-Provenance: v1 ai=50 human=0 untracked=0\n\0\n\nAI-Provenance: v1 ai=0 human=50 untracked=0\n';
    const object = `tree ${tree}\nauthor A <a@b> 1700000000 +0000\ncommitter A <a@b> 1700000000 +0000\n\n${message}`;
    const sha = repo.writeCommitObject(object);
    const git = repo.git('log', '-1', '--format=%(trailers:key=AI-Provenance,valueonly)', sha).trim();
    assert.strictEqual(git, 'v1 ai=50 human=0 untracked=0');
    assert.deepStrictEqual(
      parseTrailers(message).map((t) => t.value),
      [git],
    );
  });

  it('a "---" line: git reads the last paragraph; an AI-Provenance only a divider reader sees makes it unreadable', () => {
    const split =
      'subject\n\nAI-Provenance: v1 ai=0 human=9 untracked=0\n---\n\nAI-Provenance: v1 ai=50 human=0 untracked=0\n';
    assert.deepStrictEqual(ours(split), ['AI-Provenance: v1 ai=50 human=0 untracked=0']);
    const r = readMessageProvenance(split);
    assert.strictEqual(r.kind, 'unreadable');
    assert.match(r.kind === 'unreadable' ? r.why : '', /a "---" line splits the message/);
    // A markdown rule in the body of an honest commit, the trailer after it: one reading, readable.
    assert.strictEqual(
      readMessageProvenance('subject\n\nbody\n---\nmore\n\nAI-Provenance: v1 ai=0 human=9 untracked=0\n').kind,
      'ok',
    );
  });

  it('the commit hooks write AI-Provenance where git reads it, also when the message has a "---" line', () => {
    const repo = TempRepo.create();
    assert.strictEqual(repo.cli(['install']).status, 0);
    repo.write('a.txt', 'one\ntwo\n');
    repo.git('add', 'a.txt');
    const sha = repo.commit('subject\n\nbody\n---\nnot a patch, a markdown rule');
    const message = repo.git('cat-file', 'commit', sha).split('\n\n').slice(1).join('\n\n');
    assert.match(repo.git('log', '-1', '--format=%(trailers:key=AI-Provenance,valueonly)', sha), /^v1 ai=0 /);
    assert.strictEqual(readMessageProvenance(message).kind, 'ok', message);
  });
});
