// Shared setup for the OSS emulator's integration tests: an emulator on a ManualClock, unmodified
// ali-oss clients (V1 and V4), and raw requests signed with ali-oss's own signer for operations
// ali-oss has no method for.
import OSS from 'ali-oss';
import { request as httpRequest } from 'node:http';
import { createRequire } from 'node:module';
import { afterEach, beforeEach, vi } from 'vitest';
import { ManualClock } from '../../lib/clock';
import { startOssEmulator, type OssAccessLogRecord, type OssEmulator, type OssEmulatorOptions, type OssEventRecord } from '../../lib/emulators/oss/index';

const require = createRequire(import.meta.url);
export const aliSign = require('ali-oss/lib/common/signUtils') as {
  buildCanonicalString(method: string, resource: string, request: { headers: Record<string, string>; parameters?: unknown }, expires?: string): string;
  computeSignature(secret: string, toSign: string): string;
};

export const BUCKET = 'thaw-demo';
export const T0 = Date.UTC(2026, 0, 1);
export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

export interface OssFailure {
  status: number;
  code: string | undefined;
  name: string;
  requestId?: string;
  ecCode?: string;
  message: string;
}

/** The rejection of a call that must fail (fails the test if it succeeds). */
export async function failure(call: Promise<unknown>): Promise<OssFailure> {
  try {
    await call;
  } catch (err) {
    return err as OssFailure;
  }
  throw new Error('expected the call to fail');
}

export function headerOf(result: { res: unknown }, name: string): string | undefined {
  return (result.res as { headers: Record<string, string | undefined> }).headers[name];
}

/** ali-oss 6.23 methods @types/ali-oss does not declare (read from its source). */
export interface AliOssExtras {
  restore(
    name: string,
    options: { type?: string; Days?: number; JobParameters?: string; versionId?: string },
  ): Promise<{ res: { status: number; headers: Record<string, string> } }>;
  putBucketVersioning(name: string, status: 'Enabled' | 'Suspended'): Promise<{ status: number }>;
  signatureUrlV4(
    method: string,
    expires: number,
    request: { headers?: Record<string, string>; queries?: Record<string, string> },
    objectName: string,
  ): Promise<string>;
  uploadPartCopy(
    name: string,
    uploadId: string,
    partNo: number,
    range: string,
    source: { sourceKey: string; sourceBucketName: string },
    options?: object,
  ): Promise<{ etag: string; res: { status: number } }>;
  listUploads(query: object, options?: object): Promise<{ uploads: { name: string; uploadId: string }[]; isTruncated: boolean }>;
  listParts(name: string, uploadId: string, query?: object): Promise<{ parts: { PartNumber: string; ETag: string; Size: string }[] }>;
  deleteMulti(
    names: (string | { key: string; versionId?: string })[],
    options?: { quiet?: boolean },
  ): Promise<{ deleted: { Key: string }[]; res: { status: number } }>;
  multipartUpload(name: string, file: Buffer, options?: object): Promise<{ res: { status: number }; etag: string }>;
  abortMultipartUpload(name: string, uploadId: string): Promise<{ res: { status: number } }>;
  deleteBucket(name: string): Promise<{ res: { status: number } }>;
  getObjectMeta(name: string): Promise<{ status: number; res: { headers: Record<string, string> } }>;
  put(
    name: string,
    file: Buffer,
    options?: { headers?: Record<string, string>; meta?: Record<string, string> },
  ): Promise<{ res: { status: number; headers: Record<string, string> } }>;
}

/** ali-oss as @types/ali-oss declares it, with the methods above as ali-oss 6.23 really has them. */
export type AliOss = Omit<OSS, keyof AliOssExtras> & AliOssExtras;

export function sdk(client: OSS): AliOss {
  return client as unknown as AliOss;
}

export class OssHarness {
  readonly logs: OssAccessLogRecord[] = [];
  readonly events: OssEventRecord[] = [];

  private constructor(
    readonly clock: ManualClock,
    readonly emulator: OssEmulator,
  ) {}

