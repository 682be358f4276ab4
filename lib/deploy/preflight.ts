// What the account must offer before anything is created, checked with read-only calls under the
// deployer's credentials. `thaw deploy` stops on any problem ("nothing was created; fix these
// first"); `thaw doctor` prints every finding, good or bad. Each problem says which of network,
// credentials, permission, network ACL or missing resource stopped it, and how to fix it in the
// console or with the aliyun CLI. Write permissions cannot be tested without writing; a refused
// create names the missing action when it happens.
import OSS from 'ali-oss';
import { LogStoreReader } from '../sls';
import { isNotFound, SlsAdmin } from '../sls/admin';
import { functionLogIndexGaps } from '../sls/function-log-index';
import type { Credentials } from '../wiring';
import type { Clients } from './clients';
import { type FailureKind, failureKind, NetworkError, PermissionError, PrerequisiteError, reasonOf } from './errors';
import { triggerBody } from './fc2-resources';
import type { Platform } from './platform';
import { SERVICE_LINKED_ROLES } from './service-linked-roles';
import { bucketsOf, type DeploySettings } from './settings';
import type { TablesAdmin } from './tables-step';
import type { StackSpec } from './template';

/** Endpoints the deployer reaches the data services at; the functions' own may be internal ones. */
export interface DeployerEndpoints {
  readonly oss: string;
  readonly tablestore: string;
  readonly sls: string;
  /** Log Service where alert resource data is kept. */
  readonly slsRecords: string;
}

export interface Finding {
  /** What was checked, e.g. "bucket thaw-demo". */
  readonly check: string;
  readonly status: 'ok' | 'problem' | 'warning';
  readonly message: string;
  /** What to do, in the console or with the aliyun CLI. */
  readonly fix?: string;
  /** For problems: what kind of failure, so the deploy's error names the right cause. */
  readonly kind?: FailureKind | 'prerequisite';
}

/**
 * FC 2.0 offers nodejs20 as a public preview in these regions only (FC 2.0 runtime table: Hangzhou,
 * Shanghai, Qingdao, Beijing, Zhangjiakou, Hohhot, Shenzhen, Chengdu, Hong Kong, Singapore, Sydney,
 * Kuala Lumpur, Jakarta, Tokyo, London, Virginia); CreateFunction fails elsewhere.
 */
export const FC2_NODEJS20_REGIONS: readonly string[] = [
  'cn-hangzhou',
  'cn-shanghai',
  'cn-qingdao',
  'cn-beijing',
  'cn-zhangjiakou',
  'cn-huhehaote',
  'cn-shenzhen',
  'cn-chengdu',
  'cn-hongkong',
  'ap-southeast-1',
  'ap-southeast-2',
  'ap-southeast-3',
  'ap-southeast-5',
  'ap-northeast-1',
  'eu-west-1',
  'us-east-1',
];

/** The public counterparts of the functions' endpoints: "-internal" / "-intranet" / ".vpc" dropped. */
export function deployerEndpoints(stack: StackSpec, settings: DeploySettings, overrides: Partial<DeployerEndpoints> = {}): DeployerEndpoints {
  const pub = (endpoint: string) =>
    endpoint
      .replace(/-internal(?=[.])/, '')
      .replace(/-intranet(?=[.])/, '')
      .replace(/\.vpc\.tablestore\.aliyuncs\.com/, '.ots.aliyuncs.com')
      .replace(/\.ots-internal\.aliyuncs\.com/, '.ots.aliyuncs.com');
  return {
    oss: overrides.oss ?? pub(settings.ossEndpoint || `https://oss-${stack.region}.aliyuncs.com`),
    tablestore: overrides.tablestore ?? pub(settings.tablestore.functionsEndpoint),
    sls: overrides.sls ?? `https://${stack.region}.log.aliyuncs.com`,
    // Alert resource data (webhook integrations, action policies) lives in one main region per
    // account (terraform alicloud_log_resource_record: cn-heyuan); a given Log Service endpoint
    // (the local one) serves it too.
    slsRecords: overrides.slsRecords ?? overrides.sls ?? 'https://cn-heyuan.log.aliyuncs.com',
  };
}

export interface PreflightInput {
  readonly stack: StackSpec;
  readonly settings: DeploySettings;
  readonly clients: Clients;
  readonly credentials: Credentials;
  readonly endpoints: DeployerEndpoints;
  readonly tables: TablesAdmin;
  /** thaw is to create or update roles (none were all given by --role). */
  readonly managesRoles: boolean;
  /** --platform, when given; otherwise the deploy chooses after it has looked. */
  readonly platform?: Platform;
}

