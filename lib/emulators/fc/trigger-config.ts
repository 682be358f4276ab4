// The local FC API's copy of FC 2.0's trigger rules, per type, from FC's documentation (not from
// the deploy code: test/unit/deploy/template-vs-code.test.ts compares the two beliefs):
//   HTTPTriggerConfig   {authType: anonymous|function, methods ⊆ HEAD DELETE POST GET OPTIONS PUT PATCH}
//   LogTriggerConfig    {sourceConfig {logstore}, jobConfig {maxRetryTime 0–100, triggerInterval 3–600},
//                        logConfig {project, logstore}, functionParameter, enable}; sourceArn acs:log:<r>:<uid>:project/<p>
//   OSSTriggerConfig    {events [...], filter {key {prefix, suffix}}}; sourceArn acs:oss:<r>:<uid>:<bucket>
//   TimeTriggerConfig   {cronExpression ("@every 4m" or a 6-field cron), payload, enable}
//   EventBridgeTriggerConfig {triggerEnable, asyncInvocationType, eventRuleFilterPattern (JSON string),
//                        eventSourceConfig {eventSourceType: Default|MNS|RocketMQ|RabbitMQ|Kafka|MQTT|DTS}}
// Trigger types other than timer and http need an invocationRole (ROS ALIYUN::FC::Trigger); an HTTP
// trigger cannot share its function with other trigger types. Unknown keys are refused: FC's
// behaviour for them is unconfirmed, and a misspelt key silently ignored is worse.
import { fcErrors } from './errors';

export type TriggerType = 'http' | 'log' | 'oss' | 'timer' | 'eventbridge';
export const TRIGGER_TYPES: readonly TriggerType[] = ['http', 'log', 'oss', 'timer', 'eventbridge'];

export interface TriggerInput {
  readonly triggerName: string;
  readonly triggerType: string;
  readonly triggerConfig: unknown;
  readonly sourceArn?: unknown;
  readonly invocationRole?: unknown;
}

const HTTP_METHODS = ['HEAD', 'DELETE', 'POST', 'GET', 'OPTIONS', 'PUT', 'PATCH'];

/** FC OSS trigger overview: the events the native trigger offers; only ObjectCreated:* and ObjectReplication:* are wildcards. */
export const OSS_TRIGGER_EVENTS: ReadonlySet<string> = new Set([
  'oss:ObjectCreated:*',
  'oss:ObjectCreated:PutObject',
  'oss:ObjectCreated:PutSymlink',
  'oss:ObjectCreated:PostObject',
  'oss:ObjectCreated:CopyObject',
  'oss:ObjectCreated:InitiateMultipartUpload',
  'oss:ObjectCreated:UploadPart',
  'oss:ObjectCreated:UploadPartCopy',
  'oss:ObjectCreated:CompleteMultipartUpload',
  'oss:ObjectCreated:AppendObject',
  'oss:ObjectRemoved:DeleteObject',
  'oss:ObjectRemoved:DeleteObjects',
  'oss:ObjectRemoved:AbortMultipartUpload',
  'oss:ObjectModified:UpdateObjectMeta',
  'oss:ObjectReplication:*',
  'oss:ObjectReplication:ObjectCreated',
  'oss:ObjectReplication:ObjectRemoved',
  'oss:ObjectReplication:ObjectModified',
]);

const EVENT_SOURCE_TYPES = ['Default', 'MNS', 'RocketMQ', 'RabbitMQ', 'Kafka', 'MQTT', 'DTS'];

