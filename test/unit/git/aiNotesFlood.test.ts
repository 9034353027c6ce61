import * as assert from 'assert';
import { createHash } from 'crypto';
import { MAX_AI_NOTE_BYTES, MAX_PUSH_NOTE_BYTES } from '../../../src/core/noteBounds';
import { MAX_ADDED_NOTES } from '../../../src/git/notesAdditions';
import { noteBlobsOf, type NotesWalkStats } from '../../../src/git/notesLookup';
import { readNotes } from '../../../src/git/notesReader';
import { runFastImport } from '../helpers/fastImport';
import { cloneAs } from '../helpers/approvals';
import { verifyThenPush, withoutGate } from '../helpers/gateAgreement';
import { commitFile, setup, type Setup } from '../helpers/gateServer';
import type { TempRepo } from '../helpers/tempRepo';

/**
 * Junk in refs/notes/ai (outside tester, session 6, F7): notes on made-up object ids, all sharing one readable
 * blob, pass the server's rule (a readable note may sit on an object the server lacks: the pre-push hook sends
 * notes before their commits). The gate listed the whole ref for every judged update, so 200,000 of them
 * slowed every later protected push (6.4 s → 10.5 s for one line). Now each push adds at most MAX_ADDED_NOTES
 * notes (the bound refs/notes/countersign has), the gate reads only the notes tree's paths to the pushed
 * commits, and entries git would read as notes but the server's rule does not (uppercase hex) are refused.
 * Sizes stay small; the figures are in scripts/bench-ai-notes-flood.ts.
 */
const NOTE = (file: string, key: string, ranges: string) =>
  `${file}\n  ${key} ${ranges}\n---\n` +
  JSON.stringify({
    schema_version: 'authorship/3.0.0',
    base_commit_sha: '',
    prompts: {},
    sessions: { s_0123456789abcd: { agent_id: { tool: 'claude', id: 'c', model: 'm' } } },
    humans: { h_0123456789abcd: { author: 'Ada <ada@example.com>' } },
  });
const HUMAN = (file: string) => NOTE(file, 'h_0123456789abcd', '1');
const AI = (file: string) => NOTE(file, 's_0123456789abcd::t_00000000000001', '1');
const fakeOid = (i: number) => createHash('sha1').update(`junk${i}`).digest('hex');

