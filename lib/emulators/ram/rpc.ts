// The RPC wire RAM (2015-05-01) and STS (2015-04-01) share: parameters in the query (GET) or a form
// body (POST, query parameters included), signed one of two documented ways:
//   V1 ("Request syntax and signature method V1"; @alicloud/ram, @alicloud/credentials):
//     SignatureMethod HMAC-SHA1, SignatureVersion 1.0, STS keys add `SecurityToken`;
//     Signature = base64(HMAC-SHA1("<secret>&", "METHOD&%2F&" + percent(sorted "k=v" joined by "&")))
//   V3 ("Request syntax and signature method V3"; @alicloud/sts20150401 through @alicloud/openapi-core):
//     Authorization: ACS3-HMAC-SHA256 Credential=<AccessKeyId>,SignedHeaders=<a;b>,Signature=<hex>;
//     the action in x-acs-action, STS keys in x-acs-security-token;
//     CanonicalRequest = METHOD \n path \n sorted k=percent(v) \n "name:value\n" per signed header \n
//                        SignedHeaders \n hex(SHA256(body));
//     Signature = hex(HMAC-SHA256(secret, "ACS3-HMAC-SHA256\n" + hex(SHA256(CanonicalRequest))))
// The caller's key is looked up in the account; answers are JSON, errors {RequestId, HostId, Code, Message}.
import { createHash, createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SigningKey } from '../shared/access';
import { acs3CanonicalRequest, percent } from '../shared/acs3-signature';
import type { EmulatorClock } from '../shared/clock';
import { BodyTooLargeError, readBody } from '../shared/http';
import type { RamAccount } from './account';
import { RamError, ramErrors } from './errors';

/** RPC requests are small: a policy document is at most 6,144 characters. */
const MAX_RPC_BODY_BYTES = 64 * 1024;

/** RFC 3986 percent-encoding, as RPC signatures use it (one implementation: ../shared/acs3-signature.ts). */
export { percent };

export function rpcStringToSign(method: string, params: ReadonlyMap<string, string>): string {
  const canonical = [...params]
    .filter(([k]) => k !== 'Signature')
    .map(([k, v]) => [percent(k), percent(v)] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
  return `${method}&${percent('/')}&${percent(canonical)}`;
}

export interface RpcCall {
  readonly method: string;
  readonly action: string;
  readonly params: ReadonlyMap<string, string>;
  readonly key: SigningKey;
  readonly sourceIp: string;
  /** A parameter, or MissingParameter when required and absent. */
  param(name: string, required?: boolean): string;
}

/** Reads, parses and authenticates one RPC request; throws the RamError the service would answer. */
export async function readRpcCall(req: IncomingMessage, account: RamAccount, clock: EmulatorClock): Promise<RpcCall> {
  const method = (req.method ?? 'GET').toUpperCase();
  const url = req.url ?? '/';
  const path = url.includes('?') ? url.slice(0, url.indexOf('?')) : url;
  const query = url.includes('?') ? url.slice(url.indexOf('?') + 1) : '';
  let body: Buffer;
  try {
    body = await readBody(req, MAX_RPC_BODY_BYTES);
  } catch (err) {
    if (err instanceof BodyTooLargeError) throw ramErrors.invalidParameter('Body', `exceeds ${MAX_RPC_BODY_BYTES} bytes.`);
    throw err;
  }
  const queryParams = new Map<string, string>();
  for (const [k, v] of new URLSearchParams(query)) queryParams.set(k, v);
  const params = new Map(queryParams);
  if (method === 'POST') for (const [k, v] of new URLSearchParams(body.toString('utf8'))) params.set(k, v);
  const authorization = header(req, 'authorization');
  const v3 = authorization.startsWith(`${V3_ALGORITHM} `);
  const key = v3
    ? verifyV3({ method, path, query: queryParams, headers: req, body, authorization }, account, clock.nowMs())
    : verify(method, params, account, clock.nowMs());
  const address = req.socket.remoteAddress ?? '';
  return {
    method,
    action: v3 ? header(req, 'x-acs-action') : (params.get('Action') ?? ''),
    params,
    key,
    sourceIp: address.startsWith('::ffff:') ? address.slice(7) : address,
    param(name, required = true) {
      const v = params.get(name);
      if (required && (v === undefined || v === '')) throw ramErrors.missingParameter(name);
      return v ?? '';
    },
  };
}

function verify(method: string, params: ReadonlyMap<string, string>, account: RamAccount, nowMs: number): SigningKey {
  const given = params.get('Signature');
  const key = account.key(params.get('AccessKeyId') ?? '', nowMs);
  if (key === undefined) throw ramErrors.accessKeyNotFound();
  if (key === 'expired') throw ramErrors.securityTokenExpired();
  if (!given || params.get('SignatureMethod') !== 'HMAC-SHA1' || params.get('SignatureVersion') !== '1.0') throw ramErrors.incompleteSignature();
  checkToken(key, params.get('SecurityToken') ?? '');
  const stringToSign = rpcStringToSign(method, params);
  const expected = Buffer.from(createHmac('sha1', `${key.accessKeySecret}&`).update(stringToSign).digest('base64'));
  const actual = Buffer.from(given);
  if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) throw ramErrors.signatureMismatch(stringToSign);
  return key;
}

