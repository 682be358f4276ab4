// Wire details the SDK does not surface: response headers and signature, protobuf error bodies,
// malformed input, request limits, versions and time-to-live, and persistence across restarts.
import { createHash, createHmac } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../lib/clock';
import { seededRandom } from '../../lib/emulators/shared/faults';
import { startTablestoreEmulator, type RunningTablestoreEmulator } from '../../lib/emulators/tablestore/index';
import { encodeRow, type PlainCell } from '../../lib/emulators/tablestore/plainbuffer';
import { signRequest } from '../../lib/emulators/tablestore/signature';
import type { Variant } from '../../lib/emulators/tablestore/values';

const require = createRequire(import.meta.url);
const TableStore = require('tablestore') as any;
const pb = require('tablestore/lib/protocol/tablestore_compiled_proto.js').main.proto;
const Long = TableStore.Long as { fromNumber(n: number): unknown };

const AK = 'wire-key';
const SECRET = 'wire-secret';
const INSTANCE = 'wire';

interface RawAnswer {
  status: number;
  headers: Headers;
  body: Buffer;
}

async function call(endpoint: string, operation: string, body: Uint8Array, tamper: (h: Record<string, string>) => void = () => {}): Promise<RawAnswer> {
  const headers: Record<string, string> = {
    'x-ots-date': new Date().toISOString(),
    'x-ots-apiversion': '2015-12-31',
    'x-ots-accesskeyid': AK,
    'x-ots-instancename': INSTANCE,
    'x-ots-contentmd5': createHash('md5').update(body).digest('base64'),
  };
  headers['x-ots-signature'] = signRequest(SECRET, `/${operation}`, 'POST', headers);
  tamper(headers);
  const res = await fetch(`${endpoint}/${operation}`, { method: 'POST', headers, body });
  return { status: res.status, headers: res.headers, body: Buffer.from(await res.arrayBuffer()) };
}

function otsError(answer: RawAnswer): { code: string; message: string } {
  const e = pb.Error.decode(answer.body);
  return { code: e.code, message: e.message };
}

function clientFor(endpoint: string): any {
  return new TableStore.Client({ endpoint, instancename: INSTANCE, accessKeyId: AK, secretAccessKey: SECRET, maxRetries: 0 });
}

const tableOf = (name: string, options: { timeToLive: number; maxVersions: number }) => ({
  tableMeta: { tableName: name, primaryKey: [{ name: 'id', type: 'STRING' }] },
  reservedThroughput: { capacityUnit: { read: 0, write: 0 } },
  tableOptions: options,
});
const ignore = () => new TableStore.Condition(TableStore.RowExistenceExpectation.IGNORE, null);

