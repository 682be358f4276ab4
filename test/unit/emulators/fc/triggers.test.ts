// The local wiring of created triggers to the OSS emulator's events, as FC and EventBridge would
// deliver them: each trigger gets only its bucket, events and key filter, and the EventBridge
// trigger gets CloudEvents that match its pattern.
import { describe, expect, it } from 'vitest';
import type { OssEventRecord } from '../../../../lib/emulators/oss';
import { silentLogger } from '../../../../lib/log';
import { ManualClock } from '../../../../lib/clock';
import type { TriggerRecord } from '../../../../lib/emulators/fc/model';
import { TriggerWiring } from '../../../../lib/emulators/fc/triggers';
import { FakeAccount } from '../../../support/fake-account';

const ROLE = 'acs:ram::123:role/oss-invoke';

function wiring() {
  const invoked: { fn: string; event: any }[] = [];
  const runtime = {
    invoke: async (_service: string, fn: string, event: Buffer) => {
      invoked.push({ fn, event: JSON.parse(event.toString()) });
      return { ok: true as const, result: null };
    },
  };
  const clock = new ManualClock(Date.UTC(2026, 0, 1));
  const account = new FakeAccount({ accountId: '123', owner: { accessKeyId: 'owner', accessKeySecret: 's' }, clock });
  account.addRole('oss-invoke', ['oss.aliyuncs.com'], [{ action: 'fc:InvokeFunction', resource: 'acs:fc:*:*:services/svc/functions/*' }]);
  const w = new TriggerWiring({
    runtime,
    slsEndpoint: 'http://127.0.0.1:9',
    account,
    scope: { region: 'cn-hangzhou', accountId: '123' },
    clock,
    log: silentLogger,
    timeScale: 1,
    logIntervalMs: 1000,
  });
  return { w, invoked, account };
}

const record = (eventName: string, bucket: string, key: string): OssEventRecord =>
  ({
    eventName,
    eventSource: 'acs:oss',
    eventTime: '2026-01-01T00:00:00.000Z',
    eventVersion: '1.0',
    region: 'cn-hangzhou',
    oss: {
      bucket: { name: bucket, arn: '', ownerIdentity: '123', virtualBucket: '' },
      object: { key, size: 1, deltaSize: 1, eTag: 'e' },
      ossSchemaVersion: '1.0',
    },
    requestParameters: { sourceIPAddress: '127.0.0.1' },
    responseElements: { requestId: 'r' },
    userIdentity: { principalId: '123' },
  }) as OssEventRecord;

const trigger = (name: string, type: TriggerRecord['triggerType'], triggerConfig: Record<string, unknown>, sourceArn?: string): TriggerRecord => ({
  triggerName: name,
  triggerId: name,
  triggerType: type,
  triggerConfig,
  sourceArn,
  ...(type === 'oss' ? { invocationRole: ROLE } : {}),
  qualifier: 'LATEST',
  createdTime: '',
  lastModifiedTime: '',
});

describe('TriggerWiring', () => {
  it('delivers to an OSS trigger only its bucket, named events and key filter', async () => {
    const { w, invoked } = wiring();
    await w.apply(
      'svc',
      'storage-event',
      trigger(
        'o',
        'oss',
        { events: ['oss:ObjectCreated:*', 'oss:ObjectRemoved:DeleteObject'], filter: { key: { prefix: 'logs/', suffix: '.gz' } } },
        'acs:oss:cn-hangzhou:123:b1',
      ),
    );
    w.ossEvent(record('ObjectCreated:PutObject', 'b1', 'logs/a.gz'));
    w.ossEvent(record('ObjectCreated:PutObject', 'b2', 'logs/a.gz'));
    w.ossEvent(record('ObjectCreated:PutObject', 'b1', 'other/a.gz'));
    w.ossEvent(record('ObjectRemoved:DeleteMarkerCreated', 'b1', 'logs/a.gz'));
    w.ossEvent(record('ObjectRestore:FinishRestore', 'b1', 'logs/a.gz'));
    w.ossEvent(record('ObjectRemoved:DeleteObject', 'b1', 'logs/b.gz'));
    await w.close();
    expect(invoked.map((i) => `${i.event.events[0].eventName} ${i.event.events[0].oss.object.key}`)).toEqual([
      'ObjectCreated:PutObject logs/a.gz',
      'ObjectRemoved:DeleteObject logs/b.gz',
    ]);
  });

  it('delivers to an EventBridge trigger the CloudEvents its pattern matches', async () => {
    const { w, invoked } = wiring();
    const pattern = { source: ['acs.oss'], type: ['oss:ObjectRestore:FinishRestore'], subject: [{ prefix: 'acs:oss:cn-hangzhou:123:b1/' }] };
    await w.apply(
      'svc',
      'storage-event',
      trigger('e', 'eventbridge', { triggerEnable: true, eventRuleFilterPattern: JSON.stringify(pattern), eventSourceConfig: { eventSourceType: 'Default' } }),
    );
    w.ossEvent(record('ObjectRestore:FinishRestore', 'b1', 'cold/x'));
    w.ossEvent(record('ObjectRestore:FinishRestore', 'b2', 'cold/x'));
    w.ossEvent(record('ObjectCreated:PutObject', 'b1', 'cold/x'));
    await w.close();
    expect(invoked).toHaveLength(1);
    expect(invoked[0]!.event).toMatchObject({
      source: 'acs.oss',
      specversion: '1.0',
      type: 'oss:ObjectRestore:FinishRestore',
      subject: 'acs:oss:cn-hangzhou:123:b1/cold/x',
      data: { eventName: 'ObjectRestore:FinishRestore' },
    });
  });

  it('stops delivering once the trigger is deleted, and wires nothing for a disabled one', async () => {
    const { w, invoked } = wiring();
    await w.apply('svc', 'storage-event', trigger('o', 'oss', { events: ['oss:ObjectCreated:*'] }, 'acs:oss:cn-hangzhou:123:b1'));
    await w.apply(
      'svc',
      'storage-event',
      trigger('e', 'eventbridge', { triggerEnable: false, eventRuleFilterPattern: '{}', eventSourceConfig: { eventSourceType: 'Default' } }),
    );
    await w.remove('svc', 'storage-event', 'o');
    w.ossEvent(record('ObjectCreated:PutObject', 'b1', 'k'));
    await w.close();
    expect(invoked).toEqual([]);
  });
});
