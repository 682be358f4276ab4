// What must exist before anything is created, checked with read-only calls under the deployer's
// credentials; every problem is reported at once, each with what to enable and how:
//   - the deployer may call FC (and RAM, when thaw is to make the roles);
//   - the allow-listed buckets and the watched bucket exist;
//   - the access-log project/logstore exists (OSS real-time log query writes it), and so do the
//     logstores the Log trigger and the functions log to;
//   - the Tablestore instance answers.
// Write permissions cannot be tested without writing; a refused create names the missing action.
import OSS from 'ali-oss';
import { LogStoreReader } from '../sls';
import type { Credentials } from '../wiring';
import { type Clients, codeOf } from './clients';
import { tablesOf } from './deploy';
import { PermissionError, PrerequisiteError } from './errors';
import { triggerBody } from './fc-resources';
import type { StackSpec } from './template';

/** Endpoints the deployer reaches the data services at; the functions' own may be internal ones. */
export interface DeployerEndpoints {
  readonly oss: string;
  readonly tablestore: string;
  readonly sls: string;
}

export interface Problem {
  readonly kind: 'permission' | 'prerequisite';
  readonly message: string;
}

/** The public counterparts of the functions' endpoints: "-internal" / "-intranet" dropped. */
export function deployerEndpoints(stack: StackSpec, overrides: Partial<DeployerEndpoints> = {}): DeployerEndpoints {
  const env = stack.functions[0]!.environment;
  const pub = (endpoint: string) => endpoint.replace(/-internal(?=[.])/, '').replace(/-intranet(?=[.])/, '');
  return {
    oss: overrides.oss ?? pub(env.THAW_OSS_ENDPOINT ?? `https://oss-${stack.region}.aliyuncs.com`),
    tablestore: overrides.tablestore ?? pub(env.THAW_TABLESTORE_ENDPOINT ?? ''),
    sls: overrides.sls ?? `https://${stack.region}.log.aliyuncs.com`,
  };
}

