// The emulators' own control routes (/-/stats, /-/faults, /-/tick, …) inject faults and read counters:
// no other local process may drive them. They are signed with the account owner's key, as nothing but
// the process that started the emulator (and holds that key) should call them:
//
//   Authorization: THAW-CONTROL <AccessKeyId>:<hex HMAC-SHA256(secret, METHOD "\n" path "\n" hex SHA256(body))>
//
// The key must be one the emulator's AccessControl knows as the account owner (a RAM user's or an STS
// key is refused). No date is signed, so a captured request could be replayed by whoever can read
// loopback traffic — who could read the key as well; the point is that a browser page or another
// program without the key cannot. `controlFetch` signs for tests and tools.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { AccessControl } from './access';
import type { TemporaryCredentials } from './credentials';
import { DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET } from './emulator';

export const CONTROL_SCHEME = 'THAW-CONTROL';

export function controlSignature(secret: string, method: string, path: string, body: Uint8Array | string): string {
  const digest = createHash('sha256').update(body).digest('hex');
  return createHmac('sha256', secret).update(`${method.toUpperCase()}\n${path}\n${digest}`).digest('hex');
}

/** Why a control request is refused, or undefined when it is signed with the owner's key. */
export function controlRefusal(
  access: AccessControl,
  authorization: string | undefined,
  method: string,
  path: string,
  body: Uint8Array,
  nowMs: number,
): string | undefined {
  const match = /^THAW-CONTROL ([^:\s]+):([0-9a-f]{64})$/.exec((authorization ?? '').trim());
  if (!match)
    return `control routes need "Authorization: ${CONTROL_SCHEME} <AccessKeyId>:<signature>" made with the account owner's key (controlFetch in lib/emulators/shared/control.ts signs)`;
  const key = access.key(match[1]!, nowMs);
  if (key === undefined || key === 'expired' || key.principal.kind !== 'account') return 'control routes take only the account owner key';
  const expected = Buffer.from(controlSignature(key.accessKeySecret, method, path, body));
  const given = Buffer.from(match[2]!);
  if (expected.length !== given.length || !timingSafeEqual(expected, given))
    return 'the control signature does not match (METHOD\\npath\\nhex SHA256(body), HMAC-SHA256 with the secret)';
  return undefined;
}

/**
 * fetch() for a control route, signed with `key` (default: the emulators' fixed local key, which is the
 * owner's in a standalone emulator and in the local stack).
 */
export async function controlFetch(
  url: string,
  init: { method?: string; body?: string } = {},
  key: TemporaryCredentials = { accessKeyId: DEFAULT_ACCESS_KEY_ID, accessKeySecret: DEFAULT_ACCESS_KEY_SECRET },
): Promise<Response> {
  const method = (init.method ?? 'GET').toUpperCase();
  const path = new URL(url).pathname;
  const signature = controlSignature(key.accessKeySecret, method, path, init.body ?? '');
  return fetch(url, {
    method,
    ...(init.body !== undefined ? { body: init.body } : {}),
    headers: { authorization: `${CONTROL_SCHEME} ${key.accessKeyId}:${signature}` },
  });
}

/** `thaw emulator … --host` on anything but loopback exposes the fixed demo key and the control routes. */
export function warnIfExposed(service: string, host: string | undefined, write: (line: string) => void = (l) => process.stderr.write(l)): void {
  const h = (host ?? '127.0.0.1').replace(/^\[|\]$/g, '');
  if (h === '127.0.0.1' || h === 'localhost' || h === '::1' || h.startsWith('127.')) return;
  write(
    `${JSON.stringify({
      level: 'warn',
      msg: `the ${service} emulator listens on ${h}, beyond this machine: anyone who can reach it can use the fixed demo key (${DEFAULT_ACCESS_KEY_ID}, unless --access-key-id was given) and, with it, the control routes /-/faults and /-/stats`,
    })}\n`,
  );
}
