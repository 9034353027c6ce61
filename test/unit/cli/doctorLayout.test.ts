import * as assert from 'assert';
import { formatDoctor } from '../../../src/app/doctor';

/** newuser14 S25: a finding of several lines stays in its column, and its fix's lines under the fix. */
describe('doctor text: multi-line findings', () => {
  it('indents every line of a message and of a fix under the first', () => {
    const text = formatDoctor({
      ok: false,
      findings: [
        {
          check: 'policy',
          status: 'fix',
          message: 'the policy cannot be read\n.countersign.json on main: 1 problem\n  reviewers: expected array',
          fix: 'run `countersign install --server --recover`\nthen push a valid policy',
        },
        { check: 'hooks', status: 'ok', message: 'installed' },
      ],
    });
    const lines = text.split('\n');
    assert.strictEqual(lines[0], 'FIX  policy           the policy cannot be read');
    assert.strictEqual(lines[1], `${' '.repeat(22)}.countersign.json on main: 1 problem`);
    assert.strictEqual(lines[2], `${' '.repeat(22)}  reviewers: expected array`);
    assert.strictEqual(lines[3], `${' '.repeat(22)}fix: run \`countersign install --server --recover\``);
    assert.strictEqual(lines[4], `${' '.repeat(27)}then push a valid policy`);
    assert.strictEqual(lines[5], 'ok   hooks            installed');
  });
});
