import * as assert from 'assert';
import { execFileSync } from 'child_process';
import { buildGitAiHistory } from '../helpers/gitAiHistory';
import { TempRepo } from '../helpers/tempRepo';

/**
 * Issue 12's acceptance: on a generated history of the shape of git-ai's own repository — thousands of
 * commits, merges, notes written by git-ai's v3 rules with their quirks, the same line numbers written again
 * and again — `report --format json`'s commits, aiAssistedCommits and aiLines equal figures computed here,
 * independently, from git's own output: every note read with `git cat-file --batch` and plain string
 * handling, ranges expanded to single lines, later entries winning, `h_` keys human, distinct pairs counted
 * per commit and summed; trailers as git parses them (%(trailers)).
 */
function independentFigures(
  repo: TempRepo,
  rev: string,
): { commits: number; aiAssistedCommits: number; aiLines: number } {
  const listed = repo
    .git('notes', '--ref=ai', 'list')
    .split('\n')
    .filter(Boolean)
    .map((l) => l.split(' '));
  const batch = execFileSync('git', ['cat-file', '--batch'], {
    cwd: repo.dir,
    env: repo.env,
    input: listed.map(([blob]) => blob).join('\n') + '\n',
    maxBuffer: 1 << 30,
  });
  const noteOf = new Map<string, string>();
  let at = 0;
  for (const [, obj] of listed) {
    const nl = batch.indexOf(0x0a, at);
    const size = Number(batch.subarray(at, nl).toString().split(' ')[2]);
    noteOf.set(obj, batch.subarray(nl + 1, nl + 1 + size).toString('utf8'));
    at = nl + 1 + size + 1;
  }
  let commits = 0,
    assisted = 0,
    aiLines = 0;
  const log = repo.git(
    'log',
    '--format=%H%x09%an%x09%(trailers:key=AI-Provenance,valueonly,separator=;)%x09%(trailers:key=Co-Authored-By,valueonly,separator=;)',
    rev,
  );
  for (const line of log.split('\n')) {
    const [sha, author, provenance, coAuthors] = line.split('\t');
    commits++;
    const note = noteOf.get(sha);
    let own = 0;
    if (note !== undefined) {
      const owner = new Map<string, string>();
      let file = '';
      for (const raw of note.split('\n')) {
        if (raw === '---') break;
        if (!raw.startsWith(' ')) {
          file = raw.replace(/^"(.*)"$/, '$1');
          continue;
        }
        const [key, ranges] = raw.trim().split(' ');
        for (const part of ranges.split(',')) {
          const [a, b = a] = part.split('-').map(Number);
          for (let l = Math.min(a, b); l <= Math.max(a, b); l++) owner.set(`${file}\0${l}`, key);
        }
      }
      for (const key of owner.values()) if (!key.startsWith('h_')) own++;
    } else {
      own = Number(/ai=(\d+)/.exec(provenance)?.[1] ?? 0);
    }
    aiLines += own;
    const trailerAi = Number(/ai=(\d+)/.exec(provenance)?.[1] ?? 0) > 0;
    if ((note !== undefined && own > 0) || trailerAi || /Claude/.test(coAuthors) || / \(aider\)$/.test(author))
      assisted++;
  }
  return { commits, aiAssistedCommits: assisted, aiLines };
}

describe('report on a git-ai-shaped history (issue 12 acceptance)', function () {
  this.timeout(300_000);

  it('commits, aiAssistedCommits and aiLines equal an independent count over 2,000 commits', () => {
    const repo = TempRepo.create();
    const built = buildGitAiHistory(repo.dir, { commits: 2000, transcriptBytes: 600, seed: 5 });
    assert.ok(built.notes > 800 && built.merges > 40, JSON.stringify(built));
    const r = repo.cli(['report', 'main', '--format', 'json']);
    assert.strictEqual(r.status, 0, r.stderr);
    const got = JSON.parse(r.stdout) as {
      commits: number;
      aiAssistedCommits: number;
      aiLines: number;
      notes: { ai: number; unreadable: number };
    };
    const want = independentFigures(repo, 'main');
    assert.deepStrictEqual(
      { commits: got.commits, aiAssistedCommits: got.aiAssistedCommits, aiLines: got.aiLines },
      want,
    );
    assert.strictEqual(got.notes.unreadable, 0);
    // the same lines written again and again: far more AI lines than distinct (file, line) pairs exist
    assert.ok(want.aiLines > 303 * 65, `aiLines ${want.aiLines}`);
  });
});