/**
 * Whether the functions' runtime is offered where they go. FC 3.0's Node.js page lists nodejs20 with
 * no region list and no preview mark ("Node.js runtimes", FC 3.0); FC 2.0 offers it in 16 regions.
 * Without --platform the deploy picks later (a new stack goes to FC 3.0, one on FC 2.0 stays), so
 * outside those regions it warns rather than stops.
 */
export function nodejs20Finding(region: string, platform: Platform | undefined): Finding {
  const check = 'runtime nodejs20';
  if (platform === 'fc3' || FC2_NODEJS20_REGIONS.includes(region)) {
    return { check, status: 'ok', message: `offered in ${region}${platform === 'fc3' ? ' on FC 3.0' : ''}` };
  }
  const fc2Only = `FC 2.0 offers nodejs20 as a public preview in 16 regions, not ${region}`;
  if (platform === 'fc2')
    return {
      check,
      status: 'problem',
      kind: 'prerequisite',
      message: fc2Only,
      fix: `deploy with --platform fc3, or to one of ${FC2_NODEJS20_REGIONS.join(', ')}`,
    };
  return {
    check,
    status: 'warning',
    message: `${fc2Only}; a new stack goes to FC 3.0, which offers it`,
    fix: 'a stack that runs on FC 2.0 here cannot take new code: move it with --platform fc3',
  };
}

/**
 * An API that answers callers without a token is the stack's widest door, so the deploy says so every
 * time (a warning: a private network may be reason enough). What an anonymous caller may do is
 * bounded by the allow-list, the budgets, one object per call and the default days and tier.
 */
export function anonymousApiFinding(parameters: StackSpec['parameters']): Finding | undefined {
  if (String(parameters.ApiAnonymous ?? 'false') !== 'true') return undefined;
  return {
    check: 'API access',
    status: 'warning',
    message:
      'ApiAnonymous=true: anyone who reaches the API address may read records and ask for restores in the allow-listed buckets, without a token (one object per call, default days and tier, within the budgets)',
    fix: 'set ApiAnonymous=false and give callers tokens (thaw token new), unless only a network you trust reaches the address',
  };
}

