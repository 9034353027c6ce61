import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { recordDecision } from '../helpers/approvals';
import {
  aiCommit,
  AI_FIVE,
  commitFile,
  HUMAN_ONE,
  policyChangeOverUnreviewedRelease,
  policyJson,
  pushMain,
  serverRef,
  setup,
  type Setup,
} from '../helpers/gateServer';
import { makeKey } from '../helpers/reviewerKeys';

/**
 * Issue 10 (residue of attack18): the pre-receive gate judges a push as a whole, but in a push without --atomic
 * receive-pack applies each command in its own ref transaction, and any one can still fail inside git (an
 * `update` hook, receive.denyDeletes, a lock, a D/F name clash). A verdict that relied on another command of the
 * push then stood on something that did not happen. Each attack below landed its branch on main at 9aca850.
 * Real bare server with `install --server`, stock git clients.
 */
describe('server gate: refs whose verdicts rely on each other land together or not at all (issue 10, real server)', function () {
  this.timeout(240_000);

  const NOTES = 'refs/notes/countersign';
  const at = serverRef;
  /** Someone else's `update` hook on the server that declines one ref: the gate never sees it. */
  const declineOnServer = (s: Setup, ref: string) =>
    fs.writeFileSync(
      path.join(s.server.dir, 'hooks', 'update'),
      `#!/bin/sh\n[ "$1" = ${ref} ] && { echo "update hook: not $1" >&2; exit 1; }\nexit 0\n`,
      { mode: 0o755 },
    );

  it('an approval pushed with main, whose notes update an update hook declines, does not land main', () => {
    const s = setup();
    const m = at(s, 'refs/heads/main');
    const tip = aiCommit(s.ada, 'app.py');
    recordDecision(s.ada, s.bob, { email: 'bob@example.com', tip, base: m });
    assert.notStrictEqual(pushMain(s.ada, '--no-verify').status, 0, 'control: the AI commit needs the approval');
    declineOnServer(s, NOTES);
    const r = s.ada.gitResult(['push', '--no-verify', 'origin', 'main', NOTES]);
    assert.strictEqual(at(s, NOTES), '', 'the update hook declined the notes');
    assert.strictEqual(at(s, 'refs/heads/main'), m, `main must not land without its approval:\n${r.stderr}`);
    assert.match(r.stderr, /refs\/heads\/main/);
    assert.match(r.stderr, /git push --atomic/);
  });

  it('an approval pushed with main: refused without --atomic even when nothing fails, taken with --atomic', () => {
    const s = setup();
    const m = at(s, 'refs/heads/main');
    const tip = aiCommit(s.ada, 'app.py');
    recordDecision(s.ada, s.bob, { email: 'bob@example.com', tip, base: m });
    const loose = s.ada.gitResult(['push', '--no-verify', 'origin', 'main', NOTES]);
    assert.strictEqual(at(s, 'refs/heads/main'), m, loose.stderr);
    assert.strictEqual(at(s, NOTES), '', 'neither lands: git applies them one at a time');
    assert.match(loose.stderr, new RegExp(`${NOTES}.*refs/heads/main|refs/heads/main.*${NOTES}`));
    assert.match(loose.stderr, /git push --atomic/);
    // A reference-transaction hook that was there before keeps running first and still gets the updates.
    const hooks = path.join(s.server.dir, 'hooks');
    const seen = path.join(s.server.dir, 'seen.log');
    fs.writeFileSync(
      path.join(hooks, 'reference-transaction.countersign-chained'),
      `#!/bin/sh\n[ "$1" = prepared ] && cat >>'${seen}' || cat >/dev/null\nexit 0\n`,
      { mode: 0o755 },
    );
    const atomic = s.ada.gitResult(['push', '--no-verify', '--atomic', 'origin', 'main', NOTES]);
    assert.strictEqual(atomic.status, 0, atomic.stderr);
    assert.strictEqual(at(s, 'refs/heads/main'), tip);
    assert.ok(at(s, NOTES));
    assert.match(
      fs.readFileSync(seen, 'utf8'),
      new RegExp(`${tip} refs/heads/main\n(.|\n)*${NOTES}|${NOTES}(.|\n)*${tip} refs/heads/main`),
    );
  });

  it('notes pushed with main whose approval the server already holds: main relies on nothing, no --atomic needed', () => {
    const s = setup();
    const m = at(s, 'refs/heads/main');
    const tip = aiCommit(s.ada, 'app.py');
    recordDecision(s.ada, s.bob, { email: 'bob@example.com', tip, base: m });
    assert.strictEqual(s.ada.gitResult(['push', '-q', 'origin', NOTES]).status, 0);
    // A review of something else joins the notes: the notes update is real, main's approval is the server's own.
    const other = s.ada.git('commit-tree', `${tip}^{tree}`, '-p', tip, '-m', `other\n\n${AI_FIVE}`);
    recordDecision(s.ada, s.carol, { email: 'carol@example.com', tip: other, base: tip });
    const r = s.ada.gitResult(['push', '--no-verify', 'origin', 'main', NOTES]);
    assert.strictEqual(r.status, 0, r.stderr);
    assert.strictEqual(at(s, 'refs/heads/main'), tip);
    assert.strictEqual(at(s, NOTES), s.ada.git('rev-parse', NOTES));
  });

  it('a server whose reference-transaction hook is v1: such a push is refused (fail closed), others too since v4, doctor says so', () => {
    const s = setup();
    const hook = path.join(s.server.dir, 'hooks', 'reference-transaction');
    // v1's answers to the gate, as v1 gave them: it knows no refs that must land together.
    fs.writeFileSync(
      hook,
      '#!/bin/sh\n# countersign-ref-transaction v1 (stand-in)\ncase "$1" in\n  countersign-begin) echo "countersign-generation 0" ;;\n  countersign-judged) echo countersign-recorded ;;\n  *) cat >/dev/null ;;\nesac\nexit 0\n',
      { mode: 0o755 },
    );
    const m = at(s, 'refs/heads/main');
    const tip = aiCommit(s.ada, 'app.py');
    recordDecision(s.ada, s.bob, { email: 'bob@example.com', tip, base: m });
    const r = s.ada.gitResult(['push', '--no-verify', '--atomic', 'origin', 'main', NOTES]);
    assert.strictEqual(at(s, 'refs/heads/main'), m, r.stderr);
    assert.match(r.stderr, /too old .*install --server/);
    const doctor = s.server.cli(['doctor']);
    assert.match(
      doctor.stdout + doctor.stderr,
      /reference-transaction is missing or not the script this countersign installs/,
    );
    // Since v4 (attack24 9) the hook finds the push's receive-pack for the gate: an older one refuses every push.
    const notes = s.ada.gitResult(['push', '--no-verify', 'origin', NOTES]);
    assert.notStrictEqual(notes.status, 0, `a push through an outdated hook: ${notes.stderr}`);
    assert.match(notes.stderr, /too old .*install --server/);
    // install --server replaces the old hook (its marker names no version) rather than chaining it.
    assert.strictEqual(s.server.cli(['install', '--server']).status, 0);
    assert.match(fs.readFileSync(hook, 'utf8'), /countersign-ref-transaction v5/);
    assert.ok(!fs.existsSync(`${hook}.countersign-chained`));
    assert.strictEqual(pushMain(s.ada, '--no-verify', '--atomic', NOTES).status, 0);
  });

  it('a deletion a policy change relied on, refused by receive.denyDeletes, does not land the policy change', () => {
    const { s, m, tip } = policyChangeOverUnreviewedRelease();
    const { ada } = s;
    s.server.git('config', 'receive.denyDeletes', 'true');
    const r = ada.gitResult(['push', '--no-verify', 'origin', 'main', ':refs/heads/release/x']);
    assert.ok(at(s, 'refs/heads/release/x'), 'git refused the deletion');
    assert.strictEqual(at(s, 'refs/heads/main'), m, `the policy change must not adopt release/x:\n${r.stderr}`);
    assert.match(r.stderr, /refs\/heads\/release\/x/);
    assert.match(r.stderr, /git push --atomic/);
    // With deletions allowed, the same push made atomic is taken whole.
    s.server.git('config', 'receive.denyDeletes', 'false');
    const atomic = ada.gitResult(['push', '--no-verify', '--atomic', 'origin', 'main', ':refs/heads/release/x']);
    assert.strictEqual(atomic.status, 0, atomic.stderr);
    assert.strictEqual(at(s, 'refs/heads/main'), tip);
    assert.strictEqual(at(s, 'refs/heads/release/x'), '');
  });

  it('tag v1 pushed with the deletion of branch v1, which git refuses, does not land beside the branch', () => {
    const s = setup();
    const { ada } = s;
    assert.strictEqual(ada.gitResult(['push', '-q', '--no-verify', 'origin', 'main:refs/heads/v1']).status, 0);
    ada.git('tag', 'v1', 'main');
    assert.notStrictEqual(ada.gitResult(['push', '--no-verify', 'origin', 'refs/tags/v1']).status, 0, 'control');
    s.server.git('config', 'receive.denyDeletes', 'true');
    const r = ada.gitResult(['push', '--no-verify', 'origin', 'refs/tags/v1', ':refs/heads/v1']);
    assert.ok(at(s, 'refs/heads/v1'), 'git refused the deletion');
    assert.strictEqual(at(s, 'refs/tags/v1'), '', `the server must not hold branch v1 and tag v1:\n${r.stderr}`);
    assert.match(r.stderr, /git push --atomic/);
  });

  it('independent refs in one push behave as before: one declined by git, the others land', () => {
    const s = setup();
    const { ada } = s;
    commitFile(ada, 'a.txt', 'a\n', `a\n\n${HUMAN_ONE}`);
    declineOnServer(s, 'refs/heads/topic');
    const r = ada.gitResult(['push', '--no-verify', 'origin', 'main', 'HEAD:refs/heads/topic', 'HEAD:refs/tags/t1']);
    assert.notStrictEqual(r.status, 0);
    assert.strictEqual(at(s, 'refs/heads/main'), ada.git('rev-parse', 'HEAD'), r.stderr);
    assert.strictEqual(at(s, 'refs/tags/t1'), ada.git('rev-parse', 'HEAD'));
    assert.strictEqual(at(s, 'refs/heads/topic'), '');
    assert.doesNotMatch(r.stderr, /--atomic/);
  });

  it('a hooked client: approve, then a plain `git push` of main and of several branches, never needs --atomic', () => {
    const s = setup();
    const { ada } = s;
    assert.strictEqual(ada.cli(['install']).status, 0);
    const m = at(s, 'refs/heads/main');
    const tip = aiCommit(ada, 'app.py');
    // The review is recorded on the pusher's clone; its pre-push hook sends the notes in a push of their own.
    recordDecision(ada, s.bob, { email: 'bob@example.com', tip, base: m });
    const r = pushMain(ada);
    assert.strictEqual(r.status, 0, r.stderr);
    assert.strictEqual(at(s, 'refs/heads/main'), tip);
    assert.ok(at(s, NOTES), 'the hook pushed the approval');
    commitFile(ada, 'b.txt', 'b\n', `b\n\n${HUMAN_ONE}`);
    const several = ada.gitResult(['push', 'origin', 'main', 'HEAD:refs/heads/topic', 'HEAD:refs/heads/other']);
    assert.strictEqual(several.status, 0, several.stderr);
    assert.strictEqual(at(s, 'refs/heads/topic'), ada.git('rev-parse', 'HEAD'));
  });
  it("attack20 03: an approval signed under the reviewer's noreply address with the user id is one the push adds too", () => {
    const bob = makeKey('bob');
    const carol = makeKey('carol');
    const listed = 'bob@users.noreply.github.com';
    const s = setup(
      policyJson(bob, carol, {
        reviewers: [
          { name: 'Bob Reviewer', email: listed, key: bob.publicKey },
          { name: 'Carol Ops', email: 'carol@example.com', key: carol.publicKey, role: 'sre' },
        ],
      }),
    );
    const m = at(s, 'refs/heads/main');
    const tip = aiCommit(s.ada, 'app.py');
    // The gate counts 4242+bob@… as Bob (core/person.ts); the land-together set must too.
    recordDecision(s.ada, s.bob, { email: `4242+${listed}`, tip, base: m });
    declineOnServer(s, NOTES);
    const r = s.ada.gitResult(['push', '--no-verify', 'origin', 'main', NOTES]);
    assert.strictEqual(at(s, NOTES), '', 'the update hook declined the notes');
    assert.strictEqual(at(s, 'refs/heads/main'), m, `main must not land without its approval:\n${r.stderr}`);
    assert.match(r.stderr, /git push --atomic/);
  });
});
