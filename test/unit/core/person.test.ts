import * as assert from 'assert';
import { missingAddress, selfReview } from '../../../src/core/approvalRules';
import { namesNobody, personKey, samePerson } from '../../../src/core/person';

/** The one "same person" rule (src/core/person.ts), as the two-person check uses it. */
describe('samePerson: one person under differently spelled addresses', () => {
  it('folds case, surrounding space, compatibility forms and invisible characters', () => {
    assert.ok(samePerson('Alice@Example.COM ', 'alice@example.com'));
    assert.ok(samePerson('ａlice@example.com', 'alice@example.com'), 'fullwidth a');
    assert.ok(samePerson('al\u200bice@example.com', 'alice@example.com'), 'zero-width space');
    assert.ok(samePerson('alice\u200d@example.com', 'alice@example.com'), 'zero-width joiner');
    assert.ok(samePerson('alice+work@example.com', 'alice@example.com'), 'a plus tag is one mailbox (attack29 F8)');
    assert.ok(samePerson('Alice+a+b@Example.com', 'alice+c@example.com'));
    assert.ok(!samePerson('+tag@example.com', 'tag@example.com'), 'no local part before the tag: left as it is');
    assert.ok(!samePerson('', ''), 'no address is nobody');
    assert.ok(!samePerson('\u200b', ''), 'an invisible address is nobody too');
    assert.ok(!samePerson(undefined, 'alice@example.com'));
  });

  it("treats GitHub's two noreply forms of one account as one person, and other accounts as others", () => {
    assert.ok(samePerson('1234567+alice@users.noreply.github.com', 'alice@users.noreply.github.com'));
    assert.ok(samePerson('1234567+Alice@users.noreply.github.com', '7654321+alice@users.noreply.github.com'));
    assert.ok(!samePerson('1234567+alice@users.noreply.github.com', 'bob@users.noreply.github.com'));
    assert.ok(!samePerson('1234567+alice@example.com', 'alice@example.com'), 'only GitHub noreply drops the id');
    assert.strictEqual(personKey('42+Alice@Users.Noreply.GitHub.com'), 'alice@users.noreply.github.com');
  });

  it('the two-person rule uses it: a reviewer cannot approve a commit made under their noreply address', () => {
    const commit = {
      author: { email: '99+alice@users.noreply.github.com' },
      committer: { email: 'noreply@github.com' },
    };
    assert.strictEqual(selfReview('alice@users.noreply.github.com', commit), 'authored');
    assert.strictEqual(selfReview('bob@example.com', commit), undefined);
  });

  it('an empty author or committer address leaves nobody eligible (attack29 F8): no one can be shown not to be them', () => {
    assert.ok(namesNobody('') && namesNobody(' \u200b ') && namesNobody(undefined) && !namesNobody('a@b'));
    const noAuthor = { author: { email: '' }, committer: { email: 'noreply@github.com' } };
    assert.strictEqual(selfReview('bob@example.com', noAuthor), 'may have authored or committed');
    assert.strictEqual(missingAddress(noAuthor), 'names no email address for its author');
    const none = { author: { email: '' }, committer: { email: ' ' } };
    assert.strictEqual(missingAddress(none), 'names no email address for its author and committer');
    const tagged = { author: { email: 'bob+wip@example.com' }, committer: { email: 'bob+wip@example.com' } };
    assert.strictEqual(selfReview('bob@example.com', tagged), 'authored');
    assert.strictEqual(selfReview('carol@example.com', tagged), undefined);
  });
});
