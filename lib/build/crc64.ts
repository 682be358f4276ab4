// CRC-64/ECMA-182 as OSS computes it (x-oss-hash-crc64ecma; reflected, init and xor-out all ones,
// also known as CRC-64/XZ). FC reports a function's code as `codeChecksum`, "the CRC-64 value of
// the code package"; that it is this variant is unconfirmed, so a mismatch only costs an upload.
// Two 32-bit halves instead of BigInt: a megabyte takes milliseconds.
const POLY_HI = 0xc96c5795;
const POLY_LO = 0xd7870f42;

const TABLE_HI = new Uint32Array(256);
const TABLE_LO = new Uint32Array(256);
for (let i = 0; i < 256; i++) {
  let hi = 0;
  let lo = i;
  for (let bit = 0; bit < 8; bit++) {
    const lsb = lo & 1;
    lo = ((lo >>> 1) | ((hi & 1) << 31)) >>> 0;
    hi = hi >>> 1;
    if (lsb) {
      hi = (hi ^ POLY_HI) >>> 0;
      lo = (lo ^ POLY_LO) >>> 0;
    }
  }
  TABLE_HI[i] = hi;
  TABLE_LO[i] = lo;
}

/** The CRC-64 of `data` as an unsigned decimal string, the form FC and OSS show it in. */
export function crc64(data: Uint8Array): string {
  let hi = 0xffffffff;
  let lo = 0xffffffff;
  for (let i = 0; i < data.length; i++) {
    const index = (lo ^ data[i]!) & 0xff;
    lo = (((lo >>> 8) | ((hi & 0xff) << 24)) ^ TABLE_LO[index]!) >>> 0;
    hi = ((hi >>> 8) ^ TABLE_HI[index]!) >>> 0;
  }
  return ((BigInt((hi ^ 0xffffffff) >>> 0) << 32n) | BigInt((lo ^ 0xffffffff) >>> 0)).toString();
}
