import * as assert from 'assert';
import { notesFetchRefspecs, REVIEW_NOTES_REF, trackingRef } from '../../../src/git/notesConfig';

describe('tracking refs for fetched notes', () => {
  it('regression: a remote given as a URL maps approvals and notes sharing to one ref, not two', () => {
    const url = 'ssh://git@example.com/team/app.git';
    assert.strictEqual(trackingRef(url, REVIEW_NOTES_REF), trackingRef(url, REVIEW_NOTES_REF));
    assert.match(trackingRef(url, REVIEW_NOTES_REF), /^refs\/countersign\/remotes\/url-[0-9a-f]+\/countersign$/);
    assert.ok(notesFetchRefspecs(url).some((r) => r.endsWith(`${trackingRef(url, REVIEW_NOTES_REF)}*`)));
  });

  it('a named remote keeps its name', () => {
    assert.strictEqual(trackingRef('origin', REVIEW_NOTES_REF), 'refs/countersign/remotes/origin/countersign');
  });
});
