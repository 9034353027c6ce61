import * as assert from 'assert';
import { commands } from '../../../src/cli/commands';
import { TempRepo } from '../helpers/tempRepo';

/** newuser14 S18: help text stays within its column on a terminal of 120 characters. */
const MAX = 118;

describe('help text width', function () {
  this.timeout(30_000);
  it(`no line of any command's help, or of countersign --help, is over ${MAX} characters`, () => {
    const long: string[] = [];
    for (const c of commands)
      for (const line of c.usage.split('\n')) if (line.length > MAX) long.push(`${c.name}: ${line.length}: ${line}`);
    for (const line of TempRepo.create().cli(['--help']).stdout.split('\n'))
      if (line.length > MAX) long.push(`--help: ${line.length}: ${line}`);
    assert.deepStrictEqual(long, []);
  });
});
