import * as assert from 'assert';
import { formatAuthorshipNote, sessionEntryKey, sessionKey, traceKey } from '../../../src/core/authorshipNote';
import { BranchReadAhead } from '../../../src/git/branchReadAhead';
import { MAX_COMMITS } from '../../../src/git/gateInput';
import { verifyRange } from '../../../src/app/verify';
import { repoSnapshot } from '../../../src/app/reviewSnapshot';
import { runFastImport } from '../helpers/fastImport';
import { attach, sign, statementFor } from '../helpers/approvals';
import { makeKey } from '../helpers/reviewerKeys';
import { TempRepo } from '../helpers/tempRepo';

/**
 * The review panel reads its 30 branches at once (BranchReadAhead) instead of asking the gate's questions
 * branch by branch; every branch's judgement must still be exactly the one `verify` gives for a merge of
 * that branch into main. Thirty fetched branches of every shape the read-ahead treats differently: plain
 * chains, main merged into a branch, a merge of two lines of the branch (left to the gate), a branch on top of
 * another, forks from before the policy existed and from before main changed it, a policy change, notes,
 * infrastructure files, deletions, an approval, a rebased approval (patch-ids), a rejection, a stranger's
 * statement. Built with one `git fast-import` into the reviewer's remote-tracking refs.
 */
