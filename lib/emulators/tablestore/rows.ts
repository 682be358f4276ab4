// Small helpers shared by reads and writes: PlainBuffer decoding with the service's errors, and
// capacity units (1 CU per started 4 KB; a read or write of nothing still costs 1).
import { otsErrors } from './errors';
import { PlainBufferError, decodeRow, type PlainRow } from './plainbuffer';

export interface Consumed {
  readonly capacityUnit: { readonly read: number; readonly write: number };
}

export function decodePlainRow(bytes: Uint8Array): PlainRow {
  try {
    return decodeRow(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  } catch (err) {
    if (err instanceof PlainBufferError) throw otsErrors.parameterInvalid(err.message);
    throw err;
  }
}

export function capacityUnits(bytes: number): number {
  return Math.max(1, Math.ceil(bytes / 4096));
}

export function capacity(readBytes: number | undefined, writeBytes: number | undefined): Consumed {
  return {
    capacityUnit: {
      read: readBytes === undefined ? 0 : capacityUnits(readBytes),
      write: writeBytes === undefined ? 0 : capacityUnits(writeBytes),
    },
  };
}
