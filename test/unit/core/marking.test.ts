import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { aiLabel, HUMAN, UNOBSERVED, UNTRACKED, type LineLabel } from '../../../src/core/attribution/labels';
import { mergeLedgerLabels, sameLabels } from '../../../src/core/editor/labelMerge';
import { AGENT_CLASSES, agentClassOf, colourId } from '../../../src/core/marking/agentClass';
import { aiPercent, countLabels, shareSummary } from '../../../src/core/marking/aiShare';
import { commandLink, escapeMarkdown, hoverMarkdown, relativeTime } from '../../../src/core/marking/hoverText';
import { decorationRuns, sameWriterBlock } from '../../../src/core/marking/labelRuns';
import { uncommittedLines } from '../../../src/core/marking/uncommittedLines';

/** The checkout root, wherever the build put this file (dist/ or .out/NAME/). */
function checkoutRoot(): string {
  let d = __dirname;
  while (!fs.existsSync(path.join(d, 'package.json'))) {
    const up = path.dirname(d);
    if (up === d) throw new Error(`no package.json above ${__dirname}`);
    d = up;
  }
  return d;
}
const root = checkoutRoot();
const commands = { markHuman: 'countersign.markHuman', markAi: 'countersign.markAi' };

describe('marking: agent classes and colours', () => {
  it('groups canonical agents by vendor and never gives an unknown tool a vendor colour', () => {
    assert.strictEqual(agentClassOf('claude-code'), 'claude');
    assert.strictEqual(agentClassOf('copilot-cli'), 'copilot');
    assert.strictEqual(agentClassOf('copilot'), 'copilot');
    assert.strictEqual(agentClassOf('gemini-cli'), 'gemini');
    assert.strictEqual(agentClassOf('inline-completion'), 'inline');
    assert.strictEqual(agentClassOf('unknown'), 'unknown');
    assert.strictEqual(agentClassOf('aider'), 'other');
    assert.strictEqual(agentClassOf('toString'), 'other', 'prototype names are not agents');
  });

  it('package.json contributes both colours of every class, with light, dark and high-contrast defaults, and a gutter icon per class', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as {
      contributes: { colors?: Array<{ id: string; defaults: Record<string, string> }> };
    };
    const colours = new Map((pkg.contributes.colors ?? []).map((c) => [c.id, c.defaults]));
    for (const cls of AGENT_CLASSES) {
      for (const role of ['Background', 'Ruler'] as const) {
        const defaults = colours.get(colourId(cls, role));
        assert.ok(defaults, `${colourId(cls, role)} missing from contributes.colors`);
        for (const theme of ['light', 'dark', 'highContrast', 'highContrastLight'])
          assert.ok(defaults[theme], `${colourId(cls, role)} has no ${theme} default`);
      }
      for (const variant of ['light', 'dark']) {
        assert.ok(
          fs.existsSync(path.join(root, 'media', 'gutter', `${cls}-${variant}.svg`)),
          `media/gutter/${cls}-${variant}.svg missing`,
        );
      }
    }
  });
});

describe('marking: decoration runs and blocks', () => {
  const claude = aiLabel('claude-code', { session: 's1' });
  const codex = aiLabel('codex');
  it('turns labels into one run per contiguous block of a class', () => {
    const labels: LineLabel[] = [UNTRACKED, claude, claude, HUMAN, codex, codex, claude];
    const runs = decorationRuns(labels);
    assert.deepStrictEqual(runs.get('claude'), [
      [1, 2],
      [6, 6],
    ]);
    assert.deepStrictEqual(runs.get('codex'), [[4, 5]]);
    assert.strictEqual(runs.get('inline'), undefined);
  });
  it('finds the block of lines by the same writer around a line', () => {
    const other = aiLabel('claude-code', { session: 's2' });
    const labels: LineLabel[] = [HUMAN, claude, claude, other, claude];
    assert.deepStrictEqual(sameWriterBlock(labels, 2), [1, 2]);
    assert.deepStrictEqual(sameWriterBlock(labels, 3), [3, 3]);
  });
});

