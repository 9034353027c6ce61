import * as assert from 'assert';
import * as fs from 'fs';
import { aiLabel } from '../../../src/core/attribution/labels';
import { aiLinesByFile } from '../../../src/core/noteOwners';
import { parseAuthorshipNote } from '../../../src/core/authorshipNote';
import { openLedger } from '../../../src/git/ledger';
import { TempRepo } from '../helpers/tempRepo';
import { linesOf } from '../helpers/noteLines';

/** Two clones and a bare remote: notes travel with pushes and fetches merge them without clobbering. */
const CLAUDE = aiLabel('claude-code', { model: 'claude-sonnet-4-5', session: 'conv-1' });

async function aiCommit(repo: TempRepo, file: string, text: string, message: string): Promise<string> {
  const content = `${text}\n`;
  repo.write(file, content);
  await (await openLedger(repo.dir)).storeFile(file, content, [CLAUDE]);
  repo.git('add', file);
  return repo.commit(message);
}

function noteOn(repo: TempRepo, commit: string): string | undefined {
  const r = repo.gitResult(['notes', '--ref=refs/notes/ai', 'show', commit]);
  return r.status === 0 ? r.stdout : undefined;
}

function clone(bare: TempRepo): TempRepo {
  const repo = TempRepo.create();
  repo.git('remote', 'add', 'origin', bare.dir);
  assert.strictEqual(repo.cli(['install']).status, 0);
  repo.git('fetch', '-q', 'origin');
  repo.git('checkout', '-q', '-B', 'main', 'origin/main');
  return repo;
}

