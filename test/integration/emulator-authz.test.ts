// The local cloud says no as the real one does: OSS, Tablestore and Log Service, started with the RAM
// account, refuse an STS key whose role lacks the one grant an operation needs, with each service's
// own answer, and accept it once the grant is attached; an explicit Deny wins over an Allow; an STS key
// past its expiry is refused; the Tablestore instance's network ACL refuses its public listener and
// accepts its VPC one. Real clients throughout: ali-oss, tablestore, the product's Log Service reader.
import { createRequire } from 'node:module';
import OSS from 'ali-oss';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../lib/clock';
import { type OssEmulator, startOssEmulator } from '../../lib/emulators/oss';
import { RamAccount } from '../../lib/emulators/ram/account';
import type { SigningKey } from '../../lib/emulators/shared/access';
import { controlFetch, controlSignature, warnIfExposed } from '../../lib/emulators/shared/control';
import { DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET } from '../../lib/emulators/shared/emulator';
import { type SlsEmulator, startSlsEmulator } from '../../lib/emulators/sls';
import { type RunningTablestoreEmulator, startTablestoreEmulator } from '../../lib/emulators/tablestore';
import { LogStoreReader } from '../../lib/sls/reader';

const UID = '1000000000000001';
const OWNER = { accessKeyId: DEFAULT_ACCESS_KEY_ID, accessKeySecret: DEFAULT_ACCESS_KEY_SECRET };
const TableStore = createRequire(import.meta.url)('tablestore') as any;
const fcTrust = JSON.stringify({ Version: '1', Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { Service: ['fc.aliyuncs.com'] } }] });
const allow = (action: string[], resource: string[]) => JSON.stringify({ Version: '1', Statement: [{ Effect: 'Allow', Action: action, Resource: resource }] });
const deny = (action: string[], resource: string[]) => JSON.stringify({ Version: '1', Statement: [{ Effect: 'Deny', Action: action, Resource: resource }] });

