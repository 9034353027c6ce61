import * as assert from 'assert';
import { parseAuthorshipNote, sessionKey } from '../../../src/core/authorshipNote';
import { cloneAs, recordDecision } from '../helpers/approvals';
import { ADA, AGENT, deployNote as note } from '../helpers/deployNote';
import { setup, type Setup } from '../helpers/gateServer';
import type { TempRepo } from '../helpers/tempRepo';

/**
 * attack16 P6: the server judged a landed commit's note against the commit's AI-Provenance trailer from above only.
 * So when a commit landed without its note (the author's notes push failed, or was not sent yet), a keyless pusher
 * could push a FIRST, thinner note for it — one AI line of forty, or another agent — which was taken; the author's
 * real note was then refused as a rewrite that moves lines, for good. A first note on a commit must now agree with
 * the commit exactly: as many AI lines as its `ai=` count, agents its Assisted-by trailers name, lines it added.
 * Real bare server with `install --server`, real hooks, two separate pushes (the commit, then the notes).
 */
describe("server gate: a landed commit's first note agrees with the commit exactly (attack16 P6, real pushes)", function () {
  this.timeout(180_000);
  let s: Setup;
  let dana: TempRepo;
  let mallory: TempRepo;

  before(() => {
    s = setup();
    dana = cloneAs(s.server.dir, 'Dana', 'dana@example.com');
    assert.strictEqual(dana.cli(['install']).status, 0);
    mallory = cloneAs(s.server.dir, 'Mallory', 'mallory@example.com');
  });

  /** Forty lines Claude Code wrote through its hooks, approved by Bob: the hooks' trailers and note. */
  const agentCommit = (file: string): string => {
    dana.write(file, '');
    const cp = ['--agent', 'claude-code', '--model', 'claude-sonnet-4-5', '--session', 's1', file];
    assert.strictEqual(dana.cli(['checkpoint', '--phase', 'before', ...cp]).status, 0);
    dana.write(file, Array.from({ length: 40 }, (_, i) => `kubectl delete pod p${i}\n`).join(''));
    assert.strictEqual(dana.cli(['checkpoint', '--phase', 'after', ...cp]).status, 0);
    dana.git('add', file);
    const c = dana.commit(`add ${file}`);
    assert.match(dana.git('log', '-1', '--format=%B', c), /AI-Provenance: v1 ai=40 /);
    assert.match(dana.git('log', '-1', '--format=%B', c), /Assisted-by: Claude:claude-sonnet-4-5 claude-code/);
    recordDecision(dana, s.bob, { email: 'bob@example.com', tip: c, base: 'origin/main' });
    return c;
  };
  /** The commit lands on main without its note: pushed --no-verify, so the hook's notes push never ran. */
  const landWithoutNote = (c: string) => {
    const land = dana.gitResult([
      'push',
      '--no-verify',
      '--atomic',
      'origin',
      `${c}:refs/heads/main`,
      'refs/notes/countersign',
    ]);
    assert.strictEqual(land.status, 0, land.stderr);
    assert.notStrictEqual(serverNote(c).status, 0, 'the note came with the commit');
  };
  const serverNote = (c: string) => s.server.gitResult(['notes', '--ref=refs/notes/ai', 'show', c]);
  /** Mallory (no key) pushes `text` as the first note on `c`, from the server's notes as they are. */
  const malloryNote = (c: string, text: string) => {
    mallory.git('update-ref', '-d', 'refs/notes/ai');
    mallory.gitResult(['fetch', '-q', 'origin', '+refs/notes/ai:refs/notes/ai']);
    mallory.git('fetch', '-q', 'origin', '+refs/heads/*:refs/remotes/origin/*');
    mallory.git('notes', '--ref=refs/notes/ai', 'add', '-f', '-m', text, c);
    return mallory.gitResult(['push', '--no-verify', 'origin', 'refs/notes/ai']);
  };
  /** Dana's real note, pushed as her hook would push it after the attack. */
  const danaNotes = () => dana.gitResult(['push', '--no-verify', 'origin', 'refs/notes/ai']);
  /** A commit of Dana's made past her hooks, so it keeps the trailers the test writes. */
  const unhooked = (file: string, content: string, message: string): string => {
    dana.write(file, content);
    dana.git('add', '--', file);
    dana.git('-c', 'core.hooksPath=/dev/null', 'commit', '-q', '-m', message);
    return dana.git('rev-parse', 'HEAD');
  };
  const file40 = (path: string, entries: string, agent?: { tool: string; id: string; model: string }) =>
    note(entries, agent).replace('deploy.sh', path);

  it('P6: refuses a thinner first note (1 AI line of 40); the author’s real note then lands', () => {
    const c = agentCommit('thin.sh');
    landWithoutNote(c);
    const thin = malloryNote(c, file40('thin.sh', `  ${AGENT} 1`));
    assert.notStrictEqual(thin.status, 0, 'the thin first note was accepted');
    assert.match(thin.stderr, new RegExp(c.slice(0, 12)));
    assert.match(thin.stderr, /attests 1 AI line\(s\), but its AI-Provenance trailer says ai=40/);
    assert.notStrictEqual(serverNote(c).status, 0, 'the server holds the thin note');
    const real = danaNotes();
    assert.strictEqual(real.status, 0, real.stderr);
    assert.strictEqual(serverNote(c).stdout.trim(), dana.git('notes', '--ref=refs/notes/ai', 'show', c));
    // The hooks' note names who ran the session, the committer (newuser15 #10); the server takes it as it is.
    const committer = dana.git('log', '-1', '--format=%cn <%ce>', c);
    assert.strictEqual(
      parseAuthorshipNote(serverNote(c).stdout).meta.sessions?.[sessionKey('claude-code', 's1')]?.human_author,
      committer,
    );
  });

  it('P6: refuses a first note giving the 40 lines to another agent', () => {
    const c = agentCommit('other.sh');
    landWithoutNote(c);
    const codex = { tool: 'codex', id: 'conv-9', model: 'gpt-5' };
    const r = malloryNote(c, file40('other.sh', `  ${AGENT} 1-40`, codex));
    assert.notStrictEqual(r.status, 0, 'the other agent’s first note was accepted');
    assert.match(r.stderr, /codex/);
    assert.match(r.stderr, /Assisted-by/);
    assert.notStrictEqual(serverNote(c).status, 0);
    const real = danaNotes();
    assert.strictEqual(real.status, 0, real.stderr);
  });

  it('P6: refuses a first note with the right count on lines the commit did not add', () => {
    // Line 3 of five is the agent's; the rest were there before.
    unhooked('five.txt', 'a\nb\nc\nd\ne\n', 'five\n\nAI-Provenance: v1 ai=0 human=5 untracked=0');
    const c = unhooked(
      'five.txt',
      'a\nb\nrm -rf /\nd\ne\n',
      'edit\n\nAssisted-by: Claude:claude-sonnet-4-5 claude-code\nAI-Provenance: v1 ai=1 human=0 untracked=0',
    );
    recordDecision(dana, s.bob, { email: 'bob@example.com', tip: c, base: 'origin/main' });
    landWithoutNote(c);
    const wrongLine = malloryNote(c, file40('five.txt', `  ${AGENT} 1`));
    assert.notStrictEqual(wrongLine.status, 0, 'a note on a line the commit did not add was accepted');
    assert.match(wrongLine.stderr, /five\.txt line 1/);
    assert.match(wrongLine.stderr, /did not add/);
    const right = malloryNote(c, file40('five.txt', `  ${AGENT} 3`));
    assert.strictEqual(right.status, 0, right.stderr);
  });

  it('takes a git-ai-style first note that agrees exactly; refuses a thinner one', () => {
    const c = agentCommit('gitai.sh');
    landWithoutNote(c);
    // As git-ai writes it: its own tool name for the agent, a prompt record, no human records.
    const gitAi = (ranges: string) =>
      `gitai.sh\n  ${AGENT} ${ranges}\n---\n` +
      JSON.stringify({
        schema_version: 'authorship/3.0.0',
        git_ai_version: '1.0.0',
        base_commit_sha: c,
        prompts: {},
        sessions: {
          s_0123456789abcd: {
            agent_id: { tool: 'claude', id: 'b0c1', model: 'claude-sonnet-4-5' },
            human_author: 'Dana <dana@example.com>',
          },
        },
      });
    const thin = malloryNote(c, gitAi('1-39'));
    assert.notStrictEqual(thin.status, 0, 'the thin git-ai note was accepted');
    assert.match(thin.stderr, /attests 39 AI line\(s\), but its AI-Provenance trailer says ai=40/);
    const exact = malloryNote(c, gitAi('1-40'));
    assert.strictEqual(exact.status, 0, exact.stderr);
  });

  it('takes a human-only first note on an ai=0 commit, and refuses one that claims AI lines', () => {
    const c = unhooked('h.txt', 'x\ny\n', 'h\n\nAI-Provenance: v1 ai=0 human=2 untracked=0');
    landWithoutNote(c);
    const ai = malloryNote(c, file40('h.txt', `  ${AGENT} 1`));
    assert.notStrictEqual(ai.status, 0);
    const human = malloryNote(c, file40('h.txt', `  ${ADA} 1-2`));
    assert.strictEqual(human.status, 0, human.stderr);
  });
});
