// What the local FC 3.0 API (2023-03-30) holds: functions as first-class resources (no services),
// each with its own role and logConfig; their triggers; the account's FC 3.0 custom domains; per
// function an asynchronous-invocation and a concurrency configuration; tags. Field names, bounds
// and defaults are FC 3.0's, from the API reference as @alicloud/fc20230330 4.7.6 carries it
// (dist/models/*.d.ts, "Ref" below) unless marked otherwise:
//   functionName   1–64 letters, digits, _ and -, not starting with a digit or - (Ref CreateFunctionInput)
//   handler, runtime  required (Ref); runtimes here: the Node.js ones the local runtime runs
//   code           {zipFile} or {ossBucketName, ossObjectName} (+ checksum, CRC-64) (Ref InputCodeLocation)
//   memorySize     MB, a multiple of 64, 128 – 32768 (Ref); default 512 (unconfirmed: the console's)
//   cpu            vCPUs, a multiple of 0.05, 0.05 – 16, cpu : memory (GB) from 1:1 to 1:4 (Ref);
//                  default: the smallest that keeps the ratio (unconfirmed)
//   diskSize       512 or 10240 MB (Ref); default 512 (unconfirmed)
//   timeout        1 – 86400 s, default 3 (Ref)
//   instanceConcurrency  1 – 200 (FC "Configure instance concurrency"; unconfirmed here), default 1;
//                  more than 1 only for a custom runtime or container: "standard runtimes no longer
//                  support the instance concurrency feature … functions newly created on FC 3.0 with a
//                  standard runtime cannot configure it" ("Comparison and compatibility between
//                  Function Compute 3.0 and Function Compute 2.0"); the error code is unconfirmed
//   internetAccess default true (Ref)
//   role           a RAM role ARN; logConfig {project, logstore, enableRequestMetrics,
//                  enableInstanceMetrics, logBeginRule} (Ref LogConfig); vpcConfig {vpcId,
//                  vSwitchIds, securityGroupId} (Ref VPCConfig): stored, not emulated
//   description    ≤ 256 characters (unconfirmed bound)
//   tags           ≤ 20, unique keys; key ≤ 64 characters, not starting aliyun or acs:, no
//                  http:// or https://; value ≤ 128 (Ref ListTagResourcesRequestTag; devsapp/fc3
//                  src/resources/fc/index.ts checkTags)
// GetFunction answers functionArn acs:fc:{region}:{uid}:functions/{name}, functionId, codeChecksum
// (CRC-64), codeSize, state Active, lastUpdateStatus Successful (Ref Function: states Pending,
// Active, Failed; the local FC is ready at once).
// Triggers: triggerConfig is a JSON string on the wire (Ref CreateTriggerInput), answered back as a
// string with status "OK" and targetArn the function's ARN (Ref Trigger; CreateTrigger's sample
// response); an HTTP trigger's answer carries httpTrigger {urlInternet, urlIntranet} (Ref
// HTTPTrigger: https://<name>-<random>.<region>.fcapp.run), filled in by the API with the local
// address. At most one HTTP trigger per function (FC "HTTP triggers": one per version or alias);
// unlike FC 2.0 it may share the function with other triggers (unconfirmed: FC 3.0's built-in
// runtimes hand HTTP requests to the same event handler).
import { randomBytes, randomUUID } from 'node:crypto';
import { unzipSync } from 'fflate';
import type { EmulatorClock as Clock } from '../shared/clock';
import type { FcScope } from './authorization';
import { checkedCert, checkedDomainName, routeFor } from './custom-domain';
import { crc64 } from './crc64';
import { fc3Arn } from './fc3-authorization';
import { fc3Errors } from './fc3-errors';
import { MAX_CODE_BYTES, type TriggerRecord } from './model';
import { OSS_TRIGGER_EVENTS, type TriggerType, validateTrigger } from './trigger-config';

const FUNCTION_NAME = /^[A-Za-z_][A-Za-z0-9_-]{0,63}$/;
const TRIGGER_NAME = /^[A-Za-z_][A-Za-z0-9_-]{0,127}$/;
const RUNTIMES = ['nodejs20', 'nodejs18', 'nodejs16', 'nodejs14', 'nodejs12'];
const ENV_KEY = /^[A-Za-z][A-Za-z0-9_]*$/;
const RESERVED_ENV = new Set(['accessKeyID', 'accessKeySecret', 'securityToken', 'topic']);
const ROLE_ARN = /^acs:ram::\d+:role\/[\w.-]+$/;
const MAX_TAGS = 20;
const MAX_DESCRIPTION = 256;
const MAX_PAGE = 100;
const DEFAULT_PAGE = 20;
/** FC creates one EventBridge rule per eventbridge trigger on the system bus, which holds at most 10 (EventBridge limits). */
const MAX_DEFAULT_BUS_RULES = 10;
const HTTP_METHODS = ['HEAD', 'DELETE', 'POST', 'GET', 'OPTIONS', 'PUT', 'PATCH'];
const DOMAIN_FIELDS = ['domainName', 'protocol', 'certConfig', 'routeConfig', 'authConfig', 'tlsConfig', 'wafConfig', 'corsConfig'];

/** A tag as FC 3.0 carries it on the wire: {Key, Value} (@alicloud/fc20230330 models/Tag.js names). */
export interface Tag {
  Key: string;
  Value: string;
}

export interface Fc3FunctionRecord {
  functionId: string;
  functionName: string;
  functionArn: string;
  description: string;
  runtime: string;
  handler: string;
  timeout: number;
  memorySize: number;
  cpu: number;
  diskSize: number;
  instanceConcurrency: number;
  internetAccess: boolean;
  role: string;
  logConfig: { project: string; logstore: string; enableRequestMetrics?: boolean; enableInstanceMetrics?: boolean; logBeginRule?: string };
  vpcConfig: { vpcId?: string; vSwitchIds?: string[]; securityGroupId?: string };
  environmentVariables: Record<string, string>;
  codeSize: number;
  codeChecksum: string;
  state: 'Active';
  stateReason: string;
  stateReasonCode: string;
  lastUpdateStatus: 'Successful';
  lastUpdateStatusReason: string;
  lastUpdateStatusReasonCode: string;
  tags: Tag[];
  createdTime: string;
  lastModifiedTime: string;
}

export interface Fc3TriggerRecord extends TriggerRecord {
  description: string;
  /** The first label of the trigger's fcapp.run address (HTTP triggers). */
  urlPrefix?: string;
}

export interface Fc3Route {
  readonly path: string;
  readonly functionName: string;
  readonly qualifier: string;
  readonly methods?: readonly string[];
}

