import * as assert from 'assert';
import { participantGap, participantsStart, PARTICIPANT_MAX_GAP_MS } from '../../../src/core/editor/saveParticipants';

describe('editor: save participants told apart from earlier edits', () => {
  it('takes the run of edits that led up to willSave without a pause', () => {
    // An agent edit at 0, then a code action at 5000 and a formatter at 5600, willSave at 5610.
    assert.strictEqual(participantsStart([0, 5000, 5600], 5610), 1);
  });
  it('takes nothing when the last held edit is long before willSave', () => {
    assert.strictEqual(participantsStart([0, 100], 100 + PARTICIPANT_MAX_GAP_MS + 1), 2);
  });
  it('takes everything when all held edits are back to back', () => {
    assert.strictEqual(participantsStart([10, 20, 30], 40), 0);
    assert.strictEqual(participantsStart([], 40), 0);
  });
  it('uses a shorter gap for auto-saves after a delay, so the edit that started the delay is not a participant', () => {
    const gap = participantGap(1000);
    assert.strictEqual(gap, 900);
    // Agent edit at 0, auto-save starts at 1000, formatter edit at 1040, willSave at 1045.
    assert.strictEqual(participantsStart([0, 1040], 1045, gap), 1);
    assert.strictEqual(participantGap(undefined), PARTICIPANT_MAX_GAP_MS);
    assert.strictEqual(participantGap(10), 50);
  });
});
