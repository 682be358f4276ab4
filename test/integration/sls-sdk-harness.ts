// Drives the Log Service emulator with the vendor's OpenAPI SDK, @alicloud/sls20201230, unmodified.
// The SDK puts the project into the host name (`{project}.{endpoint}`) and connects to it, so for an
// emulator at 127.0.0.1:PORT it asks DNS for `{project}.127.0.0.1`. This process resolves names
// under 127.0.0.1 (and localhost) to loopback for the duration of a test file, nothing else.
import dns from 'node:dns';
import SlsClient from '@alicloud/sls20201230';
import type { SlsEmulator } from '../../lib/emulators/sls/index';

type Lookup = typeof dns.lookup;

/** Resolves `*.127.0.0.1` and `*.localhost` to 127.0.0.1; returns the function that undoes it. */
export function resolveProjectHostsToLoopback(): () => void {
  const original: Lookup = dns.lookup;
  const patched = ((hostname: string, options: unknown, callback?: unknown) => {
    const cb = (typeof options === 'function' ? options : callback) as (...args: unknown[]) => void;
    const opts = (typeof options === 'object' && options !== null ? options : {}) as { all?: boolean };
    if (/\.(127\.0\.0\.1|localhost)$/i.test(hostname)) {
      process.nextTick(() => (opts.all ? cb(null, [{ address: '127.0.0.1', family: 4 }]) : cb(null, '127.0.0.1', 4)));
      return;
    }
    return (original as (...args: unknown[]) => void)(hostname, options, callback);
  }) as Lookup;
  dns.lookup = patched;
  return () => {
    dns.lookup = original;
  };
}

/** An SDK client for the emulator: endpoint `127.0.0.1:PORT` over http, the emulator's first key pair. */
export function sdkClient(emulator: SlsEmulator, keys?: { accessKeyId: string; accessKeySecret: string }): SlsClient {
  const credential = keys ?? emulator.credentials[0]!;
  const endpoint = emulator.endpoint.replace(/^http:\/\//, '');
  const Client = ((SlsClient as unknown as { default?: typeof SlsClient }).default ?? SlsClient) as typeof SlsClient;
  return new Client({
    accessKeyId: credential.accessKeyId,
    accessKeySecret: credential.accessKeySecret,
    endpoint,
    protocol: 'http',
    // One attempt: a test sees the emulator's answer, not a retry of it.
    readTimeout: 10_000,
    connectTimeout: 10_000,
  } as never);
}

/** What the SDK throws for a service error: the errorCode, errorMessage and the HTTP status. */
export async function sdkError(call: Promise<unknown>): Promise<{ code: string; message: string; status: number }> {
  try {
    await call;
  } catch (err) {
    const e = err as { code?: string; message?: string; data?: { httpCode?: number; statusCode?: number } };
    return { code: String(e.code), message: String(e.message), status: Number(e.data?.httpCode ?? e.data?.statusCode) };
  }
  throw new Error('the call succeeded; an error was expected');
}