export interface Fc3DomainRecord {
  accountId: string;
  apiVersion: '2023-03-30';
  domainName: string;
  protocol: 'HTTP' | 'HTTPS' | 'HTTP,HTTPS';
  certConfig?: { certName: string; certificate: string; privateKey: string };
  routeConfig: { routes: Fc3Route[] };
  authConfig: { authType: 'anonymous' | 'function'; authInfo?: string };
  tlsConfig?: Record<string, unknown>;
  wafConfig?: { enableWAF: boolean };
  subdomainCount: string;
  createdTime: string;
  lastModifiedTime: string;
}

export interface AsyncInvokeConfig {
  functionArn: string;
  maxAsyncRetryAttempts: number;
  maxAsyncEventAgeInSeconds: number;
  destinationConfig: { onSuccess?: { destination: string }; onFailure?: { destination: string } };
  asyncTask: boolean;
  createdTime: string;
  lastModifiedTime: string;
}

export type Fc3Change =
  | { kind: 'function'; function: Fc3FunctionRecord; code: Uint8Array }
  | { kind: 'function-deleted'; function: string }
  | { kind: 'trigger'; function: string; trigger: Fc3TriggerRecord }
  | { kind: 'trigger-deleted'; function: string; trigger: string };

interface FunctionState {
  record: Fc3FunctionRecord;
  code: Uint8Array;
  triggers: Map<string, Fc3TriggerRecord>;
  asyncConfig?: AsyncInvokeConfig;
  reservedConcurrency?: number;
}

export interface Page<T> {
  readonly items: T[];
  readonly nextToken?: string;
}

export class Fc3Model {
  private readonly functions = new Map<string, FunctionState>();
  private readonly domains = new Map<string, Fc3DomainRecord>();
  private readonly listeners: ((change: Fc3Change) => void)[] = [];

  constructor(
    private readonly clock: Clock,
    private readonly scope: FcScope,
    /** Domain names another API already holds (FC 2.0's custom domains share the account's names). */
    private readonly domainTaken: (name: string) => boolean = () => false,
  ) {}

  onChange(listener: (change: Fc3Change) => void): void {
    this.listeners.push(listener);
  }

  // Functions

  /** `code` is the zip the API resolved (from zipFile or OSS). */
  createFunction(body: Record<string, unknown>, code: Uint8Array): Fc3FunctionRecord {
    const name = String(body.functionName ?? '');
    if (!FUNCTION_NAME.test(name))
      throw fc3Errors.invalidArgument(`functionName "${name}" must be 1–64 letters, digits, _ or -, not starting with a digit or -`);
    if (this.functions.has(name)) throw fc3Errors.functionAlreadyExists(name);
    const now = this.now();
    const record: Fc3FunctionRecord = {
      functionId: randomUUID(),
      functionName: name,
      functionArn: fc3Arn.function(this.scope, name),
      description: '',
      runtime: '',
      handler: '',
      timeout: 3,
      memorySize: 512,
      cpu: 0,
      diskSize: 512,
      instanceConcurrency: 1,
      internetAccess: true,
      role: '',
      logConfig: { project: '', logstore: '' },
      vpcConfig: {},
      environmentVariables: {},
      codeSize: 0,
      codeChecksum: '',
      state: 'Active',
      stateReason: '',
      stateReasonCode: '',
      lastUpdateStatus: 'Successful',
      lastUpdateStatusReason: '',
      lastUpdateStatusReasonCode: '',
      tags: body.tags === undefined ? [] : checkedTags(body.tags, 'tags'),
      createdTime: now,
      lastModifiedTime: now,
    };
    applyFunctionFields(record, body, true);
    setCode(record, code);
    this.functions.set(name, { record, code, triggers: new Map() });
    this.emit({ kind: 'function', function: copy(record), code });
    return copy(record);
  }

  getFunction(name: string): Fc3FunctionRecord {
    return copy(this.function(name).record);
  }

  /** The function's settings for the runtime (undefined: no such function). */
  findFunction(name: string): Fc3FunctionRecord | undefined {
    const f = this.functions.get(name);
    return f ? copy(f.record) : undefined;
  }

  getFunctionCode(name: string): { code: Uint8Array; checksum: string } {
    const f = this.function(name);
    return { code: f.code, checksum: f.record.codeChecksum };
  }

  listFunctions(prefix: string, limit: number | undefined, nextToken: string | undefined): Page<Fc3FunctionRecord> {
    return page(
      [...this.functions.values()].map((f) => f.record),
      (f) => f.functionName,
      prefix,
      limit,
      nextToken,
      copy,
    );
  }

  updateFunction(name: string, body: Record<string, unknown>, code: Uint8Array | undefined): Fc3FunctionRecord {
    const f = this.function(name);
    // UpdateFunctionInput has no functionName and no tags (Ref): tags change through TagResources.
    if (body.tags !== undefined) throw fc3Errors.invalidArgument('tags are not updated by UpdateFunction; use TagResources and UntagResources');
    const next = copy(f.record);
    applyFunctionFields(next, body, false);
    if (code) {
      setCode(next, code);
      f.code = code;
    }
    next.lastModifiedTime = this.now();
    f.record = next;
    this.emit({ kind: 'function', function: copy(next), code: f.code });
    return copy(next);
  }

  deleteFunction(name: string): void {
    const f = this.function(name);
    if (f.triggers.size > 0) throw fc3Errors.functionNotEmpty(name);
    this.functions.delete(name);
    this.emit({ kind: 'function-deleted', function: name });
  }

  // Triggers

  createTrigger(fnName: string, body: Record<string, unknown>): Fc3TriggerRecord {
    const f = this.function(fnName);
    const name = String(body.triggerName ?? '');
    if (!TRIGGER_NAME.test(name))
      throw fc3Errors.invalidArgument(`triggerName "${name}" must be 1–128 letters, digits, _ or -, not starting with a digit or -`);
    if (f.triggers.has(name)) throw fc3Errors.triggerAlreadyExists(fnName, name);
    const record = this.checkedTrigger(fnName, name, body, undefined);
    f.triggers.set(name, record);
    this.emit({ kind: 'trigger', function: fnName, trigger: copy(record) });
    return copy(record);
  }

  getTrigger(fnName: string, name: string): Fc3TriggerRecord {
    return copy(this.trigger(fnName, name));
  }

  listTriggers(fnName: string, prefix: string, limit: number | undefined, nextToken: string | undefined): Page<Fc3TriggerRecord> {
    return page([...this.function(fnName).triggers.values()], (t) => t.triggerName, prefix, limit, nextToken, copy);
  }

