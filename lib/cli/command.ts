// A `thaw` command is declared once: its name, what it does, its positionals and its options, each
// option with its help line. The same declaration parses the arguments (node:util parseArgs,
// strict) and writes `thaw <command> --help`, so the help cannot omit an option the command takes.
import { parseArgs } from 'node:util';
import { UsageError } from './exit-codes';

export interface OptionSpec {
  readonly type: 'string' | 'boolean';
  readonly multiple?: boolean;
  readonly short?: string;
  readonly default?: string | boolean | string[];
  /** The value's placeholder in the help, e.g. URL. */
  readonly value?: string;
  readonly help: string;
}

export type Options = Readonly<Record<string, OptionSpec>>;

export type Values<O extends Options> = {
  -readonly [K in keyof O]: O[K] extends { multiple: true }
    ? string[]
    : O[K] extends { type: 'boolean' }
      ? boolean
      : O[K] extends { default: string }
        ? string
        : string | undefined;
};

export interface CommandInput<O extends Options> {
  readonly values: Values<O>;
  readonly positionals: string[];
  readonly env: NodeJS.ProcessEnv;
}

export interface Command<O extends Options = Options> {
  /** As typed after `thaw`: "deploy", "tables create". */
  readonly name: string;
  /** One line for `thaw --help`. */
  readonly summary: string;
  /** Positionals as the usage line shows them, e.g. "<function>" or "oss://bucket/prefix". */
  readonly positionals?: string;
  /** Paragraphs after the options: environment variables, examples. */
  readonly details?: string;
  readonly options: O;
  /** Resolves to the exit code (0 when nothing is returned). */
  run(input: CommandInput<O>): Promise<number | undefined> | Promise<void>;
}

/** Declares a command (an identity function that keeps the option types). */
export function command<O extends Options>(declaration: Command<O>): Command<O> {
  return declaration;
}

/** Parses argv by the command's declaration; an unknown option is a UsageError naming the command. */
export function parseCommand<O extends Options>(cmd: Command<O>, argv: string[]): { values: Values<O>; positionals: string[] } {
  const options = Object.fromEntries(
    Object.entries(cmd.options).map(([name, o]) => [
      name,
      {
        type: o.type,
        ...(o.multiple ? { multiple: true } : {}),
        ...(o.short ? { short: o.short } : {}),
        ...(o.default !== undefined ? { default: o.default } : {}),
      },
    ]),
  );
  try {
    const { values, positionals } = parseArgs({ args: argv, options: options as never, strict: true, allowPositionals: cmd.positionals !== undefined });
    return { values: values as Values<O>, positionals };
  } catch (err) {
    throw new UsageError(`${cmd.name}: ${(err as Error).message.replace(/\. To specify a positional argument.*$/s, '')}`, { command: cmd.name });
  }
}

/** `thaw <name> --help`: usage line, summary, every option with its help, then the details. */
export function helpOf(cmd: Command): string {
  const flags = Object.entries(cmd.options).map(([name, o]) => {
    const left = `${o.short ? `-${o.short}, ` : ''}--${name}${o.type === 'string' ? ` ${o.value ?? 'VALUE'}` : ''}`;
    const extra = [
      o.multiple ? 'repeatable' : '',
      o.default !== undefined && o.default !== false && !(Array.isArray(o.default) && o.default.length === 0) ? `default ${JSON.stringify(o.default)}` : '',
    ]
      .filter(Boolean)
      .join('; ');
    return { left, right: `${o.help}${extra ? ` (${extra})` : ''}` };
  });
  flags.push({ left: '-h, --help', right: 'show this help' });
  const width = Math.max(...flags.map((f) => f.left.length));
  const lines = [
    `usage: thaw ${cmd.name}${cmd.positionals ? ` ${cmd.positionals}` : ''}${Object.keys(cmd.options).length ? ' [options]' : ''}`,
    '',
    cmd.summary,
    '',
    'options:',
  ];
  for (const f of flags) lines.push(`  ${f.left.padEnd(width)}  ${f.right}`);
  if (cmd.details) lines.push('', cmd.details.trimEnd());
  return `${lines.join('\n')}\n`;
}

/** What the listings need of a command: its name and its summary. */
export type Listed = Pick<Command, 'name' | 'summary'>;

/** `thaw --help`: every command with its summary. */
export function overviewOf(commands: readonly Listed[]): string {
  return listing('usage: thaw <command> [options]   (thaw <command> --help for its options)', 'commands:', commands, '');
}

/**
 * `thaw <group> --help` for a group such as `tables`, whose commands are "tables create" and the
 * like: each subcommand with its summary. Undefined when no command's name starts with the group.
 */
export function groupHelpOf(group: string, commands: readonly Listed[]): string | undefined {
  const members = commands.filter((c) => c.name.startsWith(`${group} `));
  if (members.length === 0) return undefined;
  const usage = `usage: thaw ${group} <subcommand> [options]   (thaw ${group} <subcommand> --help for its options)`;
  return listing(usage, 'subcommands:', members, `${group} `);
}

function listing(usage: string, title: string, commands: readonly Listed[], prefix: string): string {
  const names = commands.map((c) => c.name.slice(prefix.length));
  const width = Math.max(...names.map((name) => name.length));
  const lines = [usage, '', title, ...commands.map((c, i) => `  ${names[i]!.padEnd(width)}  ${c.summary}`)];
  return `${lines.join('\n')}\n`;
}
