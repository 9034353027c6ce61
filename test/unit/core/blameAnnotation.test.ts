import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as pkg from '../../../package.json';
import {
  annotationText,
  blameAgentName,
  blameHoverMarkdown,
  personName,
} from '../../../src/core/blame/blameAnnotation';
import { BlameCache, blameCacheKey } from '../../../src/core/blame/blameCache';
import type { BlameCommitSummary, ProvenanceBlameLine } from '../../../src/core/blame/lineProvenance';
import { relativeAge } from '../../../src/core/blame/relativeAge';
import { Colors, Commands, Settings } from '../../../src/extension/ids';
import { TempRepo } from '../helpers/tempRepo';

const SHA = 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678';
const NOW = Date.UTC(2025, 10, 24, 12, 0, 0);
const DAY = 86_400;

function commit(over: Partial<BlameCommitSummary> = {}): BlameCommitSummary {
  return {
    sha: SHA,
    author: 'Ada Author',
    authorEmail: 'ada@example.com',
    authorTime: NOW / 1000 - 3 * DAY,
    summary: 'Add password login',
    hasNote: true,
    attested: true,
    agents: [],
    ...over,
  };
}

function line(over: Partial<ProvenanceBlameLine> = {}): ProvenanceBlameLine {
  return {
    line: 4,
    commit: SHA,
    author: 'Ada Author',
    authorEmail: 'ada@example.com',
    kind: 'untracked',
    origPath: 'src/login.ts',
    origLine: 2,
    content: 'x',
    ...over,
  };
}

describe('AI blame: relative age (git --date=relative thresholds)', () => {
  const ago = (seconds: number) => relativeAge(NOW - seconds * 1000, NOW);
  it('reads like git log --date=relative', () => {
    assert.strictEqual(ago(0), 'just now');
    assert.strictEqual(ago(89), 'just now');
    assert.strictEqual(ago(90), '2 minutes ago');
    assert.strictEqual(ago(60 * 60), '60 minutes ago');
    assert.strictEqual(ago(89 * 60 + 29), '89 minutes ago');
    assert.strictEqual(ago(90 * 60), '2 hours ago');
    assert.strictEqual(ago(35 * 3600), '35 hours ago');
    assert.strictEqual(ago(36 * 3600), '2 days ago');
    assert.strictEqual(ago(3 * DAY), '3 days ago');
    assert.strictEqual(ago(13 * DAY), '13 days ago');
    assert.strictEqual(ago(14 * DAY), '2 weeks ago');
    assert.strictEqual(ago(69 * DAY), '10 weeks ago');
    assert.strictEqual(ago(70 * DAY), '2 months ago');
    assert.strictEqual(ago(364 * DAY), '12 months ago');
    assert.strictEqual(ago(365 * DAY), '1 year ago');
    assert.strictEqual(ago(400 * DAY), '1 year, 1 month ago');
    assert.strictEqual(ago(800 * DAY), '2 years, 2 months ago');
    assert.strictEqual(ago(2000 * DAY), '5 years ago');
    assert.strictEqual(ago(-120), 'in the future');
  });

  it('agrees with `git log --date=relative` on the same instants', () => {
    const repo = TempRepo.create();
    const now = Math.floor(Date.now() / 1000);
    // Ages well inside each bucket, so the second that passes while git runs cannot change the wording.
    for (const age of [
      5 * 60 + 10,
      26 * 3600 + 100,
      5 * DAY + 100,
      45 * DAY + 100,
      200 * DAY + 100,
      800 * DAY + 100,
      3000 * DAY,
    ]) {
      const at = now - age;
      const r = spawnSync('git', ['commit', '-q', '--allow-empty', '-m', `${age}`], {
        cwd: repo.dir,
        env: { ...repo.env, GIT_AUTHOR_DATE: `@${at} +0000` },
        encoding: 'utf8',
      });
      assert.strictEqual(r.status, 0, String(r.stderr));
      const gits = repo.git('log', '-1', '--date=relative', '--format=%ad').trim();
      assert.strictEqual(relativeAge(at * 1000, Date.now()), gits, `age ${age} s`);
    }
  });
});