  /** UpdateTrigger takes description, invocationRole, qualifier and triggerConfig (Ref UpdateTriggerInput). */
  updateTrigger(fnName: string, name: string, body: Record<string, unknown>): Fc3TriggerRecord {
    const current = this.trigger(fnName, name);
    for (const key of Object.keys(body)) {
      if (!['description', 'invocationRole', 'qualifier', 'triggerConfig'].includes(key)) {
        throw fc3Errors.invalidArgument(`${key} cannot be updated (UpdateTrigger takes description, invocationRole, qualifier, triggerConfig)`);
      }
    }
    const next = this.checkedTrigger(
      fnName,
      name,
      {
        triggerType: current.triggerType,
        sourceArn: current.sourceArn,
        description: body.description ?? current.description,
        triggerConfig: body.triggerConfig ?? JSON.stringify(current.triggerConfig),
        invocationRole: body.invocationRole ?? (current.triggerType === 'eventbridge' ? undefined : current.invocationRole),
        qualifier: body.qualifier ?? current.qualifier,
      },
      current,
    );
    this.function(fnName).triggers.set(name, next);
    this.emit({ kind: 'trigger', function: fnName, trigger: copy(next) });
    return copy(next);
  }

  deleteTrigger(fnName: string, name: string): void {
    this.trigger(fnName, name);
    this.function(fnName).triggers.delete(name);
    this.emit({ kind: 'trigger-deleted', function: fnName, trigger: name });
  }

  /** The HTTP trigger whose fcapp.run address starts with `prefix`. */
  httpTriggerByPrefix(prefix: string): { fn: string; trigger: Fc3TriggerRecord } | undefined {
    for (const [fn, f] of this.functions) {
      for (const t of f.triggers.values()) if (t.triggerType === 'http' && t.urlPrefix === prefix) return { fn, trigger: copy(t) };
    }
    return undefined;
  }

  httpTrigger(fnName: string): Fc3TriggerRecord | undefined {
    const t = [...(this.functions.get(fnName)?.triggers.values() ?? [])].find((x) => x.triggerType === 'http');
    return t ? copy(t) : undefined;
  }

