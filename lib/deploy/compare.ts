// Comparing what the template wants with what a cloud API answers: "wanted ⊆ current", because the
// service adds defaults and fields of its own; a JSON string (FC 3.0 and the 2021-04-06 API answer
// triggerConfig so) is compared by its content.

export type Body = Record<string, unknown>;

/** Fields of `wanted` that `current` does not hold as given ("wanted ⊆ current": FC may add defaults). */
export function differing(wanted: Body, current: Body): string[] {
  return Object.keys(wanted)
    .filter((k) => !contains(current[k], wanted[k]))
    .map((k) => `${k} ${short(current[k])} → ${short(wanted[k])}`);
}

export function contains(current: unknown, wanted: unknown): boolean {
  if (Array.isArray(wanted)) return Array.isArray(current) && current.length === wanted.length && wanted.every((w, i) => contains(current[i], w));
  if (wanted && typeof wanted === 'object') {
    if (typeof current === 'string') {
      // The 2021-04-06 API answers triggerConfig as a JSON string.
      try {
        return contains(JSON.parse(current), wanted);
      } catch {
        return false;
      }
    }
    return !!current && typeof current === 'object' && Object.entries(wanted).every(([k, v]) => contains((current as Body)[k], v));
  }
  return current === wanted;
}

export function short(v: unknown): string {
  const text = v === undefined ? 'none' : JSON.stringify(v);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

export function without(body: Body, key: string): Body {
  const { [key]: _omitted, ...rest } = body;
  return rest;
}
