import * as assert from 'assert';
import { aiLabel, HUMAN, UNTRACKED } from '../../../src/core/attribution/labels';
import { formatAuthorshipNote, humanKey, parseAuthorshipNote, sessionKey } from '../../../src/core/authorshipNote';
import {
  alignOwners,
  buildCommitAttribution,
  mapLabelsOnto,
  type LineEvidence,
} from '../../../src/core/commitAttribution';

const CLAUDE = aiLabel('claude-code', { model: 'claude-sonnet-4-5', session: 'c1' });

describe('commit attribution (pure parts)', () => {
  it('maps working-tree labels onto a staged version: equal lines keep theirs, the rest are untracked', () => {
    const mapped = mapLabelsOnto(['a', 'b', 'c', 'd'], [HUMAN, CLAUDE, CLAUDE, HUMAN], ['a', 'x', 'c', 'd', 'e']);
    assert.deepStrictEqual(mapped, [HUMAN, undefined, CLAUDE, HUMAN, undefined]);
  });

  it("aligns a donor's attested lines onto shifted content", () => {
    const owners = new Map([
      [2, 'k1'],
      [3, 'k2'],
    ]);
    assert.deepStrictEqual(
      [...alignOwners(['a', 'ai1', 'ai2', 'z'], owners, ['new', 'new', 'a', 'ai1', 'ai2 edited', 'z'])],
      [[4, 'k1']],
    );
  });

  it('counts only added lines and writes a note whose ranges are the committed line numbers', () => {
    const sources = new Map<number, LineEvidence>([
      [1, { kind: 'label', label: CLAUDE }],
      [2, { kind: 'label', label: HUMAN }],
      [3, { kind: 'label', label: UNTRACKED }],
      [5, { kind: 'label', label: CLAUDE }],
    ]);
    const r = buildCommitAttribution([{ path: 'a b.ts', added: [1, 2, 3, 4, 5], sources }], {
      defaultHuman: 'Ada <a@x>',
      baseCommit: 'abc',
    });
    assert.deepStrictEqual(r.counts, { ai: 2, human: 1, untracked: 2 });
    assert.deepStrictEqual(r.assistedBy, ['Claude:claude-sonnet-4-5 claude-code']);
    const back = parseAuthorshipNote(formatAuthorshipNote(r.note));
    assert.strictEqual(back.files[0].path, 'a b.ts');
    const [ai, human] = back.files[0].entries;
    assert.ok(ai.key.startsWith(`${sessionKey('claude-code', 'c1')}::t_`), ai.key);
    assert.deepStrictEqual(ai.ranges, [
      [1, 1],
      [5, 5],
    ]);
    assert.deepStrictEqual(human, { key: humanKey('Ada <a@x>'), ranges: [[2, 2]] });
    assert.strictEqual(back.meta.base_commit_sha, 'abc');
  });

  it('writes only canonical agent names into the trailer and the note, whatever name a ledger label carries (newuser14 S27)', () => {
    const sources = new Map<number, LineEvidence>([
      [1, { kind: 'label', label: aiLabel('Claude', { session: 's' }) }],
      [2, { kind: 'label', label: aiLabel('bad name!', { session: 't' }) }],
    ]);
    const r = buildCommitAttribution([{ path: 'e.py', added: [1, 2], sources }]);
    assert.deepStrictEqual([...r.assistedBy].sort(), ['Claude:unknown claude-code', 'Unknown:unknown']);
    const tools = Object.values(r.note.meta.sessions ?? {}).map((s) => s.agent_id.tool);
    assert.deepStrictEqual(tools.sort(), ['claude-code', 'unknown']);
  });

  it('gives a second model of one session its own session record (one model per record)', () => {
    const other = aiLabel('claude-code', { model: 'claude-opus-4-1', session: 'c1' });
    const r = buildCommitAttribution([
      {
        path: 'f',
        added: [1, 2],
        sources: new Map<number, LineEvidence>([
          [1, { kind: 'label', label: CLAUDE }],
          [2, { kind: 'label', label: other }],
        ]),
      },
    ]);
    assert.deepStrictEqual(
      Object.values(r.note.meta.sessions ?? {})
        .map((s) => s.agent_id.model)
        .sort(),
      ['claude-opus-4-1', 'claude-sonnet-4-5'],
    );
    assert.deepStrictEqual(r.assistedBy.sort(), [
      'Claude:claude-opus-4-1 claude-code',
      'Claude:claude-sonnet-4-5 claude-code',
    ]);
  });

  it("carries a donor note's key and record, counting h_ keys as human", () => {
    const donor = parseAuthorshipNote(
      `f\n  h_aaaaaaaaaaaaaa 1\n  c9883b05a2487d6d 2\n---\n{"schema_version":"authorship/3.0.0","prompts":{"c9883b05a2487d6d":{"agent_id":{"tool":"claude","id":"x","model":"m"}}},"humans":{"h_aaaaaaaaaaaaaa":{"author":"B <b@x>"}}}`,
    );
    const r = buildCommitAttribution([
      {
        path: 'f',
        added: [1, 2, 3],
        sources: new Map<number, LineEvidence>([
          [1, { kind: 'note', key: 'h_aaaaaaaaaaaaaa', note: donor }],
          [2, { kind: 'note', key: 'c9883b05a2487d6d', note: donor }],
        ]),
      },
    ]);
    assert.deepStrictEqual(r.counts, { ai: 1, human: 1, untracked: 1 });
    assert.deepStrictEqual(r.assistedBy, ['Claude:m claude-code'], 'git-ai\'s tool "claude" is canonical claude-code');
    assert.ok(r.note.meta.prompts?.['c9883b05a2487d6d']);
    assert.strictEqual(r.note.meta.humans?.h_aaaaaaaaaaaaaa?.author, 'B <b@x>');
  });

  it("gives every session it writes a human_author: the committer, null when unknown; a donor's is kept (newuser15 #10)", () => {
    const other = aiLabel('codex', { session: 'c2' });
    const sk = sessionKey('claude-code', 'c1');
    const older = parseAuthorshipNote(
      `f\n  ${sessionKey('aider', 'a')}::t_00000000000000 3\n  ${sessionKey('cursor', 'b')}::t_00000000000000 4\n---\n` +
        JSON.stringify({
          schema_version: 'authorship/3.0.0',
          sessions: {
            [sessionKey('aider', 'a')]: { agent_id: { tool: 'aider', id: 'a' } },
            [sessionKey('cursor', 'b')]: { agent_id: { tool: 'cursor', id: 'b' }, human_author: 'Bo <bo@x>' },
          },
        }),
    );
    const files = [
      {
        path: 'f',
        added: [1, 2, 3, 4],
        sources: new Map<number, LineEvidence>([
          [1, { kind: 'label', label: CLAUDE }],
          [2, { kind: 'label', label: other }],
          [3, { kind: 'note', key: older.files[0].entries[0].key, note: older }],
          [4, { kind: 'note', key: older.files[0].entries[1].key, note: older }],
        ]),
      },
    ];
    const back = (defaultHuman?: string) =>
      parseAuthorshipNote(
        formatAuthorshipNote(buildCommitAttribution(files, defaultHuman ? { defaultHuman } : {}).note),
      ).meta.sessions ?? {};
    const withCommitter = back('Ada <a@x>');
    assert.strictEqual(withCommitter[sk]?.human_author, 'Ada <a@x>');
    assert.strictEqual(withCommitter[sessionKey('codex', 'c2')]?.human_author, 'Ada <a@x>');
    assert.strictEqual(withCommitter[sessionKey('aider', 'a')]?.human_author, null, 'an older record: unknown');
    assert.strictEqual(withCommitter[sessionKey('cursor', 'b')]?.human_author, 'Bo <bo@x>', 'who ran it then');
    assert.strictEqual(back()[sk]?.human_author, null, 'no committer identity: null, as git-ai writes it');
    assert.ok(Object.values(back()).every((r) => 'human_author' in r));
  });
  it('attests 200,000 lines of one agent in one file (newuser20 F15: the stack overflowed past ~130,000)', () => {
    const n = 200_000;
    const label: LineEvidence = { kind: 'label', label: { kind: 'ai', agent: 'claude-code', session: 's1' } };
    const added = Array.from({ length: n }, (_, i) => i + 1);
    const sources = new Map(added.map((l) => [l, label]));
    const r = buildCommitAttribution([{ path: 'big.txt', added, sources }]);
    assert.strictEqual(r.counts.ai, n);
    assert.deepStrictEqual(
      r.note.files[0].entries.map((e) => e.ranges),
      [[[1, n]]],
    );
  });
});
