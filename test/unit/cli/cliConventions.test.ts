import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { spawn, spawnSync } from 'child_process';
import { closest } from '../../../src/core/didYouMean';
import { CLI, TempRepo } from '../helpers/tempRepo';

function cli(args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', input: '' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Conventions people expect from git and gh (issue 17 item 7): "did you mean", shell completion. */
describe('CLI conventions: did you mean, completion', () => {
  it('closest: a typo (swap, one letter off) finds its word; anything farther finds nothing', () => {
    assert.strictEqual(closest('stauts', ['status', 'verify']), 'status');
    assert.strictEqual(closest('verfy', ['status', 'verify']), 'verify');
    assert.strictEqual(closest('jsno', ['json', 'quiet']), 'json');
    assert.strictEqual(closest('frobnicate', ['status', 'verify']), undefined);
  });

  it('a mistyped command or option exits 2 and names the one meant', () => {
    const cmd = cli(['verfy']);
    assert.strictEqual(cmd.status, 2);
    assert.match(cmd.stderr, /unknown command 'verfy'\. Did you mean `countersign verify`\?/);
    const opt = cli(['status', '--jsno']);
    assert.strictEqual(opt.status, 2);
    assert.match(opt.stderr, /^countersign status: unknown option '--jsno'\. Did you mean --json\?\n/);
  });

  it("completion bash completes commands and each command's options (read from its help); other shells print scripts; an unknown shell exits 2", () => {
    const script = cli(['completion', 'bash']).stdout;
    const complete = (words: string[]) =>
      spawnSync(
        'bash',
        [
          '-c',
          `${script}\nCOMP_WORDS=(${words.join(' ')}); COMP_CWORD=${words.length - 1}; _countersign; echo "\${COMPREPLY[@]}"`,
        ],
        { encoding: 'utf8' },
      ).stdout.trim();
    assert.strictEqual(complete(['countersign', 'ver']), 'verify');
    assert.strictEqual(complete(['countersign', 'verify', '--for']), '--format');
    assert.strictEqual(complete(['countersign', 'agents', 'con']), 'connect');
    assert.match(cli(['completion', 'zsh']).stdout, /^#compdef countersign/);
    assert.match(
      cli(['completion', 'fish']).stdout,
      /complete -c countersign -n '__fish_seen_subcommand_from init' -l agents/,
    );
    assert.strictEqual(cli(['completion', 'tcsh']).status, 2);
    // newuser24 F9: add-reviewer completes; words from help prose (doctor's "install --server") do not.
    assert.strictEqual(complete(['countersign', 'policy', 'add']), 'add-reviewer');
    assert.strictEqual(complete(['countersign', 'policy', 'add-reviewer', '--rep']), '--replace');
    assert.strictEqual(complete(['countersign', 'policy', 'check', '--f']), '');
    assert.strictEqual(complete(['countersign', 'doctor', '--s']), '');
    assert.strictEqual(complete(['countersign', 'verify', '--no']), '--no-fetch');
  });

  it('every option completion offers, for every command and subcommand, is one the command accepts (newuser24 F9)', function () {
    this.timeout(180_000);
    const script = cli(['completion', 'bash']).stdout;
    const words = (typed: string[]) =>
      spawnSync(
        'bash',
        [
          '-c',
          `${script}\nCOMP_WORDS=(${typed.join(' ')} ''); COMP_CWORD=${typed.length}; _countersign; echo "\${COMPREPLY[@]}"`,
        ],
        { encoding: 'utf8' },
      )
        .stdout.trim()
        .split(/\s+/)
        .filter(Boolean);
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'cs-completion-'));
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'cs-completion-home-'));
    const refused: string[] = [];
    let tried = 0;
    for (const command of words(['countersign']).filter((w) => !w.startsWith('-'))) {
      const next = words(['countersign', command]);
      const subs = next.filter((w) => !w.startsWith('-'));
      const lines = subs.length > 0 ? subs.map((sub) => [command, sub]) : [[command]];
      for (const line of lines) {
        for (const option of words(['countersign', ...line]).filter((w) => w.startsWith('--') && w !== '--help')) {
          // Outside any repository, with nothing on stdin: the command fails for want of a repository or a value,
          // never for not knowing the option.
          const r = spawnSync(process.execPath, [CLI, ...line, option], {
            cwd: empty,
            encoding: 'utf8',
            input: '',
            env: { ...process.env, HOME: home, GIT_CEILING_DIRECTORIES: path.dirname(empty) },
          });
          tried++;
          if (/unknown option/.test(r.stderr)) refused.push(`countersign ${line.join(' ')} ${option}`);
        }
      }
    }
    assert.ok(tried > 50, `only ${tried} options tried`);
    assert.deepStrictEqual(refused, []);
  });

  it('a reader that stops early (| head) ends the command quietly, as git does: no EPIPE stack trace', async function () {
    this.timeout(60_000);
    const repo = TempRepo.create();
    repo.write('big.txt', Array.from({ length: 20_000 }, (_, i) => `line ${i}`).join('\n') + '\n');
    repo.git('add', 'big.txt');
    repo.commit('big', '--no-verify');
    const { code, stderr } = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [CLI, 'blame', 'big.txt'], { cwd: repo.dir, env: repo.env });
      let err = '';
      child.stderr.on('data', (d: Buffer) => {
        err += d.toString();
      });
      // Like `head -c 100`: take the first bytes, then close the pipe while the CLI is still writing.
      child.stdout.once('data', () => child.stdout.destroy());
      child.on('close', (c) => resolve({ code: c, stderr: err }));
    });
    assert.doesNotMatch(stderr, /EPIPE|Unhandled 'error' event/);
    assert.strictEqual(code, 0);
  });

  it('a path or revision git cannot use gets one sentence with the fix (exit 2), naming the command once', () => {
    const repo = TempRepo.create();
    repo.write('a.txt', 'a\n');
    repo.git('add', 'a.txt');
    repo.commit('a', '--no-verify');
    const missing = repo.cli(['blame', 'nope.txt']);
    assert.strictEqual(missing.status, 2);
    assert.match(
      missing.stderr,
      /^countersign blame: nope\.txt is not a file in HEAD; give a path inside the repository/,
    );
    repo.write('new.txt', 'n\n');
    assert.match(repo.cli(['blame', 'new.txt']).stderr, /new\.txt is not in any commit yet, .*countersign status/);
    const range = repo.cli(['report', 'nope..HEAD']);
    assert.strictEqual(range.status, 2);
    assert.match(
      range.stderr,
      /^countersign report: nope\.\.HEAD is not a revision or range in this repository .*git fetch/,
    );
    // newuser10 N5: export names the range and the fix as report does, not git's raw "fatal: bad revision".
    const exported = repo.cli(['export', '--format', 'agent-trace', 'nosuch']);
    assert.strictEqual(exported.status, 2);
    assert.match(
      exported.stderr,
      /^countersign export: nosuch is not a revision or range in this repository \(bad revision 'nosuch'\); check the name, or fetch it \(git fetch\)/,
    );
    assert.doesNotMatch(missing.stderr + range.stderr + exported.stderr, /fatal:|countersign (\w+): \1:/);
  });
});
