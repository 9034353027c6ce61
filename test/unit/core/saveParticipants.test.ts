import * as assert from 'assert';
import {
  maxParticipantEdits,
  participantEditBudget,
  participantsStart,
  type SaveParticipantSettings,
} from '../../../src/core/editor/saveParticipants';

const NONE: SaveParticipantSettings = {
  trimTrailingWhitespace: false,
  insertFinalNewline: false,
  trimFinalNewlines: false,
  formatOnSave: false,
  codeActionsOnSave: {},
};

describe('editor: save participants told apart by versions and settings, not time', () => {
  it("VS Code's defaults run no participant that edits: nothing before willSave is one", () => {
    assert.strictEqual(maxParticipantEdits(NONE), 0);
    assert.strictEqual(participantEditBudget(NONE, 'manual'), 0);
    // An extension's insertion (version 7) saved at once stays an ordinary edit.
    assert.strictEqual(participantsStart([7], 7, 0), 1);
  });

  it('format and code actions on save skip auto-saves after a delay; "explicit" code actions run for manual saves only', () => {
    const s: SaveParticipantSettings = {
      ...NONE,
      formatOnSave: true,
      insertFinalNewline: true,
      codeActionsOnSave: {
        'source.fixAll': 'explicit',
        'source.organizeImports': 'always',
        'source.sortImports': 'never',
      },
    };
    assert.strictEqual(participantEditBudget(s, 'manual'), 4);
    assert.strictEqual(participantEditBudget(s, 'focusOut'), 3);
    assert.strictEqual(participantEditBudget(s, 'afterDelay'), 1);
    assert.strictEqual(participantEditBudget({ ...NONE, codeActionsOnSave: ['source.fixAll'] }, 'manual'), 1);
    assert.strictEqual(participantEditBudget({ ...NONE, codeActionsOnSave: ['source.fixAll'] }, 'focusOut'), 0);
    assert.strictEqual(
      participantEditBudget({ ...NONE, codeActionsOnSave: { 'source.fixAll': true } }, 'afterDelay'),
      0,
    );
  });

  it('takes the held edits whose versions lead up to willSave, no more than the participants that ran', () => {
    // An extension's insertion (v5), then the formatter's edit (v6); willSave sees v6; one participant ran.
    assert.strictEqual(participantsStart([5, 6], 6, 1), 1);
    // Two participants ran (formatter, final newline): both trailing edits are theirs.
    assert.strictEqual(participantsStart([5, 6, 7], 7, 2), 1);
    assert.strictEqual(participantsStart([], 7, 2), 0);
  });

  it('takes nothing when the document changed after the last held edit (a version in between)', () => {
    // Held v5; a user edit (v6, not held) came after it; willSave at v6: v5 did not lead up to the save.
    assert.strictEqual(participantsStart([5], 6, 3), 1);
  });
});
