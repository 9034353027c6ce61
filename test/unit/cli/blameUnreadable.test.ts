import * as assert from 'assert';
import { TempRepo } from '../helpers/tempRepo';

/** newuser14 S5: a line whose commit's note is unreadable is not quietly `untracked`. */
describe('countersign blame and an unreadable note', function () {
  this.timeout(60_000);
  it('warns on stderr naming the commit and the note, and marks the lines in --json', () => {
    const repo = TempRepo.create();
    repo.write('u.py', 'a = 1\n');
    repo.git('add', 'u.py');
    const sha = repo.commit('one');
    repo.git('notes', '--ref=ai', 'add', '-f', '-m', 'garbage {{{', 'HEAD');
    const text = repo.cli(['blame', 'u.py']);
    assert.strictEqual(text.status, 0, text.stderr);
    assert.match(text.stderr, new RegExp(`${sha.slice(0, 7)}.*unreadable.*git notes --ref=ai show ${sha}`, 's'));
    const json = JSON.parse(repo.cli(['blame', 'u.py', '--json']).stdout) as {
      lines: Array<{ kind: string; noteUnreadable?: boolean }>;
      warnings?: string[];
    };
    assert.deepStrictEqual([json.lines[0]?.kind, json.lines[0]?.noteUnreadable], ['untracked', true]);
    assert.ok(json.warnings?.some((w) => w.includes(sha)));
  });
});