describe('notes sharing between clones', function () {
  this.timeout(60000);

  it('pushes notes with the branch, fetches them into refs/countersign/remotes and merges without clobbering', async () => {
    const bare = TempRepo.create({ bare: true });
    const a = TempRepo.create();
    a.git('remote', 'add', 'origin', bare.dir);
    assert.strictEqual(a.cli(['install']).status, 0);
    const a1 = await aiCommit(a, 'a.txt', 'from a', 'a1');
    const push = a.gitResult(['push', '-q', 'origin', 'main']);
    assert.strictEqual(push.status, 0, push.stderr);
    assert.ok(noteOn(bare, a1), 'the note travelled with an explicit `git push origin main`');

    const b = clone(bare);
    assert.ok(noteOn(b, a1), 'fetched and merged into refs/notes/ai');
    assert.match(
      b.git('for-each-ref', '--format=%(refname)', 'refs/countersign/remotes/'),
      /refs\/countersign\/remotes\/origin\/ai/,
    );
    const b1 = await aiCommit(b, 'b.txt', 'from b', 'b1');

    // Meanwhile a pushes another commit (and note): the remote's notes move on.
    const a2 = await aiCommit(a, 'a2.txt', 'more from a', 'a2');
    a.git('branch', '-q', '--set-upstream-to=origin/main');
    const plain = a.gitResult(['push', '-q']);
    assert.strictEqual(plain.status, 0, `a plain \`git push\` still pushes the branch: ${plain.stderr}`);
    assert.strictEqual(bare.git('rev-parse', 'main'), a2);

    b.git('fetch', '-q', 'origin');
    assert.ok(noteOn(b, b1), "b's own note survived the fetch");
    assert.ok(noteOn(b, a2), "a's new note arrived");
    const bPush = b.gitResult(['push', '-q', 'origin', 'HEAD:refs/heads/feature']);
    assert.strictEqual(bPush.status, 0, bPush.stderr);
    assert.ok(noteOn(bare, b1) && noteOn(bare, a1) && noteOn(bare, a2), 'the remote has every note');

    a.git('fetch', '-q', 'origin');
    assert.ok(noteOn(a, b1), "a sees b's note after fetching");
    assert.deepStrictEqual(linesOf(aiLinesByFile(parseAuthorshipNote(noteOn(a, b1) ?? '')).get('b.txt')), [1]);
  });

  it('a push shares the notes of local commits never pushed, as README and docs/usage.md say (newuser19 F8)', async () => {
    const bare = TempRepo.create({ bare: true });
    const a = TempRepo.create();
    a.git('remote', 'add', 'origin', bare.dir);
    assert.strictEqual(a.cli(['install']).status, 0);
    await aiCommit(a, 'a.txt', 'from a', 'a1');
    a.git('checkout', '-q', '-b', 'perf');
    const experiment = await aiCommit(a, 'p.txt', 'private experiment', 'p1');
    a.git('checkout', '-q', 'main');
    const push = a.gitResult(['push', '-q', 'origin', 'main']);
    assert.strictEqual(push.status, 0, push.stderr);
    assert.strictEqual(bare.gitResult(['cat-file', '-e', `${experiment}^{commit}`]).status, 128, 'never pushed');
    assert.match(noteOn(bare, experiment) ?? '', /p\.txt/, 'yet its note is on the remote');
    const flat = (p: string) => fs.readFileSync(p, 'utf8').replace(/\s+/g, ' ');
    const said =
      /the whole `refs\/notes\/ai` ref, so the notes of local commits never pushed \(their file paths, author, agents, models and sessions\) reach the remote as well.*\[docs\/choices\.md\]\((docs\/)?choices\.md\), "Sharing notes"/;
    assert.match(flat('README.md'), said);
    assert.match(flat('docs/usage.md'), said);
  });

  it('merges two different notes on the same commit into one valid note', async () => {
    const bare = TempRepo.create({ bare: true });
    const a = TempRepo.create();
    a.git('remote', 'add', 'origin', bare.dir);
    a.cli(['install']);
    a.write('f.txt', 'one\ntwo\n');
    a.git('add', '.');
    const c = a.commit('shared');
    a.git('push', '-q', 'origin', 'main');
    const b = clone(bare);
    const sk = 's_c9883b05a2487d';
    const meta = (id: string) =>
      `{"schema_version":"authorship/3.0.0","sessions":{"${sk}":{"agent_id":{"tool":"cursor","id":"${id}"}}}}`;
    a.git(
      'notes',
      '--ref=refs/notes/ai',
      'add',
      '-f',
      '-m',
      `f.txt\n  ${sk}::t_aaaaaaaaaaaaaa 1\n---\n${meta('session_123')}`,
      c,
    );
    b.git(
      'notes',
      '--ref=refs/notes/ai',
      'add',
      '-f',
      '-m',
      `f.txt\n  ${sk}::t_bbbbbbbbbbbbbb 2\n---\n${meta('session_123')}`,
      c,
    );
    a.git('push', '-q', 'origin', 'main'); // up to date: pre-push still pushes a's notes
    b.git('fetch', '-q', 'origin');
    const merged = parseAuthorshipNote(noteOn(b, c) ?? '');
    assert.deepStrictEqual(linesOf(aiLinesByFile(merged).get('f.txt')), [1, 2]);
  });

  it('a push that names a notes ref itself (as Countersign advises) succeeds: pre-push does not race it', async () => {
    // newuser10 N16: pre-push pushed refs/notes/* in a nested push before git pushed the same ref, so
    // `git push origin refs/notes/ai` failed ("cannot lock ref … failed to update ref", exit 1) with the notes there.
    const bare = TempRepo.create({ bare: true });
    const a = TempRepo.create();
    a.git('remote', 'add', 'origin', bare.dir);
    assert.strictEqual(a.cli(['install']).status, 0);
    await aiCommit(a, 'a.txt', 'from a', 'a1');
    assert.strictEqual(a.gitResult(['push', '-q', 'origin', 'main']).status, 0);

    const a2 = await aiCommit(a, 'b.txt', 'more from a', 'a2'); // a note the remote does not have yet
    const notesOnly = a.gitResult(['push', 'origin', 'refs/notes/ai']);
    assert.strictEqual(notesOnly.status, 0, notesOnly.stderr);
    assert.doesNotMatch(notesOnly.stderr, /failed to update ref|cannot lock ref/);
    assert.ok(noteOn(bare, a2));

    const a3 = await aiCommit(a, 'c.txt', 'and more', 'a3');
    const both = a.gitResult(['push', 'origin', 'main', 'refs/notes/ai']);
    assert.strictEqual(both.status, 0, both.stderr);
    assert.strictEqual(bare.git('rev-parse', 'main'), a3);
    assert.ok(noteOn(bare, a3));
  });

  it('uninstall removes exactly the configuration install added', () => {
    const repo = TempRepo.create();
    repo.git('remote', 'add', 'origin', '/nonexistent/remote.git');
    repo.git('config', 'notes.rewriteMode', 'overwrite');
    const before = repo.git('config', '--local', '--list');
    assert.strictEqual(repo.cli(['install']).status, 0);
    const during = repo.git('config', '--local', '--list');
    assert.match(during, /notes\.rewriteref=refs\/notes\/ai/);
    assert.match(during, /remote\.origin\.fetch=\+refs\/notes\/ai\*:refs\/countersign\/remotes\/origin\/ai\*/);
    assert.match(
      during,
      /remote\.origin\.fetch=\+refs\/notes\/countersign\*:refs\/countersign\/remotes\/origin\/countersign\*/,
    );
    assert.strictEqual(repo.git('config', 'notes.rewriteMode'), 'ignore', 'ours is the last value, so git uses it');
    assert.strictEqual(repo.cli(['uninstall']).status, 0);
    assert.strictEqual(repo.git('config', '--local', '--list'), before);
  });
});
