import * as assert from 'assert';
import * as pkg from '../../../package.json';
import { Commands, EXTENSION_ID } from '../../../src/extension/ids';

interface ContributedCommand {
  command: string;
  title: string;
  category?: string;
}

const contributed = pkg.contributes.commands as ContributedCommand[];

describe('ids.ts and package.json', () => {
  it('EXTENSION_ID is publisher.name from package.json', () => {
    assert.strictEqual(EXTENSION_ID, `${pkg.publisher}.${pkg.name}`);
  });

  it('every command in Commands is contributed in package.json', () => {
    const declared = new Set(contributed.map((c) => c.command));
    const missing = Object.values(Commands).filter((id) => !declared.has(id));
    assert.deepStrictEqual(missing, [], 'add these to package.json contributes.commands');
  });

  it('every command package.json contributes has an id in Commands', () => {
    const known = new Set<string>(Object.values(Commands));
    const unknown = contributed.map((c) => c.command).filter((id) => !known.has(id));
    assert.deepStrictEqual(unknown, [], 'add these to Commands in src/extension/ids.ts');
  });

  it('contributes each command once, under the Countersign category', () => {
    const ids = contributed.map((c) => c.command);
    assert.deepStrictEqual(
      ids.filter((id, i) => ids.indexOf(id) !== i),
      [],
      'duplicate contributions',
    );
    const uncategorised = contributed.filter((c) => c.category !== 'Countersign').map((c) => c.command);
    assert.deepStrictEqual(uncategorised, [], 'every command needs "category": "Countersign"');
  });
});
