import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { setup } from '../helpers/gateServer';

// CommonMark as GitHub renders a job summary (markdown-it treats a lone CR as a line ending, as cmark-gfm does).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const markdownIt = require('markdown-it') as (o: { html: boolean }) => { render(s: string): string };

/**
 * attack15 H4: a pull request's own commit writes into CI's output. A CR in the subject left the job summary's
 * table (a fake "`main` — ✅ passes" heading, a link, an image, and `<!--` hiding the real ❌ row); a LF in a
 * committed path put a `::notice` workflow command on a line of its own on `verify --format github`'s stdout.
 */
describe('verify --format github: commit text cannot inject into CI output (attack15 H4)', function () {
  this.timeout(60_000);

  it('a CR subject and a LF path stay inside their cell and line; the real ❌ row is shown', () => {
    const { ada } = setup();
    const base = ada.git('rev-parse', 'origin/main');
    const badPath = 'k8s/deploy\n::notice title=Countersign::main: all commits pass the review gate\n.yaml';
    ada.write(badPath, 'kind: Pod\n');
    ada.git('add', '-A');
    const subject =
      'fix typo\r\r### `main` — ✅ passes\r\rApproved by **Bob** <img src="https://evil.example/p.png">' +
      '\r\r[Re-run the gate here](https://evil.example/login) ![x](https://evil.example/i.png)\r\r<!--';
    const tip = ada.commit(`${subject}\n\nAI-Provenance: v1 ai=1 human=0 untracked=0`);

    const summary = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cs-summary-')), 'summary.md');
    const g = ada.cli(['verify', '--format', 'github', '--base', base, '--head', tip, '--branch', 'main'], {
      env: { GITHUB_STEP_SUMMARY: summary },
    });
    assert.strictEqual(g.status, 1, g.stdout + g.stderr);

    // stdout: the only workflow commands are Countersign's own annotation, and no line (even indented) forms one.
    const commands = g.stdout.split('\n').filter((l) => /^\s*(::|##\[)/.test(l));
    assert.strictEqual(commands.length, 1, commands.join('\n'));
    assert.match(commands[0], /^::error title=Countersign%3A [0-9a-f]{12} needs review::fix typo/);
    assert.doesNotMatch(g.stdout, /[\r]/);
    assert.match(g.stdout, /BLOCKED/);

    // The summary, rendered: one heading (the real ❌ one), no link, image, HTML or comment from the subject.
    const md = fs.readFileSync(summary, 'utf8');
    const html = markdownIt({ html: true }).render(md);
    assert.doesNotMatch(md, /\r/);
    assert.doesNotMatch(html, /<!--/, html);
    assert.doesNotMatch(html, /<a |<img /, html);
    assert.strictEqual((html.match(/<h3>/g) ?? []).length, 1, html);
    assert.match(html, /<h3><code>main<\/code> — ❌ blocked<\/h3>/);
    // The real row: one table body row for the commit, ending in ❌, with the subject's text inside it.
    const rows = html.match(/<tr>[\s\S]*?<\/tr>/g) ?? [];
    assert.strictEqual(rows.length, 2, html);
    assert.match(rows[1], /fix typo/);
    assert.match(rows[1], /evil\.example\/login/, 'the link text is shown as text');
    assert.match(rows[1], /<td>❌<\/td>\s*<\/tr>$/);
    assert.doesNotMatch(html.replace(rows[1], ''), /✅ passes/, 'the subject\'s "✅ passes" only as text in its cell');
    assert.match(html, /countersign approve/);
  });
});
