import { didYouMean } from '../../core/didYouMean';
import { usageError } from '../../core/errors';
import { helpText, type Command } from '../command';

/**
 * `countersign completion bash|zsh|fish`: a completion script for the shell, printed to stdout. Commands
 * and each command's options come from the commands' own help text, so a new option completes without
 * editing this file.
 */
const SUBCOMMANDS: Record<string, string[]> = { agents: ['connect', 'disconnect'], policy: ['init', 'check'] };

function optionsOf(usage: string): string[] {
  return [...new Set(usage.match(/--[a-z][a-z-]*/g) ?? [])].sort();
}

function table(all: () => Command[]): Array<{ name: string; words: string[] }> {
  return all()
    .filter((c) => !c.hidden)
    .map((c) => ({ name: c.name, words: [...(SUBCOMMANDS[c.name] ?? []), ...optionsOf(helpText(c))] }));
}

function bash(rows: Array<{ name: string; words: string[] }>): string {
  const cases = rows.map((r) => `    ${r.name}) words="${r.words.join(' ')}" ;;`).join('\n');
  return `# countersign completion for bash: add to ~/.bashrc:  eval "$(countersign completion bash)"
_countersign() {
  local cur words
  cur="\${COMP_WORDS[COMP_CWORD]}"
  if [ "$COMP_CWORD" -eq 1 ]; then
    COMPREPLY=( $(compgen -W "${rows.map((r) => r.name).join(' ')} --help --version" -- "$cur") )
    return
  fi
  case "\${COMP_WORDS[1]}" in
${cases}
    *) words="" ;;
  esac
  COMPREPLY=( $(compgen -W "$words" -- "$cur") )
  [ \${#COMPREPLY[@]} -eq 0 ] && COMPREPLY=( $(compgen -f -- "$cur") )
}
complete -o default -F _countersign countersign
`;
}

function zsh(rows: Array<{ name: string; words: string[] }>): string {
  return `#compdef countersign
# countersign completion for zsh: add to ~/.zshrc:  eval "$(countersign completion zsh)"
${bash(rows).replace(/^# countersign completion for bash.*\n/, '')}`.replace(
    'complete -o default -F _countersign countersign',
    'autoload -U +X bashcompinit && bashcompinit\ncomplete -o default -F _countersign countersign',
  );
}

function fish(rows: Array<{ name: string; words: string[] }>): string {
  const lines = [
    '# countersign completion for fish: countersign completion fish > ~/.config/fish/completions/countersign.fish',
    'complete -c countersign -f',
  ];
  for (const r of rows) {
    lines.push(`complete -c countersign -n __fish_use_subcommand -a ${r.name}`);
    for (const w of r.words) {
      lines.push(
        w.startsWith('--')
          ? `complete -c countersign -n '__fish_seen_subcommand_from ${r.name}' -l ${w.slice(2)}`
          : `complete -c countersign -n '__fish_seen_subcommand_from ${r.name}' -a ${w}`,
      );
    }
  }
  return lines.join('\n') + '\n';
}

export function completionCommand(all: () => Command[]): Command {
  return {
    name: 'completion',
    summary: 'print a shell completion script (bash, zsh or fish)',
    usage: `Usage: countersign completion bash|zsh|fish

Prints a completion script for the shell: commands, their subcommands and options.

Examples:
  eval "$(countersign completion bash)"                                  # in ~/.bashrc
  eval "$(countersign completion zsh)"                                   # in ~/.zshrc
  countersign completion fish > ~/.config/fish/completions/countersign.fish

Exit codes: 0 printed; 2 another shell.
`,
    async run(argv, ctx) {
      const shell = argv[0];
      const rows = table(all);
      if (shell === 'bash') ctx.stdout(bash(rows));
      else if (shell === 'zsh') ctx.stdout(zsh(rows));
      else if (shell === 'fish') ctx.stdout(fish(rows));
      else
        throw usageError(
          `completion: expected bash, zsh or fish${shell ? `, not '${shell}'.${didYouMean(shell, ['bash', 'zsh', 'fish'])}` : ''}`,
        );
      return 0;
    },
  };
}
