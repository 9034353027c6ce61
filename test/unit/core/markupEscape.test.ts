import * as assert from 'assert';
import { mdCell, mdCode, mdCodeBlock, mdProse, noWorkflowCommands } from '../../../src/core/markupEscape';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const markdownIt = require('markdown-it') as (o: { html: boolean }) => { render(s: string): string };
const render = (md: string) => markdownIt({ html: true }).render(md);

/** The sinks of attack15 H4 on their own: each escaper against CommonMark as GitHub reads it. */
describe('markupEscape', () => {
  it('noWorkflowCommands escapes a leading :: or ##[ on any line, blanks first too, and nothing else', () => {
    const out = noWorkflowCommands('ok: a::b\n::notice::x\n    ::add-mask::y\n##[warning]z\n# heading\n');
    assert.strictEqual(out, 'ok: a::b\n\\u003a:notice::x\n    \\u003a:add-mask::y\n\\u0023#[warning]z\n# heading\n');
    assert.ok(!out.split('\n').some((l) => /^\s*(::|##\[)/.test(l)));
  });

  it('a table cell keeps pipes, backslashes and tags as text and stays one row', () => {
    const cell = mdCell('a\\|b | <b>x</b> `c` \r[l](https://e.example)\nnext');
    const html = render(`| h | r |\n|---|---|\n| ${cell} | ❌ |\n`);
    assert.strictEqual((html.match(/<tr>/g) ?? []).length, 2, html);
    assert.match(
      html,
      /<td>a\\\|b \| &lt;b&gt;x&lt;\/b&gt; `c` <br>\[l\]\(https:\/\/e\.example\)<br>next<\/td>\s*<td>❌<\/td>/,
    );
  });

  it("a table cell keeps our command code spans, a pipe inside them too, and stays one row (newuser24's verify summary)", () => {
    const cell = mdCell('run `countersign approve a|b` and `git fetch`\nthen *x* `rm -rf`');
    const html = render(`| h | r |\n|---|---|\n| ${cell} | ❌ |\n`);
    assert.strictEqual((html.match(/<tr>/g) ?? []).length, 2, html);
    assert.match(
      html,
      /<td>run <code>countersign approve a\|b<\/code> and <code>git fetch<\/code><br>then \*x\* `rm -rf`<\/td>/,
    );
  });

  it('code spans and blocks outgrow any backtick run inside', () => {
    assert.match(render(`### ${mdCode('a``b`')} — x`), /<h3><code>a``b`<\/code> — x<\/h3>/);
    const block = render([...mdCodeBlock('sh', 'x\n```\n<!--'), 'after'].join('\n'));
    assert.match(block, /<pre><code class="language-sh">x ``` &lt;!--\n<\/code><\/pre>\n<p>after<\/p>/);
  });

  it("mdProse keeps our command code spans and escapes the rest, a name's backticks and HTML included (newuser24 F6)", () => {
    const html = render(mdProse('in a_b/`<img src=x>`: run `git fetch` or `countersign explain REV`, *not* `rm -rf`'));
    assert.match(html, /<code>git fetch<\/code> or <code>countersign explain REV<\/code>/);
    assert.match(html, /in a_b\/`&lt;img src=x&gt;`: run/);
    assert.match(html, /\*not\* `rm -rf`/);
    assert.doesNotMatch(html, /<img|<em>/);
  });
});
