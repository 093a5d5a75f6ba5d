/**
 * Shell completion for bash and zsh, written from the program's own command tree, so it never lists a command or
 * option the CLI does not have: `source <(cite completion bash)`, or in zsh `source <(cite completion zsh)`.
 */
import type { Command } from 'commander';

interface Node {
  path: string[];
  commands: string[];
  options: string[];
}

function walk(command: Command, path: string[], into: Node[]): void {
  into.push({
    path,
    commands: command.commands.flatMap((c) => [c.name(), ...c.aliases()]),
    options: command.options
      .flatMap((o) => [o.long, o.short].filter((x): x is string => Boolean(x)))
      .concat('--help'),
  });
  for (const sub of command.commands) walk(sub, [...path, sub.name()], into);
}

export function completionScript(program: Command, shell: 'bash' | 'zsh'): string {
  const nodes: Node[] = [];
  walk(program, [], nodes);
  const globals = program.options.flatMap((o) => [o.long].filter((x): x is string => Boolean(x)));
  const cases = nodes
    .map(
      (n) =>
        `    "${n.path.join(' ')}") words="${[...n.commands, ...n.options, ...(n.path.length ? globals : [])].join(' ')}" ;;`,
    )
    .join('\n');
  const body = `_cite_complete() {
  local cur path word i
  cur="\${COMP_WORDS[COMP_CWORD]}"
  path=""
  for ((i = 1; i < COMP_CWORD; i++)); do
    word="\${COMP_WORDS[i]}"
    [[ "$word" == -* ]] && continue
    case "\${path:+$path }$word" in
${nodes
  .filter((n) => n.path.length > 0)
  .map((n) => `      "${n.path.join(' ')}") path="${n.path.join(' ')}" ;;`)
  .join('\n')}
    esac
  done
  local words=""
  case "$path" in
${cases}
  esac
  COMPREPLY=($(compgen -W "$words" -- "$cur"))
}`;
  if (shell === 'bash')
    return `# cite completion for bash: source <(cite completion bash)\n${body}\ncomplete -F _cite_complete cite\n`;
  return `# cite completion for zsh: source <(cite completion zsh)\nautoload -U +X bashcompinit && bashcompinit\n${body}\ncomplete -F _cite_complete cite\n`;
}
