import * as assert from 'assert';
import * as fc from 'fast-check';
import { parseCommitObject, parseIdent } from '../../../src/core/commitObject';

/**
 * parseCommitObject reads a plain header's idents from their lines' bytes (verify24): the same text as decoding the
 * whole header and splitting it, which it did before, whatever bytes the names hold (invalid UTF-8 included).
 */
describe('commitObject: idents of a plain header read from their lines', () => {
  const T = 'a'.repeat(40);
  /** The reading before: the whole header decoded, split into lines, the last line of the key taken. */
  const byWholeHeader = (header: Buffer, key: string) => {
    const lines = header.toString('utf8').split('\n');
    const line = lines.filter((l) => l.startsWith(`${key} `)).at(-1) as string;
    return parseIdent(line.slice(key.length + 1));
  };
  const nameBytes = fc.uint8Array({ maxLength: 12 }).map((b) => b.filter((x) => ![0, 0x0a, 0x3c, 0x3e].includes(x)));

  it('gives the author and committer the whole-header reading gives', () => {
    fc.assert(
      fc.property(nameBytes, nameBytes, nameBytes, (name, mail, committer) => {
        const header = Buffer.concat([
          Buffer.from(`tree ${T}\nauthor `),
          Buffer.from(name),
          Buffer.from(' <'),
          Buffer.from(mail),
          Buffer.from('> 1700000000 +0000\ncommitter '),
          Buffer.from(committer),
          Buffer.from(' <c@x> 1700000000 +0000\n gpgsig continuation author <no@x>'),
        ]);
        const o = parseCommitObject(Buffer.concat([header, Buffer.from('\n\nmessage\n')]));
        if (o.headerProblem !== undefined) return;
        assert.deepStrictEqual(o.author, byWholeHeader(header, 'author'));
        assert.deepStrictEqual(o.committer, byWholeHeader(header, 'committer'));
      }),
      { numRuns: 2000 },
    );
  });
});
