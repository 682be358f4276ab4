// The local ROS API (2019-09-10, RPC style), what @alicloud/ros20190910 sends unmodified:
//   CreateStack GetStack UpdateStack DeleteStack ListStacks ListStackResources ListStackEvents
//   ValidateTemplate
// A request is POST / (or GET /) with its parameters in the query and, for TemplateBody, a form
// body; x-acs-action names the action; it is signed ACS3-HMAC-SHA256 (signature.ts) with a key the
// emulator was given. Answers are JSON: {RequestId, …} or {RequestId, HostId, Code, Message}.
// Repeated parameters are flattened as the SDK sends them: Parameters.1.ParameterKey, StackName.1 …
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { EmulatorClock as Clock } from '../shared/clock';
import type { AccessControl } from '../shared/access';
import { BodyTooLargeError, readBody } from '../shared/http';
import type { EmulatorLog } from '../shared/log';
import { RosError, rosErrors } from './errors';
import { parseAuthorization, verifyV3 } from './signature';
import type { Credentials, Stack, StackStore } from './stacks';

/** A form-encoded TemplateBody of 524,288 bytes can triple in size; anything past this is refused unread. */
const MAX_BODY_BYTES = 2 * 1024 * 1024;
/** ClientTokens remembered, oldest forgotten first (a bound of ours). */
const MAX_TOKENS = 1000;
/** The most repeated parameters read (Parameters.N: "Maximum value of N: 200"). */
const MAX_REPEATS = 200;

export interface RosApiOptions {
  readonly store: StackStore;
  /** Who a key belongs to and what it may do: the local account (RAM), or fixed keys with every right. */
  readonly access: AccessControl;
  readonly accountId: string;
  readonly region: string;
  readonly clock: Clock;
  readonly log: EmulatorLog;
}

type Params = Map<string, string>;

export function rosApiServer(options: RosApiOptions): Server {
  const tokens = new Map<string, string>();
  return createServer((req, res) => {
    void handle(options, tokens, req, res).catch((err: unknown) => {
      if (err instanceof RosError) return reply(res, err.status, { Code: err.code, Message: err.message });
      options.log.error('ros api request failed', { error: err });
      const e = rosErrors.internal();
      reply(res, e.status, { Code: e.code, Message: e.message });
    });
  });
}

