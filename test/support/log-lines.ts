// How a test reads the functions' log lines against their declaration (lib/log-fields.ts).
import { isLogField, LOG_FIELDS } from '../../lib/log-fields';

export type LogLine = Record<string, unknown>;

/** A line's field names as the index sees them: `error.code` inside `error`, a map field whole. */
export function namesOf(line: LogLine): string[] {
  return Object.entries(line).flatMap(([name, value]) => {
    if (isLogField(name) && LOG_FIELDS[name].type === 'map') return [name];
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) return Object.keys(value).map((sub) => `${name}.${sub}`);
    return [name];
  });
}

export function valueAt(line: LogLine, name: string): unknown {
  return name.split('.').reduce<unknown>((v, part) => (v as Record<string, unknown> | undefined)?.[part], line);
}

/** Whether a logged value has its declared type (null stands for "none" in any field). */
export function hasDeclaredType(name: string, value: unknown): boolean {
  if (value === null) return true;
  const type = isLogField(name) ? LOG_FIELDS[name].type : undefined;
  if (type === 'long') return Number.isInteger(value);
  if (type === 'text') return typeof value === 'string';
  if (type === 'boolean') return typeof value === 'boolean';
  return type === 'map' && typeof value === 'object';
}

/** Each field of the lines that is not declared, or not of its declared type, with the line's msg. */
export function offDeclaration(lines: readonly LogLine[]): string[] {
  const out = new Set<string>();
  for (const line of lines) {
    for (const name of namesOf(line)) {
      if (!isLogField(name)) out.add(`undeclared ${name} (in "${String(line.msg)}")`);
      else if (!hasDeclaredType(name, valueAt(line, name)))
        out.add(`${name}=${JSON.stringify(valueAt(line, name))} is not ${LOG_FIELDS[name].type} (in "${String(line.msg)}")`);
    }
  }
  return [...out];
}
