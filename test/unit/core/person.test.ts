import * as assert from 'assert';
import { selfReview } from '../../../src/core/approvalRules';
import { personKey, samePerson } from '../../../src/core/person';

/** The one "same person" rule (src/core/person.ts), as the two-person check uses it. */
describe('samePerson: one person under differently spelled addresses', () => {
  it('folds case, surrounding space, compatibility forms and invisible characters', () => {
    assert.ok(samePerson('Alice@Example.COM ', 'alice@example.com'));
    assert.ok(samePerson('ａlice@example.com', 'alice@example.com'), 'fullwidth a');
    assert.ok(samePerson('al\u200bice@example.com', 'alice@example.com'), 'zero-width space');
    assert.ok(samePerson('alice\u200d@example.com', 'alice@example.com'), 'zero-width joiner');
    assert.ok(!samePerson('alice+work@example.com', 'alice@example.com'), 'a plus address may be another mailbox');
    assert.ok(!samePerson('', ''), 'no address is nobody');
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
});
