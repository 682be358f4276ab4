// One table from an error's literal `code` to the exit code of `thaw` and how it is shown. Every
// error family of oss-thaw carries a literal code (deploy, operator, restore, store, Log Service
// reader); an error whose code is in this table is one line on stderr, anything else is a bug and
// keeps its stack trace.

export const EXIT = { ok: 0, failed: 1, usage: 2, interrupted: 130 } as const;

/** The command line was wrong: the message, then a pointer to the command's help. */
export class UsageError extends Error {
  readonly code = 'Usage';
  readonly command: string | undefined;
  constructor(message: string, options: { command?: string } = {}) {
    super(message);
    this.name = 'UsageError';
    this.command = options.command;
  }
}

/** code → exit status. 2: the invocation or its inputs are wrong; 1: the world said no. */
export const EXIT_CODES: Readonly<Record<string, number>> = {
  Usage: EXIT.usage,
  OperatorUsage: EXIT.usage,
  ParameterInvalid: EXIT.usage,
  TemplateInvalid: EXIT.usage,
  ConfigInvalid: EXIT.usage,
  PriceTableInvalid: EXIT.usage,
  InvalidInput: EXIT.usage,
  PrerequisiteMissing: EXIT.failed,
  PermissionMissing: EXIT.failed,
  NotOwned: EXIT.failed,
  NetworkUnreachable: EXIT.failed,
  CredentialsMissing: EXIT.failed,
  StepFailed: EXIT.failed,
  ApiCallFailed: EXIT.failed,
  ListingFailed: EXIT.failed,
  AccessDenied: EXIT.failed,
  Transient: EXIT.failed,
  TablesMissing: EXIT.failed,
  MalformedRequest: EXIT.failed,
  RetryDeadline: EXIT.failed,
  SlsBadResponse: EXIT.failed,
  SlsNetworkError: EXIT.failed,
  SlsRetriesExhausted: EXIT.failed,
  SlsResponseTooLarge: EXIT.failed,
  SlsDeadline: EXIT.failed,
  EADDRINUSE: EXIT.failed,
};

/** The exit status for an error, or undefined when it is not one of ours (a bug: show the stack). */
export function exitCodeOf(err: unknown): number | undefined {
  const code = (err as { code?: unknown })?.code;
  if (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS')) return EXIT.usage;
  return typeof code === 'string' ? EXIT_CODES[code] : undefined;
}