describe('refs/notes/ai flood: bounded per push, read along the pushed commits only (real pushes)', function () {
  this.timeout(120_000);
  let s: Setup;
  let mallory: TempRepo;

  before(() => {
    s = setup();
    mallory = cloneAs(s.server.dir, 'Mallory', 'mallory@example.com');
  });

  /** A notes commit on top of `repo`'s refs/notes/ai with `entries` (`mode type oid\tpath` lines) added at the root. */
  function notesCommitWith(repo: TempRepo, entries: string[]): string {
    const parent = repo.gitResult(['rev-parse', '--verify', '-q', 'refs/notes/ai']).stdout.trim();
    const existing = parent ? repo.git('ls-tree', parent).split('\n').filter(Boolean) : [];
    const tree = repo.gitResult(['mktree', '--missing'], [...existing, ...entries].join('\n') + '\n').stdout.trim();
    return repo.git('commit-tree', tree, ...(parent ? ['-p', parent] : []), '-m', 'notes');
  }
  const blobOf = (repo: TempRepo, text: string) => repo.gitResult(['hash-object', '-w', '--stdin'], text).stdout.trim();
  const junkEntries = (blob: string, from: number, n: number) =>
    Array.from({ length: n }, (_, i) => `100644 blob ${blob}\t${fakeOid(from + i)}`);

  it("refuses an unreadable note hidden at an uppercase path (git reads it as the commit's note); a planted one blocks nobody", () => {
    const h = commitFile(s.ada, 'fix.txt', 'fix\n', 'fix\n\nAI-Provenance: v1 ai=0 human=1 untracked=0');
    assert.strictEqual(s.ada.gitResult(['push', '-q', '--no-verify', 'origin', 'HEAD:refs/heads/fix']).status, 0);
    mallory.git('fetch', '-q', 'origin', 'fix');
    const junk = blobOf(mallory, 'garbage not an authorship log\n');
    const commit = notesCommitWith(mallory, [`100644 blob ${junk}\t${h.toUpperCase()}`]);
    mallory.git('update-ref', 'refs/notes/ai', commit);
    assert.strictEqual(mallory.git('notes', '--ref=refs/notes/ai', 'list', h), junk, 'git takes it as the note on H');
    const grief = mallory.gitResult(['push', '--no-verify', 'origin', 'refs/notes/ai']);
    assert.notStrictEqual(grief.status, 0, 'an entry the server would not judge as a note must not get in');
    assert.match(grief.stderr, /refs\/notes\/ai/);
    assert.match(grief.stderr, /no note/);
    assert.match(grief.stderr, new RegExp(h.slice(0, 12).toUpperCase()));

    // One from before this rule (an administrator's import) is not the gate's view of H either.
    withoutGate(s.server, () => mallory.git('push', '-q', '--no-verify', 'origin', 'refs/notes/ai'));
    const landed = verifyThenPush(s.ada, 'main', ['origin', 'HEAD:main']);
    assert.strictEqual(landed.status, 0, landed.stderr);
  });

  it(`attack: refuses more than ${MAX_PUSH_NOTE_BYTES} bytes of notes in one push, before reading them (I4)`, () => {
    mallory.git('fetch', '-q', 'origin', '+refs/notes/ai:refs/notes/ai');
    const before = s.server.gitResult(['rev-parse', '--verify', '-q', 'refs/notes/ai']).stdout.trim();
    // Readable notes just under the per-note cap, each distinct: a push of a few KB once delta-compressed.
    const n = Math.floor(MAX_PUSH_NOTE_BYTES / MAX_AI_NOTE_BYTES) + 1;
    const pad = 'x'.repeat(MAX_AI_NOTE_BYTES - 1024);
    const entries = Array.from({ length: n }, (_, i) => {
      const text = NOTE('a.txt', 'h_0123456789abcd', '1').replace('"prompts":{}', `"prompts":{"p${i}":"${pad}"}`);
      return `100644 blob ${blobOf(mallory, text)}\t${fakeOid(900_000 + i)}`;
    });
    mallory.git('update-ref', 'refs/notes/ai', notesCommitWith(mallory, entries));
    const r = mallory.gitResult(['push', '--no-verify', 'origin', 'refs/notes/ai']);
    assert.notStrictEqual(r.status, 0, 'an oversized push of notes was read and taken');
    assert.match(r.stderr, /more than the server reads in one push/);
    assert.match(r.stderr, /push them in parts/);
    assert.strictEqual(s.server.gitResult(['rev-parse', '--verify', '-q', 'refs/notes/ai']).stdout.trim(), before);
    if (before) mallory.git('update-ref', 'refs/notes/ai', before);
    else mallory.git('update-ref', '-d', 'refs/notes/ai');
  });

  it(`refuses more than ${MAX_ADDED_NOTES} new notes in one push, and takes notes on objects it lacks within the bound`, () => {
    mallory.git('fetch', '-q', 'origin', '+refs/notes/ai:refs/notes/ai');
    const blob = blobOf(mallory, HUMAN('x.txt'));
    const before = s.server.git('rev-parse', 'refs/notes/ai');
    const flood = notesCommitWith(mallory, junkEntries(blob, 0, MAX_ADDED_NOTES + 1));
    const r = mallory.gitResult(['push', '--no-verify', 'origin', `${flood}:refs/notes/ai`]);
    assert.notStrictEqual(r.status, 0, 'a push may add only so many notes');
    assert.match(
      r.stderr,
      new RegExp(
        `${MAX_ADDED_NOTES + 1} notes in refs/notes/ai, more than the server reads in one push \\(${MAX_ADDED_NOTES}\\); push them in parts`,
      ),
    );
    assert.strictEqual(s.server.git('rev-parse', 'refs/notes/ai'), before);

    // Readable notes on objects the server does not have are what the pre-push hook sends before the commits.
    const part = notesCommitWith(mallory, junkEntries(blob, 0, 3000));
    const ok = mallory.gitResult(['push', '--no-verify', 'origin', `${part}:refs/notes/ai`]);
    assert.strictEqual(ok.status, 0, ok.stderr);
  });

  it('judges a pushed commit by its own note among thousands of junk notes, reading only the paths to it', async () => {
    const { ada, server } = s;
    // Ada's AI commit claims no AI in its trailer; its note (written at a fan-out path) says otherwise.
    ada.git('fetch', '-q', 'origin', '+refs/notes/ai:refs/notes/ai', 'main');
    ada.git('reset', '-q', '--hard', 'origin/main');
    const c = commitFile(ada, 'ai.txt', 'ai\n', 'ai\n\nAI-Provenance: v1 ai=0 human=1 untracked=0');
    const note = blobOf(ada, AI('ai.txt'));
    const sub = ada.gitResult(['mktree'], `100644 blob ${note}\t${c.slice(2)}\n`).stdout.trim();
    ada.git('update-ref', 'refs/notes/ai', notesCommitWith(ada, [`040000 tree ${sub}\t${c.slice(0, 2)}`]));
    assert.strictEqual(ada.git('notes', '--ref=refs/notes/ai', 'list', c), note);
    assert.strictEqual(ada.gitResult(['push', '-q', '--no-verify', 'origin', 'refs/notes/ai']).status, 0);

    const stats: NotesWalkStats = { trees: 0, entries: 0 };
    const tip = server.git('rev-parse', 'refs/notes/ai');
    const found = await noteBlobsOf(server.dir, tip, [c, fakeOid(7)], { stats });
    assert.deepStrictEqual(
      new Map(found),
      new Map([
        [c, note],
        [fakeOid(7), blobOf(ada, HUMAN('x.txt'))],
      ]),
    );
    assert.strictEqual(stats.trees, 2, 'the root and the one fan-out folder on the way to the commit');
    const texts = await readNotes(server.dir, 'refs/notes/ai', [c]);
    assert.match(texts.get(c) ?? '', /s_0123456789abcd::t_00000000000001 1/);

    const r = verifyThenPush(ada, 'main', ['origin', 'HEAD:main']);
    assert.notStrictEqual(r.status, 0, "the commit's own note counts, junk around it or not");
    assert.match(r.stderr, /AI/);
  });

  it('finds the same notes git does in every layout a notes tree takes (flat, fanned out at any depth, mixed)', async () => {
    const repo = s.ada;
    const blob = (i: number) => blobOf(repo, `n${i}\n`);
    const targets = Array.from({ length: 6 }, (_, i) => fakeOid(100 + i));
    const at = (oid: string, depth: number) =>
      [...Array.from({ length: depth }, (_, d) => oid.slice(2 * d, 2 * d + 2)), oid.slice(2 * depth)].join('/');
    // fast-import's `M` builds every folder on the way; depths 0..3 and stray entries git (and we) skip.
    const files = targets.map((t, i) => `M 100644 ${blob(i)} ${at(t, i % 4)}\n`).join('');
    const stray = `M 100644 ${blob(9)} README\nM 120000 ${blob(10)} ${fakeOid(200)}\n`;
    const stream = `commit refs/notes/layouts\ncommitter N <n@example.com> 1700000000 +0000\ndata 1\nn\n${files}${stray}\ndone\n`;
    assert.strictEqual(runFastImport(repo, ['--quiet', '--done'], stream).status, 0);
    const tip = repo.git('rev-parse', 'refs/notes/layouts');
    const asked = [...targets, fakeOid(200), fakeOid(201)];
    const ours = await noteBlobsOf(repo.dir, tip, asked);
    const gits = new Map<string, string>();
    for (const o of asked) {
      const r = repo.gitResult(['notes', '--ref=refs/notes/layouts', 'list', o]);
      if (r.status === 0) gits.set(o, r.stdout.trim());
    }
    assert.strictEqual(ours.size, targets.length);
    assert.deepStrictEqual(new Map([...ours].sort()), new Map([...gits].sort()));
  });
});