  private checkedTrigger(fnName: string, name: string, body: Record<string, unknown>, current: Fc3TriggerRecord | undefined): Fc3TriggerRecord {
    const type = String(body.triggerType ?? '');
    // FC 3.0 sends triggerConfig as a JSON string (Ref CreateTriggerInput): an object is refused, so a
    // client that forgot to stringify learns it here, not in the cloud.
    if (typeof body.triggerConfig !== 'string')
      throw fc3Errors.invalidArgument('triggerConfig must be a JSON string (FC 3.0 CreateTriggerInput.triggerConfig)');
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.triggerConfig);
    } catch {
      throw fc3Errors.invalidArgument('triggerConfig is not JSON');
    }
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw fc3Errors.invalidArgument('triggerConfig must be a JSON object');
    const config = withDocumentedDefaults(type, parsed as Record<string, unknown>);
    const qualifier = body.qualifier === undefined ? 'LATEST' : String(body.qualifier);
    // Versions and aliases are not emulated: only LATEST exists locally.
    if (qualifier !== 'LATEST') throw fc3Errors.qualifierNotFound(fnName, qualifier);
    if (body.description !== undefined && (typeof body.description !== 'string' || body.description.length > MAX_DESCRIPTION)) {
      throw fc3Errors.invalidArgument(`description must be a string of at most ${MAX_DESCRIPTION} characters`);
    }
    // The FC 2.0 rules per type hold for FC 3.0's configs too, with FC 3.0's extra fields set aside.
    const { corsConfig, ...checkable } = config;
    if (corsConfig !== undefined && (typeof corsConfig !== 'object' || corsConfig === null))
      throw fc3Errors.invalidArgument('triggerConfig.corsConfig must be an object');
    const triggerConfig = validateTrigger({
      triggerName: name,
      triggerType: type,
      triggerConfig: type === 'log' ? withoutStartTime(checkable) : checkable,
      sourceArn: body.sourceArn,
      invocationRole: type === 'eventbridge' ? undefined : body.invocationRole,
    });
    const others = [...this.function(fnName).triggers.values()].filter((t) => t.triggerName !== name);
    if (type === 'http' && others.some((t) => t.triggerType === 'http')) {
      throw fc3Errors.invalidArgument(`function '${fnName}' already has an HTTP trigger (one per function)`);
    }
    if (type === 'oss') this.checkOssConflict(fnName, name, String(body.sourceArn), triggerConfig);
    const now = this.now();
    const base = {
      triggerName: name,
      triggerId: current?.triggerId ?? randomUUID(),
      triggerType: type as TriggerType,
      triggerConfig: { ...config },
      qualifier,
      description: typeof body.description === 'string' ? body.description : '',
      createdTime: current?.createdTime ?? now,
      lastModifiedTime: now,
    };
    if (type === 'eventbridge') {
      // EventBridge delivers through its service-linked role, not an invocationRole; FC answers the
      // rule it made (devsapp/fc3 src/resources/fc/index.ts strips invocationRole, sourceArn and status
      // from FC 3.0's answer before comparing). The rule's name <function>-<trigger> is unconfirmed.
      if (current === undefined && typeof body.sourceArn !== 'string') this.checkDefaultBusRoom();
      return {
        ...base,
        sourceArn:
          current?.sourceArn ??
          (typeof body.sourceArn === 'string'
            ? body.sourceArn
            : `acs:eventbridge:${this.scope.region}:${this.scope.accountId}:eventbus/default/rule/${fnName}-${name}`),
        invocationRole: `acs:ram::${this.scope.accountId}:role/aliyunserviceroleforeventbridgesendtofc`,
      };
    }
    return {
      ...base,
      ...(typeof body.sourceArn === 'string' ? { sourceArn: body.sourceArn } : {}),
      ...(typeof body.invocationRole === 'string' ? { invocationRole: body.invocationRole } : {}),
      ...(type === 'http' ? { urlPrefix: current?.urlPrefix ?? urlPrefixOf(fnName) } : {}),
    };
  }

  private checkDefaultBusRoom(): void {
    let rules = 0;
    for (const f of this.functions.values()) {
      for (const t of f.triggers.values()) if (t.triggerType === 'eventbridge' && t.sourceArn?.includes(':eventbus/default/rule/')) rules += 1;
    }
    // (unconfirmed) code and wording of FC's refusal.
    if (rules >= MAX_DEFAULT_BUS_RULES) {
      throw fc3Errors.invalidArgument(`the EventBridge system event bus "default" already holds ${MAX_DEFAULT_BUS_RULES} rules, its limit`);
    }
  }

  /** Two OSS triggers on one bucket whose events and key filters overlap conflict (FC OSS trigger overview). */
  private checkOssConflict(fnName: string, name: string, sourceArn: string, config: Record<string, unknown>): void {
    const mine = ossScope(config);
    for (const [otherFn, f] of this.functions) {
      for (const t of f.triggers.values()) {
        if (t.triggerType !== 'oss' || t.sourceArn !== sourceArn || (otherFn === fnName && t.triggerName === name)) continue;
        const theirs = ossScope(t.triggerConfig);
        const eventsOverlap = mine.events.some((a) => theirs.events.some((b) => eventOverlaps(a, b)));
        const keysOverlap =
          (mine.prefix.startsWith(theirs.prefix) || theirs.prefix.startsWith(mine.prefix)) &&
          (mine.suffix.endsWith(theirs.suffix) || theirs.suffix.endsWith(mine.suffix));
        if (eventsOverlap && keysOverlap) {
          throw fc3Errors.invalidArgument(
            `the OSS trigger conflicts with trigger '${t.triggerName}' of function '${otherFn}' on ${sourceArn}: their events and key filters overlap`,
          );
        }
      }
    }
  }

  // Asynchronous invocation and concurrency configurations (Ref PutAsyncInvokeConfigInput, PutConcurrencyInput)

  putAsyncConfig(fnName: string, body: Record<string, unknown>, qualifier: string): AsyncInvokeConfig {
    const f = this.function(fnName);
    if (qualifier !== 'LATEST') throw fc3Errors.qualifierNotFound(fnName, qualifier);
    only(body, ['maxAsyncRetryAttempts', 'maxAsyncEventAgeInSeconds', 'destinationConfig', 'asyncTask'], 'the asynchronous invocation configuration');
    const now = this.now();
    const config: AsyncInvokeConfig = {
      functionArn: f.record.functionArn,
      // [0, 8], default 3; [1, 604800] s, default 86400 (Ref PutAsyncInvokeConfigInput).
      maxAsyncRetryAttempts: body.maxAsyncRetryAttempts === undefined ? 3 : bounded(body.maxAsyncRetryAttempts, 'maxAsyncRetryAttempts', 0, 8),
      maxAsyncEventAgeInSeconds:
        body.maxAsyncEventAgeInSeconds === undefined ? 86_400 : bounded(body.maxAsyncEventAgeInSeconds, 'maxAsyncEventAgeInSeconds', 1, 604_800),
      destinationConfig: body.destinationConfig === undefined ? {} : this.checkedDestinations(fnName, body.destinationConfig),
      asyncTask: body.asyncTask === undefined ? false : bool(body.asyncTask, 'asyncTask'),
      createdTime: f.asyncConfig?.createdTime ?? now,
      lastModifiedTime: now,
    };
    f.asyncConfig = config;
    return structuredClone(config);
  }

  getAsyncConfig(fnName: string, qualifier: string): AsyncInvokeConfig {
    const f = this.function(fnName);
    if (qualifier !== 'LATEST' || !f.asyncConfig) throw fc3Errors.asyncConfigNotFound(fnName);
    return structuredClone(f.asyncConfig);
  }

  /** The configuration asynchronous invocations of a function use (FC's defaults when none was put). */
  effectiveAsyncConfig(fnName: string): AsyncInvokeConfig {
    const f = this.function(fnName);
    return structuredClone(
      f.asyncConfig ?? {
        functionArn: f.record.functionArn,
        maxAsyncRetryAttempts: 3,
        maxAsyncEventAgeInSeconds: 86_400,
        destinationConfig: {},
        asyncTask: false,
        createdTime: '',
        lastModifiedTime: '',
      },
    );
  }

  deleteAsyncConfig(fnName: string, qualifier: string): void {
    const f = this.function(fnName);
    if (qualifier !== 'LATEST' || !f.asyncConfig) throw fc3Errors.asyncConfigNotFound(fnName);
    f.asyncConfig = undefined;
  }

  putConcurrency(fnName: string, body: Record<string, unknown>): { functionArn: string; reservedConcurrency: number } {
    const f = this.function(fnName);
    only(body, ['reservedConcurrency'], 'the concurrency configuration');
    // Required (Ref PutConcurrencyInput); 0 stops the function (FC "Configure instance concurrency").
    // The upper bound is the account's concurrency quota, 100 by default (unconfirmed: a quota, not an API rule).
    f.reservedConcurrency = bounded(body.reservedConcurrency, 'reservedConcurrency', 0, 100);
    return { functionArn: f.record.functionArn, reservedConcurrency: f.reservedConcurrency };
  }

  getConcurrency(fnName: string): { functionArn: string; reservedConcurrency: number } {
    const f = this.function(fnName);
    if (f.reservedConcurrency === undefined) throw fc3Errors.concurrencyConfigNotFound(fnName);
    return { functionArn: f.record.functionArn, reservedConcurrency: f.reservedConcurrency };
  }

  /** The reserved concurrency in force, or undefined when none is reserved. */
  reservedConcurrency(fnName: string): number | undefined {
    return this.function(fnName).reservedConcurrency;
  }

  deleteConcurrency(fnName: string): void {
    const f = this.function(fnName);
    if (f.reservedConcurrency === undefined) throw fc3Errors.concurrencyConfigNotFound(fnName);
    f.reservedConcurrency = undefined;
  }

  // Tags (TagResources, UntagResources, ListTagResources: resources are function ARNs)

  /** The function a resource ID names: its ARN acs:fc:{region}:{uid}:functions/{name} (Ref TagResource). */
  functionOfArn(arn: string): string {
    const prefix = fc3Arn.function(this.scope, '');
    if (!arn.startsWith(prefix) || arn.length === prefix.length) {
      throw fc3Errors.invalidArgument(`resourceId "${arn}" is not the ARN of a function (${prefix}<name>)`);
    }
    const name = arn.slice(prefix.length);
    this.function(name);
    return name;
  }

  tag(fnName: string, tags: unknown): void {
    const f = this.function(fnName);
    const added = checkedTags(tags, 'tag');
    const merged = new Map(f.record.tags.map((t) => [t.Key, t.Value]));
    for (const t of added) merged.set(t.Key, t.Value);
    if (merged.size > MAX_TAGS) throw fc3Errors.invalidArgument(`a function holds at most ${MAX_TAGS} tags`);
    f.record.tags = [...merged].map(([Key, Value]) => ({ Key, Value }));
  }

  untag(fnName: string, keys: readonly string[] | 'all'): void {
    const f = this.function(fnName);
    f.record.tags = keys === 'all' ? [] : f.record.tags.filter((t) => !keys.includes(t.Key));
  }

  tagsOf(fnName: string): Tag[] {
    return this.function(fnName).record.tags.map((t) => ({ ...t }));
  }

  functionNames(): string[] {
    return [...this.functions.keys()];
  }

  // Custom domains (FC 3.0: routes name functions, no services)

  createCustomDomain(body: Record<string, unknown>): Fc3DomainRecord {
    const domainName = checkedDomainName(body.domainName);
    if (this.domains.has(domainName) || this.domainTaken(domainName)) throw fc3Errors.domainNameAlreadyExists(domainName);
    const now = this.now();
    const record: Fc3DomainRecord = {
      accountId: this.scope.accountId,
      apiVersion: '2023-03-30',
      domainName,
      ...checkedDomainFields(body, undefined),
      subdomainCount: '1',
      createdTime: now,
      lastModifiedTime: now,
    };
    this.domains.set(domainName, record);
    return domainView(record);
  }

  getCustomDomain(name: string): Fc3DomainRecord {
    return domainView(this.domain(name));
  }

  hasCustomDomain(name: string): boolean {
    return this.domains.has(name.toLowerCase());
  }

  /** The domain a request's Host names (undefined: none of FC 3.0's). */
  customDomainFor(host: string): Fc3DomainRecord | undefined {
    const d = this.domains.get(host.toLowerCase());
    return d ? structuredClone(d) : undefined;
  }

  listCustomDomains(prefix: string, limit: number | undefined, nextToken: string | undefined): Page<Fc3DomainRecord> {
    return page([...this.domains.values()], (d) => d.domainName, prefix, limit, nextToken, domainView);
  }

  updateCustomDomain(name: string, body: Record<string, unknown>): Fc3DomainRecord {
    const current = this.domain(name);
    if (body.domainName !== undefined) throw fc3Errors.invalidArgument('domainName cannot be changed; create another custom domain');
    Object.assign(current, checkedDomainFields(body, current), { lastModifiedTime: this.now() });
    return domainView(current);
  }

  deleteCustomDomain(name: string): void {
    this.domain(name);
    this.domains.delete(name.toLowerCase());
  }

  /** The route of a domain a path takes (exact first, then the longest "/*" prefix). */
  static route(domain: Fc3DomainRecord, path: string): Fc3Route | undefined {
    return routeFor(domain.routeConfig.routes, path);
  }

  private checkedDestinations(fnName: string, value: unknown): AsyncInvokeConfig['destinationConfig'] {
    if (!value || typeof value !== 'object' || Array.isArray(value)) throw fc3Errors.invalidArgument('destinationConfig must be {onSuccess?, onFailure?}');
    const v = value as Record<string, unknown>;
    only(v, ['onSuccess', 'onFailure'], 'destinationConfig');
    const out: AsyncInvokeConfig['destinationConfig'] = {};
    for (const which of ['onSuccess', 'onFailure'] as const) {
      if (v[which] === undefined) continue;
      const d = v[which] as { destination?: unknown } | null;
      if (!d || typeof d !== 'object' || typeof d.destination !== 'string')
        throw fc3Errors.invalidArgument(`destinationConfig.${which} must be {destination: <ARN>}`);
      const kind = destinationKind(d.destination, this.scope);
      if (!kind) {
        throw fc3Errors.invalidArgument(
          `destinationConfig.${which}.destination "${d.destination}" is not an FC function, MNS queue or topic, or EventBridge bus ARN of ${this.scope.region}/${this.scope.accountId}`,
        );
      }
      if (kind.type === 'fc' && kind.name === fnName) throw fc3Errors.invalidArgument(`destinationConfig.${which}: a function cannot be its own destination`);
      out[which] = { destination: d.destination };
    }
    return out;
  }

  private function(name: string): FunctionState {
    const f = this.functions.get(name);
    if (!f) throw fc3Errors.functionNotFound(name);
    return f;
  }

  private trigger(fnName: string, name: string): Fc3TriggerRecord {
    const t = this.function(fnName).triggers.get(name);
    if (!t) throw fc3Errors.triggerNotFound(fnName, name);
    return t;
  }

  private domain(name: string): Fc3DomainRecord {
    const d = this.domains.get(name.toLowerCase());
    if (!d) throw fc3Errors.domainNameNotFound(name);
    return d;
  }

  private now(): string {
    // FC 3.0 answers times as 2023-04-01T08:15:27Z (Ref Function.createdTime), without milliseconds.
    return new Date(this.clock.nowMs()).toISOString().replace(/\.\d{3}Z$/, 'Z');
  }

  private emit(change: Fc3Change): void {
    for (const l of this.listeners) l(change);
  }
}