describe('tablestore emulator on the wire', () => {
  const clock = new ManualClock(Date.UTC(2026, 0, 1));
  let emulator: RunningTablestoreEmulator;
  let endpoint: string;

  beforeAll(async () => {
    emulator = await startTablestoreEmulator({ instance: INSTANCE, clock, credentials: [{ accessKeyId: AK, accessKeySecret: SECRET }] });
    endpoint = emulator.endpoint;
    await clientFor(endpoint).createTable(tableOf('wire', { timeToLive: -1, maxVersions: 1 }));
  });
  afterAll(async () => {
    await emulator.close();
  });

  describe('responses', () => {
    it('carries content MD5, content type, a microsecond date, a request id and a signed authorization', async () => {
      const answer = await call(endpoint, 'ListTable', pb.ListTableRequest.encode({}).finish());
      expect(answer.status).toBe(200);
      // Other tests of this file may have created tables of their own by now.
      expect(pb.ListTableResponse.decode(answer.body).tableNames).toContain('wire');
      const h = answer.headers;
      expect(h.get('x-ots-contentmd5')).toBe(createHash('md5').update(answer.body).digest('base64'));
      expect(h.get('x-ots-contenttype')).toBe('protocol buffer');
      expect(h.get('x-ots-date')).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
      expect(h.get('x-ots-requestid')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      const canonical = ['x-ots-contentmd5', 'x-ots-contenttype', 'x-ots-date', 'x-ots-requestid'].map((n) => `${n}:${h.get(n)}`).join('\n');
      const expected = createHmac('sha1', SECRET).update(`${canonical}\n/ListTable`).digest('base64');
      expect(h.get('authorization')).toBe(`OTS ${AK}:${expected}`);
    });

    it('encodes errors as a protobuf Error with the HTTP status, unsigned for auth failures', async () => {
      const answer = await call(endpoint, 'ListTable', new Uint8Array(0), (h) => {
        h['x-ots-signature'] = 'AAAA';
      });
      expect(answer.status).toBe(403);
      expect(otsError(answer)).toEqual({ code: 'OTSAuthFailed', message: 'Signature mismatch.' });
      expect(answer.headers.get('authorization')).toBeNull();
      expect(answer.headers.get('x-ots-requestid')).not.toBeNull();
    });
  });

  describe('malformed input', () => {
    it('answers bytes that are not the operation message with OTSParameterInvalid', async () => {
      const answer = await call(endpoint, 'GetRow', Buffer.from([0xff, 0x01, 0x02]));
      expect(answer.status).toBe(400);
      expect(otsError(answer)).toEqual({ code: 'OTSParameterInvalid', message: 'Parse PBMessage from RawString failed.' });
    });

    it('answers a broken PlainBuffer row with OTSParameterInvalid', async () => {
      const row = TableStore.PlainBufferBuilder.serializeForPutRow([{ id: 'a' }], [{ s: 'x' }]);
      row[row.length - 1] ^= 0xff;
      const body = pb.PutRowRequest.encode({ tableName: 'wire', row, condition: { rowExistence: 0 } }).finish();
      const answer = await call(endpoint, 'PutRow', body);
      expect(answer.status).toBe(400);
      expect(otsError(answer).message).toMatch(/^Cell data broken, checksum is mismatch/);
    });

    it('survives random bodies on every operation, answering each below 500', async () => {
      const random = seededRandom(2024);
      const operations = [
        'CreateTable',
        'DescribeTable',
        'GetRow',
        'PutRow',
        'UpdateRow',
        'DeleteRow',
        'BatchGetRow',
        'BatchWriteRow',
        'GetRange',
        'CreateIndex',
      ];
      for (let i = 0; i < 150; i++) {
        const body = Buffer.from(Array.from({ length: Math.floor(random() * 64) }, () => Math.floor(random() * 256)));
        const answer = await call(endpoint, operations[i % operations.length] as string, body);
        expect(answer.status).toBeLessThan(500);
      }
      expect((await call(endpoint, 'ListTable', new Uint8Array(0))).status).toBe(200);
    });

    it('survives well-formed messages carrying random, correctly checksummed rows', async () => {
      const random = seededRandom(77);
      const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
      const variants: (() => Variant)[] = [
        () => ({ type: 'STRING', value: pick(['', 'a', 'z'.repeat(1100)]) }),
        () => ({ type: 'INTEGER', value: BigInt(Math.floor(random() * 2 ** 40)) - 2n ** 39n }),
        () => ({ type: 'DOUBLE', value: pick([0.5, Number.NaN, Number.POSITIVE_INFINITY]) }),
        () => ({ type: 'BOOLEAN', value: random() < 0.5 }),
        () => ({ type: 'BINARY', value: Buffer.from([1, 2]) }),
        () => ({ type: 'INF_MIN' }),
        () => ({ type: 'INF_MAX' }),
        () => ({ type: 'AUTO_INCREMENT' }),
      ];
      const cell = (): PlainCell => ({
        name: pick(['id', 'a', 'b', '', '1bad', 'x'.repeat(300)]),
        ...(random() < 0.8 ? { value: pick(variants)() } : {}),
        ...(random() < 0.3 ? { op: pick(['DELETE_ALL_VERSION', 'DELETE_ONE_VERSION', 'INCREMENT'] as const) } : {}),
        ...(random() < 0.3 ? { timestamp: pick([0, Date.UTC(2026, 0, 1), 2 ** 50]) } : {}),
      });
      const validKey = (): PlainCell => ({ name: 'id', value: { type: 'STRING', value: pick(['k1', 'k2']) } });
      const row = () =>
        encodeRow({
          primaryKey: random() < 0.7 ? [validKey()] : Array.from({ length: Math.floor(random() * 3) }, cell),
          cells: Array.from({ length: Math.floor(random() * 4) }, cell),
          deleteMarker: random() < 0.3,
        });
      const condition = () => ({ rowExistence: Math.floor(random() * 4) });
      const table = () => pick(['wire', 'wire', 'wire', 'missing', '']);
      const requests: [string, () => Uint8Array][] = [
        [
          'PutRow',
          () =>
            pb.PutRowRequest.encode({
              tableName: table(),
              row: row(),
              condition: condition(),
              returnContent: { returnType: Math.floor(random() * 4) },
            }).finish(),
        ],
        ['UpdateRow', () => pb.UpdateRowRequest.encode({ tableName: table(), rowChange: row(), condition: condition() }).finish()],
        ['DeleteRow', () => pb.DeleteRowRequest.encode({ tableName: table(), primaryKey: row(), condition: condition() }).finish()],
        ['GetRow', () => pb.GetRowRequest.encode({ tableName: table(), primaryKey: row(), maxVersions: Math.floor(random() * 3) }).finish()],
        [
          'GetRange',
          () =>
            pb.GetRangeRequest.encode({
              tableName: table(),
              direction: Math.floor(random() * 3),
              inclusiveStartPrimaryKey: row(),
              exclusiveEndPrimaryKey: row(),
              maxVersions: 1,
              limit: Math.floor(random() * 3),
            }).finish(),
        ],
        [
          'BatchWriteRow',
          () =>
            pb.BatchWriteRowRequest.encode({
              tables: [{ tableName: table(), rows: [{ type: Math.floor(random() * 5), rowChange: row(), condition: condition() }] }],
            }).finish(),
        ],
        ['BatchGetRow', () => pb.BatchGetRowRequest.encode({ tables: [{ tableName: table(), primaryKey: [row(), row()], maxVersions: 1 }] }).finish()],
      ];
      const answers = new Set<string>();
      for (let i = 0; i < 400; i++) {
        const [operation, body] = requests[i % requests.length] as [string, () => Uint8Array];
        const answer = await call(endpoint, operation, body());
        expect(answer.status, operation).toBeLessThan(500);
        answers.add(answer.status === 200 ? '200' : `${answer.status} ${otsError(answer).message.replace(/\d+/g, 'N')}`);
      }
      // Many different validation paths were reached, not one early rejection.
      expect(answers).toContain('200');
      expect(answers.size).toBeGreaterThan(25);
    });

    it('survives table operations with random optional parts', async () => {
      const random = seededRandom(5);
      const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
      const maybe = <T>(value: () => T): T | undefined => (random() < 0.5 ? value() : undefined);
      const names = ['fz1', 'fz2', 'fz3', 'fz1', 'missing', '', '9bad'];
      const options = () => ({
        timeToLive: maybe(() => pick([-1, 0, -5, 86400])),
        maxVersions: maybe(() => pick([0, 1, 3])),
        deviationCellVersionInSec: maybe(() => pick([-1, 0, 86400])),
        allowUpdate: maybe(() => random() < 0.5),
      });
      const indexMeta = () => ({
        name: pick(['fz_idx', 'fz1', '', 'fz_idx2']),
        primaryKey: pick([[], ['due'], ['id'], ['nope'], ['flag'], ['due', 'due']]),
        definedColumn: pick([[], ['flag'], ['id'], ['nope']]),
        indexUpdateMode: pick([0, 1, 7]),
        indexType: pick([0, 1, 9]),
      });
      const requests: [string, () => Uint8Array][] = [
        [
          'CreateTable',
          () =>
            pb.CreateTableRequest.encode({
              tableMeta: {
                tableName: pick(names),
                primaryKey: pick([
                  [],
                  [{ name: 'id', type: pick([1, 2, 2, 3, 4]) }],
                  [
                    { name: 'id', type: 2 },
                    { name: 'n', type: 1, option: pick([1, 2]) },
                  ],
                ]),
                definedColumn: pick([
                  [],
                  [
                    { name: 'due', type: pick([1, 1, 2, 4, 9]) },
                    { name: 'flag', type: 3 },
                  ],
                ]),
              },
              reservedThroughput: { capacityUnit: { read: maybe(() => pick([0, -1, 5])), write: maybe(() => 0) } },
              tableOptions:
                random() < 0.8
                  ? { timeToLive: pick([-1, -1, -1, 0, 86400]), maxVersions: pick([1, 1, 1, 0, 3]), allowUpdate: maybe(() => random() < 0.5) }
                  : maybe(options),
              indexMetas: pick([[], [indexMeta()], [indexMeta(), indexMeta()]]),
            }).finish(),
        ],
        [
          'UpdateTable',
          () =>
            pb.UpdateTableRequest.encode({
              tableName: pick(names),
              tableOptions: maybe(options),
              reservedThroughput: maybe(() => ({ capacityUnit: {} })),
            }).finish(),
        ],
        [
          'CreateIndex',
          () => pb.CreateIndexRequest.encode({ mainTableName: pick(names), indexMeta: indexMeta(), includeBaseData: maybe(() => random() < 0.5) }).finish(),
        ],
        ['DropIndex', () => pb.DropIndexRequest.encode({ mainTableName: pick(names), indexName: pick(['fz_idx', 'fz_idx2', 'x']) }).finish()],
        ['DescribeTable', () => pb.DescribeTableRequest.encode({ tableName: pick(names) }).finish()],
        ['DeleteTable', () => pb.DeleteTableRequest.encode({ tableName: pick(names) }).finish()],
        [
          'GetRow',
          () =>
            pb.GetRowRequest.encode({
              tableName: 'wire',
              primaryKey: TableStore.PlainBufferBuilder.serializePrimaryKey([{ id: 'a' }]),
              maxVersions: maybe(() => 1),
              timeRange: maybe(() => ({ startTime: maybe(() => 0), endTime: maybe(() => 5), specificTime: maybe(() => 1) })),
            }).finish(),
        ],
      ];
      const answers = new Set<string>();
      for (let i = 0; i < 700; i++) {
        const [operation, body] = requests[i % requests.length] as [string, () => Uint8Array];
        const answer = await call(endpoint, operation, body());
        expect(answer.status, operation).toBeLessThan(500);
        answers.add(answer.status === 200 ? `${operation} 200` : `${answer.status} ${otsError(answer).message}`);
      }
      expect(answers).toContain('CreateTable 200');
      expect(answers.size).toBeGreaterThan(20);
    });

    it('answers GET with OTSMethodNotAllowed (405)', async () => {
      const res = await fetch(`${endpoint}/ListTable`);
      expect(res.status).toBe(405);
      expect(pb.Error.decode(Buffer.from(await res.arrayBuffer())).code).toBe('OTSMethodNotAllowed');
    });

    it('answers an operation it does not serve as unsupported', async () => {
      const answer = await call(endpoint, 'Search', new Uint8Array(0));
      expect(answer.status).toBe(400);
      expect(otsError(answer)).toEqual({ code: 'OTSParameterInvalid', message: "Unsupported operation: 'Search'." });
    });

    it('answers a body over 5 MB with OTSRequestBodyTooLarge (413)', async () => {
      const answer = await call(endpoint, 'PutRow', Buffer.alloc(5 * 1024 * 1024 + 1));
      expect(answer.status).toBe(413);
      expect(otsError(answer).code).toBe('OTSRequestBodyTooLarge');
    });

    it('answers a missing signed header with OTSParameterInvalid', async () => {
      const answer = await call(endpoint, 'ListTable', new Uint8Array(0), (h) => {
        delete h['x-ots-apiversion'];
      });
      expect(answer.status).toBe(400);
      expect(otsError(answer).message).toBe("Missing header: 'x-ots-apiversion'.");
    });
  });

  describe('limits', () => {
    it('refuses more than 100 rows in one BatchGetRow', async () => {
      const keys = Array.from({ length: 101 }, (_, i) => [{ id: `k${i}` }]);
      const err = await clientFor(endpoint)
        .batchGetRow({ tables: [{ tableName: 'wire', primaryKey: keys, maxVersions: 1 }] })
        .catch((e: Error) => e);
      expect(err.code).toBe(400);
      expect(err.message).toContain('Rows count exceeds the upper limit: 100.');
    });

    it('refuses more than 200 rows in one BatchWriteRow', async () => {
      const rows = Array.from({ length: 201 }, (_, i) => ({ type: 'PUT', condition: ignore(), primaryKey: [{ id: `k${i}` }], attributeColumns: [] }));
      const err = await clientFor(endpoint)
        .batchWriteRow({ tables: [{ tableName: 'wire', rows }] })
        .catch((e: Error) => e);
      expect(err.code).toBe(400);
      expect(err.message).toContain('Rows count exceeds the upper limit: 200.');
    });

    it('refuses a primary key with more than 4 columns', async () => {
      const err = await clientFor(endpoint)
        .createTable({
          tableMeta: { tableName: 'wide', primaryKey: ['a', 'b', 'c', 'd', 'e'].map((name) => ({ name, type: 'STRING' })) },
          reservedThroughput: { capacityUnit: { read: 0, write: 0 } },
          tableOptions: { timeToLive: -1, maxVersions: 1 },
        })
        .catch((e: Error) => e);
      expect(err.message).toContain('The number of primary key columns must be in range: [1, 4].');
    });

    it('refuses more than 1024 attribute columns in one write', async () => {
      const columns = Array.from({ length: 1025 }, (_, i) => ({ [`c${i}`]: 'v' }));
      const err = await clientFor(endpoint)
        .putRow({ tableName: 'wire', condition: ignore(), primaryKey: [{ id: 'wide' }], attributeColumns: columns })
        .catch((e: Error) => e);
      expect(err.code).toBe(400);
      expect(err.message).toContain('The number of attribute columns exceeds the limit, limit count: 1024, column count: 1025.');
    });

    it('refuses an attribute string over 2 MB', async () => {
      const err = await clientFor(endpoint)
        .putRow({ tableName: 'wire', condition: ignore(), primaryKey: [{ id: 'big' }], attributeColumns: [{ s: 'x'.repeat(2 * 1024 * 1024 + 1) }] })
        .catch((e: Error) => e);
      expect(err.code).toBe(400);
      expect(err.message).toContain("The length of attribute column: 's' exceeded the MaxLength:2097152 with CurrentLength:2097153.");
    });
  });

  describe('versions and time to live', () => {
    it('keeps max_versions versions stamped with the data clock, newest first', async () => {
      const client = clientFor(endpoint);
      const start = clock.nowMs();
      await client.createTable(tableOf('versions', { timeToLive: -1, maxVersions: 2 }));
      for (const v of ['v1', 'v2', 'v3']) {
        clock.advance(1000);
        await client.updateRow({ tableName: 'versions', condition: ignore(), primaryKey: [{ id: 'r' }], updateOfAttributeColumns: [{ PUT: [{ c: v }] }] });
      }
      const got = await client.getRow({ tableName: 'versions', primaryKey: [{ id: 'r' }], maxVersions: 5 });
      expect(got.row.attributes.map((a: any) => [a.columnValue, a.timestamp.toNumber()])).toEqual([
        ['v3', start + 3000],
        ['v2', start + 2000],
      ]);
    });

    it('hides data older than time_to_live', async () => {
      const client = clientFor(endpoint);
      await client.createTable(tableOf('expiring', { timeToLive: 86400, maxVersions: 1 }));
      await client.putRow({ tableName: 'expiring', condition: ignore(), primaryKey: [{ id: 'r' }], attributeColumns: [{ c: 'x' }] });
      clock.advance(86_400_000);
      const still = await client.getRow({ tableName: 'expiring', primaryKey: [{ id: 'r' }], maxVersions: 1 });
      expect(still.row.primaryKey).toBeDefined();
      clock.advance(1);
      const gone = await client.getRow({ tableName: 'expiring', primaryKey: [{ id: 'r' }], maxVersions: 1 });
      expect(gone.row).toEqual({});
      await client.putRow({
        tableName: 'expiring',
        condition: new TableStore.Condition(TableStore.RowExistenceExpectation.EXPECT_NOT_EXIST, null),
        primaryKey: [{ id: 'r' }],
        attributeColumns: [{ c: 'y' }],
      });
    });

    it('refuses an explicit timestamp beyond max_time_deviation', async () => {
      const err = await clientFor(endpoint)
        .putRow({ tableName: 'wire', condition: ignore(), primaryKey: [{ id: 't' }], attributeColumns: [{ c: 'x', timestamp: 1000 }] })
        .catch((e: Error) => e);
      expect(err.code).toBe(400);
      expect(err.message).toContain('Invalid timestamp. Cell:c.');
    });
  });
});

describe('tablestore emulator persistence', () => {
  const dir = mkdtempSync(join(tmpdir(), 'thaw-tablestore-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps tables, rows, 64-bit integers and indexes across a restart', async () => {
    const options = { instance: INSTANCE, dataDir: dir, credentials: [{ accessKeyId: AK, accessKeySecret: SECRET }] };
    const first = await startTablestoreEmulator(options);
    const c1 = clientFor(first.endpoint);
    await c1.createTable({
      ...tableOf('kept', { timeToLive: -1, maxVersions: 1 }),
      tableMeta: {
        tableName: 'kept',
        primaryKey: [{ name: 'id', type: 'STRING' }],
        definedColumn: [{ name: 'due', type: TableStore.DefinedColumnType.DCT_INTEGER }],
      },
      indexMetas: [{ name: 'kept_by_due', primaryKey: ['due'], definedColumn: [] }],
    });
    await c1.putRow({
      tableName: 'kept',
      condition: ignore(),
      primaryKey: [{ id: 'a' }],
      attributeColumns: [{ due: Long.fromNumber(5) }, { bin: Buffer.from([7]) }],
    });
    await first.close();

    const second = await startTablestoreEmulator(options);
    try {
      const c2 = clientFor(second.endpoint);
      const got = await c2.getRow({ tableName: 'kept', primaryKey: [{ id: 'a' }], maxVersions: 1 });
      expect(got.row.attributes.map((a: any) => [a.columnName, String(a.columnValue.toString?.() ?? a.columnValue)])).toEqual([
        ['bin', '\u0007'],
        ['due', '5'],
      ]);
      const indexed = await c2.getRange({
        tableName: 'kept_by_due',
        direction: TableStore.Direction.FORWARD,
        inclusiveStartPrimaryKey: [{ due: TableStore.INF_MIN }, { id: TableStore.INF_MIN }],
        exclusiveEndPrimaryKey: [{ due: TableStore.INF_MAX }, { id: TableStore.INF_MAX }],
        maxVersions: 1,
      });
      expect(indexed.rows.map((r: any) => r.primaryKey[1].value)).toEqual(['a']);
    } finally {
      await second.close();
    }
  });
});
