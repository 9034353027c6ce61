import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { TempRepo } from '../helpers/tempRepo';

/**
 * Issue 12, "also expected of every command on real repositories": a SHA-256 repository, a detached HEAD, a
 * submodule beside the work, and a rebase stopped on a conflict. Each commit made there is attested, and
 * status, report, blame, explain and verify answer (or exit 2 with a sentence), never with a stack trace.
 */
function installed(opts: { sha256?: boolean } = {}): TempRepo {
  const repo = TempRepo.create();
  if (opts.sha256) {
    // A repository's object format is chosen when it is made: make it again as SHA-256.
    fs.rmSync(path.join(repo.dir, '.git'), { recursive: true, force: true });
    repo.git('init', '-q', '--object-format=sha256', '-b', 'main');
  }
  const r = repo.cli(['install']);
  assert.strictEqual(r.status, 0, r.stderr);
  return repo;
}

function answers(repo: TempRepo, args: string[]): void {
  const r = repo.cli(args);
  assert.ok(r.status === 0 || r.status === 1 || r.status === 2, `${args.join(' ')} exited ${r.status}`);
  assert.doesNotMatch(r.stderr, /^\s+at .+:\d+:\d+\)?$/m, `${args.join(' ')} printed a stack trace:\n${r.stderr}`);
  if (r.status === 2) assert.match(r.stderr, /\S/, `${args.join(' ')} exited 2 without saying why`);
}

const COMMANDS = [
  ['status', '--json'],
  ['report', '--format', 'json'],
  ['blame', 'a.txt'],
  ['explain', 'HEAD'],
  ['verify', '--no-fetch'],
];

describe('commands on real repository shapes', function () {
  this.timeout(120_000);

  it('a SHA-256 repository: commits are attested and every command answers', () => {
    const repo = installed({ sha256: true });
    assert.strictEqual(repo.git('rev-parse', '--show-object-format'), 'sha256');
    repo.write('a.txt', 'one\ntwo\n');
    repo.git('add', '.');
    const sha = repo.commit('first');
    assert.strictEqual(sha.length, 64);
    assert.match(repo.git('log', '-1', '--format=%B'), /^AI-Provenance: v1 ai=0 human=0 untracked=2$/m);
    for (const args of COMMANDS) answers(repo, args);
  });

  it('a detached HEAD and a rebase stopped on a conflict: commits are attested and every command answers', () => {
    const repo = installed();
    repo.write('a.txt', 'base\n');
    repo.git('add', '.');
    const base = repo.commit('base');
    repo.git('checkout', '-q', '--detach', base);
    repo.write('a.txt', 'base\ndetached\n');
    repo.git('add', '.');
    repo.commit('on a detached HEAD');
    assert.match(repo.git('log', '-1', '--format=%B'), /^AI-Provenance: v1 /m);
    for (const args of COMMANDS) answers(repo, args);

    repo.git('checkout', '-q', '-b', 'side', base);
    repo.write('a.txt', 'base\nside\n');
    repo.git('add', '.');
    repo.commit('side');
    repo.git('checkout', '-q', '-b', 'other', base);
    repo.write('a.txt', 'base\nother\n');
    repo.git('add', '.');
    repo.commit('other');
    assert.notStrictEqual(repo.gitResult(['rebase', 'side']).status, 0, 'the rebase stops on the conflict');
    for (const args of COMMANDS) answers(repo, args);
    repo.write('a.txt', 'base\nside\nother\n');
    repo.git('add', 'a.txt');
    const cont = repo.gitResult(['-c', 'core.editor=true', 'rebase', '--continue']);
    assert.strictEqual(cont.status, 0, cont.stderr);
    assert.match(repo.git('log', '-1', '--format=%B'), /^AI-Provenance: v1 /m, 'the hand-resolved commit is attested');
  });

  it("a repository with a submodule: the superproject's commits are attested and every command answers", () => {
    const lib = installed();
    lib.write('lib.txt', 'lib\n');
    lib.git('add', '.');
    lib.commit('lib');
    const repo = installed();
    repo.write('a.txt', 'a\n');
    repo.git('add', '.');
    repo.commit('a');
    const sub = repo.gitResult(['-c', 'protocol.file.allow=always', 'submodule', 'add', '-q', lib.dir, 'vendor/lib']);
    assert.strictEqual(sub.status, 0, sub.stderr);
    repo.commit('add the submodule');
    assert.match(repo.git('log', '-1', '--format=%B'), /^AI-Provenance: v1 /m);
    for (const args of COMMANDS) answers(repo, args);
    // Inside the submodule's work tree (a .git file, not a folder) the commands answer too.
    const inner = TempRepo.at(path.join(repo.dir, 'vendor', 'lib'), repo.env);
    for (const args of [
      ['status', '--json'],
      ['explain', 'HEAD'],
      ['blame', 'lib.txt'],
    ])
      answers(inner, args);
  });
});