describe('AI blame: the annotation', () => {
  it('names the agent, model, commit and age of an AI-attested line', () => {
    const text = annotationText(
      line({
        kind: 'ai',
        agent: 'claude-code',
        tool: 'claude',
        model: 'claude-sonnet-4-5',
        session: 's_0123456789abcd',
      }),
      commit(),
      NOW,
    );
    assert.strictEqual(text, 'Claude Code · claude-sonnet-4-5 · a1b2c3d · 3 days ago');
  });

  it('leaves out a model the note does not record, and names inline completions and unknown tools plainly', () => {
    assert.strictEqual(
      annotationText(line({ kind: 'ai', agent: 'inline-completion' }), commit(), NOW),
      'Inline completion · a1b2c3d · 3 days ago',
    );
    assert.strictEqual(blameAgentName({ agent: 'unknown', tool: 'windsurf' }), 'windsurf');
    assert.strictEqual(blameAgentName({ agent: 'unknown' }), 'Unidentified AI');
    assert.strictEqual(blameAgentName({ agent: 'copilot', tool: 'github-copilot' }), 'GitHub Copilot');
  });

  it("says human and the note's person for an h_ entry, the commit author when the note names nobody", () => {
    assert.strictEqual(
      annotationText(line({ kind: 'human', human: 'Bo Reviewer <bo@example.com>' }), commit(), NOW),
      'human · Bo Reviewer · a1b2c3d · 3 days ago',
    );
    assert.strictEqual(
      annotationText(line({ kind: 'human' }), commit(), NOW),
      'human · Ada Author · a1b2c3d · 3 days ago',
    );
    assert.strictEqual(personName('Ada <ada@example.com>'), 'Ada');
    assert.strictEqual(personName('<ghost@example.com>'), '<ghost@example.com>');
  });

  it('is a quiet "untracked" for committed lines the note does not attest, and nothing for uncommitted lines', () => {
    assert.strictEqual(annotationText(line(), commit(), NOW), 'untracked · a1b2c3d');
    assert.strictEqual(annotationText(line({ commit: null }), undefined, NOW), undefined);
  });

  it('has no age when the commit is unknown (never "55 years ago")', () => {
    assert.strictEqual(
      annotationText(line({ kind: 'ai', agent: 'codex', model: 'gpt-5' }), undefined, NOW),
      'Codex · gpt-5 · a1b2c3d',
    );
  });
});