const V3_ALGORITHM = 'ACS3-HMAC-SHA256';

function header(req: IncomingMessage, name: string): string {
  const v = req.headers[name];
  return Array.isArray(v) ? v.join(',') : (v ?? '');
}

interface V3Request {
  readonly method: string;
  readonly path: string;
  readonly query: ReadonlyMap<string, string>;
  readonly headers: IncomingMessage;
  readonly body: Buffer;
  readonly authorization: string;
}

/** The V3 canonical request, shared with ROS and FC 3.0 (../shared/acs3-signature.ts). */
export function v3CanonicalRequest(r: Omit<V3Request, 'authorization'>, signedHeaders: readonly string[]): string {
  return acs3CanonicalRequest(r, signedHeaders);
}

function verifyV3(r: V3Request, account: RamAccount, nowMs: number): SigningKey {
  const fields = new Map<string, string>();
  for (const part of r.authorization.slice(V3_ALGORITHM.length).split(',')) {
    const eq = part.indexOf('=');
    if (eq > 0) fields.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  const accessKeyId = fields.get('Credential') ?? '';
  const signed = (fields.get('SignedHeaders') ?? '').split(';').filter((h) => h !== '');
  const given = fields.get('Signature') ?? '';
  if (accessKeyId === '' || given === '' || signed.length === 0 || signed.some((h) => h !== h.toLowerCase())) throw ramErrors.incompleteSignature();
  const key = account.key(accessKeyId, nowMs);
  if (key === undefined) throw ramErrors.accessKeyNotFound();
  if (key === 'expired') throw ramErrors.securityTokenExpired();
  checkToken(key, header(r.headers, 'x-acs-security-token'));
  const canonical = v3CanonicalRequest(r, signed);
  const stringToSign = `${V3_ALGORITHM}\n${createHash('sha256').update(canonical).digest('hex')}`;
  const expected = Buffer.from(createHmac('sha256', key.accessKeySecret).update(stringToSign).digest('hex'));
  const actual = Buffer.from(given);
  if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) throw ramErrors.signatureMismatch(stringToSign);
  return key;
}

function checkToken(key: SigningKey, token: string): void {
  if (key.securityToken !== undefined && token === '') throw ramErrors.missingSecurityToken();
  if ((key.securityToken ?? '') !== token) throw ramErrors.securityTokenMismatch();
}

export function replyRpc(res: ServerResponse, status: number, body: Record<string, unknown>, hostId: string): void {
  const requestId = randomUUID().toUpperCase();
  res.writeHead(status, { 'content-type': 'application/json;charset=utf-8' });
  res.end(JSON.stringify(status === 200 ? { RequestId: requestId, ...body } : { RequestId: requestId, HostId: hostId, ...body }));
}

/** Runs one RPC request; every failure is the service's JSON error, never a crash. */
export async function serveRpc(req: IncomingMessage, res: ServerResponse, hostId: string, work: () => Promise<Record<string, unknown>>): Promise<void> {
  try {
    replyRpc(res, 200, await work(), hostId);
  } catch (err) {
    const e = err instanceof RamError ? err : ramErrors.internal();
    if (!(err instanceof RamError)) process.emitWarning(`${hostId} stand-in: ${(err as Error)?.stack ?? String(err)}`);
    replyRpc(res, e.status, { Code: e.code, Message: e.message }, hostId);
  }
  void req;
}