  static async start(options: OssEmulatorOptions = {}, clock = new ManualClock(T0)): Promise<OssHarness> {
    let harness: OssHarness | undefined;
    const emulator = await startOssEmulator({
      clock,
      onEvent: (e) => harness?.events.push(e),
      onAccessLog: (r) => harness?.logs.push(r),
      ...options,
    });
    harness = new OssHarness(clock, emulator);
    return harness;
  }

  get credentials(): { accessKeyId: string; accessKeySecret: string } {
    const { accessKeyId, accessKeySecret } = this.emulator.describe() as { accessKeyId: string; accessKeySecret: string };
    return { accessKeyId, accessKeySecret };
  }

  /** ali-oss with V1 signatures (the default), endpoint the emulator's IP. */
  client(overrides: Partial<OSS.Options> & Record<string, unknown> = {}): AliOss {
    return sdk(new OSS({ endpoint: this.emulator.endpoint, ...this.credentials, bucket: BUCKET, ...overrides } as OSS.Options));
  }

  /** ali-oss with `authorizationV4: true`, Alibaba's recommended signature. */
  v4(overrides: Partial<OSS.Options> & Record<string, unknown> = {}): AliOss {
    return this.client({ region: 'oss-cn-hangzhou', authorizationV4: true, ...overrides });
  }

  advance(ms: number): void {
    this.clock.advance(ms);
    this.emulator.tick();
  }

  /**
   * A request ali-oss has no method for, V1-signed with ali-oss's signer. `subres` are signed
   * sub-resources, `query` unsigned parameters; Host names the bucket, as ali-oss sends it for an
   * IP endpoint.
   */
  async signed(
    method: string,
    key: string,
    options: { subres?: Record<string, string>; query?: Record<string, string>; body?: string | Buffer; headers?: Record<string, string> } = {},
  ): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
    const headers: Record<string, string> = { 'x-oss-date': new Date(this.clock.nowMs()).toUTCString(), ...options.headers };
    if (options.body !== undefined) headers['content-type'] ??= 'application/xml';
    const subres = options.subres ?? {};
    const toSign = aliSign.buildCanonicalString(method, `/${BUCKET}/${key}`, { headers, parameters: subres });
    headers.authorization = `OSS ${this.credentials.accessKeyId}:${aliSign.computeSignature(this.credentials.accessKeySecret, toSign)}`;
    headers.host = `${BUCKET}.oss-cn-hangzhou.aliyuncs.com`;
    const search = Object.entries({ ...subres, ...options.query })
      .map(([k, v]) => (v === '' ? k : `${k}=${encodeURIComponent(v)}`))
      .join('&');
    const path = `/${key.split('/').map(encodeURIComponent).join('/')}${search ? `?${search}` : ''}`;
    return rawRequest(`${this.emulator.endpoint}${path}`, method, headers, options.body);
  }

  async close(): Promise<void> {
    await this.emulator.close();
  }
}

export function rawRequest(
  url: string,
  method: string,
  headers: Record<string, string>,
  body?: string | Buffer,
  agent?: import('node:http').Agent,
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method, headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

export function xmlField(xml: string, name: string): string | undefined {
  return new RegExp(`<${name}>([\\s\\S]*?)</${name}>`).exec(xml)?.[1];
}

/**
 * Installs beforeEach/afterEach that start an emulator with the bucket created and Date pinned to
 * the emulator's clock (ali-oss stamps x-oss-date from Date, so no test depends on today); returns
 * the current test's harness.
 */
export function useOssHarness(options: OssEmulatorOptions = {}): () => OssHarness {
  let harness: OssHarness | undefined;
  beforeEach(async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(T0);
    harness = await OssHarness.start(options);
    await harness.client().putBucket(BUCKET);
  });
  afterEach(async () => {
    await harness?.close();
    harness = undefined;
    vi.useRealTimers();
  });
  return () => {
    if (!harness) throw new Error('the OSS harness runs only inside a test');
    return harness;
  };
}
