import * as assert from 'assert';
import { parseStatementNote } from '../../../src/core/approvalStatement';
import { parseTrace } from '../../../src/core/attribution/replay';
import { parseHookPayload } from '../../../src/core/agents/hookPayload';
import { parseAuthorshipNote } from '../../../src/core/authorshipNote';
import { jsonDepth, MAX_JSON_DEPTH } from '../../../src/core/jsonDepth';
import { checkPolicy } from '../../../src/core/policy';
import { parseTraceLines } from '../../../src/cli/commands/agentTrace';
import { CountersignError } from '../../../src/core/errors';
import { setup } from '../helpers/gateServer';

const nested = (n: number, leaf = '1') => '{"a":'.repeat(n) + leaf + '}'.repeat(n);
const DEEP = 5000;
/** What the policy file of attack17 Q7 held: valid JSON that JSON.parse reads, 5,000 levels deep. */
const deepPolicy = `{"protectedBranches":["main"],"x":${nested(DEEP)}}`;

/**
 * attack17 Q7: JSON nested a few thousand levels deep passes JSON.parse but overflows the recursive readers after
 * it, and the CLI and the server hook crashed with "Maximum call stack size exceeded (unexpected; please report)"
 * naming no file. Now one depth guard (core/jsonDepth.ts) refuses it first, as an ordinary problem.
 */
describe('deeply nested JSON is refused as a problem, never a crash (attack17 Q7)', function () {
  this.timeout(240_000);

  it('policy check names the file, the limit and the fix (real clone)', () => {
    const { ada } = setup();
    ada.write('.countersign.json', deepPolicy);
    const r = ada.cli(['policy', 'check']);
    const out = r.stdout + r.stderr;
    assert.strictEqual(r.status, 1, `a crash (exit 2) or a pass:\n${out}`);
    assert.doesNotMatch(out, /call stack|unexpected/i);
    assert.match(
      out,
      /\.countersign\.json: \(top level\): the policy nests arrays and objects more than 64 levels deep/,
    );
    assert.match(out, /fix: .*git log -p -- \.countersign\.json/);
  });

  it('the server refuses a push of it to the policy branch with the file and commit named, not a crash', () => {
    const { ada, server } = setup();
    const before = server.git('rev-parse', 'main');
    ada.write('.countersign.json', deepPolicy);
    ada.git('add', '.countersign.json');
    const tip = ada.commit('policy', '-m', 'AI-Provenance: v1 ai=0 human=1 untracked=0');
    const r = ada.gitResult(['push', 'origin', 'main']);
    assert.notStrictEqual(r.status, 0);
    assert.doesNotMatch(r.stderr, /call stack|unexpected/i, r.stderr);
    assert.match(r.stderr, /\.countersign\.json/);
    assert.match(r.stderr, /more than 64 levels deep/);
    assert.match(r.stderr, new RegExp(tip.slice(0, 12)));
    assert.strictEqual(server.git('rev-parse', 'main'), before);
  });

  it('jsonDepth counts without recursion and ignores brackets in strings', () => {
    assert.strictEqual(jsonDepth('{"a":[1,{"b":"[[[{{{"}]}'), 3);
    assert.strictEqual(jsonDepth('"\\"[" '), 0);
    // Strings are skipped by searching for their closing quote: runs of backslashes before a quote decide it.
    assert.strictEqual(jsonDepth('["\\\\"]'), 1, 'an escaped backslash does not escape the quote after it');
    assert.strictEqual(jsonDepth('["\\\\\\"[["]'), 1, 'three backslashes do');
    assert.strictEqual(jsonDepth('["a\\\\\\\\",[[]]]'), 3);
    assert.strictEqual(jsonDepth('[["unterminated [[['), 2);
    // The same answers as reading a character at a time, a backslash skipping the next, on random input.
    const stepwise = (text: string, limit: number): number => {
      let depth = 0;
      let deepest = 0;
      let inString = false;
      for (let i = 0; i < text.length; i++) {
        const c = text[i];
        if (inString) {
          if (c === '\\') i++;
          else if (c === '"') inString = false;
        } else if (c === '"') inString = true;
        else if (c === '{' || c === '[') {
          if (++depth > deepest && (deepest = depth) > limit) return deepest;
        } else if (c === '}' || c === ']') depth--;
      }
      return deepest;
    };
    let seed = 7;
    for (let round = 0; round < 20_000; round++) {
      let text = '';
      for (let n = (seed = (seed * 48271) % 2147483647) % 24; n > 0; n--)
        text += '"\\[]{}a'[(seed = (seed * 48271) % 2147483647) % 7];
      assert.strictEqual(jsonDepth(text, 3), stepwise(text, 3), JSON.stringify(text));
    }
    assert.strictEqual(jsonDepth(nested(200_000)), MAX_JSON_DEPTH + 1, 'stops once past the limit');
    assert.strictEqual(
      checkPolicy(`{"protectedBranches":["main"],"x":${nested(63)}}`, 'p').problems[0]?.path,
      'x',
      '64 levels are read',
    );
  });

  it('every reader of untrusted JSON refuses it the same way', () => {
    const deep = nested(20_000);
    const refused = (f: () => unknown, what: RegExp) => {
      try {
        f();
        assert.fail('read 20,000 levels');
      } catch (e) {
        assert.ok(CountersignError.is(e), `not an ordinary problem: ${String(e)}`);
        assert.match((e as Error).message, what);
      }
    };
    // Notes metadata (a refs/notes/ai note pushed by anyone reaches the server's judgement of it).
    refused(
      () =>
        parseAuthorshipNote(
          `---\n{"schema_version":"authorship/3.0.0","sessions":{"s_x":{"agent_id":{"tool":"t","id":"i"},"x":${deep}}}}`,
        ),
      /metadata after '---' is not JSON \(the metadata nests .* more than 64 levels deep/,
    );
    // Agent Trace import.
    refused(
      () =>
        parseTraceLines(
          `{"version":"0.1","id":"00000000-0000-0000-0000-000000000000","timestamp":"2026-01-01T00:00:00Z","files":[],"metadata":{"countersign":${deep}}}`,
          'trace.jsonl',
        ),
      /trace\.jsonl:1: not JSON \(the record nests/,
    );
    // Agent hook payloads (and their tool arguments) and recorded traces.
    refused(
      () => parseHookPayload('claude', `{"hook_event_name":"PostToolUse","tool_name":"Edit","tool_input":${deep}}`),
      /hook payload is not JSON: the payload nests .* more than 256 levels deep/,
    );
    refused(() => parseTrace(`{"version":1,"files":{},"events":[${deep}]}`, 't.json'), /t\.json: not valid JSON/);
    // Approval statements: an unreadable line, reported like any other.
    const st = parseStatementNote(`{"statement":${deep},"signature":"x"}`, 'the note');
    assert.match(st.errors.join('\n'), /the note line 1: not JSON \(the line nests .* more than 64 levels deep/);
  });
});