export async function preflight(input: PreflightInput): Promise<Finding[]> {
  const findings: Finding[] = [];
  const add = (f: Finding) => findings.push(f);
  const { stack, settings, clients } = input;

  try {
    await clients.fc.listServices({ limit: 1 });
    add({ check: 'Function Compute', status: 'ok', message: `the deployer may use FC in ${stack.region}` });
  } catch (err) {
    add(
      failed('Function Compute', err, `ListServices in ${stack.region}`, {
        permission: 'attach AliyunFCFullAccess, or the policy `thaw deploy --print-deployer-policy` prints, to the deploying RAM user',
        credentials: `check the AccessKey: it must belong to account ${stack.accountId}`,
      }),
    );
  }

  const runtimes = new Set(stack.functions.map((f) => f.runtime));
  if (runtimes.has('nodejs20')) add(nodejs20Finding(stack.region, input.platform));
  const anonymous = anonymousApiFinding(stack.parameters);
  if (anonymous) add(anonymous);

  if (input.managesRoles) {
    try {
      await clients.ram.request('GetRole', { RoleName: stack.roles[0]?.roleName ?? 'oss-thaw-probe' });
      add({ check: 'RAM', status: 'ok', message: 'the deployer may read roles' });
    } catch (err) {
      if ((err as { code?: string }).code === 'EntityNotExist.Role') add({ check: 'RAM', status: 'ok', message: 'the deployer may read roles' });
      else
        add(
          failed('RAM', err, 'GetRole', {
            permission:
              "the deployer needs ram:GetRole, CreateRole, UpdateRole, CreatePolicy, CreatePolicyVersion, AttachPolicyToRole and PassRole on this stack's roles (`thaw deploy --print-deployer-policy`), or pass every role by --role LogicalId=acs:ram::<uid>:role/<name>",
          }),
        );
    }
  }

  if (stack.functions.some((f) => f.triggers.some((t) => t.type === 'EventBridge'))) {
    const { roleName } = SERVICE_LINKED_ROLES['eventbridge-fc'];
    try {
      await clients.ram.request('GetRole', { RoleName: roleName });
      add({ check: 'EventBridge', status: 'ok', message: `the service-linked role ${roleName} exists` });
    } catch (err) {
      if ((err as { code?: string }).code === 'EntityNotExist.Role') {
        add({
          check: 'EventBridge',
          status: 'warning',
          message: `the service-linked role ${roleName} does not exist yet: the deploy creates it (needs ram:CreateServiceLinkedRole)`,
          fix: 'EventBridge must be activated in the account first (EventBridge console → Activate); aliyun ram CreateServiceLinkedRole --ServiceName sendevent-fc.eventbridge.aliyuncs.com makes the role by hand',
        });
      } else add(failed('EventBridge', err, `GetRole ${roleName}`, {}));
    }
  }

  for (const bucket of bucketsOf(settings)) {
    const oss = new OSS({
      endpoint: input.endpoints.oss,
      bucket,
      accessKeyId: input.credentials.accessKeyId,
      accessKeySecret: input.credentials.accessKeySecret,
      stsToken: input.credentials.securityToken,
      timeout: 15_000,
    });
    try {
      await oss.getBucketInfo(bucket);
      add({ check: `bucket ${bucket}`, status: 'ok', message: `exists at ${input.endpoints.oss}` });
    } catch (err) {
      add(
        failed(`bucket ${bucket}`, err, `GetBucketInfo at ${input.endpoints.oss}`, {
          missing: 'create it, or fix AllowList / WatchedBucket',
          region: `the bucket is in another region than ${input.endpoints.oss}: deploy to its region, or pass --oss-endpoint`,
          permission: `grant the deployer oss:GetBucketInfo on acs:oss:*:${stack.accountId}:${bucket}`,
        }),
      );
    }
  }

  for (const need of logstores(stack, settings)) {
    const reader = new LogStoreReader({ endpoint: input.endpoints.sls, project: need.project, logstore: need.logstore, ...input.credentials, maxAttempts: 1 });
    const where = `logstore ${need.project}/${need.logstore}`;
    try {
      await reader.listShards();
      add({ check: where, status: 'ok', message: `exists (${need.why})` });
    } catch (err) {
      add(
        failed(where, err, `ListShards at ${input.endpoints.sls}`, {
          missing: need.fix,
          permission: `grant the deployer log:ListShards on acs:log:${stack.region}:${stack.accountId}:project/${need.project}/logstore/${need.logstore}`,
        }),
      );
    } finally {
      reader.close();
    }
  }

  for (const f of await accessLogDelivery(input)) add(f);
  add(await functionLogIndex(input));

  const tables = `Tablestore instance ${settings.tablestore.instance}`;
  try {
    const changes = await input.tables.changes();
    add({
      check: `${tables} (from here)`,
      status: 'ok',
      message: `reachable at ${input.endpoints.tablestore}${changes.missingTables.length ? `; ${changes.missingTables.join(', ')} will be created` : ''}`,
    });
  } catch (err) {
    add(
      failed(`${tables} (from here)`, err, `ListTable at ${input.endpoints.tablestore}`, {
        acl: 'the instance refuses requests from the Internet (a new instance allows none: Tablestore "Network ACL"). Allow it in the Tablestore console → instance → Network Management, or run thaw deploy from inside the instance\'s VPC with --tablestore-endpoint https://<instance>.<region>.vpc.tablestore.aliyuncs.com',
        permission: `grant the deployer ots:ListTable, ots:DescribeTable, ots:CreateTable, ots:CreateIndex and ots:AddDefinedColumn on acs:ots:${stack.region}:${stack.accountId}:instance/${settings.tablestore.instance}/table/*`,
        missing: `create instance ${settings.tablestore.instance} in ${stack.region} (Tablestore console → Create Instance), or fix TablestoreInstance`,
      }),
    );
  }
  add(functionsReachTablestore(stack, settings));
  return findings;
}

/**
 * Whether real-time log query delivers each allow-listed bucket's records. The project
 * oss-log-<uid>-<region> exists once any bucket of the region has it on, so it proves nothing about
 * a given bucket: count that bucket's records of the last day instead. None is a warning, not a
 * problem (a bucket nobody read has none either).
 */