/**
 * Where an async destination delivers (FC "Destinations for asynchronous invocations"; the ARN
 * forms of FC's examples and of alicloud_fc_function_async_invoke_config):
 *   acs:fc:{region}:{uid}:functions/{name}                FC 3.0 function (Ref Destination)
 *   acs:mns:{region}:{uid}:/queues/{queue}/messages       MNS queue
 *   acs:mns:{region}:{uid}:/topics/{topic}/messages       MNS topic
 *   acs:eventbridge:{region}:{uid}:eventbus/{bus}         EventBridge event bus
 */
export type DestinationKind =
  | { readonly type: 'fc'; readonly name: string }
  | { readonly type: 'mns-queue'; readonly name: string }
  | { readonly type: 'mns-topic'; readonly name: string }
  | { readonly type: 'eventbridge'; readonly name: string };

export function destinationKind(arn: string, scope: FcScope): DestinationKind | undefined {
  const at = `${scope.region}:${scope.accountId}:`;
  let m = new RegExp(`^acs:fc:${at}functions/([A-Za-z_][A-Za-z0-9_-]{0,63})$`).exec(arn);
  if (m) return { type: 'fc', name: m[1]! };
  m = new RegExp(`^acs:mns:${at}/queues/([A-Za-z0-9-]{1,120})/messages$`).exec(arn);
  if (m) return { type: 'mns-queue', name: m[1]! };
  m = new RegExp(`^acs:mns:${at}/topics/([A-Za-z0-9-]{1,255})/messages$`).exec(arn);
  if (m) return { type: 'mns-topic', name: m[1]! };
  m = new RegExp(`^acs:eventbridge:${at}eventbus/([A-Za-z0-9_.-]{1,127})$`).exec(arn);
  if (m) return { type: 'eventbridge', name: m[1]! };
  return undefined;
}

