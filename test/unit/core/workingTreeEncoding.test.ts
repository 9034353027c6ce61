import * as assert from 'assert';
import { decodeWorkingTreeEncoding } from '../../../src/core/workingTreeEncoding';

/** attack29 F4: a working file read as git stores it, by git's (iconv's) encoding names. */
describe('decodeWorkingTreeEncoding', () => {
  const text = 'Invoke-Step -Name ü\r\n';

  it('UTF-16: the mark says the byte order, else the name, else big-endian as iconv reads it; the mark is dropped', () => {
    const le = Buffer.from(text, 'utf16le');
    const be = Buffer.from(le).swap16();
    const markLe = Buffer.concat([Buffer.from([0xff, 0xfe]), le]);
    const markBe = Buffer.concat([Buffer.from([0xfe, 0xff]), be]);
    assert.strictEqual(decodeWorkingTreeEncoding(markLe, 'UTF-16LE-BOM'), text);
    assert.strictEqual(decodeWorkingTreeEncoding(le, 'utf_16le'), text);
    assert.strictEqual(decodeWorkingTreeEncoding(markLe, 'UTF-16'), text);
    assert.strictEqual(decodeWorkingTreeEncoding(markBe, 'UTF-16'), text);
    assert.strictEqual(decodeWorkingTreeEncoding(be, 'UTF-16'), text);
    assert.strictEqual(decodeWorkingTreeEncoding(Buffer.concat([le, Buffer.from([0x41])]), 'UTF-16LE'), undefined);
  });

  it('UTF-32 in either order; a code point out of range is not text', () => {
    const cps = [...text].map((c) => c.codePointAt(0) as number);
    const le = Buffer.alloc(cps.length * 4);
    cps.forEach((cp, i) => le.writeUInt32LE(cp, i * 4));
    const be = Buffer.alloc(cps.length * 4);
    cps.forEach((cp, i) => be.writeUInt32BE(cp, i * 4));
    assert.strictEqual(decodeWorkingTreeEncoding(le, 'UTF-32LE'), text);
    assert.strictEqual(decodeWorkingTreeEncoding(be, 'UTF-32'), text);
    assert.strictEqual(decodeWorkingTreeEncoding(Buffer.from([0, 0x11, 0, 0]), 'UTF-32BE'), undefined);
  });

  it('legacy encodings by their iconv names; one this runtime lacks, or invalid bytes, is undefined', () => {
    assert.strictEqual(decodeWorkingTreeEncoding(Buffer.from([0x82, 0xa0, 0x0a]), 'SHIFT-JIS'), 'あ\n');
    assert.strictEqual(decodeWorkingTreeEncoding(Buffer.from([0xfc, 0x0a]), 'CP1252'), 'ü\n');
    assert.strictEqual(decodeWorkingTreeEncoding(Buffer.from([0xc1]), 'IBM037'), undefined);
    assert.strictEqual(decodeWorkingTreeEncoding(Buffer.from([0xff, 0x0a]), 'SHIFT-JIS'), undefined);
  });
});
