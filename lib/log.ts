// One JSON object per line on stderr (Function Compute collects it into Log Service).
// Fields carry the request id, object, state transition and duration; never credentials. Their
// names are declared once, in lib/log-fields.ts: an operator queries them in the function logstore
// (its index indexes exactly those), and test/unit/observability/log-fields.test.ts holds every
// line the functions write to that list.

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  child(fields: LogFields): Logger;
}

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export function jsonLogger(options: { level?: LogLevel; write?: (line: string) => void; fields?: LogFields; now?: () => number } = {}): Logger {
  const min = RANK[options.level ?? 'info'];
  const write = options.write ?? ((line: string) => process.stderr.write(line));
  const now = options.now ?? Date.now;
  const base = options.fields ?? {};
  const emit = (level: LogLevel, msg: string, fields?: LogFields) => {
    if (RANK[level] < min) return;
    write(`${JSON.stringify({ time: new Date(now()).toISOString(), level, msg, ...base, ...fields }, errorReplacer)}\n`);
  };
  return {
    debug: (msg, fields) => emit('debug', msg, fields),
    info: (msg, fields) => emit('info', msg, fields),
    warn: (msg, fields) => emit('warn', msg, fields),
    error: (msg, fields) => emit('error', msg, fields),
    child: (fields) => jsonLogger({ ...options, fields: { ...base, ...fields } }),
  };
}

function errorReplacer(_key: string, value: unknown): unknown {
  if (value instanceof Error) return { name: value.name, message: value.message, code: (value as { code?: unknown }).code };
  return value;
}

/** The names the functions carry in every line (`function`), as their folders and FC functions are named. */
export type FunctionName = 'http' | 'access-log' | 'storage-event' | 'sweeper';

/** A function's logger: every line names the function, so a query can tell them apart whatever FC named them. */
export function functionLogger(name: FunctionName, level: LogLevel = 'info'): Logger {
  return jsonLogger({ level, fields: { function: name } });
}

export const silentLogger: Logger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
  child: () => silentLogger,
};
