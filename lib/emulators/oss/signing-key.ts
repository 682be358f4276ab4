// Who signs an OSS request, shared by the V1 (signature.ts) and V4 (signature-v4.ts) checks so
// neither imports the other's internals: the key lookup (the emulator's AccessControl, or a plain
// list of keys), the STS token check, and the principal a verified request yields.
import { timingSafeEqual } from 'node:crypto';
import { ossErrors } from './errors';
import type { QueryParams } from './request';

export type HeaderBag = Record<string, string | string[] | undefined>;

export function headerValue(headers: HeaderBag, name: string): string {
  const value = headers[name];
  return Array.isArray(value) ? value.join(',') : (value ?? '');
}

export interface OssCredential {
  accessKeyId: string;
  accessKeySecret: string;
  /** When set, requests with this key must carry this STS token (x-oss-security-token or ?security-token). */
  securityToken?: string;
}

/** sign_type in the access log (field reference: NormalSign, UrlSign, NotSign). */
export const SignType = { Header: 'NormalSign', Url: 'UrlSign', None: 'NotSign' } as const;
export type SignType = (typeof SignType)[keyof typeof SignType];

export interface Principal {
  accessKeyId: string;
  signType: SignType;
  /** 'v1' or 'v4'. */
  signatureVersion: 'v1' | 'v4';
}

export function sameSignature(expected: string, provided: string): boolean {
  const a = Buffer.from(expected);
  const b = Buffer.from(provided);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Finds the key a request names, or throws the OssError OSS answers (unknown key, expired STS key). */
export type KeyLookup = (accessKeyId: string) => OssCredential;

/** A lookup over a fixed list of keys (the emulator's unit tests and standalone use). */
export function keyLookup(keys: readonly OssCredential[] | KeyLookup): KeyLookup {
  if (typeof keys === 'function') return keys;
  return (accessKeyId) => {
    const credential = keys.find((c) => c.accessKeyId === accessKeyId);
    if (!credential) throw ossErrors.invalidAccessKeyId(accessKeyId);
    return credential;
  };
}

/**
 * A key issued with an STS token is only valid with it; a token sent with a plain key makes OSS
 * treat the key as an (unknown) STS key (doc 0002-00000002).
 */
export function checkSecurityToken(credential: OssCredential, token: string): void {
  if (credential.securityToken === undefined) {
    if (token !== '') throw ossErrors.invalidAccessKeyId(credential.accessKeyId);
  } else if (token === '') {
    throw ossErrors.invalidAccessKeyId(credential.accessKeyId);
  } else if (token !== credential.securityToken) {
    throw ossErrors.invalidSecurityToken();
  }
}

export interface SignableRequest {
  method: string;
  headers: HeaderBag;
  bucket: string | undefined;
  key: string | undefined;
  query: QueryParams;
}