/** The normalised config of a valid trigger; throws InvalidArgument naming the field otherwise. */
export function validateTrigger(input: TriggerInput): Record<string, unknown> {
  const type = input.triggerType as TriggerType;
  if (!TRIGGER_TYPES.includes(type))
    throw fcErrors.invalidArgument(`triggerType "${input.triggerType}" is not supported by the local FC API (${TRIGGER_TYPES.join(', ')})`);
  // FC 2.0 (2016-08-15) takes triggerConfig as an object; the 2021-04-06 API as a JSON string.
  let config = input.triggerConfig;
  if (typeof config === 'string') {
    try {
      config = JSON.parse(config);
    } catch {
      throw fcErrors.invalidArgument('triggerConfig is a string that is not JSON');
    }
  }
  const c = object(config, 'triggerConfig');
  // EventBridge invokes through its service-linked role AliyunServiceRoleForEventBridgeSendToFC, not a
  // trigger role (EventBridge "Service-linked roles"; devsapp/fc3 src/base.ts: eb triggers have none).
  if (type !== 'timer' && type !== 'http' && type !== 'eventbridge' && typeof input.invocationRole !== 'string') {
    throw fcErrors.invalidArgument(`invocationRole is required for a ${type} trigger (the role the event source invokes the function with)`);
  }
  if (input.invocationRole !== undefined && !/^acs:ram::\d+:role\/[\w.-]+$/.test(String(input.invocationRole))) {
    throw fcErrors.invalidArgument(`invocationRole "${String(input.invocationRole)}" is not a RAM role ARN (acs:ram::<uid>:role/<name>)`);
  }
  switch (type) {
    case 'http': {
      only(c, ['authType', 'methods', 'disableURLInternet', 'authConfig'], 'triggerConfig');
      if (c.authType !== 'anonymous' && c.authType !== 'function') throw fcErrors.invalidArgument('triggerConfig.authType must be anonymous or function');
      const methods = strings(c.methods, 'triggerConfig.methods');
      for (const m of methods)
        if (!HTTP_METHODS.includes(m)) throw fcErrors.invalidArgument(`triggerConfig.methods: "${m}" is not one of ${HTTP_METHODS.join(', ')}`);
      return c;
    }
    case 'log': {
      only(c, ['sourceConfig', 'jobConfig', 'logConfig', 'functionParameter', 'enable'], 'triggerConfig');
      const source = object(c.sourceConfig, 'triggerConfig.sourceConfig');
      text(source.logstore, 'triggerConfig.sourceConfig.logstore');
      const job = object(c.jobConfig, 'triggerConfig.jobConfig');
      integer(job.maxRetryTime, 'triggerConfig.jobConfig.maxRetryTime', 0, 100);
      integer(job.triggerInterval, 'triggerConfig.jobConfig.triggerInterval', 3, 600);
      const log = object(c.logConfig, 'triggerConfig.logConfig');
      text(log.project, 'triggerConfig.logConfig.project');
      text(log.logstore, 'triggerConfig.logConfig.logstore');
      if (c.functionParameter !== undefined) object(c.functionParameter, 'triggerConfig.functionParameter');
      boolean(c.enable, 'triggerConfig.enable');
      arn(input.sourceArn, /^acs:log:[a-z0-9-]+:\d+:project\/[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/, 'acs:log:<region>:<uid>:project/<project>');
      return c;
    }
    case 'oss': {
      only(c, ['events', 'filter'], 'triggerConfig');
      for (const e of strings(c.events, 'triggerConfig.events')) {
        if (e === 'oss:ObjectRestore:FinishRestore') {
          throw fcErrors.invalidArgument(
            'triggerConfig.events: oss:ObjectRestore:FinishRestore is an EventBridge OSS event; the OSS trigger does not offer it (use an eventbridge trigger)',
          );
        }
        if (!OSS_TRIGGER_EVENTS.has(e)) throw fcErrors.invalidArgument(`triggerConfig.events: "${e}" is not an event of the OSS trigger`);
      }
      if (c.filter !== undefined) {
        const key = object(object(c.filter, 'triggerConfig.filter').key, 'triggerConfig.filter.key');
        only(key, ['prefix', 'suffix'], 'triggerConfig.filter.key');
        for (const k of ['prefix', 'suffix'])
          if (key[k] !== undefined && typeof key[k] !== 'string') throw fcErrors.invalidArgument(`triggerConfig.filter.key.${k} must be a string`);
      }
      arn(input.sourceArn, /^acs:oss:[a-z0-9-]+:\d+:[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/, 'acs:oss:<region>:<uid>:<bucket>');
      return c;
    }
    case 'timer': {
      only(c, ['cronExpression', 'payload', 'enable'], 'triggerConfig');
      const cron = text(c.cronExpression, 'triggerConfig.cronExpression');
      if (everyMs(cron) === undefined && cron.trim().split(/\s+/).length !== 6) {
        throw fcErrors.invalidArgument(`triggerConfig.cronExpression "${cron}" is neither "@every <n>m|h" nor a 6-field cron expression`);
      }
      if (c.payload !== undefined && typeof c.payload !== 'string') throw fcErrors.invalidArgument('triggerConfig.payload must be a string');
      boolean(c.enable, 'triggerConfig.enable');
      return c;
    }
    case 'eventbridge': {
      only(c, ['triggerEnable', 'asyncInvocationType', 'eventRuleFilterPattern', 'eventSourceConfig', 'eventSinkConfig', 'runOptions'], 'triggerConfig');
      boolean(c.triggerEnable, 'triggerConfig.triggerEnable');
      if (c.asyncInvocationType !== undefined) boolean(c.asyncInvocationType, 'triggerConfig.asyncInvocationType');
      let pattern: unknown;
      try {
        pattern = JSON.parse(text(c.eventRuleFilterPattern, 'triggerConfig.eventRuleFilterPattern'));
      } catch {
        throw fcErrors.invalidArgument('triggerConfig.eventRuleFilterPattern must be a JSON string (an EventBridge event pattern)');
      }
      object(pattern, 'triggerConfig.eventRuleFilterPattern');
      const source = object(c.eventSourceConfig, 'triggerConfig.eventSourceConfig');
      if (!EVENT_SOURCE_TYPES.includes(String(source.eventSourceType))) {
        throw fcErrors.invalidArgument(`triggerConfig.eventSourceConfig.eventSourceType must be one of ${EVENT_SOURCE_TYPES.join(', ')}`);
      }
      return c;
    }
  }
}

/** "@every 1m" → 60000; undefined for anything else. FC's shortest interval is one minute. */
export function everyMs(expression: string): number | undefined {
  const m = /^@every\s+(\d+)([mh])$/.exec(expression.trim());
  if (!m) return undefined;
  const ms = Number(m[1]) * (m[2] === 'm' ? 60_000 : 3_600_000);
  return ms >= 60_000 ? ms : undefined;
}

function object(v: unknown, where: string): Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw fcErrors.invalidArgument(`${where} must be an object`);
  return v as Record<string, unknown>;
}

function text(v: unknown, where: string): string {
  if (typeof v !== 'string' || v === '') throw fcErrors.invalidArgument(`${where} must be a non-empty string`);
  return v;
}

function strings(v: unknown, where: string): string[] {
  if (!Array.isArray(v) || v.length === 0 || v.some((s) => typeof s !== 'string'))
    throw fcErrors.invalidArgument(`${where} must be a non-empty list of strings`);
  return v as string[];
}

function integer(v: unknown, where: string, min: number, max: number): void {
  if (!Number.isInteger(v) || (v as number) < min || (v as number) > max) throw fcErrors.invalidArgument(`${where} must be an integer from ${min} to ${max}`);
}

function boolean(v: unknown, where: string): void {
  if (typeof v !== 'boolean') throw fcErrors.invalidArgument(`${where} must be true or false`);
}

function only(o: Record<string, unknown>, keys: string[], where: string): void {
  for (const k of Object.keys(o))
    if (!keys.includes(k)) throw fcErrors.invalidArgument(`${where}.${k} is not a field of this trigger type (${keys.join(', ')})`);
}

function arn(v: unknown, pattern: RegExp, shape: string): void {
  if (typeof v !== 'string' || !pattern.test(v)) throw fcErrors.invalidArgument(`sourceArn must be ${shape} (got ${JSON.stringify(v)})`);
}
