export interface ParsedArgs {
  readonly command: string | undefined;
  readonly positional: string[];
  readonly flags: Record<string, string | true>;
}

/** `siem <command> [positional...] [--flag value | --switch]`. */
export function parseArgs(argv: readonly string[]): ParsedArgs {
  const positional: string[] = [];
  const flags: Record<string, string | true> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg.startsWith('--')) {
      const [name, inline] = arg.slice(2).split('=', 2) as [string, string | undefined];
      if (inline !== undefined) flags[name] = inline;
      else if (i + 1 < argv.length && !argv[i + 1]!.startsWith('--')) flags[name] = argv[++i]!;
      else flags[name] = true;
    } else positional.push(arg);
  }
  const [command, ...rest] = positional;
  return { command, positional: rest, flags };
}
