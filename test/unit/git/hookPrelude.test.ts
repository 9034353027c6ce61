import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fc from 'fast-check';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { aiLabel } from '../../../src/core/attribution/labels';
import { runGit } from '../../../src/git/gitRunner';
import { seedPrelude } from '../../../src/git/hookPrelude';
import { survivesStripspace } from '../../../src/git/commitProvenance';
import { openLedger } from '../../../src/git/ledger';
import { TempRepo } from '../helpers/tempRepo';

/**
 * The commit hook's prelude (issue 11): the shim asks prepare-commit-msg's git questions while Node starts and
 * runs the trailers and the note's blob after it, so Node itself starts no process on a plain commit. The
 * parents are git's own account (trace2's cmd_ancestry).
 */
describe('commit hook prelude: git questions answered by the shim', function () {
  this.timeout(180_000);

  it('answers only the very question it was asked, once; NULs in the last answer survive', async () => {
    const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'cs-prelude-')); // not a repository: git itself would fail
    const input = Buffer.concat([
      Buffer.from('a write-tree\n4b825dc642cb6eb9a060e54bf8d69288fbee4904\n\u00000\n'),
      Buffer.from('a var -l\nuser.name=Ada\n\u0000128\n'),
      Buffer.from('z diff --cached abc\n:100644 100644 a b M\0f.txt\0\0diff --git\n\u00000\n'),
    ]);
    assert.strictEqual(seedPrelude(cwd, input), 3);
    assert.strictEqual((await runGit(['write-tree'], { cwd })).stdout, '4b825dc642cb6eb9a060e54bf8d69288fbee4904\n');
    assert.strictEqual((await runGit(['var', '-l'], { cwd, okCodes: [128] })).code, 128);
    assert.strictEqual(
      (await runGit(['diff', '--cached', 'abc'], { cwd })).stdout,
      ':100644 100644 a b M\0f.txt\0\0diff --git\n',
    );
    // Used once: the same question again, or another one, is git's to answer (and fails here).
    await assert.rejects(runGit(['write-tree'], { cwd }), /write-tree/);
    seedPrelude(cwd, Buffer.from('a write-tree\nx\n\u00000\n'));
    await assert.rejects(runGit(['write-tree', '--missing-ok'], { cwd }), /write-tree/);
    await assert.rejects(runGit(['write-tree'], { cwd: os.tmpdir() }), /write-tree/);
  });

  it('a plain commit through the installed hooks starts no git process from Node, with the same trailers and note', async () => {
    const repo = TempRepo.create();
    assert.strictEqual(repo.cli(['install']).status, 0);
    repo.write('base.txt', 'base\n');
    repo.git('add', 'base.txt');
    repo.commit('base');
    const content = 'one\ntwo\nthree\n';
    repo.write('a.txt', content);
    const ledger = await openLedger(repo.dir);
    const label = aiLabel('claude-code', { model: 'claude-sonnet-4-5', session: 's1' });
    await ledger.storeFile('a.txt', content, [label, label, label]);
    // Folded now, as the editor's ledger does between edits (a pending entry for a file HEAD lacks makes the
    // hook read HEAD's side with one cat-file: the ledger's own question, which no prelude can answer).
    await ledger.sync({ wait: true });
    repo.git('add', 'a.txt');

    // git's trace2 names each process's parents (cmd_ancestry, Linux): none of the hook's may be Node.
    const trace = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cs-trace2-')), 'events.json');
    const env = { ...repo.env, GIT_TRACE2_EVENT: trace };
    const c = spawnSync('git', ['commit', '-q', '-m', 'ai'], { cwd: repo.dir, env, encoding: 'utf8' });
    assert.strictEqual(c.status, 0, c.stderr);
    assert.strictEqual(c.stderr, '');
    const events = fs
      .readFileSync(trace, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { event: string; sid: string; ancestry?: string[]; argv?: string[] });
    const argv = new Map(events.filter((e) => e.event === 'start').map((e) => [e.sid, (e.argv ?? []).join(' ')]));
    // The first is this test's own `git commit`.
    const parents = events
      .filter((e) => e.event === 'cmd_ancestry')
      .slice(1)
      .map((e) => `${e.ancestry?.[0] ?? ''}: ${argv.get(e.sid) ?? ''}`);
    assert.ok(parents.filter((p) => p.startsWith('prepare-commit-:')).length >= 5, parents.join('\n'));
    assert.deepStrictEqual(
      parents.filter((p) => /^(node|timeout):/.test(p)),
      [],
      parents.join('\n'),
    );
    // The note goes straight from its file into the notes (`notes add -F`): no `hash-object` on the way.
    assert.deepStrictEqual(
      parents.filter((p) => / hash-object /.test(p)),
      [],
      parents.join('\n'),
    );
    assert.ok(
      parents.some((p) => p.startsWith('post-commit:') && / notes --ref=refs\/notes\/ai add -f -F /.test(p)),
      parents.join('\n'),
    );
    assert.deepStrictEqual(fs.readdirSync(path.join(repo.dir, '.git', 'countersign', 'pending')), []);
    assert.deepStrictEqual(repo.trailers(), [
      'Assisted-by: Claude:claude-sonnet-4-5 claude-code',
      'AI-Provenance: v1 ai=3 human=0 untracked=0',
    ]);
    assert.match(repo.git('notes', '--ref=refs/notes/ai', 'show', 'HEAD'), /^a\.txt\n {2}s_\S+ 1-3\n/);
  });

  it("a note handed to `notes add -F` is one git's whitespace clean-up leaves byte for byte", () => {
    // git's own clean-up (`git stripspace`: strbuf_stripspace, as `notes add -F` runs it) is the judge.
    const stripped = (text: string) => spawnSync('git', ['stripspace'], { input: text, encoding: 'utf8' }).stdout;
    const note = 'a.txt\n  s_0123456789abcd 1-3\n---\n{\n  "schema_version": "authorship/3.0.0",\n  "x": "a  b"\n}\n';
    assert.ok(survivesStripspace(note));
    assert.strictEqual(stripped(note), note);
    for (const bad of ['', 'a', '\na\n', 'a\n\n', 'a\n\n\nb\n', 'a \n', 'a\t\n', 'a\r\n', ' \n', 'a\n \nb\n'])
      assert.ok(!survivesStripspace(bad), JSON.stringify(bad));
    // Lines of a few characters, whitespace among them, joined: many pass the check, many do not.
    const line = fc.string({ unit: fc.constantFrom('a', ' ', '\t', '\r', '\v', '{', '"'), maxLength: 4 });
    let passed = 0;
    fc.assert(
      fc.property(
        fc.array(line, { maxLength: 6 }).map((ls) => ls.join('\n') + '\n'),
        (text) => {
          if (!survivesStripspace(text)) return;
          passed++;
          assert.strictEqual(stripped(text), text, JSON.stringify(text));
        },
      ),
      { numRuns: 300 },
    );
    // About one in twelve passes (300 runs: ~25); fewer than 5 would mean the generator no longer tests the check.
    assert.ok(passed >= 5, `only ${passed} generated notes passed the check`);
  });

  it('the hook entry compiles through a V8 code cache kept beside the CLI copy: written once, used, a corrupt one replaced', () => {
    // Node runs these plain commits (the shim would count them itself: src/git/unobservedCommit.ts).
    const repo = TempRepo.create({ env: { COUNTERSIGN_NODE_HOOK: '1' } });
    assert.strictEqual(repo.cli(['install']).status, 0);
    const cacheDir = path.join(repo.dir, '.git', 'countersign', 'cache');
    const commit = (n: number) => {
      repo.write('a.txt', `line ${n}\n`);
      repo.git('add', 'a.txt');
      const c = spawnSync('git', ['commit', '-q', '-m', `c${n}`], { cwd: repo.dir, env: repo.env, encoding: 'utf8' });
      assert.strictEqual(c.status, 0, c.stderr);
      assert.strictEqual(c.stderr, '');
      assert.deepStrictEqual(repo.trailers(), ['AI-Provenance: v1 ai=0 human=0 untracked=1']);
      assert.match(repo.git('notes', '--ref=refs/notes/ai', 'show', 'HEAD'), /"schema_version": "authorship\/3\.0\.0"/);
    };
    const caches = () => fs.readdirSync(cacheDir).filter((f) => f.endsWith('.v8'));
    commit(1);
    assert.strictEqual(caches().length, 1, 'the first commit writes the cache');
    const file = path.join(cacheDir, caches()[0]);
    assert.match(caches()[0], new RegExp(`^hook-[0-9a-f]{32}-${process.version}-${process.arch}\\.v8$`));
    const written = fs.readFileSync(file);
    const at = fs.statSync(file).mtimeMs;
    // Accepted by V8, so not written again.
    commit(2);
    assert.deepStrictEqual(fs.readFileSync(file), written);
    assert.strictEqual(fs.statSync(file).mtimeMs, at);
    // A cache V8 rejects (here: garbage of the same name) costs a compile and is replaced, never a wrong commit.
    // Writing it removes an older bundle's cache and keeps another Node version's cache of this bundle.
    fs.writeFileSync(file, Buffer.alloc(written.length, 7));
    const key = caches()[0].split('-')[1];
    const otherNode = `hook-${key}-v0.0.0-${process.arch}.v8`;
    const otherBundle = `hook-${'0'.repeat(32)}-${process.version}-${process.arch}.v8`;
    fs.writeFileSync(path.join(cacheDir, otherNode), 'x');
    fs.writeFileSync(path.join(cacheDir, otherBundle), 'x');
    commit(3);
    assert.ok(!fs.readFileSync(file).equals(Buffer.alloc(written.length, 7)));
    assert.deepStrictEqual(caches().sort(), [path.basename(file), otherNode].sort());
  });

  it("the hook's Node starts without NODE_EXTRA_CA_CERTS, gives it back to the processes it starts, and replaces the shim's subshell", () => {
    const repo = TempRepo.create();
    assert.strictEqual(repo.cli(['install']).status, 0);
    repo.write('a.txt', 'one\n');
    repo.git('add', 'a.txt');
    repo.commit('base');
    // A file Node cannot read: a Node that reads it at start-up says so on stderr (the shape of the cost: Node
    // parses the whole file before any code runs, for TLS the hooks never do).
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cs-certs-'));
    const certs = path.join(dir, 'missing-ca.pem');
    // git's trace2 gives each process's parent and, asked, the variable as that process saw it.
    const trace = path.join(dir, 'events.json');
    const env = {
      ...repo.env,
      NODE_EXTRA_CA_CERTS: certs,
      GIT_TRACE2_EVENT: trace,
      GIT_TRACE2_ENV_VARS: 'NODE_EXTRA_CA_CERTS',
    };
    repo.write('a.txt', 'one\ntwo\n');
    repo.git('add', 'a.txt');
    // An amend: its diff against HEAD^ is no prelude answer, so Node starts git itself.
    const c = spawnSync('git', ['commit', '-q', '--amend', '-m', 'amended'], { cwd: repo.dir, env, encoding: 'utf8' });
    assert.strictEqual(c.status, 0, c.stderr);
    assert.strictEqual(c.stderr, '');
    assert.deepStrictEqual(repo.trailers(), ['AI-Provenance: v1 ai=0 human=0 untracked=2']);
    assert.match(repo.git('notes', '--ref=refs/notes/ai', 'show', 'HEAD'), /"schema_version": "authorship\/3\.0\.0"/);
    const events = fs
      .readFileSync(trace, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { event: string; sid: string; ancestry?: string[]; param?: string; value?: string });
    // The hook's Node runs under timeout (the test's own git has mocha's Node for a parent).
    const hookGits = events.filter((e) => e.event === 'cmd_ancestry' && e.ancestry?.[1] === 'timeout');
    const fromNode = new Set(hookGits.filter((e) => e.ancestry?.[0] === 'node').map((e) => e.sid));
    // Node, under timeout, takes the place of the subshell the shim pipes its prelude into (one fork fewer).
    for (const e of hookGits)
      assert.deepStrictEqual(
        e.ancestry?.slice(0, 4),
        ['node', 'timeout', 'prepare-commit-', 'git'],
        e.ancestry?.join(' < '),
      );
    assert.ok(fromNode.size > 0, 'Node started no git process');
    const seen = events.filter(
      (e) => fromNode.has(e.sid) && e.event === 'def_param' && e.param === 'NODE_EXTRA_CA_CERTS',
    );
    assert.deepStrictEqual(
      seen.map((e) => e.value),
      [...fromNode].map(() => certs),
    );
  });
});
