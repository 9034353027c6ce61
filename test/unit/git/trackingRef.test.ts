import * as assert from 'assert';
import { trackingRef as approvalsTrackingRef } from '../../../src/git/approvalsStore';
import { notesFetchRefspecs, trackingRef } from '../../../src/git/notesConfig';

describe('tracking refs for fetched notes', () => {
  it('regression: a remote given as a URL maps approvals and notes sharing to one ref, not two', () => {
    const url = 'ssh://git@example.com/team/app.git';
    assert.strictEqual(approvalsTrackingRef(url), trackingRef(url, 'countersign'));
    assert.match(approvalsTrackingRef(url), /^refs\/countersign\/remotes\/url-[0-9a-f]+\/countersign$/);
    assert.ok(notesFetchRefspecs(url).some((r) => r.endsWith(`${approvalsTrackingRef(url)}*`)));
  });

  it('a named remote keeps its name', () => {
    assert.strictEqual(approvalsTrackingRef('origin'), 'refs/countersign/remotes/origin/countersign');
  });
});