describe('AI blame: the hover', () => {
  const explain = { command: Commands.explainCommit, repo: '/work/repo with space' };

  it('gives commit, author, agent, model and session, and links Explain Commit with the repository and sha', () => {
    const md = blameHoverMarkdown(
      line({
        kind: 'ai',
        agent: 'claude-code',
        tool: 'claude',
        model: 'claude-sonnet-4-5',
        session: 's_0123456789abcd',
      }),
      commit(),
      explain,
      NOW,
    );
    assert.ok(md);
    assert.match(md, /\*\*AI-written\*\* by Claude Code/);
    assert.match(md, /tool `claude` · model `claude-sonnet-4-5` · session `s_0123456789abcd`/);
    assert.match(md, /Commit `a1b2c3d` Add password login/);
    assert.match(md, /Author Ada Author \\<ada@example\\\.com\\> · 3 days ago \(2025-11-21 12:00 UTC\)/);
    const link = /\[Explain commit\]\(command:countersign\.explainCommit\?([^ )]+)/.exec(md);
    assert.ok(link, md);
    assert.deepStrictEqual(JSON.parse(decodeURIComponent(link[1])), [{ repo: '/work/repo with space', sha: SHA }]);
    assert.match(md, /line 2 of src\/login\\\.ts in that commit/);
  });

  it('names an inline completion in a sentence and leaves out what the note does not record', () => {
    const md =
      blameHoverMarkdown(
        line({ kind: 'ai', agent: 'inline-completion', session: 's_7e87d5a29dd4ef' }),
        commit(),
        explain,
        NOW,
      ) ?? '';
    assert.match(md, /\*\*AI-written\*\* by an inline completion/);
    assert.doesNotMatch(md, /model/);
    assert.match(md, /session `s_7e87d5a29dd4ef`/);
    assert.match(
      blameHoverMarkdown(line({ kind: 'ai', agent: 'unknown', tool: 'windsurf' }), commit(), explain, NOW) ?? '',
      /by windsurf /,
    );
  });

  it('escapes names from notes and commits so they cannot inject links', () => {
    const md = blameHoverMarkdown(
      line({ kind: 'human', human: 'Eve [click](command:workbench.action.terminal.new)' }),
      commit({ summary: 'Fix [x](https://evil.example)' }),
      explain,
      NOW,
    );
    assert.ok(md);
    assert.doesNotMatch(md, /\]\(command:workbench/);
    assert.doesNotMatch(md, /\]\(https:/);
  });

  it('issue 16: a blank line in a tool, model or session cannot end its code span and render command links or images', () => {
    const evil =
      'x\n\n[run](command:workbench.action.terminal.sendSequence?%7B%7D) ![t](https://evil.example/t.png) <img src=x>\n\n`';
    const md =
      blameHoverMarkdown(
        line({ kind: 'ai', agent: 'unknown', tool: evil, model: evil, session: evil }),
        commit({ summary: evil, author: evil }),
        explain,
        NOW,
      ) ?? '';
    // Code spans hold the note's text literally as long as nothing ends them early: no line break inside.
    // (Backslash-escaped characters are literal text, not markup: set them aside first.)
    const unescaped = md.replace(/\\[\s\S]/g, '');
    const spans = unescaped.match(/`[^`]*`/g) ?? [];
    for (const span of spans) assert.doesNotMatch(span, /\n/, span);
    assert.strictEqual(unescaped.split('`').length % 2, 1, 'every code span is closed');
    // Outside them, Countersign's own link is the only command link, and there is no image or raw HTML.
    const outside = unescaped.replace(/`[^`]*`/g, '');
    assert.deepStrictEqual(outside.match(/\]\(command:/g), ['](command:']);
    assert.match(outside, /\[Explain commit\]\(command:countersign\.explainCommit/);
    assert.doesNotMatch(outside, /!\[|\]\(https:|<img/);
  });

  it('tells an unattested commit from a note without an entry for the line, and names agents its trailers mention', () => {
    const unattested = blameHoverMarkdown(line(), commit({ hasNote: false, attested: false }), explain, NOW);
    assert.match(unattested ?? '', /unattested/);
    const noEntry = blameHoverMarkdown(line(), commit(), explain, NOW);
    assert.match(noEntry ?? '', /no entry for this line/);
    const trailers = blameHoverMarkdown(
      line(),
      commit({
        hasNote: false,
        agents: [{ agent: 'claude-code', raw: 'Claude <noreply@anthropic.com>', source: 'co-author' }],
      }),
      explain,
      NOW,
    );
    assert.match(trailers ?? '', /trailers name Claude Code/);
    assert.strictEqual(blameHoverMarkdown(line({ commit: null }), undefined, explain, NOW), undefined);
  });
});

describe('AI blame: cache keys', () => {
  const parts = { root: '/r', file: 'src/a.ts', head: 'h1', notesTip: 'n1' };

  it('one key per (file, HEAD, notes tip); NUL separators keep distinct parts from colliding', () => {
    assert.strictEqual(blameCacheKey(parts), blameCacheKey({ ...parts }));
    for (const change of [
      { root: '/r2' },
      { file: 'src/b.ts' },
      { head: 'h2' },
      { notesTip: 'n2' },
      { notesTip: undefined },
      { head: undefined },
    ]) {
      assert.notStrictEqual(blameCacheKey({ ...parts, ...change }), blameCacheKey(parts), JSON.stringify(change));
    }
    assert.notStrictEqual(
      blameCacheKey({ ...parts, root: '/r', file: 'x/y' }),
      blameCacheKey({ ...parts, root: '/r/x', file: 'y' }),
    );
  });

  it('answers only for the key an entry was computed under, and drops the least recently used', () => {
    const cache = new BlameCache<{ key: string; n: number }>(2);
    cache.set('a', { key: 'k1', n: 1 });
    cache.set('b', { key: 'k1', n: 2 });
    assert.strictEqual(cache.get('a', 'k2'), undefined, 'a moved HEAD is a miss');
    assert.strictEqual(cache.get('a', 'k1')?.n, 1);
    cache.set('c', { key: 'k1', n: 3 });
    assert.strictEqual(cache.peek('b'), undefined, 'b was least recently used');
    assert.strictEqual(cache.peek('a')?.n, 1);
    assert.strictEqual(cache.size, 2);
  });
});

describe('AI blame: contributions', () => {
  it('contributes the setting (markdownDescription, default on), the toggle command and the annotation colour', () => {
    const props = pkg.contributes.configuration.properties as Record<
      string,
      { default?: unknown; markdownDescription?: string }
    >;
    const setting = props[`${Settings.section}.${Settings.blameEnabled}`];
    assert.ok(setting, 'countersign.blame.enabled is not contributed');
    assert.strictEqual(setting.default, true);
    assert.match(setting.markdownDescription ?? '', /Toggle AI Blame/);
    assert.ok(pkg.contributes.commands.some((c) => c.command === Commands.toggleBlame));
    const colour = (pkg.contributes.colors as Array<{ id: string; defaults: Record<string, string> }>).find(
      (c) => c.id === Colors.blameForeground,
    );
    assert.ok(colour, 'countersign.blameForeground is not contributed');
    assert.deepStrictEqual(Object.keys(colour.defaults).sort(), ['dark', 'highContrast', 'highContrastLight', 'light']);
  });
});