async function accessLogDelivery(input: PreflightInput): Promise<Finding[]> {
  const { settings, stack } = input;
  if (!stack.functions.some((f) => f.triggers.some((t) => t.type === 'Log')) || settings.allow === '*') return [];
  const buckets = [...new Set(settings.allow.map((e) => e.split('/')[0]!))];
  const admin = new SlsAdmin({ endpoint: input.endpoints.sls, project: settings.accessLog.project, ...input.credentials, maxAttempts: 1 });
  const to = Math.floor(Date.now() / 1000);
  const findings: Finding[] = [];
  const fix = `OSS console → bucket → Logging → Real-time Log Query → enable, for each allow-listed bucket (the project ${settings.accessLog.project} exists once any bucket of the region has it on)`;
  for (const bucket of buckets) {
    const check = `access log of bucket ${bucket}`;
    // Records of this preflight's own GetBucketInfo are left out: they say nothing about the bucket's readers.
    try {
      const { rows } = await admin.getLogs(settings.accessLog.logstore, {
        from: to - 86_400,
        to,
        query: `bucket: ${bucket} not operation: GetBucketInfo | select count(*) as records`,
      });
      const records = Number(rows[0]?.records ?? 0);
      findings.push(
        records > 0
          ? { check, status: 'ok', message: `${records} record(s) in the last 24 h` }
          : { check, status: 'warning', message: 'no record in the last 24 h: real-time log query may be off for this bucket (or nobody read it)', fix },
      );
    } catch (err) {
      if (isNotFound(err, 'IndexConfigNotExist')) {
        findings.push({ check, status: 'warning', message: `${settings.accessLog.logstore} has no index, so its records cannot be counted`, fix });
      } else if (isNotFound(err)) {
      } else {
        findings.push({ ...failed(check, err, `GetLogs on ${settings.accessLog.project}/${settings.accessLog.logstore}`, {}), status: 'warning' });
      }
    }
  }
  admin.close();
  return findings;
}

/** The FC console queries function logs through an index; the deploy makes it (log-index.ts). */
async function functionLogIndex(input: PreflightInput): Promise<Finding> {
  const { project, logstore } = input.settings.functionLogs;
  const check = `index of ${project}/${logstore}`;
  const admin = new SlsAdmin({ endpoint: input.endpoints.sls, project, ...input.credentials, maxAttempts: 1 });
  try {
    const index = await admin.getIndex(logstore);
    const gaps = functionLogIndexGaps(index);
    return gaps.length === 0
      ? { check, status: 'ok', message: 'the function logs can be queried' }
      : { check, status: 'warning', message: `the index lacks ${gaps.join('; ')}: the deploy adds them` };
  } catch (err) {
    if (isNotFound(err, 'IndexConfigNotExist'))
      return { check, status: 'warning', message: 'no index: the FC console cannot query the function logs; the deploy creates it' };
    if (isNotFound(err)) return { check, status: 'ok', message: 'checked with the logstore' };
    return { ...failed(check, err, `GetIndex on ${project}/${logstore}`, {}), status: 'warning' };
  } finally {
    admin.close();
  }
}

/** Where the functions reach Tablestore from, against the network the instance allows. */
function functionsReachTablestore(stack: StackSpec, settings: DeploySettings): Finding {
  const endpoint = settings.tablestore.functionsEndpoint;
  const check = `Tablestore instance ${settings.tablestore.instance} (from the functions)`;
  const inVpc = stack.services.every((s) => s.vpcConfig !== undefined);
  if (/\.vpc\.tablestore\.aliyuncs\.com/.test(endpoint)) {
    if (inVpc)
      return {
        check,
        status: 'ok',
        message: `the functions run in VPC ${stack.services[0]?.vpcConfig?.vpcId} and use the VPC endpoint (bind that VPC to the instance)`,
      };
    return {
      check,
      status: 'problem',
      kind: 'prerequisite',
      message: `${endpoint} is a VPC endpoint, but the functions run outside any VPC`,
      fix: 'set VpcId, VSwitchIds and SecurityGroupId (a VPC bound to the instance), or use an endpoint the instance allows from the Internet',
    };
  }
  if (/\.ots\.aliyuncs\.com/.test(endpoint)) {
    return {
      check,
      status: 'warning',
      message: `${endpoint} is the public endpoint: the instance must allow Internet access (new instances do not), and the traffic is billed`,
      fix: 'prefer a VPC: set VpcId/VSwitchIds/SecurityGroupId and TablestoreEndpoint https://<instance>.<region>.vpc.tablestore.aliyuncs.com',
    };
  }
  if (/\.ots-internal\.aliyuncs\.com/.test(endpoint)) {
    return {
      check,
      status: 'warning',
      message: `${endpoint} is the classic-network endpoint; whether FC reaches it from outside a VPC is unconfirmed`,
      fix: 'prefer a VPC: set VpcId/VSwitchIds/SecurityGroupId and TablestoreEndpoint https://<instance>.<region>.vpc.tablestore.aliyuncs.com',
    };
  }
  return { check, status: 'ok', message: `the functions use ${endpoint}` };
}