describe('marking: hover text', () => {
  const now = Date.parse('2025-11-21T12:00:00Z');
  it('names agent, model, session and when, with a "Mark as human-written" link for the block', () => {
    const md = hoverMarkdown(
      aiLabel('claude-code', { model: 'claude-sonnet-4-5', session: 'abc', at: now - 5 * 60_000 }),
      { uri: 'file:///r/a.ts', startLine: 3, endLine: 9 },
      commands,
      now,
    );
    assert.ok(md);
    assert.match(md, /AI-written\*\* by Claude Code/);
    assert.match(md, /model `claude-sonnet-4-5` · session `abc` · 5 minutes ago/);
    assert.match(md, /lines 4–10/);
    const link = /\(command:countersign\.markHuman\?([^ )]+)/.exec(md);
    assert.ok(link, md);
    assert.deepStrictEqual(JSON.parse(decodeURIComponent(link[1])), [
      { uri: 'file:///r/a.ts', startLine: 3, endLine: 9 },
    ]);
  });
  it('says when attribution is a low-confidence guess', () => {
    const md =
      hoverMarkdown(aiLabel('unknown', { confidence: 'low' }), { uri: 'u', startLine: 0, endLine: 0 }, commands, now) ??
      '';
    assert.match(md, /Low confidence/);
    assert.match(md, /line 1\b/);
  });
  it('offers "Mark as AI-written" on a human-edited AI line and no hover on plain human or untracked lines', () => {
    const md =
      hoverMarkdown(
        { kind: 'human', wasAi: { agent: 'codex', model: 'gpt-5' } },
        { uri: 'u', startLine: 0, endLine: 1 },
        commands,
        now,
      ) ?? '';
    assert.match(md, /first written by Codex/);
    assert.match(md, /command:countersign\.markAi\?/);
    assert.strictEqual(hoverMarkdown(HUMAN, { uri: 'u', startLine: 0, endLine: 0 }, commands, now), undefined);
    assert.strictEqual(hoverMarkdown(UNTRACKED, { uri: 'u', startLine: 0, endLine: 0 }, commands, now), undefined);
  });
  it('escapes names from payloads so they cannot add links or formatting', () => {
    const md = hoverMarkdown(aiLabel('[x](command:evil)'), { uri: 'u', startLine: 0, endLine: 0 }, commands, now) ?? '';
    assert.ok(!md.includes('[x](command:evil)'), md);
    assert.strictEqual(escapeMarkdown('a*b_c'), 'a\\*b\\_c');
    assert.strictEqual(commandLink('Go', 'c.id', { a: 1 }), `[Go](command:c.id?${encodeURIComponent('[{"a":1}]')})`);
  });
  it('says when in words', () => {
    assert.strictEqual(relativeTime(now - 10_000, now), 'just now');
    assert.strictEqual(relativeTime(now - 60_000, now), '1 minute ago');
    assert.strictEqual(relativeTime(now - 3 * 3600_000, now), '3 hours ago');
    assert.strictEqual(relativeTime(now - 3 * 86400_000, now), 'on 2025-11-18');
  });
});

describe('marking: AI share for the status bar', () => {
  it('leaves untracked lines out of the share and lists agents by lines', () => {
    const labels: LineLabel[] = [
      aiLabel('claude-code'),
      aiLabel('claude-code'),
      aiLabel('codex'),
      HUMAN,
      { kind: 'human', wasAi: { agent: 'codex' } },
      UNTRACKED,
      UNOBSERVED,
    ];
    const c = countLabels(labels);
    assert.deepStrictEqual(c, {
      ai: 3,
      aiModified: 1,
      human: 2,
      untracked: 2,
      unobserved: 1,
      byAgent: { 'claude-code': 2, codex: 1 },
    });
    assert.strictEqual(aiPercent(c), 60);
    const s = shareSummary({ name: 'a.ts', counts: c }, undefined);
    assert.strictEqual(s.text, 'AI 60%');
    assert.match(s.tooltip, /a\.ts: 60% AI/);
    assert.match(s.tooltip, /Claude Code: 2 lines\n {2}Codex: 1 line/);
    // Why the untracked lines are untracked, and agents' hooks that were removed.
    assert.match(
      s.tooltip,
      /1 untracked line changed with no writer Countersign saw \(typed outside VS Code, a tool or agent without hooks, or git itself: checkout, merge, pull\)\n {2}1 untracked line never seen being written/,
    );
    const warned = shareSummary({ name: 'a.ts', counts: c }, undefined, [
      "Claude Code's Countersign hooks were removed",
    ]);
    assert.match(warned.tooltip, /⚠ Claude Code's Countersign hooks were removed$/);
  });
  it('shows a dash, not 0%, when nobody wrote anything yet', () => {
    assert.strictEqual(shareSummary({ name: 'a', counts: countLabels([UNTRACKED]) }, undefined).text, 'AI –');
  });
  it('counts only the lines a filter accepts (the uncommitted ones)', () => {
    const c = countLabels([aiLabel('codex'), HUMAN, aiLabel('codex')], undefined, (i) => i !== 0);
    assert.strictEqual(c.ai, 1);
    assert.strictEqual(c.human, 1);
  });
});

describe("editor: merging the ledger's labels", () => {
  it('fills untracked lines and enriches AI lines from the ledger, but keeps what the editor saw typed', () => {
    const ours: LineLabel[] = [UNTRACKED, aiLabel('claude-code'), HUMAN, aiLabel('unknown', { confidence: 'low' })];
    const ledger: LineLabel[] = [
      aiLabel('codex'),
      aiLabel('claude-code', { model: 'opus', session: 's' }),
      aiLabel('codex'),
      aiLabel('cursor'),
    ];
    assert.deepStrictEqual(mergeLedgerLabels(ours, ledger), [
      aiLabel('codex'),
      aiLabel('claude-code', { model: 'opus', session: 's' }),
      HUMAN,
      aiLabel('cursor'),
    ]);
  });
  it('ignores the ledger when it describes different content', () => {
    assert.deepStrictEqual(mergeLedgerLabels([HUMAN], [aiLabel('codex'), HUMAN]), [HUMAN]);
    assert.ok(sameLabels([HUMAN], [{ kind: 'human' }]));
    assert.ok(!sameLabels([HUMAN], [UNTRACKED]));
  });
});

describe('marking: uncommitted lines', () => {
  it('are the lines added or changed since HEAD, or all lines of a file HEAD lacks', () => {
    assert.deepStrictEqual([...uncommittedLines('a\nb\nc\n', 'a\nB\nc\nd\n')].sort(), [1, 3]);
    assert.deepStrictEqual([...uncommittedLines(undefined, 'x\ny')].sort(), [0, 1]);
    assert.deepStrictEqual([...uncommittedLines('same\n', 'same\n')], []);
  });
});