/** FC 3.0's documented defaults of a trigger config (Ref HTTPTriggerConfig, EventBridgeTriggerConfig). */
function withDocumentedDefaults(type: string, config: Record<string, unknown>): Record<string, unknown> {
  if (type === 'http') return { authType: 'function', ...config };
  if (type === 'eventbridge') return { triggerEnable: true, asyncInvocationType: false, ...config };
  return config;
}

/** FC 3.0's SourceConfig.startTime (seconds) is checked here; the FC 2.0 rules take the rest. */
function withoutStartTime(config: Record<string, unknown>): Record<string, unknown> {
  const source = config.sourceConfig as Record<string, unknown> | undefined;
  if (!source || typeof source !== 'object' || source.startTime === undefined) return config;
  const { startTime, ...rest } = source;
  if (!Number.isInteger(startTime) || (startTime as number) < 0)
    throw fc3Errors.invalidArgument('triggerConfig.sourceConfig.startTime must be a Unix time in seconds');
  return { ...config, sourceConfig: rest };
}

function urlPrefixOf(fn: string): string {
  // A DNS label: lower case, no "_", at most 63 characters with "-<10 random>" (unconfirmed shape).
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  const random = [...randomBytes(10)].map((b) => alphabet[b % alphabet.length]).join('');
  return `${fn.toLowerCase().replace(/_/g, '-').slice(0, 52)}-${random}`;
}

function applyFunctionFields(record: Fc3FunctionRecord, body: Record<string, unknown>, creating: boolean): void {
  if (body.description !== undefined) {
    if (typeof body.description !== 'string' || body.description.length > MAX_DESCRIPTION)
      throw fc3Errors.invalidArgument(`description must be a string of at most ${MAX_DESCRIPTION} characters`);
    record.description = body.description;
  }
  if (body.runtime !== undefined || creating) {
    if (!RUNTIMES.includes(String(body.runtime)))
      throw fc3Errors.invalidArgument(`runtime "${String(body.runtime)}" is not one of the local runtimes (${RUNTIMES.join(', ')})`);
    record.runtime = String(body.runtime);
  }
  if (body.handler !== undefined || creating) {
    if (!/^[\w.-]+\.[A-Za-z_$][\w$]*$/.test(String(body.handler)))
      throw fc3Errors.invalidArgument(`handler "${String(body.handler)}" must be <file>.<export>, e.g. index.handler`);
    record.handler = String(body.handler);
  }
  if (body.timeout !== undefined) record.timeout = bounded(body.timeout, 'timeout', 1, 86_400);
  if (body.memorySize !== undefined) {
    const m = bounded(body.memorySize, 'memorySize', 128, 32_768);
    if (m % 64 !== 0) throw fc3Errors.invalidArgument(`memorySize ${m} must be a multiple of 64`);
    record.memorySize = m;
  }
  if (body.cpu !== undefined) {
    const cpu = body.cpu;
    if (typeof cpu !== 'number' || !(cpu >= 0.05 && cpu <= 16) || Math.abs(Math.round(cpu * 20) - cpu * 20) > 1e-9) {
      throw fc3Errors.invalidArgument('cpu must be a multiple of 0.05 from 0.05 to 16 vCPUs');
    }
    record.cpu = cpu;
  } else if (creating || body.memorySize !== undefined) {
    // The smallest multiple of 0.05 vCPU that keeps memory (GB) at most 4 × cpu (unconfirmed default).
    const fitting = Math.max(0.05, Math.ceil((record.memorySize / 1024 / 4) * 20 - 1e-9) / 20);
    if (creating || record.memorySize / 1024 > record.cpu * 4 || record.memorySize / 1024 < record.cpu) record.cpu = fitting;
  }
  const memoryGb = record.memorySize / 1024;
  if (memoryGb < record.cpu - 1e-9 || memoryGb > record.cpu * 4 + 1e-9) {
    throw fc3Errors.invalidArgument(`cpu ${record.cpu} and memorySize ${record.memorySize} MB: cpu to memory (GB) must be from 1:1 to 1:4`);
  }
  if (body.diskSize !== undefined) {
    if (body.diskSize !== 512 && body.diskSize !== 10_240) throw fc3Errors.invalidArgument('diskSize must be 512 or 10240 (MB)');
    record.diskSize = body.diskSize;
  }
  if (body.instanceConcurrency !== undefined) record.instanceConcurrency = bounded(body.instanceConcurrency, 'instanceConcurrency', 1, 200);
  // Every runtime served here is a standard one (Node.js), which takes one request per instance.
  if (record.instanceConcurrency > 1) {
    throw fc3Errors.invalidArgument(
      `instanceConcurrency ${record.instanceConcurrency}: the standard runtime ${record.runtime} serves one request per instance on FC 3.0 (only custom runtimes and containers take more)`,
    );
  }
  if (body.internetAccess !== undefined) record.internetAccess = bool(body.internetAccess, 'internetAccess');
  if (body.role !== undefined) {
    if (body.role !== '' && !ROLE_ARN.test(String(body.role))) throw fc3Errors.invalidArgument(`role "${String(body.role)}" is not a RAM role ARN`);
    record.role = String(body.role);
  }
  if (body.logConfig !== undefined) record.logConfig = checkedLogConfig(body.logConfig);
  if (body.vpcConfig !== undefined) record.vpcConfig = checkedVpcConfig(body.vpcConfig);
  if (body.environmentVariables !== undefined) {
    const env = body.environmentVariables;
    if (!env || typeof env !== 'object' || Array.isArray(env)) throw fc3Errors.invalidArgument('environmentVariables must be an object of strings');
    for (const [k, v] of Object.entries(env)) {
      if (typeof v !== 'string') throw fc3Errors.invalidArgument(`environmentVariables.${k} must be a string`);
      if (!ENV_KEY.test(k)) throw fc3Errors.invalidArgument(`environmentVariables: "${k}" must start with a letter and hold only letters, digits and _`);
      if (k.startsWith('FC_') || RESERVED_ENV.has(k)) throw fc3Errors.invalidArgument(`environmentVariables: "${k}" is reserved by Function Compute`);
    }
    record.environmentVariables = { ...(env as Record<string, string>) };
  }
}

