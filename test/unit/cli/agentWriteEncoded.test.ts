import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { setup, type Setup } from '../helpers/gateServer';

/**
 * attack29 F4: a file with a `working-tree-encoding` attribute (git's own example: `*.ps1 text
 * working-tree-encoding=UTF-16LE-BOM eol=CRLF`) is UTF-16 on disk and UTF-8 in the blob. The checkpoint kept the
 * disk bytes read as UTF-8 (text full of NULs), the commit compared them with the staged blob, no line matched,
 * and Claude's 15 lines were committed `untracked=15` without Assisted-by: main accepted them unreviewed. Real
 * bare server, real hooks, Claude's real hook payloads.
 */
const LINES = [...Array(15).keys()].map((i) => `Invoke-Step -Name step${i} -Force`);
const UTF16_BOM = Buffer.from([0xff, 0xfe]);

function utf16(text: string): Buffer {
  return Buffer.concat([UTF16_BOM, Buffer.from(text.replace(/\n/g, '\r\n'), 'utf16le')]);
}

describe("an agent's lines in a working-tree-encoding file are the agent's (attack29 F4)", function () {
  this.timeout(240_000);
  let s: Setup;

  const adopt = (attributes: string) => {
    s = setup();
    assert.strictEqual(s.ada.cli(['install', '-q']).status, 0);
    s.ada.write('.gitattributes', `${attributes}\n`);
    s.ada.git('add', '.gitattributes');
    s.ada.git('commit', '-qm', 'attributes');
  };

  /** Claude's Write or Edit of `file`, through the real hook payloads; `write` does what the tool does. */
  const agentWrite = (file: string, write: (abs: string) => void, tool = 'Write') => {
    const abs = path.join(s.ada.dir, file);
    const payload = (event: string) =>
      JSON.stringify({
        hook_event_name: event,
        session_id: 'enc',
        tool_use_id: `toolu_${file}`,
        cwd: s.ada.dir,
        tool_name: tool,
        tool_input: { file_path: abs },
      });
    assert.strictEqual(s.ada.cli(['checkpoint', '--from', 'claude'], { input: payload('PreToolUse') }).status, 0);
    write(abs);
    assert.strictEqual(s.ada.cli(['checkpoint', '--from', 'claude'], { input: payload('PostToolUse') }).status, 0);
  };

  const statusOf = (file: string) => {
    const r = s.ada.cli(['status', '--json']);
    assert.strictEqual(r.status, 0, r.stderr);
    const c = (JSON.parse(r.stdout) as { files: Record<string, { ai: number; untracked: number; agents: string[] }> })
      .files[file];
    return { ai: c.ai, untracked: c.untracked, agents: c.agents };
  };

  const refusedUnreviewed = (ai: number) => {
    const trailers = s.ada.trailers();
    assert.ok(
      trailers.some((t) => t.startsWith('Assisted-by: Claude')),
      trailers.join('\n'),
    );
    const push = s.ada.gitResult(['push', '--no-verify', 'origin', 'main', 'refs/notes/ai']);
    assert.notStrictEqual(push.status, 0, "the agent's lines reached main unreviewed");
    if (ai > 0) assert.match(push.stderr, new RegExp(`AI-attributed: ${ai} of ${ai}`));
  };

  it('UTF-16LE-BOM with CRLF (gitattributes(5) for PowerShell): a new file is ai=15, the push refused', () => {
    adopt('*.ps1 text working-tree-encoding=UTF-16LE-BOM eol=CRLF');
    agentWrite('deploy.ps1', (abs) => fs.writeFileSync(abs, utf16(LINES.join('\n') + '\n')));
    assert.deepStrictEqual(statusOf('deploy.ps1'), { ai: 15, untracked: 0, agents: ['claude-code'] });
    s.ada.git('add', 'deploy.ps1');
    s.ada.git('commit', '-qm', 'add deploy script');
    assert.ok(s.ada.trailers().includes('AI-Provenance: v1 ai=15 human=0 untracked=0'), s.ada.trailers().join('\n'));
    refusedUnreviewed(15);
  });

  it('an Edit of a committed UTF-16 file: only the lines the agent changed are its', () => {
    adopt('*.ps1 text working-tree-encoding=UTF-16LE-BOM eol=CRLF');
    fs.writeFileSync(path.join(s.ada.dir, 'deploy.ps1'), utf16(LINES.join('\n') + '\n'));
    s.ada.git('add', 'deploy.ps1');
    s.ada.git('commit', '-qm', 'person writes the script');
    const edited = [...LINES.slice(0, 5), 'Remove-Item -Recurse C:\\audit', 'Skip-Check', ...LINES.slice(5)];
    agentWrite('deploy.ps1', (abs) => fs.writeFileSync(abs, utf16(edited.join('\n') + '\n')), 'Edit');
    // status counts every line of the file: the 15 committed ones were nobody's it saw
    assert.deepStrictEqual(statusOf('deploy.ps1'), { ai: 2, untracked: 15, agents: ['claude-code'] });
    s.ada.git('commit', '-qam', 'tweak deploy');
    assert.ok(s.ada.trailers().includes('AI-Provenance: v1 ai=2 human=0 untracked=0'), s.ada.trailers().join('\n'));
    refusedUnreviewed(2);
  });

  it('SHIFT-JIS: the agent writes 15 lines with Japanese comments; they are its', () => {
    adopt('*.txt text working-tree-encoding=SHIFT-JIS');
    const text = LINES.map((l, i) => `${l} # 手順${i}`).join('\n') + '\n';
    agentWrite('steps.txt', (abs) => fs.writeFileSync(abs, iconv(text, 'SHIFT-JIS')));
    assert.deepStrictEqual(statusOf('steps.txt'), { ai: 15, untracked: 0, agents: ['claude-code'] });
    s.ada.git('add', 'steps.txt');
    s.ada.git('commit', '-qm', 'steps');
    assert.ok(s.ada.trailers().includes('AI-Provenance: v1 ai=15 human=0 untracked=0'), s.ada.trailers().join('\n'));
    refusedUnreviewed(15);
  });

  it('an encoding Countersign cannot decode (EBCDIC): the agent is named all the same, the push refused', () => {
    adopt('*.cbl text working-tree-encoding=IBM037');
    agentWrite('pay.cbl', (abs) => fs.writeFileSync(abs, ebcdic(LINES.join('\n') + '\n')));
    s.ada.git('add', 'pay.cbl');
    s.ada.git('commit', '-qm', 'pay');
    refusedUnreviewed(0);
  });
});

function ebcdic(text: string): Buffer {
  return iconv(text, 'IBM037');
}

/** `text` in encoding `to`, by the system's iconv (what git converts with; Node encodes only UTF-8 and UTF-16). */
function iconv(text: string, to: string): Buffer {
  return execFileSync('iconv', ['-f', 'UTF-8', '-t', to], { input: text });
}
