// The API over the memory stores behind a real HTTP listener on loopback, with a fixed clock and a
// believable mix of records, for the dashboard's browser test and its screenshot in docs/operations.md (the browser: ./browser.ts).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { TransientError } from '../../lib/restore/errors';
import type { StorageClass } from '../../lib/restore/storage-class';
import { apiUnderTest, READ_TOKEN } from './api';
import { ref } from './records';

export interface DashboardDemo {
  readonly url: string;
  readonly token: string;
  close(): Promise<void>;
}

/** Serves the API and seeds `inFlight` restores across classes and tiers, plus a few that went wrong. */
export async function startDashboardDemo(options: { inFlight?: number } = {}): Promise<DashboardDemo> {
  const api = apiUnderTest({ limits: { dailyRestores: 2_000, dailyBytes: 50 * 2 ** 30, maxObjectBytes: 50 * 2 ** 30 } });
  const { call, objects, clock } = api;
  const inFlight = options.inFlight ?? 40;
  const kinds: [StorageClass, string | undefined][] = [
    ['ColdArchive', 'Expedited'],
    ['ColdArchive', 'Standard'],
    ['ColdArchive', 'Bulk'],
    ['DeepColdArchive', 'Standard'],
    ['Archive', undefined],
  ];
  for (let i = 0; i < inFlight; i++) {
    const [storageClass, tier] = kinds[i % kinds.length]!;
    const key = `logs/2023/${String(i).padStart(3, '0')}.tar.gz`;
    objects.put(ref(key), storageClass, 2 ** 28 + i * 7_340_032);
    // Spread over the last hours, so the timeline has a shape.
    clock.advance(97_000);
    await call('POST', `/v1/restores/thaw-test/${encodeURIComponent(key)}`, { body: JSON.stringify(tier ? { tier } : {}) });
  }
  // What went wrong: one over the day's byte budget, one too large to restore at all, one whose HEAD kept failing.
  objects.put(ref('exports/2024-q4.parquet'), 'ColdArchive', 45 * 2 ** 30);
  await call('POST', `/v1/restores/thaw-test/${encodeURIComponent('exports/2024-q4.parquet')}`);
  objects.put(ref('backups/2019/full.tar'), 'DeepColdArchive', 80 * 2 ** 30);
  await call('POST', `/v1/restores/thaw-test/${encodeURIComponent('backups/2019/full.tar')}`);
  objects.put(ref('images/broken.png'), 'Archive', 1_048_576);
  objects.failures.head.push(...Array.from({ length: 4 }, () => new TransientError('HeadObject thaw-test/images/broken.png: 503 ServiceUnavailable')));
  await call('POST', `/v1/restores/thaw-test/${encodeURIComponent('images/broken.png')}`);
  objects.put(ref('standard/readme.txt'), 'Standard', 512);
  await call('POST', `/v1/restores/thaw-test/${encodeURIComponent('standard/readme.txt')}`);
  clock.advance(60_000);

  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) if (typeof value === 'string') headers.set(name, value);
    const path = req.url ?? '/';
    const response = await api.app(
      new Request(`http://127.0.0.1${path}`, {
        method: req.method,
        headers,
        body: req.method === 'GET' || req.method === 'HEAD' ? undefined : Buffer.concat(chunks),
      }),
      { rawPath: path.split('?')[0] },
    );
    res.writeHead(response.status, Object.fromEntries(response.headers));
    res.end(Buffer.from(await response.arrayBuffer()));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    // The dashboard reads and never restores: a read-scoped token is all it is given.
    token: READ_TOKEN,
    close: () => closeServer(server),
  };
}

function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}
