// The reads the restore guide lists — GetObject, image processing, CopyObject, UploadPartCopy,
// SelectObject, PostProcessTask — refused with 403 InvalidObjectState on an archived object that
// is not restored (or still restoring), each leaving an access-log record in the OSS real-time log
// format; the operations that do not read the data work in every state.
import { beforeEach, describe, expect, it } from 'vitest';
import type { OssAccessLogRecord } from '../../lib/emulators/oss/index';
import { READS_NEEDING_RESTORE } from '../../lib/emulators/oss/index';
import { BUCKET, failure, HOUR, xmlField, useOssHarness } from './oss-emulator-harness';

const use = useOssHarness();
const KEY = 'scans/page 1.png';

beforeEach(async () => {
  await use()
    .client()
    .put(KEY, Buffer.from('png'), { headers: { 'x-oss-storage-class': 'ColdArchive' } });
});

/** Each refused read, sent the way an application sends it; answers `status Code`. */
const READS: Record<(typeof READS_NEEDING_RESTORE)[number], () => Promise<string>> = {
  GetObject: () => outcome(use().client().get(KEY)),
  ProcessImage: () => outcome(use().client().get(KEY, { process: 'image/resize,w_100' })),
  CopyObject: () => outcome(use().client().copy('copies/page 1.png', KEY)),
  UploadPartCopy: async () => {
    const oss = use().client();
    const { uploadId } = (await oss.initMultipartUpload('copies/big.png')) as { uploadId: string };
    return outcome(oss.uploadPartCopy('copies/big.png', uploadId, 1, '0-2', { sourceKey: KEY, sourceBucketName: BUCKET }));
  },
  SelectObject: () =>
    rawOutcome(
      use().signed('POST', KEY, {
        subres: { 'x-oss-process': 'csv/select' },
        body: '<SelectRequest><Expression>c2VsZWN0ICogZnJvbSBvc3NvYmplY3Q=</Expression></SelectRequest>',
      }),
    ),
  PostProcessTask: () =>
    rawOutcome(
      use().signed('POST', KEY, {
        subres: { 'x-oss-async-process': '' },
        body: 'x-oss-async-process=video/convert,f_mp4|sys/saveas,o_b3V0Lm1wNA',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      }),
    ),
};

async function outcome(call: Promise<{ res: { status: number } }>): Promise<string> {
  try {
    return String((await call).res.status);
  } catch (err) {
    const e = err as { status: number; code?: string };
    return `${e.status} ${e.code}`;
  }
}

async function rawOutcome(call: Promise<{ status: number; body: string }>): Promise<string> {
  const res = await call;
  return res.status >= 300 ? `${res.status} ${xmlField(res.body, 'Code')}` : String(res.status);
}

function lastRecord(): OssAccessLogRecord {
  return use().logs.at(-1)!;
}

describe.each(['frozen', 'still restoring'])('an archived object %s', (state) => {
  beforeEach(async () => {
    if (state === 'still restoring') await use().client().restore(KEY, { type: 'ColdArchive', Days: 1, JobParameters: 'Standard' });
  });

  it.each(READS_NEEDING_RESTORE.map((op) => [op]))('refuses %s with 403 InvalidObjectState and logs it as OSS does', async (operation) => {
    expect(await READS[operation]()).toBe('403 InvalidObjectState');
    const record = lastRecord();
    expect(record).toMatchObject({
      __topic__: 'oss_access_log',
      operation,
      http_status: '403',
      error_code: 'InvalidObjectState',
      bucket: BUCKET,
      owner_id: '1000000000000001',
      sign_type: 'NormalSign',
    });
    // `object` is the requested object: for the copies, their destination.
    const copies = operation === 'CopyObject' || operation === 'UploadPartCopy';
    expect(decodeURIComponent(record.object)).toBe(copies ? (operation === 'CopyObject' ? 'copies/page 1.png' : 'copies/big.png') : KEY);
    expect(record.request_uri.startsWith(copies ? '/copies/' : '/scans/page%201.png')).toBe(true);
    expect(record.request_id).toMatch(/^[0-9A-F]{24}$/);
  });
});

describe('the same object once restored', () => {
  beforeEach(async () => {
    await use().client().restore(KEY, { type: 'ColdArchive', Days: 1, JobParameters: 'Expedited' });
    use().advance(HOUR);
  });

  it('is read by GetObject, CopyObject and UploadPartCopy', async () => {
    expect(await READS.GetObject()).toBe('200');
    expect(await READS.CopyObject()).toBe('200');
    expect(await READS.UploadPartCopy()).toBe('200');
  });

  it('gets NotImplemented from the processing reads the emulator does not perform', async () => {
    for (const op of ['ProcessImage', 'SelectObject', 'PostProcessTask'] as const) expect(await READS[op]()).toBe('501 NotImplemented');
  });
});

describe('operations that do not read the data', () => {
  it('work on a frozen archived object', async () => {
    const oss = use().client();
    expect((await oss.head(KEY)).status).toBe(200);
    expect((await oss.getObjectMeta(KEY)).status).toBe(200);
    expect((await oss.delete(KEY)).res.status).toBe(204);
    await oss.put('b.png', Buffer.from('x'), { headers: { 'x-oss-storage-class': 'DeepColdArchive' } });
    expect((await oss.deleteMulti(['b.png'])).res.status).toBe(200);
  });
});

describe('user_defined_log_fields', () => {
  it('names a refused copy’s source when the bucket logs x-oss-copy-source', async () => {
    use().emulator.configureUserDefinedLogFields(BUCKET, { headers: ['x-oss-copy-source'], params: ['versionId'] });
    await failure(use().client().copy('copies/page 1.png', KEY));
    const fields = JSON.parse(Buffer.from(lastRecord().user_defined_log_fields, 'base64').toString('utf8'));
    expect(fields).toEqual({ truncated: false, headers: { 'x-oss-copy-source': `/${BUCKET}/${encodeURIComponent(KEY)}` }, querys: {} });
    use().emulator.configureUserDefinedLogFields(BUCKET, undefined);
    await failure(use().client().copy('copies/page 1.png', KEY));
    expect(lastRecord().user_defined_log_fields).toBe('-');
  });

  it('is configured as documented: at most six names, header names printable ASCII without "_" or ":"', () => {
    expect(() => use().emulator.configureUserDefinedLogFields(BUCKET, { headers: ['a', 'b', 'c', 'd'], params: ['e', 'f', 'g'] })).toThrow('at most 6');
    expect(() => use().emulator.configureUserDefinedLogFields(BUCKET, { headers: ['x_copy'], params: [] })).toThrow('not a loggable header');
  });
});