function checkedLogConfig(value: unknown): Fc3FunctionRecord['logConfig'] {
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw fc3Errors.invalidArgument('logConfig must be an object {project, logstore}');
  const v = value as Record<string, unknown>;
  only(v, ['project', 'logstore', 'enableRequestMetrics', 'enableInstanceMetrics', 'enableLlmMetrics', 'logBeginRule'], 'logConfig');
  // Both or neither: FC keeps logs only with both.
  if (Boolean(v.project) !== Boolean(v.logstore)) throw fc3Errors.invalidArgument('logConfig needs both project and logstore');
  if (v.logBeginRule !== undefined && v.logBeginRule !== 'DefaultRegex' && v.logBeginRule !== 'None') {
    throw fc3Errors.invalidArgument('logConfig.logBeginRule must be DefaultRegex or None');
  }
  return {
    project: String(v.project ?? ''),
    logstore: String(v.logstore ?? ''),
    ...(v.enableRequestMetrics !== undefined ? { enableRequestMetrics: bool(v.enableRequestMetrics, 'logConfig.enableRequestMetrics') } : {}),
    ...(v.enableInstanceMetrics !== undefined ? { enableInstanceMetrics: bool(v.enableInstanceMetrics, 'logConfig.enableInstanceMetrics') } : {}),
    ...(v.logBeginRule !== undefined ? { logBeginRule: String(v.logBeginRule) } : {}),
  };
}

function checkedVpcConfig(value: unknown): Fc3FunctionRecord['vpcConfig'] {
  if (!value || typeof value !== 'object' || Array.isArray(value))
    throw fc3Errors.invalidArgument('vpcConfig must be an object {vpcId, vSwitchIds, securityGroupId}');
  const v = value as Record<string, unknown>;
  only(v, ['vpcId', 'vSwitchIds', 'securityGroupId', 'role'], 'vpcConfig');
  if (Object.keys(v).length === 0) return {};
  if (typeof v.vpcId !== 'string' || !v.vpcId.startsWith('vpc-')) throw fc3Errors.invalidArgument('vpcConfig.vpcId must be a VPC ID (vpc-…)');
  if (!Array.isArray(v.vSwitchIds) || v.vSwitchIds.length === 0 || v.vSwitchIds.some((s) => typeof s !== 'string' || !s.startsWith('vsw-'))) {
    throw fc3Errors.invalidArgument('vpcConfig.vSwitchIds must be a non-empty list of vSwitch IDs (vsw-…)');
  }
  if (typeof v.securityGroupId !== 'string' || !v.securityGroupId.startsWith('sg-'))
    throw fc3Errors.invalidArgument('vpcConfig.securityGroupId must be a security group ID (sg-…)');
  return { vpcId: v.vpcId, vSwitchIds: [...(v.vSwitchIds as string[])], securityGroupId: v.securityGroupId };
}

function checkedTags(value: unknown, where: string): Tag[] {
  if (!Array.isArray(value)) throw fc3Errors.invalidArgument(`${where} must be a list of {key, value}`);
  if (value.length > MAX_TAGS) throw fc3Errors.invalidArgument(`${where}: at most ${MAX_TAGS} tags`);
  const seen = new Set<string>();
  return value.map((raw, i) => {
    // {Key, Value} as the SDK sends it; {key, value} taken too (unconfirmed whether FC does).
    const t = raw as { Key?: unknown; Value?: unknown; key?: unknown; value?: unknown } | null;
    const key = t?.Key ?? t?.key;
    const val = t?.Value ?? t?.value ?? '';
    if (typeof key !== 'string' || key === '' || key.length > 64 || /^(aliyun|acs:)/i.test(key) || /https?:\/\//i.test(key)) {
      throw fc3Errors.invalidArgument(`${where}[${i}].key must be 1–64 characters, not starting with aliyun or acs:, without http:// or https://`);
    }
    if (typeof val !== 'string' || val.length > 128 || /https?:\/\//i.test(val)) {
      throw fc3Errors.invalidArgument(`${where}[${i}].value must be at most 128 characters, without http:// or https://`);
    }
    if (seen.has(key)) throw fc3Errors.invalidArgument(`${where}: the key "${key}" is given twice`);
    seen.add(key);
    return { Key: key, Value: val };
  });
}

function checkedDomainFields(
  body: Record<string, unknown>,
  current: Fc3DomainRecord | undefined,
): Pick<Fc3DomainRecord, 'protocol' | 'certConfig' | 'routeConfig' | 'authConfig' | 'tlsConfig' | 'wafConfig'> {
  for (const key of Object.keys(body)) {
    if (!DOMAIN_FIELDS.includes(key)) throw fc3Errors.invalidArgument(`${key} is not a field of a custom domain (${DOMAIN_FIELDS.join(', ')})`);
  }
  // HTTP, HTTPS or HTTP,HTTPS (Ref CreateCustomDomainInput.protocol); HTTPS needs a certificate.
  const protocol = body.protocol === undefined ? (current?.protocol ?? 'HTTP') : body.protocol;
  if (protocol !== 'HTTP' && protocol !== 'HTTPS' && protocol !== 'HTTP,HTTPS')
    throw fc3Errors.invalidArgument(`protocol must be HTTP, HTTPS or HTTP,HTTPS (got ${JSON.stringify(protocol)})`);
  const certConfig = body.certConfig === undefined ? current?.certConfig : checkedCert(body.certConfig);
  if (protocol !== 'HTTP' && !certConfig) throw fc3Errors.invalidArgument(`protocol ${protocol} needs certConfig {certName, certificate, privateKey}`);
  const routeConfig = body.routeConfig === undefined ? (current?.routeConfig ?? { routes: [] }) : checkedRoutes(body.routeConfig);
  const authConfig = body.authConfig === undefined ? (current?.authConfig ?? { authType: 'anonymous' as const }) : checkedAuth(body.authConfig);
  let wafConfig = current?.wafConfig;
  if (body.wafConfig !== undefined) {
    const w = body.wafConfig as { enableWAF?: unknown } | null;
    if (!w || typeof w !== 'object') throw fc3Errors.invalidArgument('wafConfig must be {enableWAF}');
    wafConfig = { enableWAF: bool(w.enableWAF ?? false, 'wafConfig.enableWAF') };
  }
  let tlsConfig = current?.tlsConfig;
  if (body.tlsConfig !== undefined) {
    const t = body.tlsConfig as Record<string, unknown> | null;
    // minVersion and cipherSuites are required; TLSv1.0 – TLSv1.3 (Ref TLSConfig). Stored, not served.
    if (!t || typeof t !== 'object' || typeof t.minVersion !== 'string' || !/^TLSv1\.[0-3]$/.test(t.minVersion) || !Array.isArray(t.cipherSuites)) {
      throw fc3Errors.invalidArgument('tlsConfig must be {minVersion: TLSv1.x, maxVersion?, cipherSuites: [...]}');
    }
    tlsConfig = structuredClone(t);
  }
  return {
    protocol,
    routeConfig,
    authConfig,
    ...(certConfig ? { certConfig } : {}),
    ...(tlsConfig ? { tlsConfig } : {}),
    ...(wafConfig ? { wafConfig } : {}),
  };
}

