// EventBridge event patterns, the part an eventRuleFilterPattern of ours can use ("Event
// patterns", EventBridge docs): a key's value is a list of alternatives, each an exact value or
// {prefix: …} / {suffix: …} / {anything-but: …} / {exists: bool}; an object value matches the
// event's nested field the same way. Every key of the pattern must match; keys it does not name
// are not looked at. Other matchers (numeric, cidr, …) are refused rather than guessed.

export class UnsupportedPatternError extends Error {}

export function matchesPattern(pattern: unknown, event: unknown): boolean {
  if (!pattern || typeof pattern !== 'object' || Array.isArray(pattern)) throw new UnsupportedPatternError('an event pattern is a JSON object');
  return Object.entries(pattern as Record<string, unknown>).every(([key, rule]) => matchesField(rule, (event as Record<string, unknown> | undefined)?.[key]));
}

function matchesField(rule: unknown, value: unknown): boolean {
  if (Array.isArray(rule)) return rule.some((alternative) => matchesOne(alternative, value));
  if (rule && typeof rule === 'object') return value !== null && typeof value === 'object' && matchesPattern(rule, value);
  throw new UnsupportedPatternError(`a pattern field must be a list of alternatives or an object (got ${JSON.stringify(rule)})`);
}

function matchesOne(alternative: unknown, value: unknown): boolean {
  if (alternative === null || typeof alternative !== 'object') return value === alternative;
  const [op, arg] = Object.entries(alternative as Record<string, unknown>)[0] ?? [];
  switch (op) {
    case 'prefix':
      return typeof value === 'string' && value.startsWith(String(arg));
    case 'suffix':
      return typeof value === 'string' && value.endsWith(String(arg));
    case 'anything-but':
      return Array.isArray(arg) ? !arg.includes(value) : value !== arg;
    case 'exists':
      return (value !== undefined) === (arg === true);
    default:
      throw new UnsupportedPatternError(`the local EventBridge matcher does not know "${String(op)}"`);
  }
}
