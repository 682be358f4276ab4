// How `thaw logs` shows a function's log line: one terminal line (time, level, function, request id,
// message, the interesting fields) or one JSON object. Everything in a line came from outside (a
// function printed it, Log Service stored it), so every string passes through `printable` before it
// reaches a terminal: an object key holding ESC[2J must not clear the screen.
//
// `printable` is the one escaping function of every command's output (lib/operator/format.ts);
// jsonLine escapes the same characters the JSON way, as \uhhhh, so a line stays valid JSON.
import { printable } from './format';

const RANK: Record<string, number> = { debug: 10, info: 20, warn: 30, error: 40 };

// For JSON output: C0 controls (JSON.stringify escapes them already), DEL, C1 controls, and the
// Unicode format characters printable() shows as escapes (bidi embeddings, overrides, isolates,
// marks; zero-width and invisible characters; line and paragraph separators).
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff\ufff9-\ufffb]/g;

/** JSON.stringify escapes C0 controls; the rest of UNSAFE is escaped too, still valid JSON. */
export function jsonLine(value: unknown): string {
  return JSON.stringify(value).replace(UNSAFE, (c) => `\\u${c.codePointAt(0)!.toString(16).padStart(4, '0')}`);
}

/** One function log line as thaw logs understands it. */
export interface FunctionLogLine {
  /** Unix seconds the line was logged at (`__time__`). */
  timeS: number;
  /** ISO time from the line itself when it carried one (lib/log.ts writes `time`), else from timeS. */
  time: string;
  level: string | undefined;
  service: string;
  function: string;
  requestId: string | undefined;
  message: string;
  /** The line's other fields (bucket, key, state, …) when it was a JSON object. */
  fields: Record<string, unknown>;
}

/**
 * A GetLogs row of the function logstore: FC's fields (`serviceName`, `functionName`, `message`) and,
 * when `message` is one of lib/log.ts's JSON objects, its `time`, `level`, `msg` and `requestId`.
 */
export function functionLogLine(row: Readonly<Record<string, string>>): FunctionLogLine {
  const timeS = Number(row.__time__) || 0;
  const text = row.message ?? '';
  let parsed: Record<string, unknown> | undefined;
  if (text.startsWith('{')) {
    try {
      const value: unknown = JSON.parse(text);
      if (value && typeof value === 'object' && !Array.isArray(value)) parsed = value as Record<string, unknown>;
    } catch {
      // Not JSON after all: shown as it is.
    }
  }
  const { time, level, msg, requestId, ...fields } = parsed ?? {};
  const ownTime = typeof time === 'string' && !Number.isNaN(Date.parse(time)) ? new Date(Date.parse(time)).toISOString() : undefined;
  return {
    timeS,
    time: ownTime ?? new Date(timeS * 1000).toISOString(),
    level: typeof level === 'string' ? level : undefined,
    service: row.serviceName ?? row.__topic__ ?? '',
    // The line's own name (http, access-log, …) first: FC 3.0 names the function <stack>-http, FC 2.0
    // plain http, and the alerts and --function mean ours on both platforms.
    function: typeof fields.function === 'string' ? fields.function : (row.functionName ?? ''),
    requestId: typeof requestId === 'string' ? requestId : undefined,
    message: parsed ? (typeof msg === 'string' ? msg : '') : text,
    fields: parsed ? fields : {},
  };
}

/** Whether a line is at `level` or above; a line that names no level passes only when no level is asked. */
export function atLeast(line: FunctionLogLine, level: string | undefined): boolean {
  if (!level) return true;
  if (!line.level) return false;
  return (RANK[line.level] ?? 0) >= (RANK[level] ?? 0);
}

function fieldText(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** `2026-01-01T00:00:00.000Z WARN  http  4F2A…  restore deferred  bucket=b key=k` */
export function terminalLine(line: FunctionLogLine): string {
  const parts = [
    line.time,
    (line.level ?? '-').toUpperCase().padEnd(5),
    line.function || '-',
    line.requestId ?? '-',
    line.message,
    // The function has its column; its field would say it twice.
    ...Object.entries(line.fields)
      .filter(([k, v]) => !(k === 'function' && v === line.function))
      .map(([k, v]) => `${k}=${fieldText(v)}`),
  ];
  return parts.map((part) => printable(part)).join('  ');
}

/** One object per line for scripts: the same fields, names as in FunctionLogLine. */
export function jsonOf(line: FunctionLogLine): string {
  return jsonLine({
    time: line.time,
    level: line.level ?? null,
    service: line.service,
    function: line.function,
    requestId: line.requestId ?? null,
    message: line.message,
    fields: line.fields,
  });
}
