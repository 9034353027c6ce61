import { didYouMean } from '../../core/didYouMean';
import { usageError } from '../../core/errors';
import { helpText, type Command } from '../command';
import { commandList } from '../commandList';

/**
 * `countersign completion bash|zsh|fish`: a completion script for the shell, printed to stdout. Commands, their
 * subcommands and options come from the commands' own help text, so a new option completes without editing this
 * file: the Usage block's alternatives (a subcommand's options are the ones its own line lists) and the Options
 * section's entries, never the prose (newuser24 F9: "git rm --cached FILE" in a sentence offered --cached).
 */
interface Row {
  name: string;
  /** What completes right after the command: its subcommands, or its options. */
  words: string[];
  /** Per subcommand, the options its Usage line lists. */
  subs: Array<{ name: string; words: string[] }>;
}

const COMMON = ['--help', '--quiet'];
const OPTION = /--[a-z][a-z-]*/g;

function sorted(words: Iterable<string>): string[] {
  return [...new Set(words)].sort();
}

export function completionRow(c: Command): Row {
  const help = helpText(c);
  const blank = help.indexOf('\n\n');
  const usage = (blank < 0 ? help : help.slice(0, blank)).replace(/^Usage:/, '');
  // Each alternative starts with "countersign NAME"; a lowercase word right after it is a subcommand (or a
  // closed set of words, `completion bash|zsh|fish`), a placeholder (REV, FILE) is not.
  const alternatives = usage
    .split(/\bcountersign\s+/)
    .slice(1)
    .map((alt) => alt.slice(c.name.length).trim());
  const entries = help
    .split('\n')
    .map((l) => /^ {2}(?:-[a-zA-Z], )?(--[a-z][a-z-]*)/.exec(l)?.[1])
    .filter((o): o is string => o !== undefined);
  const subs: Row['subs'] = [];
  const own = new Set<string>(COMMON);
  for (const alt of alternatives) {
    const lead = /^([a-z][a-z-]*(?:\|[a-z][a-z-]*)*)(?=\s|$)/.exec(alt)?.[1];
    const options = alt.match(OPTION) ?? [];
    if (lead === undefined) options.forEach((o) => own.add(o));
    else for (const name of lead.split('|')) subs.push({ name, words: sorted([...options, ...COMMON]) });
  }
  // A command without subcommands takes every option its Options section lists (not all are on the Usage line).
  if (subs.length === 0) entries.forEach((o) => own.add(o));
  return { name: c.name, words: sorted([...subs.map((s) => s.name), ...own]), subs };
}

function table(all: () => Command[]): Row[] {
  return all()
    .filter((c) => !c.hidden)
    .map(completionRow);
}

function bashCase(r: Row): string {
  const withOptions = r.subs.filter((s) => s.words.length > 0);
  if (withOptions.length === 0) return `    ${r.name}) words="${r.words.join(' ')}" ;;`;
  const inner = withOptions.map((s) => `        ${s.name}) words="${s.words.join(' ')}" ;;`).join('\n');
  return `    ${r.name})
      if [ "$COMP_CWORD" -eq 2 ]; then words="${r.words.join(' ')}"
      else case "\${COMP_WORDS[2]}" in
${inner}
        *) words="" ;;
      esac; fi ;;`;
}

function bash(rows: Row[]): string {
  const cases = rows.map(bashCase).join('\n');
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

function zsh(rows: Row[]): string {
  return `#compdef countersign
# countersign completion for zsh: add to ~/.zshrc:  eval "$(countersign completion zsh)"
${bash(rows).replace(/^# countersign completion for bash.*\n/, '')}`.replace(
    'complete -o default -F _countersign countersign',
    'autoload -U +X bashcompinit && bashcompinit\ncomplete -o default -F _countersign countersign',
  );
}

function fish(rows: Row[]): string {
  const lines = [
    '# countersign completion for fish: countersign completion fish > ~/.config/fish/completions/countersign.fish',
    'complete -c countersign -f',
  ];
  const word = (when: string, w: string) =>
    `complete -c countersign -n '${when}' ${w.startsWith('--') ? `-l ${w.slice(2)}` : `-a ${w}`}`;
  for (const r of rows) {
    lines.push(`complete -c countersign -n __fish_use_subcommand -a ${r.name}`);
    const subs = r.subs.filter((s) => s.words.length > 0);
    const none = subs.length > 0 ? `; and not __fish_seen_subcommand_from ${subs.map((s) => s.name).join(' ')}` : '';
    for (const w of r.words) lines.push(word(`__fish_seen_subcommand_from ${r.name}${none}`, w));
    for (const s of subs)
      for (const w of s.words)
        lines.push(word(`__fish_seen_subcommand_from ${r.name}; and __fish_seen_subcommand_from ${s.name}`, w));
  }
  return lines.join('\n') + '\n';
}

/** Loaded on first use in the shipped CLI (dist/cli-lazy.js), reading the commands from commandList.ts. */
export const completionCommand: Command = {
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
    const rows = table(commandList);
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
