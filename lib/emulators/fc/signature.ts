// Who signed an FC request. FC 2.0 requests are signed "FC <AccessKeyId>:<base64 HMAC-SHA256>" over
// "METHOD\nContent-MD5\nContent-Type\nDate\n<sorted x-fc-* headers>/2016-08-15/<path>", and for
// HTTP-trigger paths (/proxy/…) the query too: "\n"-joined sorted "key=value" lines (@alicloud/fc2
// 2.6.6 lib/helper.js composeStringToSign). STS keys send x-fc-security-token (lib/client.js
// buildHeaders), which must be the key's own. Date must be within 15 minutes of FC's clock.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { AccessControl, SigningKey } from '../shared/access';
import { fcErrors } from './errors';

const MAX_SKEW_MS = 15 * 60_000;

export function stringToSign(req: IncomingMessage, signedPath: string, queries?: URLSearchParams): string {
  const h = (name: string) => String(req.headers[name] ?? '');
  const fcHeaders = Object.keys(req.headers)
    .filter((k) => k.startsWith('x-fc-'))
    .sort()
    .map((k) => `${k}:${h(k)}\n`)
    .join('');
  let text = `${req.method}\n${h('content-md5')}\n${h('content-type')}\n${h('date')}\n${fcHeaders}${signedPath}`;
  if (queries)
    text += `\n${[...queries]
      .map(([k, v]) => `${k}=${v}`)
      .sort()
      .join('\n')}`;
  return text;
}

/**
 * The key that signed `req`: known to the account, unexpired, with its own security token, a
 * matching signature and a Date within the allowed skew. Throws FC's answer otherwise.
 */
export function authenticate(access: AccessControl, req: IncomingMessage, signedPath: string, nowMs: number, queries?: URLSearchParams): SigningKey {
  const header = String(req.headers.authorization ?? '');
  const match = /^FC ([^:]+):(.+)$/.exec(header);
  if (!match) throw fcErrors.missingRequiredHeader('Authorization ("FC <AccessKeyId>:<signature>")');
  const key = access.key(match[1]!, nowMs);
  if (key === undefined) throw fcErrors.invalidAccessKeyId(match[1]!);
  if (key === 'expired') throw fcErrors.invalidSecurityToken(`the security token of access key '${match[1]}' has expired`);
  if ((key.securityToken ?? '') !== String(req.headers['x-fc-security-token'] ?? '')) {
    throw fcErrors.invalidSecurityToken(`the x-fc-security-token header does not belong to access key '${match[1]}'`);
  }
  const text = stringToSign(req, signedPath, queries);
  const expected = Buffer.from(createHmac('sha256', key.accessKeySecret).update(text, 'utf8').digest('base64'));
  const given = Buffer.from(match[2]!);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) throw fcErrors.signatureNotMatch(text);
  const date = Date.parse(String(req.headers.date ?? ''));
  if (!Number.isFinite(date) || Math.abs(nowMs - date) > MAX_SKEW_MS) throw fcErrors.requestTimeTooSkewed();
  return key;
}
