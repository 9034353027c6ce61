import * as assert from 'assert';
import { AttributionEngine } from '../../../src/core/attribution/engine';
import type { Observation } from '../../../src/core/attribution/observations';
import {
  agentDeletionsAtCommit,
  carriedRemovals,
  donorDeletions,
  matchAgentDeletions,
  withAgentDeletions,
} from '../../../src/core/agents/agentDeletionsNote';
import { AUTHORSHIP_SCHEMA } from '../../../src/core/authorshipNote';
import {
  addRemovals,
  applySettlement,
  noteRemoval,
  noteRestored,
  pruneSettled,
  SETTLED_LIMITS,
  removedLineKey,
  removedLines,
  type AgentRemovals,
} from '../../../src/core/ledger/agentRemovals';
import { foldEntries, type FileState } from '../../../src/core/ledger/fold';
import { contextSchema, emptyContext, type QueueEntry } from '../../../src/core/ledger/records';
import { removedLinesIn } from '../../../src/git/commitDiff';

/** attack26 06: what agents' tool calls removed, kept in the ledger's context and matched against a commit. */
describe("agents' removals (attack26 06)", () => {
  const key = (line: string) => removedLineKey(line) as string;

  it('keys removed lines ignoring whitespace, and keeps no blank line', () => {
    const removed = removedLines('a\n  if paid:\n\nb\n', 'a\nb\n');
    assert.deepStrictEqual([...removed], [[key('ifpaid:'), 1]]);
    assert.strictEqual(key('  if  paid:'), key('if paid:'));
    assert.deepStrictEqual([...removedLines('a\n    b\n', 'a\nb\n')], [], 're-indenting removes nothing');
  });

  it('a line brought back is no longer removed, newest removal first; a file that exists again is no tombstone', () => {
    const r: AgentRemovals = {};
    noteRemoval(r, 'f', { agent: 'codex' }, 1, { lines: new Map([[key('x'), 1]]) });
    noteRemoval(r, 'f', { agent: 'claude-code' }, 2, { lines: new Map([[key('x'), 1]]), file: true });
    noteRestored(r, 'f', 'a\n', 'a\nx\n');
    assert.deepStrictEqual(r.f, [{ agent: 'codex', at: 1, lines: { [key('x')]: 1 } }]);
    noteRestored(r, 'f', 'a\nx\n', 'a\nx\n x\n');
    assert.deepStrictEqual(r, {});
  });

  it('matches what a commit removes by content per file, each removal once, and a whole file by its tombstone', () => {
    const r: AgentRemovals = {};
    noteRemoval(r, 'a.py', { agent: 'claude', session: 's' }, 1, { lines: new Map([[key('guard'), 1]]) });
    noteRemoval(r, 'old.py', { agent: 'codex', model: 'gpt-5' }, 2, { file: true });
    const committed = new Map([
      ['a.py', { lines: ['  guard', 'guard', 'human line'], wholeFile: false }],
      ['old.py', { lines: ['x', 'y', 'z'], wholeFile: true }],
      ['b.py', { lines: ['guard'], wholeFile: false }],
    ]);
    assert.deepStrictEqual(matchAgentDeletions(r, committed), [
      { agent: 'claude-code', session: 's', files: [{ path: 'a.py', lines: 1 }] },
      { agent: 'codex', model: 'gpt-5', files: [{ path: 'old.py', lines: 3, file: true }] },
    ]);
    assert.deepStrictEqual(matchAgentDeletions(r, new Map([['old.py', { lines: ['x'], wholeFile: false }]])), []);
  });

  it('a commit settles exactly what it carried (newuser24 F1): matched lines by count, the tombstone, unread', () => {
    const r: AgentRemovals = {};
    noteRemoval(r, 'a.py', { agent: 'claude', session: 's' }, 1, { lines: new Map([[key('guard'), 2]]) });
    noteRemoval(r, 'old.py', { agent: 'codex' }, 2, { lines: new Map([[key('x'), 1]]) });
    noteRemoval(r, 'old.py', { agent: 'claude', session: 's' }, 3, { file: true, lines: new Map([[key('y'), 1]]) });
    noteRemoval(r, 'big.bin', { agent: 'claude', session: 's' }, 4, { unread: true });
    const committed = new Map([
      ['a.py', { lines: ['guard', 'human line'], wholeFile: false }],
      ['old.py', { lines: ['x', 'y'], wholeFile: true }],
    ]);
    const carried = carriedRemovals(r, committed, ['a.py', 'old.py', 'big.bin']);
    assert.deepStrictEqual(carried, {
      'a.py': [{ agent: 'claude', session: 's', at: 1, lines: { [key('guard')]: 1 } }],
      'old.py': [{ agent: 'claude', session: 's', at: 3, file: true, lines: { [key('y')]: 1 } }],
      'big.bin': [{ agent: 'claude', session: 's', at: 4, unread: true }],
    });
    // The fold's settle entry (one from before attack31 F1, naming no commit: settled for good).
    applySettlement({ removals: r }, { at: 5, removals: carried });
    // One of the two guard lines is still gone and not committed; codex's line stays (the file's tombstone was claude's).
    assert.deepStrictEqual(r, {
      'a.py': [{ agent: 'claude', session: 's', at: 1, lines: { [key('guard')]: 1 } }],
      'old.py': [{ agent: 'codex', at: 2, lines: { [key('x')]: 1 } }],
    });
    assert.deepStrictEqual(matchAgentDeletions(r, new Map([['old.py', { lines: ['y'], wholeFile: true }]])), []);
  });

  it("a donor's recorded deletion counts for a commit that carries it again, not one that does not", () => {
    const recorded = [
      { agent: 'claude-code', path: 'old.py', lines: 2, file: true },
      { agent: 'claude-code', path: 'a.py', lines: 3, file: false },
      { agent: 'codex', path: 'big.bin', lines: 0, file: false, unread: true as const },
    ];
    const committed = new Map([
      ['old.py', { lines: ['x', 'y'], wholeFile: true }],
      ['a.py', { lines: ['guard'], wholeFile: false }],
    ]);
    assert.deepStrictEqual(donorDeletions(recorded, committed, new Set(['old.py', 'a.py']), []), [
      {
        agent: 'claude-code',
        files: [
          { path: 'old.py', lines: 2, file: true },
          { path: 'a.py', lines: 1 },
        ],
      },
    ]);
    const lines = new Map([['old.py', { lines: ['x'], wholeFile: false }]]);
    assert.deepStrictEqual(donorDeletions(recorded, lines, new Set(['old.py', 'big.bin']), []), [
      { agent: 'codex', files: [{ path: 'big.bin', lines: 0, unread: true }] },
    ]);
    const credited = [{ agent: 'claude-code', files: [{ path: 'old.py', lines: 2, file: true as const }] }];
    assert.deepStrictEqual(donorDeletions(recorded.slice(0, 1), committed, new Set(['old.py']), credited), []);
  });

  it("writes the deletions into the note's countersign metadata and reads them back, junk left out", () => {
    const note = { files: [], meta: { schema_version: AUTHORSHIP_SCHEMA, countersign: { agent_hooks: {} } } };
    const out = withAgentDeletions(note, [{ agent: 'claude-code', files: [{ path: 'a.py', lines: 2 }] }]);
    assert.deepStrictEqual((out.meta.countersign as { agent_hooks: object }).agent_hooks, {});
    assert.deepStrictEqual(agentDeletionsAtCommit(out.meta), [
      { agent: 'claude-code', path: 'a.py', lines: 2, file: false },
    ]);
    const junk = {
      schema_version: AUTHORSHIP_SCHEMA,
      countersign: { deleted: { s: { agent: 'x\u001b[2J', files: { p: { lines: -1 }, q: { lines: 1 } } } } },
    };
    assert.deepStrictEqual(agentDeletionsAtCommit(junk), [{ agent: 'unknown', path: 'q', lines: 1, file: false }]);
  });

  it('reads the removed lines of a zero-context patch per old path, a deleted file marked', () => {
    const patch = [
      'diff --git a/src/a b.py b/src/a b.py',
      'index 1..2 100644',
      '--- a/src/a b.py\t',
      '+++ b/src/a b.py\t',
      '@@ -2 +1,0 @@',
      '---- not a header',
      'diff --git a/old.py b/old.py',
      'deleted file mode 100644',
      '--- a/old.py',
      '+++ /dev/null',
      '@@ -1,2 +0,0 @@',
      '-x',
      '-y',
      '',
    ].join('\n');
    assert.deepStrictEqual(
      removedLinesIn(patch, new Set(['src/a b.py', 'old.py'])),
      new Map([
        ['src/a b.py', { lines: ['--- not a header'], wholeFile: false }],
        ['old.py', { lines: ['x', 'y'], wholeFile: true }],
      ]),
    );
  });

  describe('in a fold', () => {
    const fold = (entries: QueueEntry[], files = new Map<string, FileState | undefined>(), context = emptyContext()) =>
      foldEntries({
        files,
        baselines: new Map([['f.py', 'a\nguard\nb\n']]),
        context,
        entries,
        now: 10,
        newEngine: (at) => new AttributionEngine({ now: () => at }),
      });
    let n = 0;
    const obs = (observation: Observation, extra = {}): QueueEntry => ({
      v: 1,
      id: `${++n}`,
      at: n,
      kind: 'observation',
      observation,
      ...extra,
    });

    it("records a terminal agent's disk write that deletes a line, not a write nobody is known to have made", () => {
      const byClaude = fold([
        obs({ type: 'terminal', command: 'claude --continue', state: 'start' }),
        obs({ type: 'diskWrite', file: 'f.py', content: 'a\nb\n' }),
      ]);
      assert.deepStrictEqual(Object.keys(byClaude.context.removals?.['f.py']?.[0]?.lines ?? {}), [key('guard')]);
      assert.strictEqual(byClaude.context.removals?.['f.py']?.[0]?.agent, 'claude-code');
      assert.ok(byClaude.files.has('f.py'), 'the file keeps a state, so a line coming back is seen');
      const nobody = fold([obs({ type: 'diskWrite', file: 'f.py', content: 'a\nb\n' })]);
      assert.strictEqual(nobody.context.removals, undefined);
    });

    it('an editor save that brings the line back takes the removal out', () => {
      const first = fold([
        obs({ type: 'agent', phase: 'before', agent: 'codex', files: { 'f.py': 'a\nguard\nb\n' } }),
        obs({ type: 'agent', phase: 'after', agent: 'codex', files: { 'f.py': 'a\nb\n' } }),
      ]);
      assert.ok(first.context.removals?.['f.py']);
      const state = first.files.get('f.py') ?? undefined;
      const restored = fold(
        [
          {
            v: 1,
            id: 'z',
            at: 20,
            kind: 'store',
            path: 'f.py',
            content: 'a\nguard\nb\n',
            labels: [[3, { kind: 'human' }]],
          },
        ],
        new Map([['f.py', state]]),
        first.context,
      );
      assert.strictEqual(restored.context.removals?.['f.py'], undefined);
    });

    it('an older ledger context (no removals, no absent) still loads', () => {
      const old = {
        v: 1,
        calls: { k: { agent: 'codex', startedAt: 1, files: {} } },
        terminals: [],
        inlineAccepts: {},
        saving: {},
      };
      assert.ok(contextSchema.safeParse(old).success);
    });
  });

  it('a settlement is kept with its commit; a re-made commit takes what it carries from the undone one (attack31 F1)', () => {
    const C1 = 'a'.repeat(40);
    const C2 = 'b'.repeat(40);
    const claude = { agent: 'claude', session: 's' };
    const ctx: { removals?: AgentRemovals; settled?: Parameters<typeof pruneSettled>[0] } = {
      removals: {
        'a.py': [{ ...claude, at: 1, lines: { [key('guard')]: 2 } }],
        'old.py': [{ ...claude, at: 1, file: true }],
      },
    };
    const carried: AgentRemovals = {
      'a.py': [{ ...claude, at: 1, lines: { [key('guard')]: 2 } }],
      'old.py': [{ ...claude, at: 1, file: true }],
    };
    applySettlement(ctx, { at: 10, removals: carried, commit: C1 });
    assert.deepStrictEqual(ctx.removals, {});
    assert.deepStrictEqual(ctx.settled, [{ commit: C1, at: 10, removals: carried }]);
    // C1 undone: the hook counted its removals as standing (addRemovals), and the re-made commit carried one line.
    const view: AgentRemovals = {};
    addRemovals(view, ctx.settled?.[0].removals ?? {});
    assert.deepStrictEqual(view, carried);
    const part: AgentRemovals = { 'a.py': [{ ...claude, at: 1, lines: { [key('guard')]: 1 } }] };
    applySettlement(ctx, { at: 20, removals: part, commit: C2, from: [C1] });
    assert.deepStrictEqual(
      ctx.settled?.map((r) => [r.commit, r.removals]),
      [
        [
          C1,
          {
            'a.py': [{ ...claude, at: 1, lines: { [key('guard')]: 1 } }],
            'old.py': [{ ...claude, at: 1, file: true }],
          },
        ],
        [C2, part],
      ],
    );
    // An entry from an older version (no commit) settles for good, as before.
    applySettlement(ctx, { at: 30, removals: { 'old.py': [{ ...claude, at: 1, file: true }] }, from: [C1] });
    assert.deepStrictEqual(ctx.settled?.[0].removals['old.py'], undefined);
    // Bounded: 30 days, the newest 200.
    assert.deepStrictEqual(pruneSettled(ctx.settled ?? [], 20 + SETTLED_LIMITS.ageMs + 1), []);
    const many = Array.from({ length: 250 }, (_, i) => ({ commit: C1, at: i, removals: part }));
    assert.strictEqual(pruneSettled(many, 300)[0].at, 50);
    assert.strictEqual(pruneSettled(many, 300).length, SETTLED_LIMITS.records);
  });

  it('a settle entry with a commit and from passes the queue schema, and the context keeps it (attack31 F1)', () => {
    const C1 = 'c'.repeat(40);
    const entry: QueueEntry = {
      v: 1,
      id: '1-0-1-x',
      at: 5,
      kind: 'settle',
      removals: { 'a.py': [{ agent: 'claude', at: 1, lines: { [key('x')]: 1 } }] },
      commit: C1,
      from: ['d'.repeat(40)],
    };
    const folded = foldEntries({
      entries: [entry],
      context: emptyContext(),
      files: new Map(),
      baselines: new Map(),
      now: 6,
      newEngine: (at) => new AttributionEngine({ now: () => at }),
    });
    assert.strictEqual(folded.context.settled?.[0].commit, C1);
    assert.ok(contextSchema.safeParse(folded.context).success);
  });
});
