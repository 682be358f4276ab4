// Log Service cursors are base64 of a decimal position (e.g. `MTQ0NzI5OTYwNjg5NjYzMjM1Ng==`). They are
// opaque to readers; only the Log trigger needs "the cursor before this one" (as the official Python SDK
// computes it) to ask the service for the receive time of the last LogGroup in a range.

/** The cursor one position before `cursor`, or undefined when `cursor` is not a numeric cursor. */
export function previousCursor(cursor: string): string | undefined {
  const decoded = Buffer.from(cursor, 'base64').toString('latin1');
  if (!/^\d{1,40}$/.test(decoded)) return undefined;
  const n = BigInt(decoded);
  if (n === 0n) return undefined;
  return Buffer.from((n - 1n).toString(), 'latin1').toString('base64');
}