async function handle(options: RosApiOptions, tokens: Map<string, string>, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://local');
  const method = (req.method ?? 'GET').toUpperCase();
  if (url.pathname !== '/' || (method !== 'GET' && method !== 'POST')) throw rosErrors.unknownAction(`${method} ${url.pathname}`);
  let body: Buffer;
  try {
    body = await readBody(req, MAX_BODY_BYTES);
  } catch (err) {
    if (err instanceof BodyTooLargeError) throw rosErrors.invalidParameter('TemplateBody', `the request body is over ${MAX_BODY_BYTES} bytes`);
    throw err;
  }
  const query = new Map(url.searchParams);
  const auth = parseAuthorization(String(req.headers.authorization ?? ''));
  const nowMs = options.clock.nowMs();
  const key = options.access.key(auth.credential, nowMs);
  if (key === undefined) throw rosErrors.invalidAccessKeyId();
  if (key === 'expired') throw rosErrors.expiredToken();
  verifyV3(req, auth, key, query, body, nowMs);
  const params: Params = new Map(query);
  if (String(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) {
    for (const [k, v] of new URLSearchParams(body.toString('utf8'))) params.set(k, v);
  }
  const action = String(req.headers['x-acs-action'] ?? params.get('Action') ?? '');
  // ROS "RAM authorization": ros:<Action>; CreateStack on acs:ros:<region>:<uid>:stack/*, calls on a
  // stack on …:stack/<StackId> (ListStacks and ValidateTemplate on stack/*: unconfirmed).
  const resource = `acs:ros:${options.region}:${options.accountId}:stack/${params.get('StackId') ?? '*'}`;
  if (!options.access.authorize(key.principal, { action: `ros:${action}`, resource }).allowed) throw rosErrors.forbidden(`ros:${action}`, resource);
  const credentials: Credentials = {
    accessKeyId: key.accessKeyId,
    accessKeySecret: key.accessKeySecret,
    ...(key.securityToken ? { securityToken: key.securityToken } : {}),
  };
  reply(res, 200, run(options, tokens, action, params, credentials));
}

function run(options: RosApiOptions, tokens: Map<string, string>, action: string, params: Params, credentials: Credentials): Record<string, unknown> {
  const { store } = options;
  const need = (name: string): string => {
    const v = params.get(name);
    if (v === undefined || v === '') throw rosErrors.missingParameter(name);
    return v;
  };
  if (action !== 'ValidateTemplate' || params.has('RegionId')) {
    const region = need('RegionId');
    if (region !== options.region) throw rosErrors.invalidParameter('RegionId', `the local ROS serves ${options.region} only`);
  }
  switch (action) {
    case 'CreateStack': {
      refuseNotEmulated(params, ['RamRoleName', 'TemplateURL', 'TemplateId', 'TemplateScratchId', 'StackPolicyBody', 'StackPolicyURL', 'CreateOption']);
      const token = params.get('ClientToken');
      // ClientToken: the same token answers the stack it already made (idempotent retries).
      if (token && tokens.has(token)) return { StackId: tokens.get(token) };
      const stack = store.create(need('StackName'), stackRequest(params, need, credentials));
      if (token) {
        tokens.set(token, stack.id);
        if (tokens.size > MAX_TOKENS) tokens.delete(tokens.keys().next().value!);
      }
      return { StackId: stack.id };
    }
    case 'UpdateStack': {
      refuseNotEmulated(params, ['RamRoleName', 'TemplateURL', 'TemplateId', 'DryRun', 'StackPolicyBody', 'StackPolicyURL', 'ReplacementOption']);
      const stack = store.update(need('StackId'), {
        ...stackRequest(params, need, credentials),
        usePreviousParameters: flag(params, 'UsePreviousParameters', false),
      });
      return { StackId: stack.id };
    }
    case 'DeleteStack': {
      refuseNotEmulated(params, ['RamRoleName', 'RetainResources.1', 'DeleteOptions.1']);
      if (flag(params, 'RetainAllResources', false)) throw rosErrors.notEmulated('RetainAllResources');
      store.delete(need('StackId'), credentials);
      return {};
    }
    case 'GetStack':
      return stackView(store, store.get(need('StackId')), true);
    case 'ListStacks': {
      const names = repeated(params, 'StackName');
      const statuses = repeated(params, 'Status');
      const id = params.get('StackId');
      const stacks = store
        .list()
        .filter((s) => (names.length === 0 || names.includes(s.name)) && (statuses.length === 0 || statuses.includes(s.status)) && (!id || s.id === id))
        .sort((a, b) => (a.createTime < b.createTime ? 1 : a.createTime > b.createTime ? -1 : 0));
      return page(params, stacks, 'Stacks', (s) => stackView(store, s, false));
    }
    case 'ListStackResources': {
      const stack = store.get(need('StackId'));
      return {
        Resources: store.resourcesOf(stack).map((r) => ({
          LogicalResourceId: r.id,
          PhysicalResourceId: r.made?.physicalId ?? '',
          ResourceType: r.type,
          Status: r.status,
          StatusReason: r.statusReason,
          CreateTime: r.createTime,
          UpdateTime: r.updateTime,
          StackId: stack.id,
          StackName: stack.name,
        })),
      };
    }
    case 'ListStackEvents': {
      const stack = store.get(need('StackId'));
      const statuses = repeated(params, 'Status');
      const ids = repeated(params, 'LogicalResourceId');
      const types = repeated(params, 'ResourceType');
      const events = stack.events.filter(
        (e) =>
          (statuses.length === 0 || statuses.includes(e.Status)) &&
          (ids.length === 0 || ids.includes(e.LogicalResourceId)) &&
          (types.length === 0 || types.includes(e.ResourceType)),
      );
      return page(params, events, 'Events', (e) => ({ ...e }));
    }
    case 'ValidateTemplate': {
      refuseNotEmulated(params, ['TemplateURL']);
      const v = store.validate(need('TemplateBody'));
      return {
        ...(v.description ? { Description: v.description } : {}),
        Parameters: v.parameters,
        Outputs: v.outputs,
        ResourceTypes: { Resources: v.resourceTypes, DataSources: [] },
      };
    }
    default:
      throw rosErrors.unknownAction(action);
  }
}

function stackRequest(params: Params, need: (name: string) => string, credentials: Credentials) {
  const parameters = new Map<string, string>();
  for (let n = 1; params.has(`Parameters.${n}.ParameterKey`); n++) {
    if (n > MAX_REPEATS) throw rosErrors.quota('parameters', MAX_REPEATS);
    parameters.set(params.get(`Parameters.${n}.ParameterKey`)!, params.get(`Parameters.${n}.ParameterValue`) ?? '');
  }
  const timeout = Number(params.get('TimeoutInMinutes') ?? 60);
  if (!Number.isInteger(timeout) || timeout < 10 || timeout > 1440) throw rosErrors.invalidParameter('TimeoutInMinutes', 'an integer from 10 to 1440');
  return { templateBody: need('TemplateBody'), parameters, disableRollback: flag(params, 'DisableRollback', false), timeoutInMinutes: timeout, credentials };
}

function stackView(store: StackStore, stack: Stack, full: boolean): Record<string, unknown> {
  return {
    StackId: stack.id,
    StackName: stack.name,
    Status: stack.status,
    StatusReason: stack.statusReason,
    CreateTime: stack.createTime,
    ...(stack.updateTime ? { UpdateTime: stack.updateTime } : {}),
    DisableRollback: stack.disableRollback,
    TimeoutInMinutes: stack.timeoutInMinutes,
    RegionId: store.parametersOf(stack).find((p) => p.ParameterKey === 'ALIYUN::Region')?.ParameterValue,
    ...(full
      ? {
          Parameters: store.parametersOf(stack),
          Outputs: stack.outputs,
          ...(stack.plan.template.Description ? { Description: stack.plan.template.Description, TemplateDescription: stack.plan.template.Description } : {}),
        }
      : {}),
  };
}

function page<T>(params: Params, items: T[], name: string, view: (item: T) => unknown): Record<string, unknown> {
  const pageNumber = Number(params.get('PageNumber') ?? 1);
  const pageSize = Number(params.get('PageSize') ?? 10);
  if (!Number.isInteger(pageNumber) || pageNumber < 1) throw rosErrors.invalidParameter('PageNumber', 'an integer from 1');
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 50) throw rosErrors.invalidParameter('PageSize', 'an integer from 1 to 50');
  const slice = items.slice((pageNumber - 1) * pageSize, pageNumber * pageSize);
  return { [name]: slice.map(view), TotalCount: items.length, PageNumber: pageNumber, PageSize: pageSize };
}

function repeated(params: Params, name: string): string[] {
  const out: string[] = [];
  for (let n = 1; n <= MAX_REPEATS && params.has(`${name}.${n}`); n++) out.push(params.get(`${name}.${n}`)!);
  return out;
}

function flag(params: Params, name: string, dflt: boolean): boolean {
  const v = params.get(name);
  if (v === undefined) return dflt;
  if (v !== 'true' && v !== 'false') throw rosErrors.invalidParameter(name, 'true or false');
  return v === 'true';
}

function refuseNotEmulated(params: Params, names: readonly string[]): void {
  for (const name of names) if (params.has(name)) throw rosErrors.notEmulated(name.replace(/\.1$/, ''));
}

function reply(res: ServerResponse, status: number, body: Record<string, unknown>): void {
  if (res.headersSent) return void res.destroy();
  const requestId = randomUUID();
  const payload = status === 200 ? { RequestId: requestId, ...body } : { RequestId: requestId, HostId: 'ros.aliyuncs.com', ...body };
  res.writeHead(status, { 'content-type': 'application/json;charset=utf-8', 'x-acs-request-id': requestId });
  res.end(JSON.stringify(payload));
}
