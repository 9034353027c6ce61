import * as assert from 'assert';
import { takeQuiet, type CliContext } from '../../../src/cli/command';
import { commands } from '../../../src/cli/commands';
import { runCli } from '../../../src/cli/main';
import { TempRepo } from '../helpers/tempRepo';

/** runCli in this process, with what it writes kept (help needs no repository). */
async function run(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const ctx: CliContext = {
    cwd: process.cwd(),
    env: process.env,
    stdout: (t) => {
      stdout += t;
    },
    stderr: (t) => {
      stderr += t;
    },
    readStdin: async () => '',
  };
  const code = await runCli(argv, ctx);
  return { code, stdout, stderr };
}

/** The "Exit codes:" paragraph of a help text (up to the next blank line). */
function exitCodes(help: string): string {
  const m = /\nExit codes: ([\s\S]*?)\n\n/.exec(`${help}\n`);
  return m ? m[1] : '';
}

/** Issue 17 item 7: an EXAMPLES section and the exit codes in every --help; --quiet on every command. */
describe("CLI: every command's --help has examples and exit codes; --quiet everywhere", () => {
  const visible = commands.filter((c) => !c.hidden);

  it("every command's --help (and `help NAME`) shows usage, examples that run it, the exit codes DESIGN gives (0/1/2) and --quiet", async () => {
    assert.ok(visible.length >= 19, 'the walk covers every command');
    for (const c of visible) {
      const h = await run([c.name, '--help']);
      assert.strictEqual(h.code, 0, c.name);
      assert.strictEqual((await run(['help', c.name])).stdout, h.stdout, `help ${c.name}`);
      assert.match(h.stdout, new RegExp(`^Usage: countersign ${c.name}\\b`), c.name);
      const examples = /\nExamples:\n((?: {2}.*\n)+)/.exec(h.stdout);
      assert.ok(examples, `${c.name} --help has an Examples section`);
      assert.match(examples[1], new RegExp(`countersign ${c.name}\\b`), `${c.name}'s examples run it`);
      const codes = exitCodes(h.stdout);
      assert.ok(codes, `${c.name} --help states its exit codes`);
      // DESIGN: 0 success / gate passes, 1 gate blocks or check fails, 2 usage, configuration or input error.
      assert.match(codes, /^0 /, `${c.name}: exit codes start with 0`);
      assert.match(codes, /\b2 /, `${c.name}: names exit 2 (usage, configuration or input error)`);
      const numbers = (codes.match(/(?<![\w.>=-])\d+(?![\w.])/g) ?? []).map(Number);
      assert.deepStrictEqual(
        numbers.filter((n) => n > 2),
        [],
        `${c.name}: only 0, 1 and 2 are exit codes`,
      );
      assert.match(
        h.stdout,
        /\n {2}-q, --quiet {3}print nothing on stdout; errors and warnings still go to stderr, and the exit code is the same\n/,
        c.name,
      );
    }
    const top = await run(['--help']);
    assert.match(
      top.stdout,
      /Exit codes: 0 success \/ gate passes, 1 gate blocks or check fails, 2 usage, configuration or input error\./,
    );
    assert.match(top.stdout, /--quiet/);
  });

  it("takeQuiet: --quiet and -q anywhere before `--`; for hook only before the hook's name (the rest is git's)", () => {
    assert.deepStrictEqual(takeQuiet('report', ['--quiet', 'HEAD', '-q']), { argv: ['HEAD'], quiet: true });
    assert.deepStrictEqual(takeQuiet('report', ['HEAD']), { argv: ['HEAD'], quiet: false });
    assert.deepStrictEqual(takeQuiet('export', ['--format', 'agent-trace', '--', '-q']), {
      argv: ['--format', 'agent-trace', '--', '-q'],
      quiet: false,
    });
    assert.deepStrictEqual(takeQuiet('hook', ['-q', 'pre-push', 'origin']), {
      argv: ['pre-push', 'origin'],
      quiet: true,
    });
    assert.deepStrictEqual(takeQuiet('hook', ['pre-push', 'origin', '-q']), {
      argv: ['pre-push', 'origin', '-q'],
      quiet: false,
    });
  });

  it('--quiet in a real repository: nothing on stdout, the same exit code, errors still on stderr', function () {
    this.timeout(240_000);
    const repo = TempRepo.create();
    repo.write('a.txt', 'a\n');
    repo.git('add', 'a.txt');
    repo.commit('a', '--no-verify');
    repo.write('.countersign.json', '{"protectedBranches": 7}\n');
    const cases: string[][] = [
      ['install'],
      ['status'],
      ['doctor'],
      ['report'],
      ['blame', 'a.txt'],
      ['explain', 'HEAD'],
      ['policy', 'check'],
      ['report', 'nope..HEAD'],
      ['agents', 'connect', 'claude', '--local'],
      ['uninstall'],
    ];
    for (const args of cases) {
      const loud = repo.cli(args);
      const quiet = repo.cli([...args, '--quiet']);
      assert.strictEqual(quiet.status, loud.status, `${args.join(' ')}: ${quiet.stderr}`);
      assert.strictEqual(quiet.stdout, '', `${args.join(' ')} --quiet prints nothing on stdout`);
      if (loud.status === 2)
        assert.ok(quiet.stderr.trim(), `${args.join(' ')} --quiet still says what is wrong on stderr`);
    }
    // The statuses are the real ones, not all 0: a broken policy fails the check, a bad range is a usage error.
    assert.strictEqual(repo.cli(['policy', 'check', '-q']).status, 1);
    assert.match(repo.cli(['report', 'nope..HEAD', '-q']).stderr, /nope\.\.HEAD is not a revision or range/);
    // Quiet changes output, never what is done: a quiet install installs.
    repo.cli(['install', '-q']);
    assert.match(repo.git('config', 'core.hooksPath'), /countersign\/hooks$/);
  });
});
