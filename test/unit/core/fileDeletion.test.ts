import * as assert from 'assert';
import {
  deletesFile,
  leavesStub,
  MAX_STUB_BYTES,
  mayLeaveStub,
  parseRawEntry,
  type EditCounts,
} from '../../../src/core/fileDeletion';

/**
 * What counts as a deleted file (src/core/fileDeletion.ts). attack24 02: only the empty blob counted, so 8 service
 * definitions of 60 lines each left as one newline, a space, a lone `#` or a BOM were edits and dodged the
 * mass-deletion tier's `deletedFiles`. An edit that leaves a stub now deletes the file.
 */
describe('fileDeletion: gone, emptied, or left a stub', () => {
  const edit = (added: number, deleted: number, mode = '100644', status = 'M'): EditCounts => ({
    status,
    mode,
    added,
    deleted,
  });
  const stub = (text: string | Buffer, added: number, deleted = 60) =>
    leavesStub(edit(added, deleted), typeof text === 'string' ? Buffer.from(text, 'utf8') : text);

  it('the raw entry alone: gone, the empty blob, a symlink or gitlink in place of a regular file', () => {
    const e = (h: string) => deletesFile(parseRawEntry(h)!);
    const old = '1'.repeat(40);
    assert.ok(e(`:100644 000000 ${old} ${'0'.repeat(40)} D`));
    assert.ok(e(`:100644 100644 ${old} e69de29bb2d1d6434b8b29ae775ad8c2e48c5391 M`));
    assert.ok(e(`:100644 120000 ${old} ${'2'.repeat(40)} T`));
    assert.ok(e(`:100755 160000 ${old} ${'2'.repeat(40)} T`));
    assert.ok(!e(`:100644 100644 ${old} ${'2'.repeat(40)} M`));
    assert.ok(!e(`:120000 100644 ${old} ${'2'.repeat(40)} T`));
  });

  it('attack24 02: a newline, a space, a lone #, a BOM or zero-width characters left of a 60-line file delete it', () => {
    assert.ok(stub('\n', 1));
    assert.ok(stub(' ', 1));
    assert.ok(stub('#\n', 1));
    assert.ok(stub('#', 1));
    assert.ok(stub('\uFEFF\n', 1));
    assert.ok(stub('\u200B\u200C\u200D\u2060\n', 1));
    assert.ok(stub('\t \r\n\n\u00A0\n', 3), 'white space on a few lines');
    assert.ok(stub(Buffer.from([0, 0, 0x0a]), 1), 'NUL bytes');
    assert.ok(stub(Buffer.from([0xff, 0xfe, 0x20, 0x00, 0x0a, 0x00]), 1), 'UTF-16LE white space after its BOM');
    assert.ok(stub(Buffer.from([0xfe, 0xff, 0x00, 0x20]), 1), 'UTF-16BE white space after its BOM');
    assert.ok(stub('# moved\n', 1), 'one short new line');
    assert.ok(stub('TODO\nsee docs\n', 2), 'two short new lines');
  });

  it('an edit that keeps an old line, leaves more than two new lines, or is longer than a stub is an edit', () => {
    assert.ok(!stub('name: svc1\n', 0, 3), 'an old line kept (0 added)');
    assert.ok(!stub('name: svc1\nreplicas: 5\n', 1, 3), 'one of its two lines kept');
    assert.ok(!stub('a\nb\nc\n', 3), 'three new lines with content');
    assert.ok(!stub('x'.repeat(MAX_STUB_BYTES) + '\n', 1), `more than ${MAX_STUB_BYTES} bytes`);
    assert.ok(!stub('\n'.repeat(MAX_STUB_BYTES + 1), MAX_STUB_BYTES + 1, 100), 'white space beyond the bound');
    assert.ok(!stub(Buffer.from([0xc3, 0x28, 0x0a]), 2, 1), 'bytes that are not UTF-8 (visible U+FFFD), kept none');
    assert.ok(stub(Buffer.from([0xc3, 0x28, 0x0a]), 1, 2), '… but as one new line of a file that lost lines: a stub');
  });

  it('only an edit of a regular file that lost lines may leave a stub (nothing else is read)', () => {
    assert.ok(mayLeaveStub(edit(1, 60)));
    assert.ok(mayLeaveStub(edit(0, 1)));
    assert.ok(mayLeaveStub(edit(1, 2, '100755')));
    assert.ok(!mayLeaveStub(edit(1, 1)), 'a one-line file rewritten: VERSION 1.2.3 -> 1.2.4');
    assert.ok(!mayLeaveStub(edit(60, 60)), 'as many lines added as deleted');
    assert.ok(!mayLeaveStub(edit(MAX_STUB_BYTES + 1, 1000)), 'more lines added than a stub can hold');
    assert.ok(!mayLeaveStub(edit(1, 60, '120000')), 'a symlink retargeted');
    assert.ok(!mayLeaveStub(edit(1, 60, '160000')), 'a gitlink moved');
    assert.ok(!mayLeaveStub(edit(1, 60, '100644', 'T')), 'a type change');
    assert.ok(!mayLeaveStub(edit(0, 60, '100644', 'D')), 'already deleted');
    assert.ok(!mayLeaveStub({ status: 'M', mode: '100644', added: undefined, deleted: undefined }), 'uncounted');
    assert.ok(!leavesStub(edit(1, 1), Buffer.from('\n')), 'the content is not looked at when the edit cannot be one');
  });
});
