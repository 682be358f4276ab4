// Property-based: whatever arrives — paths, queries, headers, bodies, whole trigger events —
// the answer is a 2xx or a 4xx with a JSON error, never a 5xx and never a crash.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { handleFc3Event } from '../../../lib/api/fc-http';
import { ref } from '../../support/records';
import { apiUnderTest, TOKEN } from '../../support/api';

const METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'] as const;

// Path material: percent signs, slashes, dots, reserved and non-ASCII characters.
const segment = fc.stringMatching(/^[A-Za-z0-9%/._~!$&'()*+,;=:@?#\- \u00e9\u65e5\u{1F9CA}]{0,40}$/u);
const path = fc.oneof(
  segment.map((s) => `/v1/restores/thaw-test/${s}`),
  fc.tuple(segment, segment).map(([b, k]) => `/v1/restores/${b}/${k}`),
  segment.map((s) => `/${s}`),
  fc.constant('/v1/health'),
);
const query = fc.dictionary(fc.string({ maxLength: 10 }), fc.string({ maxLength: 20 }), { maxKeys: 3 });
const body = fc.oneof(
  fc.constant(undefined),
  fc.string({ maxLength: 200 }),
  fc.jsonValue({ maxDepth: 2 }).map((v) => JSON.stringify(v)),
  fc
    .record(
      { days: fc.oneof(fc.integer(), fc.double(), fc.string()), tier: fc.oneof(fc.constantFrom('Expedited', 'Standard', 'Bulk'), fc.string()) },
      { requiredKeys: [] },
    )
    .map((v) => JSON.stringify(v)),
);
const authorization = fc.oneof(
  fc.constant(`Bearer ${TOKEN}`),
  fc.constant(undefined),
  fc.string({ maxLength: 40 }),
  fc.string({ maxLength: 40 }).map((t) => `Bearer ${t}`),
);

async function expectClientSafe(res: { status: number; text: () => Promise<string> }): Promise<void> {
  expect(res.status).toBeGreaterThanOrEqual(200);
  expect(res.status).toBeLessThan(500);
  if (res.status >= 400) {
    const parsed = JSON.parse(await res.text());
    expect(typeof parsed.error.code).toBe('string');
    expect(typeof parsed.error.message).toBe('string');
  }
}

function encodePath(p: string): string {
  // Encode what a URL cannot carry raw, keep "%" and "/" as given so malformed escapes get through.
  return p.replace(/[^A-Za-z0-9%/._~!$&'()*+,;=:@-]/gu, (c) => encodeURIComponent(c));
}

describe('HTTP API properties', () => {
  it('answers every request with a 2xx or a 4xx JSON error', async () => {
    const { app, objects } = apiUnderTest();
    objects.put(ref('a'), 'Archive');
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...METHODS), path, query, body, authorization, async (method, p, q, b, auth) => {
        const raw = encodePath(p);
        const qs = new URLSearchParams(q).toString();
        const headers: Record<string, string> = {};
        if (auth !== undefined) headers.authorization = auth.replace(/[^\t\x20-\x7e]/g, '');
        const res = await app(new Request(`http://thaw.local${raw}${qs ? `?${qs}` : ''}`, { method, headers, body: method === 'GET' ? undefined : b }), {
          rawPath: raw,
        });
        await expectClientSafe(res);
      }),
      { numRuns: 400 },
    );
  });

  it('answers every FC 3.0 trigger event, however malformed, with a 2xx or a 4xx', async () => {
    const { app } = apiUnderTest();
    const event = fc.oneof(
      fc.record(
        {
          version: fc.constant('v1'),
          rawPath: fc.oneof(path.map(encodePath), fc.string({ maxLength: 30 })),
          headers: fc.dictionary(fc.string({ maxLength: 15 }), fc.string({ maxLength: 30 }), { maxKeys: 4 }),
          queryParameters: query,
          body: fc.oneof(fc.string({ maxLength: 100 }), fc.base64String({ maxLength: 100 })),
          isBase64Encoded: fc.boolean(),
          requestContext: fc.record({
            requestId: fc.string({ maxLength: 10 }),
            http: fc.record({ method: fc.oneof(fc.constantFrom(...METHODS), fc.string({ maxLength: 8 })) }),
          }),
        },
        { requiredKeys: [] },
      ),
      fc.jsonValue().map((v) => Buffer.from(JSON.stringify(v))),
      fc.string().map((s) => Buffer.from(s)),
    );
    await fc.assert(
      fc.asyncProperty(event, async (e) => {
        const result = await handleFc3Event(app, e, 'req-1');
        await expectClientSafe({ status: result.statusCode, text: async () => result.body });
      }),
      { numRuns: 400 },
    );
  });
});