function checkedAuth(value: unknown): Fc3DomainRecord['authConfig'] {
  const a = value as { authType?: unknown; authInfo?: unknown } | null;
  if (!a || typeof a !== 'object') throw fc3Errors.invalidArgument('authConfig must be {authType, authInfo?}');
  // anonymous, function and jwt (Ref AuthConfig); jwt is not emulated locally.
  if (a.authType === 'jwt') throw fc3Errors.invalidArgument('authConfig.authType jwt is not emulated by the local FC (anonymous or function)');
  if (a.authType !== 'anonymous' && a.authType !== 'function') throw fc3Errors.invalidArgument('authConfig.authType must be anonymous, function or jwt');
  if (a.authInfo !== undefined && typeof a.authInfo !== 'string') throw fc3Errors.invalidArgument('authConfig.authInfo must be a string');
  return { authType: a.authType, ...(typeof a.authInfo === 'string' ? { authInfo: a.authInfo } : {}) };
}

function checkedRoutes(value: unknown): { routes: Fc3Route[] } {
  const r = value as { routes?: unknown } | null;
  if (!r || typeof r !== 'object' || !Array.isArray(r.routes)) throw fc3Errors.invalidArgument('routeConfig must be {routes: [...]}');
  if (r.routes.length > 100) throw fc3Errors.invalidArgument('routeConfig.routes holds at most 100 routes');
  const seen = new Set<string>();
  const routes = r.routes.map((raw, i): Fc3Route => {
    const route = raw as Record<string, unknown> | null;
    const where = `routeConfig.routes[${i}]`;
    if (!route || typeof route !== 'object') throw fc3Errors.invalidArgument(`${where} must be an object {path, functionName, qualifier?, methods?}`);
    only(route, ['path', 'functionName', 'qualifier', 'methods', 'rewriteConfig'], where);
    const path = route.path;
    if (
      typeof path !== 'string' ||
      !path.startsWith('/') ||
      path.length > 2048 ||
      (path.includes('*') && !path.endsWith('/*')) ||
      path.indexOf('*') !== path.lastIndexOf('*')
    ) {
      throw fc3Errors.invalidArgument(`${where}.path must start with "/" and may only end in "/*" (got ${JSON.stringify(path)})`);
    }
    if (seen.has(path)) throw fc3Errors.invalidArgument(`${where}.path ${path} is routed twice`);
    seen.add(path);
    if (typeof route.functionName !== 'string' || !FUNCTION_NAME.test(route.functionName))
      throw fc3Errors.invalidArgument(`${where}.functionName must be a function name`);
    if (route.rewriteConfig !== undefined) throw fc3Errors.invalidArgument(`${where}.rewriteConfig is not emulated by the local FC`);
    const qualifier = route.qualifier === undefined || route.qualifier === '' ? 'LATEST' : String(route.qualifier);
    let methods: string[] | undefined;
    if (route.methods !== undefined) {
      if (!Array.isArray(route.methods) || route.methods.some((m) => !HTTP_METHODS.includes(String(m)))) {
        throw fc3Errors.invalidArgument(`${where}.methods must be a list of ${HTTP_METHODS.join(', ')}`);
      }
      methods = route.methods.map(String);
    }
    return { path, functionName: route.functionName, qualifier, ...(methods ? { methods } : {}) };
  });
  return { routes };
}

/** What the API answers for a domain: everything but the private key. */
function domainView(record: Fc3DomainRecord): Fc3DomainRecord {
  const { certConfig, ...rest } = structuredClone(record);
  return { ...rest, ...(certConfig ? { certConfig: { certName: certConfig.certName, certificate: certConfig.certificate, privateKey: '' } } : {}) };
}

function setCode(record: Fc3FunctionRecord, code: Uint8Array): void {
  if (code.length > MAX_CODE_BYTES) throw fc3Errors.entityTooLarge(MAX_CODE_BYTES);
  try {
    unzipSync(code, { filter: () => false });
  } catch {
    throw fc3Errors.invalidArgument('the code is not a zip file');
  }
  record.codeSize = code.length;
  record.codeChecksum = crc64(code);
}

function page<T, R>(all: T[], nameOf: (t: T) => string, prefix: string, limit: number | undefined, nextToken: string | undefined, view: (t: T) => R): Page<R> {
  const size = limit === undefined ? DEFAULT_PAGE : limit;
  if (!Number.isInteger(size) || size < 1 || size > MAX_PAGE) throw fc3Errors.invalidArgument(`limit must be an integer from 1 to ${MAX_PAGE}`);
  // The token is the name to start from (FC: "next_function_name").
  const sorted = all.filter((t) => nameOf(t).startsWith(prefix)).sort((a, b) => (nameOf(a) < nameOf(b) ? -1 : 1));
  const from = nextToken ? sorted.findIndex((t) => nameOf(t) >= nextToken) : 0;
  const rest = from === -1 ? [] : sorted.slice(from);
  const items = rest.slice(0, size).map(view);
  return rest.length > size ? { items, nextToken: nameOf(rest[size]!) } : { items };
}

function ossScope(config: Record<string, unknown>): { events: string[]; prefix: string; suffix: string } {
  const key = (config.filter as { key?: { prefix?: string; suffix?: string } } | undefined)?.key;
  return { events: config.events as string[], prefix: key?.prefix ?? '', suffix: key?.suffix ?? '' };
}

function eventOverlaps(a: string, b: string): boolean {
  const matches = (pattern: string, name: string) => pattern === name || (pattern.endsWith(':*') && name.startsWith(pattern.slice(0, -1)));
  return matches(a, b) || matches(b, a);
}

function bounded(v: unknown, name: string, min: number, max: number): number {
  if (!Number.isInteger(v) || (v as number) < min || (v as number) > max) throw fc3Errors.invalidArgument(`${name} must be an integer from ${min} to ${max}`);
  return v as number;
}

function bool(v: unknown, name: string): boolean {
  if (typeof v !== 'boolean') throw fc3Errors.invalidArgument(`${name} must be true or false`);
  return v;
}

function only(o: Record<string, unknown>, keys: string[], where: string): void {
  for (const k of Object.keys(o)) if (!keys.includes(k)) throw fc3Errors.invalidArgument(`${where}: ${k} is not one of its fields (${keys.join(', ')})`);
}

function copy<T>(value: T): T {
  return structuredClone(value);
}

export { OSS_TRIGGER_EVENTS };
