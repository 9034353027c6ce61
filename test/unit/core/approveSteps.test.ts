import * as assert from 'assert';
import type { CommitDecision, GateResult } from '../../../src/core/gate';
import { gateText } from '../../../src/core/gateReport';
import type { Reviewer } from '../../../src/core/policy';

/**
 * newuser14 S29: branch `mixed` = Rita's AI commit, then Dana's on top; Rita approved Dana's part. "What to do" named
 * Dana among the reviewers and gave one command, for the tip: it covers Dana's own commit, so `approve` refused her.
 */
describe('gate text: the approve step names who can run which command (newuser14 S29)', () => {
  const rv = (name: string, email: string): Reviewer => ({ name, email, key: 'ssh-ed25519 AAAA' }) as Reviewer;
  const rita = rv('Rita Reviewer', 'rita@example.com');
  const dana = rv('Dana Dev', 'dana@example.com');
  const sam = rv('Sam Second', 'sam@example.com');
  const decision = (sha: string, author: Reviewer, ok: boolean, eligible: Reviewer[]): CommitDecision => ({
    sha,
    subject: `commit ${sha.slice(0, 4)}`,
    author: { name: author.name ?? '', email: author.email },
    needsReview: true,
    reasons: ['AI-attributed: 30 of 30 added line(s) written by AI (claude-code)'],
    kinds: ['ai'],
    approvals: [],
    ignored: [],
    requiredApprovals: 1,
    requiredRoles: [],
    tiers: [],
    eligibleReviewers: eligible,
    ok,
  });
  const ritas = '793b429f5059'.padEnd(40, '1');
  const danas = '90408572013b'.padEnd(40, '2');
  const result = (commits: CommitDecision[]): GateResult => ({
    ok: false,
    branch: 'main',
    protected: true,
    pattern: 'main',
    commits,
    errors: [],
    notices: [],
    approveCommand: `countersign approve ${danas} --base ${'f9f68093f6ac'.padEnd(40, '3')}`,
  });

  it('gives the blocked commit its own command for a reviewer who wrote another commit the tip covers', () => {
    const text = gateText(
      result([decision(ritas, rita, false, [dana, sam]), decision(danas, dana, true, [rita, sam])]),
    );
    assert.match(text, /2\. Sam Second <sam@example\.com> runs: {2}countersign approve 90408572013b/);
    assert.match(
      text,
      new RegExp(
        `Dana Dev <dana@example\\.com>, who wrote another commit the tip covers, approves 793b429f5059 alone: {2}countersign approve ${ritas} --base ${ritas}\\^`,
      ),
    );
  });

  it('keeps the one command when every named reviewer can run it', () => {
    const text = gateText(result([decision(ritas, rita, false, [sam]), decision(danas, dana, true, [sam])]));
    assert.match(text, /2\. The reviewer runs: {2}countersign approve 90408572013b/);
    assert.doesNotMatch(text, /alone/);
  });
});
