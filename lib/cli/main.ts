// The `thaw` command: finds the command, answers --help from its declaration, runs it, and turns
// an error into one line and an exit status through one table (exit-codes.ts). Nothing imports
// this module but the bin; each command's module is loaded only when it runs, so `thaw emulator
// oss` does not pay for loading the Tablestore SDK.
import { printable } from '../api/printable';
import { type Command, groupHelpOf, helpOf, overviewOf, parseCommand } from './command';
import { EXIT, exitCodeOf, UsageError } from './exit-codes';

/** name → loader of the module that declares it. The order is the order of `thaw --help`. */
const COMMANDS: readonly { name: string; summary: string; load: () => Promise<Command> }[] = [
  {
    name: 'start',
    summary: 'run the local stack with a demo bucket and show the loop live (npm start)',
    load: async () => (await import('./commands/local')).startCommand as Command,
  },
  {
    name: 'dev',
    summary: 'the local stack for scripts: --json prints endpoints, keys and token',
    load: async () => (await import('./commands/local')).devCommand as Command,
  },
  {
    name: 'emulator',
    summary: 'run one emulator (oss, tablestore, sls) on its own',
    load: async () => (await import('./commands/emulator')).emulatorCommand as Command,
  },
  { name: 'build', summary: 'bundle the functions into .build/', load: async () => (await import('./commands/build')).buildCommand as Command },
  {
    name: 'deploy',
    summary: 'create or update the stack in your account (idempotent; --dry-run plans)',
    load: async () => (await import('./commands/deploy')).deployCommand as Command,
  },
  { name: 'destroy', summary: 'remove what deploy made', load: async () => (await import('./commands/deploy')).destroyCommand as Command },
  {
    name: 'doctor',
    summary: 'check the account for the stack, read-only, each problem with its fix',
    load: async () => (await import('./commands/deploy')).doctorCommand as Command,
  },
  { name: 'package', summary: 'zips to OSS and a ROS template', load: async () => (await import('./commands/deploy')).packageCommand as Command },
  { name: 'invoke', summary: 'invoke a function through the FC API', load: async () => (await import('./commands/invoke')).invokeCommand as Command },
  {
    name: 'tables create',
    summary: 'create or upgrade the Tablestore tables',
    load: async () => (await import('./commands/tables')).tablesCreateCommand as Command,
  },
  { name: 'token new', summary: 'make an API token and its configured form', load: async () => (await import('./commands/token')).tokenNewCommand as Command },
  {
    name: 'status',
    summary: "what is restoring, failing or deferred, and today's budgets",
    load: async () => (await import('./commands/operator')).statusCommand as Command,
  },
  {
    name: 'logs',
    summary: "the functions' log lines, filtered, from a time or followed live",
    load: async () => (await import('./commands/logs')).logsCommand as Command,
  },
  {
    name: 'restore',
    summary: 'restore a whole prefix through the API, with a plan and its cost first',
    load: async () => (await import('./commands/operator')).restoreCommand as Command,
  },
];

export async function main(argv: string[]): Promise<void> {
  let command: Command | undefined;
  // A group (`tables`, `token`) named without one of its subcommands: its help is the pointer.
  let groupHelp: string | undefined;
  try {
    const found = find(argv);
    if (!found) {
      if (argv.length === 0 || isHelp(argv[0]!)) {
        process.stdout.write(overviewOf(COMMANDS));
        return;
      }
      groupHelp = groupHelpOf(argv[0]!, COMMANDS);
      const next = argv[1];
      if (groupHelp && (next === undefined || next.startsWith('-'))) {
        if (argv.slice(1).some(isHelp)) {
          process.stdout.write(groupHelp);
          return;
        }
        throw new UsageError(`${argv[0]} needs a subcommand`);
      }
      throw new UsageError(`unknown command "${argv.slice(0, 2).join(' ')}"`);
    }
    command = await found.entry.load();
    const rest = argv.slice(found.words);
    if (rest.includes('--help') || rest.includes('-h')) {
      process.stdout.write(helpOf(command));
      return;
    }
    const { values, positionals } = parseCommand(command, rest);
    const status = await command.run({ values, positionals, env: process.env });
    if (typeof status === 'number' && status !== EXIT.ok) process.exitCode = status;
  } catch (err) {
    const status = exitCodeOf(err);
    if (status === undefined) throw err;
    // Messages carry what services answered: printed, never interpreted by the terminal.
    process.stderr.write(`thaw: ${printable((err as Error).message, true)}\n`);
    if (status === EXIT.usage) {
      process.stderr.write(command ? `(thaw ${command.name} --help lists its options)\n` : (groupHelp ?? '(thaw --help lists the commands)\n'));
    }
    process.exitCode = status;
  }
}

function isHelp(word: string): boolean {
  return ['help', '--help', '-h'].includes(word);
}

/** The command named by the first one or two words of argv. */
function find(argv: string[]): { entry: (typeof COMMANDS)[number]; words: number } | undefined {
  const two = argv.slice(0, 2).join(' ');
  const byTwo = COMMANDS.find((c) => c.name === two);
  if (byTwo) return { entry: byTwo, words: 2 };
  const byOne = COMMANDS.find((c) => c.name === argv[0]);
  return byOne ? { entry: byOne, words: 1 } : undefined;
}