describe('enforcement with STS keys of a function role', () => {
  const clock = new ManualClock(Date.UTC(2026, 0, 1));
  const account = new RamAccount({ accountId: UID, ownerKey: OWNER, clock });
  let oss: OssEmulator;
  let ts: RunningTablestoreEmulator;
  let sls: SlsEmulator;
  let key: SigningKey;
  let policySeq = 0;
  const grant = (role: string, document: string) => {
    const name = `p${++policySeq}`;
    account.createPolicy(name, document);
    account.attachPolicy('role', role, 'Custom', name);
    return () => account.detachPolicy('role', role, 'Custom', name);
  };

  beforeAll(async () => {
    oss = await startOssEmulator({ access: account, clock, autoTick: false, ownerId: UID });
    ts = await startTablestoreEmulator({ access: account, clock, instance: 'Thaw-Records', ownerId: UID });
    sls = await startSlsEmulator({ access: account, clock, ownerId: UID });
    oss.createBucket('data', { versioning: true });
    oss.putObject('data', 'public/a.txt', 'a');
    oss.putObject('data', 'secret/b.txt', 'b');
    sls.createProject('logs');
    sls.createLogstore('logs', 'access', { shardCount: 1 });
    sls.writeLogs('logs', 'access', [{ time: 1767225600, contents: { k: 'v' } }]);
    account.createRole({ RoleName: 'fn', AssumeRolePolicyDocument: fcTrust });
    key = account.assumeRoleForService(account.roleArn('fn'), 'fc.aliyuncs.com', 'fn-instance', clock.nowMs());
  });
  afterAll(async () => {
    await Promise.all([oss?.close(), ts?.close(), sls?.close()]);
  });

  const ossClient = (k: { accessKeyId: string; accessKeySecret: string; securityToken?: string } = key) =>
    new OSS({
      endpoint: oss.endpoint,
      region: 'oss-cn-hangzhou',
      bucket: 'data',
      accessKeyId: k.accessKeyId,
      accessKeySecret: k.accessKeySecret,
      stsToken: k.securityToken,
    });

  describe('OSS', () => {
    it('refuses GetObject and HEAD without oss:GetObject (AccessDenied, ImplicitDeny), then serves them once it is attached', async () => {
      const refused = await ossClient()
        .get('public/a.txt')
        .catch((e: { status: number; code: string; ecCode?: string }) => e);
      expect(refused).toMatchObject({ status: 403, code: 'AccessDenied', ecCode: '0003-00000202' });
      await expect(ossClient().head('public/a.txt')).rejects.toMatchObject({ status: 403, code: 'AccessDenied' });
      const detach = grant('fn', allow(['oss:GetObject'], ['acs:oss:*:*:data/public/*']));
      expect(String((await ossClient().get('public/a.txt')).content)).toBe('a');
      expect((await ossClient().head('public/a.txt')).status).toBe(200);
      // The grant names a prefix: another prefix stays refused.
      await expect(ossClient().get('secret/b.txt')).rejects.toMatchObject({ status: 403, code: 'AccessDenied' });
      detach();
    });

    it('asks oss:GetObjectVersion when a versionId is given, and oss:ListObjects on the bucket', async () => {
      const detach = grant('fn', allow(['oss:GetObject'], ['acs:oss:*:*:data/*']));
      const versionId = oss.putObject('data', 'public/v.txt', 'v')!;
      await expect(ossClient().get('public/v.txt', { versionId })).rejects.toMatchObject({ status: 403, code: 'AccessDenied' });
      await expect(ossClient().list({ prefix: 'public/', 'max-keys': 10 }, {})).rejects.toMatchObject({ status: 403, code: 'AccessDenied' });
      const detachVersion = grant('fn', allow(['oss:GetObjectVersion', 'oss:ListObjects'], ['acs:oss:*:*:data/*', 'acs:oss:*:*:data']));
      expect(String((await ossClient().get('public/v.txt', { versionId })).content)).toBe('v');
      expect((await ossClient().list({ prefix: 'public/', 'max-keys': 10 }, {})).objects?.length).toBeGreaterThan(0);
      detach();
      detachVersion();
    });

    it('lets an explicit Deny win over an Allow (AccessDenied, ExplicitDeny, EC 0003-00000201)', async () => {
      const detachAllow = grant('fn', allow(['oss:*'], ['*']));
      const detachDeny = grant('fn', deny(['oss:GetObject'], ['acs:oss:*:*:data/secret/*']));
      expect(String((await ossClient().get('public/a.txt')).content)).toBe('a');
      const refused = await ossClient()
        .get('secret/b.txt')
        .catch((e: { status: number; code: string; ecCode?: string; message: string }) => e);
      expect(refused).toMatchObject({ status: 403, code: 'AccessDenied', ecCode: '0003-00000201' });
      detachDeny();
      detachAllow();
    });

    it('authorizes DeleteMultipleObjects object by object (oss:DeleteObject on each key)', async () => {
      oss.putObject('data', 'tmp/x', 'x');
      const detach = grant('fn', allow(['oss:DeleteObject'], ['acs:oss:*:*:data/tmp/*']));
      await expect(ossClient().deleteMulti(['tmp/x', 'secret/b.txt'], { quiet: true })).rejects.toMatchObject({ status: 403, code: 'AccessDenied' });
      await expect(ossClient().deleteMulti(['tmp/x'], { quiet: true })).resolves.toBeTruthy();
      detach();
    });

    it('lets the owner key do anything, and refuses an STS key once it has expired', async () => {
      expect(String((await ossClient(OWNER).get('secret/b.txt')).content)).toBe('b');
      const shortLived = account.assumeRoleForService(account.roleArn('fn'), 'fc.aliyuncs.com', 'short', clock.nowMs());
      const detach = grant('fn', allow(['oss:GetObject'], ['*']));
      expect(String((await ossClient(shortLived).get('public/a.txt')).content)).toBe('a');
      clock.advance(3600_000);
      await expect(ossClient(shortLived).get('public/a.txt')).rejects.toMatchObject({ status: 403, code: 'InvalidSecurityToken' });
      detach();
      key = account.assumeRoleForService(account.roleArn('fn'), 'fc.aliyuncs.com', 'fn-instance', clock.nowMs());
    });
  });

  describe('Tablestore', () => {
    const client = (endpoint: string, k: { accessKeyId: string; accessKeySecret: string; securityToken?: string }) =>
      new TableStore.Client({
        endpoint,
        instancename: 'Thaw-Records',
        accessKeyId: k.accessKeyId,
        secretAccessKey: k.accessKeySecret,
        ...(k.securityToken ? { stsToken: k.securityToken } : {}),
        maxRetries: 0,
      });
    const failure = (p: Promise<unknown>) =>
      p.then(
        () => undefined,
        (e: { code: number; message: unknown }) => ({ status: e.code, text: String(e.message) }),
      );

    beforeAll(async () => {
      await client(ts.vpcEndpoint, OWNER).createTable({
        tableMeta: { tableName: 'records', primaryKey: [{ name: 'id', type: 'STRING' }] },
        reservedThroughput: { capacityUnit: { read: 0, write: 0 } },
        tableOptions: { timeToLive: -1, maxVersions: 1 },
      });
    });

    it('refuses the public endpoint by the instance ACL and serves the VPC endpoint, until INTERNET is allowed', async () => {
      expect(await failure(client(ts.endpoint, OWNER).listTable({}))).toMatchObject({
        status: 403,
        text: expect.stringContaining('Request denied by instance ACL policies.'),
      });
      expect((await client(ts.vpcEndpoint, OWNER).listTable({})).tableNames).toEqual(['records']);
      expect(ts.describeInstance().NetworkTypeACL).toEqual(['VPC', 'CLASSIC']);
      ts.setNetworkTypeAcl(['VPC', 'CLASSIC', 'INTERNET']);
      expect((await client(ts.endpoint, OWNER).listTable({})).tableNames).toEqual(['records']);
      ts.setNetworkTypeAcl(['VPC', 'CLASSIC']);
    });

    it('refuses PutRow without ots:PutRow (OTSNoPermissionAccess) and accepts it on the lower-cased instance resource', async () => {
      const put = () =>
        client(ts.vpcEndpoint, key).putRow({
          tableName: 'records',
          condition: new TableStore.Condition(TableStore.RowExistenceExpectation.IGNORE, null),
          primaryKey: [{ id: 'r1' }],
          attributeColumns: [{ state: 'NEW' }],
        });
      expect(await failure(put())).toMatchObject({ status: 403, text: expect.stringContaining('OTSNoPermissionAccess') });
      // The instance is "Thaw-Records"; RAM resources name it in lower case.
      const wrongCase = grant('fn', allow(['ots:PutRow'], [`acs:ots:*:${UID}:instance/Thaw-Records/table/records`]));
      expect(await failure(put())).toMatchObject({ status: 403, text: expect.stringContaining('OTSNoPermissionAccess') });
      wrongCase();
      const detach = grant('fn', allow(['ots:PutRow', 'ots:ListTable'], [`acs:ots:*:${UID}:instance/thaw-records/table/*`]));
      await expect(put()).resolves.toBeTruthy();
      expect((await client(ts.vpcEndpoint, key).listTable({})).tableNames).toEqual(['records']);
      detach();
    });
  });

  describe('Log Service', () => {
    const reader = (k: SigningKey) =>
      new LogStoreReader({
        endpoint: sls.endpoint,
        project: 'logs',
        logstore: 'access',
        accessKeyId: k.accessKeyId,
        accessKeySecret: k.accessKeySecret,
        securityToken: k.securityToken,
        maxAttempts: 1,
      });

    it('answers 401 Unauthorized "denied by sts or ram" naming log:ListShards and log:GetCursorOrData, until they are granted', async () => {
      await expect(reader(key).listShards()).rejects.toMatchObject({
        code: 'Unauthorized',
        status: 401,
        message: expect.stringContaining(`denied by sts or ram, action: log:ListShards, resource: acs:log:cn-hangzhou:${UID}:project/logs/logstore/access`),
      });
      const detachShards = grant('fn', allow(['log:ListShards'], [`acs:log:*:${UID}:project/logs/logstore/access`]));
      expect((await reader(key).listShards()).map((s) => s.shardID)).toEqual([0]);
      await expect(reader(key).getCursor(0, 'begin')).rejects.toMatchObject({
        code: 'Unauthorized',
        message: expect.stringContaining('action: log:GetCursorOrData'),
      });
      const detachRead = grant('fn', allow(['log:GetCursorOrData'], [`acs:log:*:${UID}:project/logs/logstore/*`]));
      const cursor = await reader(key).getCursor(0, 'begin');
      expect((await reader(key).pullPage(0, cursor)).logGroupCount).toBe(1);
      detachShards();
      detachRead();
    });

    it('lets an explicit Deny on the project win over log:*', async () => {
      const detachAll = grant('fn', allow(['log:*'], ['*']));
      const detachDeny = grant('fn', deny(['log:*'], [`acs:log:*:${UID}:project/logs/*`]));
      await expect(reader(key).listShards()).rejects.toMatchObject({ code: 'Unauthorized', status: 401 });
      detachDeny();
      expect((await reader(key).listShards()).length).toBe(1);
      detachAll();
    });
  });
});

