import * as assert from 'assert';
import { AttributionEngine } from '../../../../src/core/attribution/engine';
import { CountersignError } from '../../../../src/core/errors';
import { labelKey } from '../../../../src/core/attribution/labels';
import { Session } from './engineHarness';

// One test per rule of docs/design.md's "The attribution engine", named after the rule.
describe('attribution engine rules', () => {
  const AI_FN = 'function add(a, b) {\n  return a + b;\n}\n';

  describe("a line's label is that of the last writer of any of its non-whitespace characters", () => {
    it('initial content is untracked and typing is human', () => {
      const s = new Session({ 'a.ts': 'old\n' });
      s.type(s.text().length, 'let x = 1;\n');
      assert.deepStrictEqual(s.keys(), ['untracked', 'human']);
    });

    it('an AI completion on a human line makes it AI again: the latest writer wins', () => {
      const s = new Session({ 'a.ts': '' });
      s.type(0, 'const x = ');
      assert.deepStrictEqual(s.keys(), ['human']);
      s.acceptInline(s.text().length, 'compute();');
      assert.deepStrictEqual(s.keys(), ['ai:inline-completion']);
      s.type(s.text().length, ' // why');
      assert.deepStrictEqual(s.keys(), ['human']);
    });

    it('a human edit of an AI line makes it human, counted as "AI, modified"', () => {
      const s = new Session({ 'a.ts': '' });
      s.acceptInline(0, AI_FN, 'a.ts', 'copilot');
      s.replace('a + b', 'a - b');
      const labels = s.engine.labels('a.ts');
      assert.deepStrictEqual(labels.map(labelKey), ['ai:copilot', 'human', 'ai:copilot']);
      assert.deepStrictEqual(labels[1], { kind: 'human', wasAi: { agent: 'copilot' } });
      assert.deepStrictEqual(s.engine.stats('a.ts'), {
        ai: 2,
        aiModified: 1,
        human: 1,
        untracked: 0,
        agents: ['copilot'],
      });
    });
  });

  describe('deleting characters writes nothing: the line keeps the label of what remains', () => {
    it('deleting part of an AI line leaves it AI', () => {
      const s = new Session({ 'a.ts': '' });
      s.acceptInline(0, 'const total = price * quantity;\n');
      s.replace(' * quantity', '');
      assert.deepStrictEqual(s.keys(), ['ai:inline-completion']);
    });

    it('deleting the human characters of a modified AI line gives it back to the AI', () => {
      const s = new Session({ 'a.ts': '' });
      s.acceptInline(0, 'call();\n');
      s.type(s.at('call();'), ' // note');
      assert.deepStrictEqual(s.keys(), ['human']);
      s.replace(' // note', '');
      assert.deepStrictEqual(s.keys(), ['ai:inline-completion']);
    });

    it('deleting a whole line leaves its neighbours as they were', () => {
      const s = new Session({ 'a.ts': 'keep1\nkeep2\n' });
      s.acceptInline(s.at('keep1\n'), 'ai line\n');
      s.replace('ai line\n', '');
      assert.deepStrictEqual(s.keys(), ['untracked', 'untracked']);
    });

    it('joining two lines by deleting the line break takes the latest writer of what remains', () => {
      const s = new Session({ 'a.ts': 'old\n' });
      s.acceptInline(s.text().length, 'aiPart();\n');
      s.edit(s.at('old'), 1, ''); // delete the line break after "old"
      assert.strictEqual(s.text(), 'oldaiPart();\n');
      assert.deepStrictEqual(s.keys(), ['ai:inline-completion']);
    });
  });

  describe('a whitespace-only change keeps the label', () => {
    it('re-indenting an AI line by hand leaves it AI', () => {
      const s = new Session({ 'a.ts': '' });
      s.acceptInline(0, AI_FN);
      s.type(s.at('{\n'), '  ');
      s.type(s.at('b;'), '   ');
      assert.deepStrictEqual(s.keys(), ['ai:inline-completion', 'ai:inline-completion', 'ai:inline-completion']);
    });

    it('typing spaces on an untracked line leaves it untracked', () => {
      const s = new Session({ 'a.ts': 'x = 1\n' });
      s.type(0, '    ');
      assert.deepStrictEqual(s.keys(), ['untracked']);
    });
  });

  describe('a blank line takes the label of whoever wrote its own line break', () => {
    it('pressing Enter at the end of an AI line makes a human blank line', () => {
      const s = new Session({ 'a.ts': '' });
      s.acceptInline(0, AI_FN);
      s.insert(s.at('{'), '\n');
      assert.strictEqual(s.text(), 'function add(a, b) {\n\n  return a + b;\n}\n');
      assert.deepStrictEqual(s.keys(), [
        'ai:inline-completion',
        'human',
        'ai:inline-completion',
        'ai:inline-completion',
      ]);
    });

    it('pressing Enter with auto-indent at the end of an AI line makes a human blank line', () => {
      const s = new Session({ 'a.ts': '' });
      s.acceptInline(0, AI_FN);
      s.insert(s.at('b;'), '\n  ');
      assert.deepStrictEqual(s.keys(), [
        'ai:inline-completion',
        'ai:inline-completion',
        'human',
        'ai:inline-completion',
      ]);
    });

    it('pressing Enter at the end of the last AI line without a final line break makes a human blank line', () => {
      const s = new Session({ 'a.ts': '' });
      s.acceptInline(0, 'ai();');
      s.insert(s.text().length, '\n');
      s.insert(s.text().length, '\n');
      assert.deepStrictEqual(s.keys(), ['ai:inline-completion', 'human']);
    });

    it('pressing Enter at the start of an AI line makes a human blank line above it', () => {
      const s = new Session({ 'a.ts': '' });
      s.acceptInline(0, AI_FN);
      s.insert(0, '\n');
      assert.deepStrictEqual(s.keys(), [
        'human',
        'ai:inline-completion',
        'ai:inline-completion',
        'ai:inline-completion',
      ]);
    });

    it('pressing Enter in the middle of an AI line leaves both halves AI', () => {
      const s = new Session({ 'a.ts': '' });
      s.acceptInline(0, 'first(); second();\n');
      s.insert(s.at('first();'), '\n');
      assert.deepStrictEqual(s.keys(), ['ai:inline-completion', 'ai:inline-completion']);
    });

    it('blank lines inside an AI insertion are AI, and stay AI when a human indents them', () => {
      const s = new Session({ 'a.ts': '' });
      s.acceptInline(0, 'a();\n\nb();\n');
      s.type(s.at('a();\n'), '    ');
      assert.deepStrictEqual(s.keys(), ['ai:inline-completion', 'ai:inline-completion', 'ai:inline-completion']);
    });

    it('a line emptied by deleting its characters keeps the label of its line break', () => {
      const s = new Session({ 'a.ts': '' });
      s.acceptInline(0, 'one();\ntwo();\n');
      s.replace('one();', '');
      assert.deepStrictEqual(s.keys(), ['ai:inline-completion', 'ai:inline-completion']);
    });
  });

  describe('a line whose characters all predate the session stays untracked', () => {
    it('edits elsewhere, and splitting it with Enter, leave untracked lines untracked', () => {
      const s = new Session({ 'a.ts': 'alpha beta\ngamma\n' });
      s.insert(s.at('alpha'), '\n');
      s.type(s.text().length, 'new\n');
      assert.deepStrictEqual(s.keys(), ['untracked', 'untracked', 'untracked', 'human']);
    });
  });

  describe('a paste (an edit inserting exactly the last clipboard text, line endings normalised) is human', () => {
    it('a multi-line paste is human', () => {
      const s = new Session({ 'a.ts': 'x\n' });
      s.observe({ type: 'clipboard', text: 'copied();\nmore();\n' });
      s.insert(0, 'copied();\nmore();\n');
      assert.deepStrictEqual(s.keys(), ['human', 'human', 'untracked']);
    });

    it('a paste whose line endings the editor converted to CRLF is still a paste', () => {
      const s = new Session({ 'a.ts': 'x\r\n' });
      s.observe({ type: 'clipboard', text: 'copied();\nmore();\n' });
      s.insert(0, 'copied();\r\nmore();\r\n');
      assert.deepStrictEqual(s.keys(), ['human', 'human', 'untracked']);
    });

    it('an insertion that differs from the clipboard is not a paste', () => {
      const s = new Session({ 'a.ts': '' });
      s.observe({ type: 'clipboard', text: 'copied();\nmore();\n' });
      s.insert(0, 'other();\nlines();\n');
      assert.deepStrictEqual(s.keys(), ['ai:unknown', 'ai:unknown']);
    });
  });

  describe('an unexplained multi-line insertion is ai with agent unknown and low confidence', () => {
    it('two or more lines with non-whitespace inserted at once are ai:unknown (low confidence)', () => {
      const s = new Session({ 'a.ts': 'before\n' });
      s.insert(0, 'generated();\n\n  alsoGenerated();\n');
      assert.deepStrictEqual(s.keys(), ['ai:unknown', 'ai:unknown', 'ai:unknown', 'untracked']);
      assert.deepStrictEqual(s.engine.labels('a.ts')[0], { kind: 'ai', agent: 'unknown', confidence: 'low' });
    });

    it('one line with non-whitespace plus blank lines is not multi-line: it is human', () => {
      const s = new Session({ 'a.ts': '' });
      s.insert(0, '\n  \nsingle();\n\n');
      assert.deepStrictEqual(s.keys(), ['human', 'human', 'human', 'human']);
    });

    it('a multi-line insertion right after an inlineAccept is that completion, not unknown', () => {
      const s = new Session({ 'a.ts': '' });
      s.acceptInline(0, 'one();\ntwo();\n', 'a.ts', 'copilot');
      assert.deepStrictEqual(s.keys(), ['ai:copilot', 'ai:copilot']);
    });
  });

  describe('an inlineAccept is used up by the next edit of its file', () => {
    it('the next edit is AI (agent inline-completion unless named) and the one after is human', () => {
      const s = new Session({ 'a.ts': '' });
      s.acceptInline(0, 'suggested();');
      s.type(s.text().length, '\nmine();');
      assert.deepStrictEqual(s.keys(), ['ai:inline-completion', 'human']);
    });

    it('an edit of another file does not use it up', () => {
      const s = new Session({ 'a.ts': '', 'b.ts': '' });
      s.observe({ type: 'inlineAccept', file: 'a.ts', agent: 'copilot' });
      s.type(0, 'typed', 'b.ts');
      s.insert(0, 'suggested();', 'a.ts');
      assert.deepStrictEqual(s.keys('b.ts'), ['human']);
      assert.deepStrictEqual(s.keys('a.ts'), ['ai:copilot']);
    });
  });

  describe('undo restores the labels the text had; redo re-applies them', () => {
    it('undoing a human edit of an AI line makes it plain AI again; redo makes it human again', () => {
      const s = new Session({ 'a.ts': '' });
      s.acceptInline(0, 'value = 1;\n');
      s.replace('1', '2');
      assert.deepStrictEqual(s.keys(), ['human']);
      s.edit(s.at('value = '), 1, '1', 'a.ts', 'undo');
      assert.deepStrictEqual(s.engine.labels('a.ts'), [{ kind: 'ai', agent: 'inline-completion' }]);
      s.edit(s.at('value = '), 1, '2', 'a.ts', 'redo');
      assert.deepStrictEqual(s.engine.labels('a.ts'), [{ kind: 'human', wasAi: { agent: 'inline-completion' } }]);
    });

    it('undoing the deletion of AI lines brings them back as AI, not as typing', () => {
      const s = new Session({ 'a.ts': 'top\n' });
      s.acceptInline(s.text().length, 'ai1();\nai2();\n', 'a.ts', 'codex');
      s.replace('ai1();\nai2();\n', '');
      assert.deepStrictEqual(s.keys(), ['untracked']);
      s.edit(s.text().length, 0, 'ai1();\nai2();\n', 'a.ts', 'undo');
      assert.deepStrictEqual(s.keys(), ['untracked', 'ai:codex', 'ai:codex']);
    });

    it('one undo that reverts several typing edits at once (an editor undo stop) restores the older labels', () => {
      const s = new Session({ 'a.ts': 'ai' });
      s.engine.setFile('a.ts', 'call();\n', [{ kind: 'ai', agent: 'claude-code' }]);
      s.type(s.at('call('), 'xyz');
      assert.deepStrictEqual(s.keys(), ['human']);
      s.edit(s.at('call('), 3, '', 'a.ts', 'undo');
      assert.deepStrictEqual(s.keys(), ['ai:claude-code']);
      s.edit(s.at('call('), 0, 'xyz', 'a.ts', 'redo');
      assert.deepStrictEqual(s.keys(), ['human']);
    });

    it('undoing a multi-line paste removes it and leaves the lines around it as they were', () => {
      const s = new Session({ 'a.ts': 'a\nb\n' });
      s.observe({ type: 'clipboard', text: 'p1\np2\n' });
      s.insert(2, 'p1\np2\n');
      s.edit(2, 6, '', 'a.ts', 'undo');
      assert.deepStrictEqual(s.keys(), ['untracked', 'untracked']);
    });

    it('text re-inserted by an undo the history never saw is untracked: nobody observed who wrote it', () => {
      const s = new Session({ 'a.ts': 'x\n' });
      s.edit(0, 0, 'restored();\n', 'a.ts', 'undo');
      assert.deepStrictEqual(s.keys(), ['untracked', 'untracked']);
    });

    it('a new edit after an undo discards the redo branch', () => {
      const s = new Session({ 'a.ts': '' });
      s.acceptInline(0, 'ai();');
      s.edit(0, 5, '', 'a.ts', 'undo');
      s.type(0, 'z');
      s.edit(0, 1, 'ai();', 'a.ts', 'redo'); // nothing to redo any more: the editor would not send this, but be safe
      assert.deepStrictEqual(s.keys(), ['untracked']);
    });
  });

  describe('edits between willSave and save (formatters, on-save code actions) keep labels', () => {
    it("a formatter adding semicolons and re-indenting keeps each line's label", () => {
      const s = new Session({ 'a.ts': 'const a = 1\n' });
      s.acceptInline(s.text().length, 'if (x) {\nrun()\n}\n');
      s.observe({ type: 'willSave', file: 'a.ts' });
      s.insert(s.at('= 1'), ';');
      s.insert(s.at('{\n'), '  ');
      s.insert(s.at('run()'), ';');
      s.observe({ type: 'save', file: 'a.ts' });
      assert.strictEqual(s.text(), 'const a = 1;\nif (x) {\n  run();\n}\n');
      assert.deepStrictEqual(s.keys(), [
        'untracked',
        'ai:inline-completion',
        'ai:inline-completion',
        'ai:inline-completion',
      ]);
    });

    it('a formatter that rewrites the whole document keeps labels, including lines it splits in two', () => {
      const s = new Session({ 'a.ts': 'untouched()\n' });
      s.acceptInline(s.text().length, 'call(a,b); other(c)\n', 'a.ts', 'codex');
      s.type(s.text().length, 'mine(1)\n');
      const before = s.text();
      s.observe({ type: 'willSave', file: 'a.ts' });
      s.edit(0, before.length, 'untouched();\ncall(a, b);\nother(c);\nmine(1);\n');
      s.observe({ type: 'save', file: 'a.ts' });
      assert.deepStrictEqual(s.keys(), ['untracked', 'ai:codex', 'ai:codex', 'human']);
    });

    it('organize imports on save: reordered lines keep their own labels and are not an unexplained insertion', () => {
      const s = new Session();
      s.engine.setFile('a.ts', 'import c from "c";\nimport b from "b";\nimport a from "a";\n', [
        { kind: 'ai', agent: 'codex' },
        { kind: 'human' },
        { kind: 'untracked' },
      ]);
      s.observe({ type: 'willSave', file: 'a.ts' });
      s.edit(0, s.text().length, 'import a from "a";\nimport b from "b";\nimport c from "c";\n');
      s.observe({ type: 'save', file: 'a.ts' });
      assert.deepStrictEqual(s.keys(), ['untracked', 'human', 'ai:codex']);
    });

    it('after save, edits are attributed normally again', () => {
      const s = new Session({ 'a.ts': 'x\n' });
      s.observe({ type: 'willSave', file: 'a.ts' }, { type: 'save', file: 'a.ts' });
      s.type(s.text().length, 'y\n');
      assert.deepStrictEqual(s.keys(), ['untracked', 'human']);
    });
  });

  describe('whole-content observations compare line by line, ignoring whitespace-only differences', () => {
    it('a diskWrite with no agent active marks what it changed untracked and keeps the rest', () => {
      const s = new Session({ 'a.ts': '' });
      s.acceptInline(0, 'one();\ntwo();\nthree();\n');
      s.observe({ type: 'diskWrite', file: 'a.ts', content: 'one();\nTWO();\nthree();\nfour();\n' });
      assert.deepStrictEqual(s.keys(), ['ai:inline-completion', 'untracked', 'ai:inline-completion', 'untracked']);
    });

    it('re-indented lines and converted line endings keep their labels', () => {
      const s = new Session({ 'a.ts': '' });
      s.acceptInline(0, 'if (x) {\ny();\n}\n');
      s.observe({ type: 'diskWrite', file: 'a.ts', content: 'if (x) {\r\n    y();\r\n}\r\n' });
      assert.deepStrictEqual(s.keys(), ['ai:inline-completion', 'ai:inline-completion', 'ai:inline-completion']);
    });

    it("agent checkpoints: lines that differ between before and after are the agent's, with model and session", () => {
      const s = new Session({ 'a.ts': 'keep();\nold();\n' });
      s.observe(
        {
          type: 'agent',
          phase: 'before',
          agent: 'claude-code',
          model: 'opus',
          session: 's1',
          files: { 'a.ts': 'keep();\nold();\n' },
        },
        {
          type: 'agent',
          phase: 'after',
          agent: 'claude-code',
          model: 'opus',
          session: 's1',
          files: { 'a.ts': 'keep();\nnew();\nadded();\n' },
        },
      );
      assert.deepStrictEqual(s.keys(), ['untracked', 'ai:claude-code', 'ai:claude-code']);
      assert.deepStrictEqual(s.engine.labels('a.ts')[1], {
        kind: 'ai',
        agent: 'claude-code',
        model: 'opus',
        session: 's1',
      });
    });

    it("a diskWrite between an agent's before and after belongs to that tool call", () => {
      const s = new Session({ 'a.ts': 'x\n' });
      s.observe(
        { type: 'agent', phase: 'before', agent: 'cursor', files: { 'a.ts': 'x\n' } },
        { type: 'diskWrite', file: 'a.ts', content: 'x\nwritten();\n' },
      );
      assert.deepStrictEqual(s.keys(), ['untracked', 'ai:cursor']);
      s.observe({ type: 'diskWrite', file: 'b.ts', content: 'created();\n' });
      assert.deepStrictEqual(s.keys('b.ts'), ['ai:cursor']);
      s.observe({ type: 'agent', phase: 'after', agent: 'cursor', files: { 'a.ts': 'x\nwritten();\n' } });
      s.observe({ type: 'diskWrite', file: 'a.ts', content: 'x\nwritten();\npulled();\n' });
      assert.deepStrictEqual(s.keys(), ['untracked', 'ai:cursor', 'untracked']);
    });

    it('after is compared with the before snapshot: content deleted and recreated unchanged keeps its label', () => {
      const s = new Session({ 'a.ts': 'legacy();\nkept();\n' });
      s.observe(
        { type: 'agent', phase: 'before', agent: 'codex', files: { 'a.ts': 'legacy();\nkept();\n' } },
        { type: 'diskWrite', file: 'a.ts', content: '' },
        { type: 'diskWrite', file: 'a.ts', content: 'legacy();\nkept();\nfresh();\n' },
      );
      assert.deepStrictEqual(
        s.keys(),
        ['ai:codex', 'ai:codex', 'ai:codex'],
        "during the call the rewrite is the agent's",
      );
      s.observe({ type: 'agent', phase: 'after', agent: 'codex', files: { 'a.ts': 'legacy();\nkept();\nfresh();\n' } });
      assert.deepStrictEqual(s.keys(), ['untracked', 'untracked', 'ai:codex']);
    });

    it('an agent after without a before is compared with the current content', () => {
      const s = new Session({ 'a.ts': 'a\n' });
      s.observe({ type: 'agent', phase: 'after', agent: 'gemini-cli', files: { 'a.ts': 'a\nb\n', 'new.ts': 'n\n' } });
      assert.deepStrictEqual(s.keys(), ['untracked', 'ai:gemini-cli']);
      assert.deepStrictEqual(s.keys('new.ts'), ['ai:gemini-cli']);
    });
  });

  describe("a diskWrite while a known agent CLI runs in a terminal is that agent's", () => {
    it('attributes writes during the command to the agent named from its program, and stops at its end', () => {
      const s = new Session({ 'a.ts': 'x\n' });
      const command = 'ANTHROPIC_MODEL=opus /usr/local/bin/claude -p "fix it"';
      s.observe({ type: 'terminal', command, state: 'start' });
      s.observe({ type: 'diskWrite', file: 'a.ts', content: 'x\nfixed();\n' });
      s.observe({ type: 'terminal', command, state: 'end' });
      s.observe({ type: 'diskWrite', file: 'a.ts', content: 'x\nfixed();\nlater();\n' });
      assert.deepStrictEqual(s.keys(), ['untracked', 'ai:claude-code', 'untracked']);
    });

    it('other terminal commands (git pull, npm) leave writes untracked', () => {
      const s = new Session({ 'a.ts': 'x\n' });
      s.observe({ type: 'terminal', command: 'git pull', state: 'start' });
      s.observe({ type: 'diskWrite', file: 'a.ts', content: 'x\npulled();\n' });
      assert.deepStrictEqual(s.keys(), ['untracked', 'untracked']);
    });
  });

  describe('lines are split on \\n; a \\r before it belongs to the line ending; a final line break does not start a new line', () => {
    it('counts lines of CRLF, LF, unterminated and empty files correctly', () => {
      const s = new Session({ 'crlf.ts': 'a\r\nb\r\n', 'lf.ts': 'a\nb', 'empty.ts': '', 'blank.ts': '\n\n' });
      assert.deepStrictEqual(s.keys('crlf.ts'), ['untracked', 'untracked']);
      assert.deepStrictEqual(s.keys('lf.ts'), ['untracked', 'untracked']);
      assert.deepStrictEqual(s.keys('empty.ts'), []);
      assert.deepStrictEqual(s.keys('blank.ts'), ['untracked', 'untracked']);
    });

    it('Enter (\\r\\n) at the end of an AI line in a CRLF file makes a human blank line', () => {
      const s = new Session({ 'a.ts': '' });
      s.acceptInline(0, 'one();\r\ntwo();\r\n');
      s.insert(s.at('one();'), '\r\n');
      assert.strictEqual(s.text(), 'one();\r\n\r\ntwo();\r\n');
      assert.deepStrictEqual(s.keys(), ['ai:inline-completion', 'human', 'ai:inline-completion']);
    });

    it('a \\r typed before a line break is part of the ending, not a change of the line', () => {
      const s = new Session({ 'a.ts': '' });
      s.acceptInline(0, 'one();\n');
      s.insert(s.at('one();'), '\r');
      assert.deepStrictEqual(s.keys(), ['ai:inline-completion']);
    });
  });

  describe('labels follow edits elsewhere in the file', () => {
    it('lines inserted above move the labels down with their lines', () => {
      const s = new Session({ 'a.ts': 'u1\nu2\n' });
      s.acceptInline(s.text().length, 'ai();\n', 'a.ts', 'amp');
      s.type(0, 'h\n');
      s.insert(0, '\n');
      assert.deepStrictEqual(s.keys(), ['human', 'human', 'untracked', 'untracked', 'ai:amp']);
    });
  });

  describe('engine API', () => {
    it('an edit past the end of the text is an input error and leaves the file unchanged', () => {
      const s = new Session({ 'a.ts': 'abc\n' });
      assert.throws(
        () =>
          s.observe({
            type: 'edit',
            file: 'a.ts',
            changes: [
              { offset: 0, length: 0, text: 'ok' },
              { offset: 99, length: 1, text: '' },
            ],
          }),
        (err: unknown) => CountersignError.is(err, 'input') && /a\.ts, change 1/.test(err.message),
      );
      assert.strictEqual(s.text(), 'abc\n');
    });

    it('an edit of a file the engine does not hold starts from empty', () => {
      const s = new Session();
      s.type(0, 'hi');
      assert.deepStrictEqual(s.keys(), ['human']);
    });

    it('setFile with labels keeps them, "AI, modified" included, and rejects a count mismatch', () => {
      const e = new AttributionEngine();
      const labels = [
        { kind: 'ai', agent: 'kiro', model: 'm' },
        { kind: 'human', wasAi: { agent: 'kiro' } },
        { kind: 'human' },
        { kind: 'untracked' },
      ] as const;
      e.setFile('f', 'a();\nb(); c();\nd\n\n', [...labels]);
      assert.deepStrictEqual(e.labels('f'), labels);
      assert.deepStrictEqual(e.stats('f'), { ai: 1, aiModified: 1, human: 2, untracked: 1, agents: ['kiro'] });
      assert.throws(
        () => e.setFile('f', 'one\n', []),
        (err: unknown) => CountersignError.is(err, 'input'),
      );
    });

    it('deleteFile forgets the file', () => {
      const s = new Session({ 'a.ts': 'x\n' });
      s.engine.deleteFile('a.ts');
      assert.strictEqual(s.engine.text('a.ts'), undefined);
      assert.deepStrictEqual(s.engine.files(), []);
    });

    it('stats lists more agents than fit in the aggregate bit mask', () => {
      const e = new AttributionEngine();
      const agents = Array.from({ length: 40 }, (_, i) => `agent-${String(i).padStart(2, '0')}`);
      e.setFile(
        'f',
        agents.map((a) => `${a}\n`).join(''),
        agents.map((agent) => ({ kind: 'ai', agent })),
      );
      assert.deepStrictEqual(e.stats('f').agents, agents);
      assert.strictEqual(e.lineLabel('f', 39)?.kind, 'ai');
    });
  });
});