describe('review panel agrees with verify at 30 branches', function () {
  this.timeout(400_000);
  const bo = makeKey('bo-panel-agreement');
  const eve = makeKey('eve-panel-agreement');
  const repo = TempRepo.create();
  const policy = (tiers: unknown[] = []) =>
    JSON.stringify(
      {
        protectedBranches: ['main'],
        reviewers: [{ name: 'Bo Reviewer', email: 'bo@example.com', key: bo.publicKey }],
        ...(tiers.length ? { tiers } : {}),
      },
      null,
      2,
    ) + '\n';
  const stream: string[] = [];
  let mark = 0;
  let time = 1_700_000_000;
  const data = (text: string) => `data ${Buffer.byteLength(text)}\n${text}\n`;
  /** One commit on `ref` (from `from`, merging `merges`); returns its mark. */
  const commit = (
    ref: string,
    message: string,
    files: Record<string, string | null>,
    from?: string,
    merges: string[] = [],
  ): string => {
    mark++;
    time += 60;
    stream.push(
      `commit ${ref}\nmark :${mark}\nauthor Ada Author <ada@example.com> ${time} +0000\ncommitter Ada Author <ada@example.com> ${time} +0000\n${data(message)}`,
    );
    if (from) stream.push(`from ${from}\n`);
    for (const m of merges) stream.push(`merge ${m}\n`);
    for (const [p, text] of Object.entries(files))
      stream.push(text === null ? `D ${p}\n` : `M 100644 inline ${p}\n${data(text)}`);
    stream.push('\n');
    return `:${mark}`;
  };
  const ai = (n: number) => `AI-Provenance: v1 ai=${n} human=2 untracked=0`;
  const lines = (n: number, tag: string) =>
    Array.from({ length: n }, (_, i) => `export const ${tag}${i} = ${i};`).join('\n') + '\n';
  const notes: Array<[string, string]> = [];
  const note = (file: string, last: number) => {
    const s = sessionKey('claude-code', `conv-${mark}`);
    return formatAuthorshipNote({
      files: [{ path: file, entries: [{ key: sessionEntryKey(s, traceKey(`t${mark}`)), ranges: [[1, last]] }] }],
      meta: {
        schema_version: 'authorship/3.0.0',
        base_commit_sha: '',
        prompts: {},
        sessions: { [s]: { agent_id: { tool: 'claude-code', id: `conv-${mark}`, model: 'claude-sonnet-4-5' } } },
      },
    });
  };
  const M = 'refs/remotes/origin/main';
  const B = (i: number) => `refs/remotes/origin/feature/${i}`;
  let base = '';
  /** In-process git code with the repository's isolated HOME (no one's own git config). */
  async function inEnv<T>(f: () => Promise<T>): Promise<T> {
    const prev = process.env;
    process.env = { ...prev, ...repo.env };
    try {
      return await f();
    } finally {
      process.env = prev;
    }
  }

  before(() => {
    const root = commit(M, 'readme\n\nAI-Provenance: v1 ai=0 human=1 untracked=0', {
      'README.md': 'hello\n',
      'old/a.txt': lines(3, 'a'),
      'old/b.txt': lines(3, 'b'),
    });
    const main1 = commit(
      M,
      'policy\n\nAI-Provenance: v1 ai=0 human=5 untracked=0',
      { '.countersign.json': policy() },
      root,
    );
    const forks: string[] = [];
    // 0-19: chains of one to four commits, forked from main1 now and from main2 later (below).
    const chain = (i: number, from: string) => {
      let at = from;
      for (let c = 0; c <= i % 4; c++) {
        const file = i % 5 === 0 ? `deploy/env${i}.tf` : `src/f${i}.ts`;
        const msg = `change ${i}.${c}\n\n${c % 2 === 0 ? 'Assisted-by: Claude:claude-sonnet-4-5 claude-code\n' : ''}${ai(i % 3 === 0 ? 0 : c + 1)}`;
        at = commit(
          B(i),
          msg,
          { [file]: lines(c + 2, `v${i}x`), ...(i === 7 && c === 0 ? { 'old/a.txt': null, 'old/b.txt': null } : {}) },
          at,
        );
        if (i % 4 === 1) notes.push([at, note(file, c + 1)]);
      }
      return at;
    };
    for (let i = 0; i < 10; i++) forks.push(chain(i, main1));
    // main moves on and changes its policy: the branches above now fork from an older policy.
    const main2 = commit(
      M,
      'tiers\n\nAI-Provenance: v1 ai=0 human=9 untracked=0',
      { '.countersign.json': policy([{ name: 'infra', paths: ['deploy/'], approvals: 1 }]) },
      main1,
    );
    for (let i = 10; i < 20; i++) forks.push(chain(i, main2));
    // 20: main merged into a branch (one parent of the merge is main's: still a chain of the branch).
    const f20 = commit(B(20), `work 20\n\n${ai(2)}`, { 'src/m20.ts': lines(4, 'm') }, main1);
    commit(
      B(20),
      `Merge main into feature/20\n\n${ai(0)}`,
      { '.countersign.json': policy([{ name: 'infra', paths: ['deploy/'], approvals: 1 }]) },
      f20,
      [main2],
    );
    // 21: two lines of the branch merged (the gate reads it itself).
    const a21 = commit(B(21), `left 21\n\n${ai(1)}`, { 'src/l21.ts': lines(2, 'l') }, main2);
    const b21 = commit('refs/heads/side21', `right 21\n\n${ai(1)}`, { 'src/r21.ts': lines(2, 'r') }, main2);
    commit(B(21), `Merge right into left\n\n${ai(0)}`, {}, a21, [b21]);
    // 22: on top of feature/5.
    commit(B(22), `on five\n\n${ai(3)}`, { 'src/f22.ts': lines(3, 'x') }, forks[5]);
    // 23: changes the policy (drops the tier).
    commit(B(23), `loosen policy\n\n${ai(0)}`, { '.countersign.json': policy() }, main2);
    // 24, 25, 26, 28: judged with statements below; 25 is the rebase of an approved commit on main1.
    commit(B(24), `approved 24\n\n${ai(4)}`, { 'src/f24.ts': lines(4, 'y') }, main2);
    commit('refs/heads/before-rebase', `rebased 25\n\n${ai(2)}`, { 'src/f25.ts': lines(2, 'z') }, main1);
    commit(B(25), `rebased 25\n\n${ai(2)}`, { 'src/f25.ts': lines(2, 'z') }, main2);
    commit(B(26), `rejected 26\n\n${ai(2)}`, { 'src/f26.ts': lines(2, 'w') }, main2);
    // 27: forked before there was a policy at all.
    commit(B(27), `ancient 27\n\n${ai(1)}`, { 'src/f27.ts': lines(2, 'q') }, root);
    commit(B(28), `stranger 28\n\n${ai(2)}`, { 'src/f28.ts': lines(2, 's') }, main2);
    const f29 = commit(B(29), `noted 29\n\n${ai(0)}`, { 'src/f29.ts': lines(5, 'n') }, main2);
    notes.push([f29, note('src/f29.ts', 5)]);
    stream.push(`commit refs/notes/ai\ncommitter Notes <notes@example.com> ${time} +0000\n${data('notes')}`);
    for (const [m, text] of notes) stream.push(`N inline ${m}\n${data(text)}`);
    stream.push('\n');
    const r = runFastImport(repo, ['--quiet', '--done'], stream.join('') + 'done\n');
    assert.strictEqual(r.status, 0, r.stderr);
    repo.git('remote', 'add', 'origin', repo.dir + '/../nowhere.git');
    repo.git('symbolic-ref', 'refs/remotes/origin/HEAD', M);
    repo.git('update-ref', 'refs/heads/main', M);
    repo.git('reset', '-q', '--hard', 'main');
    repo.git('config', 'user.email', 'bo@example.com');
    base = repo.git('rev-parse', M);
    const env = { ...repo.env, GIT_CONFIG_NOSYSTEM: '1' };
    const record = (
      key: typeof bo,
      email: string,
      tip: string,
      from: string,
      decision: 'approve' | 'reject' = 'approve',
    ) => attach(repo.dir, sign(key, statementFor(repo.dir, { email, tip, base: from, decision })), undefined, env);
    record(bo, 'bo@example.com', repo.git('rev-parse', B(24)), base);
    record(bo, 'bo@example.com', repo.git('rev-parse', 'refs/heads/before-rebase'), repo.git('rev-parse', `${M}~1`));
    record(bo, 'bo@example.com', repo.git('rev-parse', B(26)), base, 'reject');
    record(eve, 'eve@example.com', repo.git('rev-parse', B(28)), base);
  });

  it('judges every branch exactly as verify does', async () => {
    const snapshot = await inEnv(() => repoSnapshot(repo.dir, { maxBranches: 30 }));
    assert.deepStrictEqual(snapshot.errors, []);
    assert.strictEqual(snapshot.branches.length, 30, snapshot.branches.map((b) => b.branch).join(' '));
    // Each branch verified on its own, as `verify --branch main --head TIP --no-fetch` does (a few at a time).
    const alone = await inEnv(async () => {
      const out = [];
      for (let i = 0; i < snapshot.branches.length; i += 6) {
        out.push(
          ...(await Promise.all(
            snapshot.branches
              .slice(i, i + 6)
              .map((b) => verifyRange(repo.dir, { remote: 'origin', branch: 'main', head: b.head, fetch: false })),
          )),
        );
      }
      return out;
    });
    snapshot.branches.forEach((b, i) => {
      assert.deepStrictEqual(b.input, alone[i].input, `${b.branch}: the gate's input differs`);
      assert.deepStrictEqual(b.result, alone[i].result, `${b.branch}: the verdict differs`);
    });
    const verdict = (n: number) => snapshot.branches.find((b) => b.branch === `feature/${n}`)?.result;
    // The fixture means what it says: the approvals count, the rest waits.
    assert.strictEqual(verdict(24)?.ok, true, 'approved by Bo');
    assert.strictEqual(verdict(25)?.ok, true, 'the approval carried over by patch-id');
    assert.strictEqual(verdict(26)?.ok, false, 'rejected');
    assert.strictEqual(verdict(28)?.ok, false, 'a stranger approves nothing');
  });

  it('reads every chain ahead and leaves a merge of two lines of the branch to the gate', async () => {
    const heads = Array.from({ length: 30 }, (_, i) => repo.git('rev-parse', B(i)));
    const ahead = await inEnv(() => BranchReadAhead.read(repo.dir, heads, base, MAX_COMMITS));
    const unread = heads
      .map((h, i) => (ahead.range(h, [base])?.commits ? undefined : i))
      .filter((i) => i !== undefined);
    assert.deepStrictEqual(unread, [21]);
    assert.strictEqual(
      ahead.range(heads[22], [base])?.count,
      3,
      "feature/22 brings feature/5's two commits and its own",
    );
    assert.strictEqual(ahead.policyEntry(heads[27]), undefined, 'no policy before there was one: the gate asks git');
    assert.strictEqual(ahead.range(heads[0], ['another-base']), undefined);
  });

  it('a later refresh reuses what it read only while the refs it read are the same', async () => {
    const snapshot = () => inEnv(() => repoSnapshot(repo.dir, { maxBranches: 30 }));
    const input = (s: Awaited<ReturnType<typeof snapshot>>, n: number) =>
      s.branches.find((b) => b.branch === `feature/${n}`)?.input;
    const agrees = async (s: Awaited<ReturnType<typeof snapshot>>, n: number) => {
      const head = repo.git('rev-parse', B(n));
      const alone = await inEnv(() => verifyRange(repo.dir, { remote: 'origin', branch: 'main', head, fetch: false }));
      assert.deepStrictEqual(input(s, n), alone.input, `feature/${n}: the gate's input differs from verify's`);
    };
    const before = await snapshot();
    // Only refs/notes/ai moves (a note on feature/0's commit): every head is the same, the notes are not.
    repo.git('notes', '--ref=refs/notes/ai', 'add', '-m', note('deploy/env0.tf', 2), repo.git('rev-parse', B(0)));
    const noted = await snapshot();
    assert.notDeepStrictEqual(input(noted, 0), input(before, 0), "feature/0's new note is read");
    await agrees(noted, 0);
    // Then a branch moves (feature/3 onto feature/4's commits).
    repo.git('update-ref', B(3), repo.git('rev-parse', B(4)));
    const moved = await snapshot();
    assert.strictEqual(moved.branches.find((b) => b.branch === 'feature/3')?.head, repo.git('rev-parse', B(4)));
    await agrees(moved, 3);
  });
});
