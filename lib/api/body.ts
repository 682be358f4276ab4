// Request bodies: read only after the caller is authenticated (the app calls these), refused by
// their declared length before a byte is read, cut off while streaming once past the limit, UTF-8,
// and parsed as JSON only when the caller says it is JSON and it nests no deeper than any body of
// this API does — so no parser ever sees what the edge would not accept.
import { ApiProblem } from './problem';

/** The deepest JSON any body of this API needs ({"objects": [{"key": …}]} is 3), with room to spare. */
export const MAX_JSON_DEPTH = 6;

/** An adapter's body stream fails with this when the platform handed over more than the limit. */
export class BodyOverLimit extends Error {
  constructor() {
    super('the body is over the limit');
    this.name = 'BodyOverLimit';
  }
}

function tooLarge(limit: number): ApiProblem {
  // The rest of the body is never read: close the connection rather than drain it.
  return new ApiProblem(413, 'BodyTooLarge', `The body may be at most ${limit} bytes.`, { connection: 'close' });
}

export async function readLimited(request: Request, limit: number): Promise<string> {
  const declared = request.headers.get('content-length');
  if (declared !== null && Number(declared) > limit) throw tooLarge(limit);
  if (!request.body) return '';
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > limit) {
        // Stops the stream: the rest of a large body is never read.
        await reader.cancel().catch(() => undefined);
        throw tooLarge(limit);
      }
      chunks.push(value);
    }
  } catch (err) {
    if (err instanceof ApiProblem) throw err;
    if (err instanceof BodyOverLimit) throw tooLarge(limit);
    throw new ApiProblem(400, 'InvalidInput', 'The body could not be read to its end.');
  }
  const buf = Buffer.concat(chunks);
  const text = buf.toString('utf8');
  if (!Buffer.from(text, 'utf8').equals(buf)) throw new ApiProblem(400, 'InvalidInput', 'The body must be UTF-8.');
  return text;
}

/** Whether the request says its body is JSON (`application/json`, any parameters). */
export function isJsonContentType(contentType: string | null): boolean {
  return contentType !== null && /^application\/json\s*(;|$)/i.test(contentType.trim());
}

/**
 * The JSON body, or undefined when there is none. A body (or a Content-Type) that is not
 * `application/json` is 415: a cross-site form post cannot pass for an API call. `shape` names the
 * expected body in error messages.
 */
export async function readJson(request: Request, limit: number, shape: string, options: { required: boolean }): Promise<unknown> {
  const contentType = request.headers.get('content-type');
  if (contentType !== null && !isJsonContentType(contentType)) {
    throw new ApiProblem(415, 'UnsupportedMediaType', `The body must be sent as Content-Type: application/json: ${shape}.`);
  }
  if (contentType === null) {
    // Only an empty body may come without a type (a POST that asks for nothing in particular).
    if (options.required || (await readLimited(request, limit)).trim() !== '') {
      throw new ApiProblem(415, 'UnsupportedMediaType', `Send the body with Content-Type: application/json: ${shape}.`);
    }
    return undefined;
  }
  const text = await readLimited(request, limit);
  if (text.trim() === '') {
    if (options.required) throw new ApiProblem(400, 'InvalidInput', `The body must be JSON: ${shape}.`);
    return undefined;
  }
  if (jsonDepth(text) > MAX_JSON_DEPTH) throw new ApiProblem(400, 'InvalidInput', `The body nests deeper than ${MAX_JSON_DEPTH} levels; expected ${shape}.`);
  try {
    return JSON.parse(text);
  } catch {
    throw new ApiProblem(400, 'InvalidInput', `The body must be JSON: ${shape}.`);
  }
}

/**
 * How deeply arrays and objects nest in JSON text, counted without parsing (brackets inside
 * strings do not count). Stops counting at MAX_JSON_DEPTH + 1: the answer is only compared to it.
 */
export function jsonDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      depth++;
      if (depth > deepest) {
        deepest = depth;
        if (deepest > MAX_JSON_DEPTH) return deepest;
      }
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return deepest;
}
