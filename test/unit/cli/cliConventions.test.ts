import * as assert from 'assert';
import { spawnSync } from 'child_process';
import { closest } from '../../../src/core/didYouMean';
import { CLI } from '../helpers/tempRepo';

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
    assert.match(opt.stderr, /Unknown option '--jsno'\nDid you mean --json\?/);
  });

  it('completion bash completes commands and each command\'s options (read from its help); other shells print scripts; an unknown shell exits 2', () => {
    const script = cli(['completion', 'bash']).stdout;
    const complete = (words: string[]) => spawnSync('bash', ['-c', `${script}\nCOMP_WORDS=(${words.join(' ')}); COMP_CWORD=${words.length - 1}; _countersign; echo "\${COMPREPLY[@]}"`], { encoding: 'utf8' }).stdout.trim();
    assert.strictEqual(complete(['countersign', 'ver']), 'verify');
    assert.strictEqual(complete(['countersign', 'verify', '--for']), '--format');
    assert.strictEqual(complete(['countersign', 'agents', 'con']), 'connect');
    assert.match(cli(['completion', 'zsh']).stdout, /^#compdef countersign/);
    assert.match(cli(['completion', 'fish']).stdout, /complete -c countersign -n '__fish_seen_subcommand_from init' -l agents/);
    assert.strictEqual(cli(['completion', 'tcsh']).status, 2);
  });
});