export async function checkPrerequisites(
  stack: StackSpec,
  clients: Clients,
  credentials: Credentials,
  endpoints: DeployerEndpoints,
  options: { managesRoles: boolean },
): Promise<Problem[]> {
  const problems: Problem[] = [];
  const permission = (message: string) => problems.push({ kind: 'permission', message });
  const missing = (message: string) => problems.push({ kind: 'prerequisite', message });

  try {
    await clients.fc.listServices({ limit: 1 });
  } catch (err) {
    const code = codeOf(err);
    if (code === 'InvalidAccessKeyID' || code === 'SignatureNotMatch') {
      permission(`Function Compute refused the credentials (${code}): set ALIBABA_CLOUD_ACCESS_KEY_ID / _SECRET to a key of account ${stack.accountId}`);
    } else if (code === 'AccessDenied') {
      permission('the deployer may not use Function Compute: attach AliyunFCFullAccess (or fc:* on acs:fc:*:<uid>:services/*) to the deploying RAM user');
    } else {
      permission(`Function Compute did not answer ListServices: ${(err as Error).message}`);
    }
  }

  if (options.managesRoles) {
    try {
      await clients.ram.request('GetRole', { RoleName: stack.roles[0]?.roleName ?? 'oss-thaw-probe' });
    } catch (err) {
      const code = codeOf(err) ?? '';
      if (code !== 'EntityNotExist.Role') {
        permission(
          `RAM refused GetRole (${code || (err as Error).message}): the deployer needs ram:GetRole, ram:CreateRole, ram:UpdateRole, ram:CreatePolicy, ram:CreatePolicyVersion, ram:AttachPolicyToRole and ram:PassRole ` +
            '(AliyunRAMFullAccess covers them), or pass every role by --role LogicalId=acs:ram::<uid>:role/<name>',
        );
      }
    }
  }

  const env = stack.functions[0]!.environment;
  const buckets = new Set<string>();
  for (const entry of (env.THAW_ALLOW ?? '').split(',').map((s) => s.trim())) {
    if (entry === '' || entry === '*') continue;
    buckets.add(entry.split('/')[0]!);
  }
  for (const fn of stack.functions) {
    for (const t of fn.triggers) if (t.type === 'OSS' && typeof t.properties.BucketName === 'string') buckets.add(t.properties.BucketName);
  }
  for (const bucket of buckets) {
    const oss = new OSS({
      endpoint: endpoints.oss,
      bucket,
      accessKeyId: credentials.accessKeyId,
      accessKeySecret: credentials.accessKeySecret,
      stsToken: credentials.securityToken,
      timeout: 15_000,
    });
    try {
      await oss.getBucketInfo(bucket);
    } catch (err) {
      const code = codeOf(err);
      if (code === 'NoSuchBucket') missing(`OSS bucket ${bucket} does not exist (at ${endpoints.oss}): create it, or fix AllowList / WatchedBucket`);
      else if (code === 'AccessDenied') permission(`the deployer may not read bucket ${bucket}: grant oss:GetBucketInfo on acs:oss:*:*:${bucket}`);
      else
        missing(
          `OSS bucket ${bucket} could not be checked at ${endpoints.oss}: ${(err as Error).message} (pass --oss-endpoint if the functions' endpoint is internal)`,
        );
    }
  }

  for (const store of logstores(stack)) {
    const reader = new LogStoreReader({ endpoint: endpoints.sls, project: store.project, logstore: store.logstore, ...credentials, maxAttempts: 1 });
    try {
      await reader.listShards();
    } catch (err) {
      const code = codeOf(err) ?? '';
      const where = `Log Service ${store.project}/${store.logstore} (${store.why})`;
      if (code === 'ProjectNotExist' || code === 'LogStoreNotExist') {
        missing(`${where} does not exist: ${store.fix}`);
      } else if (code === 'Unauthorized' || code === 'SignatureNotMatch' || code === 'InvalidAccessKeyId') {
        permission(
          `the deployer may not read ${where} (${code}): grant log:ListShards on acs:log:${stack.region}:${stack.accountId}:project/${store.project}/logstore/${store.logstore}`,
        );
      } else {
        missing(`${where} could not be checked at ${endpoints.sls}: ${(err as Error).message}`);
      }
    } finally {
      reader.close();
    }
  }

  try {
    await tablesOf(stack, credentials, endpoints.tablestore).sdk.listTable({});
  } catch (err) {
    const message = String((err as Error).message ?? err);
    if (/OTSAuthFailed|OTSNoPermissionAccess|AccessDenied/.test(message)) {
      permission(
        `the deployer may not list the tables of Tablestore instance ${env.THAW_TABLESTORE_INSTANCE}: grant ots:ListTable, ots:CreateTable and ots:DescribeTable on it`,
      );
    } else {
      missing(
        `Tablestore instance ${env.THAW_TABLESTORE_INSTANCE} did not answer at ${endpoints.tablestore} (${message.slice(0, 120)}): create it in ${stack.region} (Tablestore console → Create Instance), or pass --tablestore-endpoint`,
      );
    }
  }
  return problems;
}

/** Throws one error listing every problem; permissions first. */
export function assertNoProblems(problems: readonly Problem[]): void {
  if (problems.length === 0) return;
  const lines = problems.map((p) => `  - ${p.message}`).join('\n');
  const ErrorClass = problems.some((p) => p.kind === 'permission') ? PermissionError : PrerequisiteError;
  throw new ErrorClass(`nothing was created; fix these first:\n${lines}`);
}

interface LogstoreNeed {
  project: string;
  logstore: string;
  why: string;
  fix: string;
}

function logstores(stack: StackSpec): LogstoreNeed[] {
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
          `turn on real-time log query for the bucket (OSS console → bucket → Logging → Real-time Log Query), which makes ` +
          `project oss-log-${stack.accountId}-${stack.region} with logstore oss-log-store; or copy the logs to an ordinary logstore with an SLS data transformation and set AccessLogProject/AccessLogLogstore to it`,
      });
      add({
        project: log.project,
        logstore: log.logstore,
        why: 'where the Log trigger writes its own execution logs',
        fix: `create logstore ${log.logstore} in project ${log.project}`,
      });
    }
  }
  const svc = stack.service.logConfig;
  if (svc)
    add({
      project: svc.project,
      logstore: svc.logstore,
      why: "the functions' log lines (service LogConfig)",
      fix: `create project ${svc.project} and logstore ${svc.logstore}`,
    });
  return needs;
}
