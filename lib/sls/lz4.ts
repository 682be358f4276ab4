// LZ4 *block* format (no frame header), which is what Log Service means by `lz4`: the raw size travels
// separately in `x-log-bodyrawsize`. Node has no LZ4, and the format is small enough to carry here.

export class Lz4FormatError extends Error {
  override readonly name = 'Lz4FormatError';
}

/** Decompresses one LZ4 block into exactly `rawSize` bytes; throws Lz4FormatError on malformed input. */
export function lz4BlockDecompress(src: Uint8Array, rawSize: number): Buffer {
  if (!Number.isSafeInteger(rawSize) || rawSize < 0) throw new Lz4FormatError(`invalid raw size ${rawSize}`);
  const dst = Buffer.allocUnsafe(rawSize);
  let ip = 0;
  let op = 0;
  const end = src.length;
  if (end === 0) throw new Lz4FormatError('empty lz4 block');
  while (ip < end) {
    const token = src[ip++]!;
    let literals = token >>> 4;
    if (literals === 15) {
      let b: number;
      do {
        if (ip >= end) throw new Lz4FormatError('truncated literal length');
        b = src[ip++]!;
        literals += b;
      } while (b === 255);
    }
    if (ip + literals > end || op + literals > rawSize) throw new Lz4FormatError('literals overrun the block');
    dst.set(src.subarray(ip, ip + literals), op);
    ip += literals;
    op += literals;
    if (ip === end) break; // the last sequence carries literals only
    if (ip + 2 > end) throw new Lz4FormatError('truncated match offset');
    const offset = src[ip]! | (src[ip + 1]! << 8);
    ip += 2;
    if (offset === 0 || offset > op) throw new Lz4FormatError(`invalid match offset ${offset}`);
    let match = token & 15;
    if (match === 15) {
      let b: number;
      do {
        if (ip >= end) throw new Lz4FormatError('truncated match length');
        b = src[ip++]!;
        match += b;
      } while (b === 255);
    }
    match += 4;
    if (op + match > rawSize) throw new Lz4FormatError('match overruns the output');
    // Byte by byte: a match may overlap the bytes it is producing.
    for (let from = op - offset, i = 0; i < match; i++) dst[op++] = dst[from + i]!;
  }
  if (op !== rawSize) throw new Lz4FormatError(`decompressed ${op} bytes, expected ${rawSize}`);
  return dst;
}

/**
 * Encodes `src` as a valid LZ4 block made of one literal run. It does not shrink anything, but every
 * LZ4 decoder accepts it, which is all an emulator answering `Accept-Encoding: lz4` needs.
 */
export function lz4BlockStore(src: Uint8Array): Buffer {
  const length = src.length;
  const extra = length >= 15 ? Math.floor((length - 15) / 255) + 1 : 0;
  const out = Buffer.allocUnsafe(1 + extra + length);
  let op = 0;
  if (length < 15) {
    out[op++] = length << 4;
  } else {
    out[op++] = 0xf0;
    let rest = length - 15;
    while (rest >= 255) {
      out[op++] = 255;
      rest -= 255;
    }
    out[op++] = rest;
  }
  out.set(src, op);
  return out;
}
