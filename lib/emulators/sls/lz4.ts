// The LZ4 block format (no frame), which is what Log Service means by `x-log-compresstype: lz4`;
// the raw size travels in x-log-bodyrawsize. Format: lz4 "Block format description" (sequences of
// a token, literal length, literals, 2-byte little-endian offset, match length; the last sequence
// has literals only; the minimum match is 4 bytes).

export class Lz4BlockError extends Error {
  override readonly name = 'Lz4BlockError';
}

/** A length continued in 255-valued bytes after the 4-bit field of the token. */
function readLength(src: Uint8Array, at: { i: number }, base: number): number {
  let length = base;
  if (base !== 15) return length;
  for (;;) {
    if (at.i >= src.length) throw new Lz4BlockError('truncated length');
    const b = src[at.i++]!;
    length += b;
    if (b !== 255) return length;
  }
}

/** Decodes one block into exactly `rawSize` bytes, or throws Lz4BlockError. */
export function decodeLz4Block(src: Uint8Array, rawSize: number): Buffer {
  if (!Number.isSafeInteger(rawSize) || rawSize < 0) throw new Lz4BlockError(`invalid raw size ${rawSize}`);
  if (src.length === 0) throw new Lz4BlockError('empty block');
  const out = Buffer.allocUnsafe(rawSize);
  const at = { i: 0 };
  let o = 0;
  while (at.i < src.length) {
    const token = src[at.i++]!;
    const literals = readLength(src, at, token >>> 4);
    if (at.i + literals > src.length || o + literals > rawSize) throw new Lz4BlockError('literals overrun');
    out.set(src.subarray(at.i, at.i + literals), o);
    at.i += literals;
    o += literals;
    if (at.i === src.length) break;
    if (at.i + 2 > src.length) throw new Lz4BlockError('truncated offset');
    const offset = src[at.i]! | (src[at.i + 1]! << 8);
    at.i += 2;
    if (offset === 0 || offset > o) throw new Lz4BlockError(`offset ${offset} outside the output`);
    const match = readLength(src, at, token & 15) + 4;
    if (o + match > rawSize) throw new Lz4BlockError('match overruns the output');
    // A match may overlap the bytes it produces, so it is copied byte by byte.
    for (let k = 0; k < match; k++, o++) out[o] = out[o - offset]!;
  }
  if (o !== rawSize) throw new Lz4BlockError(`decoded ${o} bytes, x-log-bodyrawsize says ${rawSize}`);
  return out;
}

/**
 * A valid block holding `src` as one run of literals. It compresses nothing, but every decoder
 * reads it, which is all an emulator answering `Accept-Encoding: lz4` needs.
 */
export function encodeLz4Literals(src: Uint8Array): Buffer {
  const head: number[] = [];
  if (src.length < 15) head.push(src.length << 4);
  else {
    head.push(0xf0);
    let rest = src.length - 15;
    for (; rest >= 255; rest -= 255) head.push(255);
    head.push(rest);
  }
  return Buffer.concat([Buffer.from(head), src]);
}