function failed(check: string, err: unknown, call: string, fixes: Partial<Record<FailureKind, string>>): Finding {
  const kind = failureKind(err);
  const what: Record<FailureKind, string> = {
    network: `could not be reached (${call}): a network problem, not a permission`,
    credentials: `refused the deployer's credentials (${call})`,
    permission: `refused the deployer (${call}): a missing permission`,
    acl: `refused by its network ACL (${call})`,
    missing: `does not exist (${call})`,
    region: `is in another region (${call})`,
    other: `failed (${call})`,
  };
  const general: Partial<Record<FailureKind, string>> = {
    network: 'check the network, a proxy or the endpoint flag; nothing here says the credentials are wrong',
    credentials: 'check ALIBABA_CLOUD_ACCESS_KEY_ID / _SECRET or the profile in use',
  };
  return { check, status: 'problem', kind, message: `${what[kind]}: ${reasonOf(err)}`, fix: fixes[kind] ?? general[kind] };
}

/** Throws one error listing every problem, named by its most telling kind; warnings are printed by the caller. */
export function assertNoProblems(findings: readonly Finding[]): void {
  const problems = findings.filter((f) => f.status === 'problem');
  if (problems.length === 0) return;
  const lines = problems.map((p) => `  - ${p.check}: ${p.message}${p.fix ? `\n      fix: ${p.fix}` : ''}`).join('\n');
  const message = `nothing was created; fix these first:\n${lines}`;
  if (problems.every((p) => p.kind === 'network')) throw new NetworkError(message);
  if (problems.some((p) => p.kind === 'permission' || p.kind === 'credentials')) throw new PermissionError(message);
  throw new PrerequisiteError(message);
}

/** doctor's report: one line per finding, then its fix. */
export function formatFindings(findings: readonly Finding[]): string {
  const mark = { ok: 'ok  ', warning: 'warn', problem: 'FAIL' } as const;
  return findings.map((f) => `  ${mark[f.status]}  ${f.check}: ${f.message}${f.fix && f.status !== 'ok' ? `\n        fix: ${f.fix}` : ''}`).join('\n');
}

interface LogstoreNeed {
  project: string;
  logstore: string;
  why: string;
  fix: string;
}

function logstores(stack: StackSpec, settings: DeploySettings): LogstoreNeed[] {
  const needs: LogstoreNeed[] = [];
  const add = (n: LogstoreNeed) => {
    if (!needs.some((x) => x.project === n.project && x.logstore === n.logstore)) needs.push(n);
  };
  for (const fn of stack.functions) {
    for (const t of fn.triggers) {
      if (t.type !== 'Log') continue;
      const body = triggerBody(stack, fn, t);
      const project = String(body.sourceArn).split('project/')[1]!;
      const source = (body.triggerConfig.sourceConfig as { logstore: string }).logstore;
      const log = body.triggerConfig.logConfig as { project: string; logstore: string };
      add({
        project,
        logstore: source,
        why: 'the OSS access logs the Log trigger reads',
        fix:
          `turn on real-time log query for each allow-listed bucket (OSS console → bucket → Logging → Real-time Log Query), which makes ` +
          `project oss-log-${stack.accountId}-${stack.region} with logstore oss-log-store; or copy the logs to an ordinary logstore with an SLS data transformation and set AccessLogProject/AccessLogLogstore to it`,
      });
      add({
        project: log.project,
        logstore: log.logstore,
        why: 'where the Log trigger writes its own execution logs',
        fix: `aliyun log create_logstore --project_name=${log.project} --logstore_name=${log.logstore}`,
      });
    }
  }
  add({
    project: settings.functionLogs.project,
    logstore: settings.functionLogs.logstore,
    why: "the functions' log lines (each service's LogConfig)",
    fix: `create project ${settings.functionLogs.project} and logstore ${settings.functionLogs.logstore} (aliyun log create_project / create_logstore)`,
  });
  return needs;
}
