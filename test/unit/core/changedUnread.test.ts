import * as assert from 'assert';
import { changedUnread } from '../../../src/core/ledger/agentRemovals';

/** newuser22 F-nul: which files an agent's call changed where no snapshot could read them (over the size bound). */
describe('changedUnread: an agent call changed a file too large to snapshot', () => {
  const shell = { shell: true, absent: ['big.log'], stamps: { 'big.log': '10:1:1:7' } };

  it('a file git listed at the start, unchanged since, is not credited', () => {
    assert.strictEqual(changedUnread(shell, false, 'big.log', '10:1:1:7'), false);
  });
  it('a file git listed at the start whose stamp moved is credited', () => {
    assert.strictEqual(changedUnread(shell, false, 'big.log', '10:1:2:7'), true);
  });
  it("a file clean at a shell call's start that git lists now is credited", () => {
    assert.strictEqual(changedUnread(shell, false, 'bundle.js', '9000000:5:5:8'), true);
  });
  it('a file the before read (within the bound then) is credited', () => {
    assert.strictEqual(changedUnread({}, true, 'grew.txt', '3000000:1:1:9'), true);
  });
  it('with nothing known of the start (a file tool, no stamp) nothing is credited', () => {
    assert.strictEqual(changedUnread({}, false, 'x.bin', '3000000:1:1:9'), false);
    assert.strictEqual(changedUnread(undefined, false, 'x.bin', '3000000:1:1:9'), false);
  });
  it('not a regular file (no stamp): nothing is credited', () => {
    assert.strictEqual(changedUnread(shell, true, 'fifo', undefined), false);
  });
});