describe('the control routes', () => {
  const clock = new ManualClock(Date.UTC(2026, 0, 1));
  const account = new RamAccount({ accountId: UID, ownerKey: OWNER, clock });
  let oss: OssEmulator;
  let ts: RunningTablestoreEmulator;
  let sls: SlsEmulator;
  let userKey: { accessKeyId: string; accessKeySecret: string };
  beforeAll(async () => {
    oss = await startOssEmulator({ access: account, clock, autoTick: false, ownerId: UID });
    ts = await startTablestoreEmulator({ access: account, clock, ownerId: UID });
    sls = await startSlsEmulator({ access: account, clock, ownerId: UID });
    account.createUser({ UserName: 'admin' });
    account.attachPolicy('user', 'admin', 'System', 'AdministratorAccess');
    const k = account.createAccessKey('admin');
    userKey = { accessKeyId: k.AccessKeyId, accessKeySecret: k.AccessKeySecret };
  });
  afterAll(async () => {
    await Promise.all([oss?.close(), ts?.close(), sls?.close()]);
  });

  it.each(['oss', 'tablestore', 'sls'] as const)('%s: refuse unsigned requests and other keys than the owner’s, serve the owner', async (name) => {
    const endpoint = { oss: () => oss.endpoint, tablestore: () => ts.endpoint, sls: () => sls.endpoint }[name]();
    expect((await fetch(`${endpoint}/-/stats`)).status).toBe(401);
    expect((await fetch(`${endpoint}/-/faults`, { method: 'POST', body: '{"rules":[{"operation":"*","errorRate":1}]}' })).status).toBe(401);
    // Even a RAM user with AdministratorAccess is not the owner.
    expect((await controlFetch(`${endpoint}/-/stats`, {}, userKey)).status).toBe(401);
    expect((await controlFetch(`${endpoint}/-/stats`, {}, { ...OWNER, accessKeySecret: 'wrong' })).status).toBe(401);
    expect((await controlFetch(`${endpoint}/-/stats`, {}, OWNER)).status).toBe(200);
    // The body is signed: a signature made for one plan does not carry another.
    const signedFor = controlSignature(OWNER.accessKeySecret, 'POST', '/-/faults', '{"rules":[]}');
    const swapped = await fetch(`${endpoint}/-/faults`, {
      method: 'POST',
      body: '{"rules":[{"operation":"*","errorRate":1}]}',
      headers: { authorization: `THAW-CONTROL ${OWNER.accessKeyId}:${signedFor}` },
    });
    expect(swapped.status).toBe(401);
    expect((await controlFetch(`${endpoint}/-/faults`, { method: 'POST', body: '{"rules":[]}' }, OWNER)).status).toBe(204);
  });

  it('warns when an emulator is started for other hosts than loopback', () => {
    const lines: string[] = [];
    warnIfExposed('OSS', '0.0.0.0', (l) => lines.push(l));
    warnIfExposed('OSS', '127.0.0.1', (l) => lines.push(l));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(DEFAULT_ACCESS_KEY_ID);
    expect(lines[0]).toContain('/-/faults');
  });
});
