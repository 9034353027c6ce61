import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { fastImport, gitAiNote, lines } from '../helpers/fastImport';
import { TempRepo } from '../helpers/tempRepo';

const SESSION = 's_0123456789abcd';
const sessions = { [SESSION]: { agent_id: { tool: 'claude', id: 'c', model: 'm' } } };

/**
 * newuser22 F-partial-false: `git clone --filter=blob:none` from a server that ignores filters (no
 * uploadpack.allowFilter: plain file:// or ssh to a stock git) writes remote.origin.promisor=true yet receives
 * every object. explain and report went by that config alone, said "this clone lacks objects", and skipped the
 * added-line counts and the gate. They now say it only when the objects they read are actually absent
 * (src/git/missingObjects.ts lacksObjects); the real blobless clone keeps its behaviour (missingObjects.test.ts).
 */
describe('a clone that asked for --filter but got every object', function () {
  this.timeout(120_000);

  it('explain and report count added lines and explain runs the gate: nothing is missing', () => {
    const src = TempRepo.create();
    const shas = fastImport(src, [
      { message: 'a\n\nAI-Provenance: v1 ai=0 human=4 untracked=0\n', files: { 'a.ts': lines(4) } },
      {
        message: 'b\n\nAI-Provenance: v1 ai=3 human=0 untracked=0\n',
        files: { 'b.ts': lines(3) },
        aiNote: gitAiNote([['b.ts', [[`${SESSION}::t_00000000000001`, '1-3']]]], { sessions }),
      },
    ]);
    src.git('config', 'uploadpack.allowFilter', 'false');
    const dir = fs.mkdtempSync(path.join(path.dirname(src.dir), 'promisor-'));
    const cloned = src.gitResult(['clone', '-q', '--filter=blob:none', `file://${src.dir}`, dir]);
    assert.strictEqual(cloned.status, 0, cloned.stderr);
    const clone = TempRepo.at(dir);
    clone.git('fetch', '-q', 'origin', 'refs/notes/ai:refs/notes/ai');
    assert.strictEqual(clone.git('config', 'remote.origin.promisor').trim(), 'true', 'git marked it partial');
    const missing = clone
      .git('rev-list', '--objects', '--missing=print', '--all')
      .split('\n')
      .filter((l) => l.startsWith('?'));
    assert.deepStrictEqual(missing, [], 'yet it has every object');

    const e = clone.cli(['explain', shas[1], '--json']);
    assert.strictEqual(e.status, 0, e.stderr);
    const ex = JSON.parse(e.stdout) as {
      provenance: { addedLines: number };
      gate: { available: boolean; reason?: string };
      warnings?: string[];
    };
    assert.doesNotMatch(e.stderr, /lacks objects|partial clone/);
    assert.strictEqual(ex.provenance.addedLines, 3);
    assert.strictEqual(ex.gate.available, true, ex.gate.reason);

    const r = clone.cli(['report', 'main', '--format', 'json']);
    assert.strictEqual(r.status, 0, r.stderr);
    const rep = JSON.parse(r.stdout) as { addedLines: number; aiLines: number; warnings: string[] };
    assert.doesNotMatch(r.stderr, /partial clone/);
    assert.deepStrictEqual([rep.addedLines, rep.aiLines], [7, 3]);
  });
});
