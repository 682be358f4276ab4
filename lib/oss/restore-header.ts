// Parses OSS's x-oss-restore header (HeadObject):
//   absent                                                     frozen (or the restored copy expired)
//   ongoing-request="true"                                     restoring
//   ongoing-request="false", expiry-date="Sun, 16 Apr 2017 08:12:33 GMT"   readable until then
import type { ObjectRestoreStatus } from '../restore/ports';

export class UnparsableRestoreHeaderError extends Error {
  constructor(readonly header: string) {
    super(`unrecognised x-oss-restore header: ${JSON.stringify(header.slice(0, 200))}`);
  }
}

export function parseRestoreHeader(header: string | undefined): ObjectRestoreStatus {
  if (header === undefined || header.trim() === '') return { kind: 'frozen' };
  const fields = new Map<string, string>();
  for (const match of header.matchAll(/([A-Za-z-]+)\s*=\s*"([^"]*)"/g)) fields.set(match[1]!.toLowerCase(), match[2]!);
  const ongoing = fields.get('ongoing-request');
  if (ongoing === 'true') return { kind: 'restoring' };
  if (ongoing === 'false') {
    const expiry = fields.get('expiry-date');
    const expiresAtMs = expiry === undefined ? Number.NaN : Date.parse(expiry);
    if (Number.isFinite(expiresAtMs)) return { kind: 'restored', expiresAtMs };
  }
  throw new UnparsableRestoreHeaderError(header);
}
