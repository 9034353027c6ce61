import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { recordDecision } from '../helpers/approvals';
import { verifyThenPush, withoutGate } from '../helpers/gateAgreement';
import { commitFile, HUMAN_ONE, policyJson, setup, type Setup } from '../helpers/gateServer';
import { makeKey } from '../helpers/reviewerKeys';

/**
 * attack29 F1: `review.paths: ["auth.js"]` — a human edit of auth.js needs review, but adding its case twin `AUTH.JS`
 * (or the NFD spelling of an NFC name) passed unreviewed; on a case-insensitive checkout (APFS, NTFS) a pull writes
 * the twin's bytes into the checked-out auth.js. Real server, verify agreeing.
 */
describe('server gate: review.paths meets case and Unicode-form twins (attack29 F1)', function () {
  this.timeout(240_000);

  const cafe = 'caf\u00e9.js'; // NFC
  let s: Setup;
  let base: string;
  beforeEach(() => {
    s = setup(policyJson(makeKey('bob'), makeKey('carol'), { review: { paths: ['auth.js', cafe, 'lib/**'] } }));
    commitFile(s.ada, 'auth.js', 'function handler(req) {\n  checkAccess(req);\n}\n', `auth\n\n${HUMAN_ONE}`);
    commitFile(s.ada, cafe, 'x\n', `cafe\n\n${HUMAN_ONE}`);
    withoutGate(s.server, () => assert.strictEqual(s.ada.gitResult(['push', '-q', 'origin', 'main']).status, 0));
    base = s.ada.git('rev-parse', 'HEAD');
  });
  afterEach(() => fs.rmSync(path.dirname(s.server.dir), { recursive: true, force: true }));

  const twin = (file: string) => commitFile(s.ada, file, 'function handler(req) {\n}\n', `variant\n\n${HUMAN_ONE}`);

  it('control: a human edit of auth.js needs review; an unrelated file does not', () => {
    commitFile(s.ada, 'auth.js', 'function handler(req) {\n}\n', `drop check\n\n${HUMAN_ONE}`);
    const held = verifyThenPush(s.ada, 'main', ['origin', 'main']);
    assert.notStrictEqual(held.status, 0);
    s.ada.git('reset', '-q', '--hard', base);
    commitFile(s.ada, 'other.js', 'x\n', `other\n\n${HUMAN_ONE}`);
    assert.strictEqual(verifyThenPush(s.ada, 'main', ['origin', 'main']).status, 0);
  });

  for (const file of ['AUTH.JS', 'Auth.js', 'caf\u0065\u0301.js', 'CAF\u00c9.JS', 'LIB/x.js'])
    it(`adding ${JSON.stringify(file)} needs the review its twin needs; Bob's approval lets it land`, () => {
      const tip = twin(file);
      const held = verifyThenPush(s.ada, 'main', ['origin', 'main']);
      assert.notStrictEqual(held.status, 0, `${file} landed unreviewed beside its twin`);
      assert.match(
        held.stderr,
        /which always needs review \("(auth\.js|caf\u00e9\.js|lib\/\*\*)" in review\.paths, matched in any letter case/,
      );
      assert.strictEqual(s.server.git('rev-parse', 'main'), base);

      recordDecision(s.ada, s.bob, { email: 'bob@example.com', tip, base });
      assert.strictEqual(s.ada.gitResult(['push', '-q', 'origin', 'refs/notes/countersign']).status, 0);
      const r = verifyThenPush(s.ada, 'main', ['origin', 'main']);
      assert.strictEqual(r.status, 0, r.stderr);
    });

  it('a case twin of .countersign.json needs review: on a macOS or Windows checkout it is the policy file', () => {
    commitFile(s.ada, '.Countersign.json', '{"protectedBranches": []}\n', `policy variant\n\n${HUMAN_ONE}`);
    const held = verifyThenPush(s.ada, 'main', ['origin', 'main']);
    assert.notStrictEqual(held.status, 0, 'a twin of the policy file landed unreviewed');
    assert.match(held.stderr, /touches \.Countersign\.json, a case twin of \.countersign\.json/);
  });
});
