// The Log Service API without node:http: routes a request to its operation, counts it, applies
// injected faults, authenticates and runs the operation against the store; errors come from the
// one factory (errors.ts). The server only converts (server.ts).
import type { EmulatorClock } from '../shared/clock';
import { type FaultInjector, FaultKind } from '../shared/faults';
import { Counter } from '../shared/stats';
import { json, type Route as RouteOf, type SlsAnswer } from './answers';
import type { AccessControl, SigningKey } from '../shared/access';
import { authenticate, type KeyLookup } from './auth';
import { slsAccessRequest } from './authorization';
import { SlsError, slsErrors } from './errors';
import { chooseCompression, compress, decodeLogGroup, DecompressError, decompress, logGroupList, type LogGroupMessage } from './protocol';
import type { SlsRequest, SlsTarget } from './request';
import { ManagementRoutes } from './management';
import { routingHash, type Logstore, type Shard, type SlsState } from './store';

export { json, type SlsAnswer } from './answers';

/** PutLogs: at most 10 MB of raw (uncompressed) LogGroup (PutLogs reference). */
export const MAX_RAW_LOG_GROUP_BYTES = 10 * 1024 * 1024;
/** Wire bound on a request body; compressed bodies are smaller than the raw limit. */
export const MAX_REQUEST_BODY_BYTES = 16 * 1024 * 1024;
/** PullLogs `count`: 1–1000 LogGroups (PullLogs reference). */
const MAX_PULL_COUNT = 1000;

export type ServedAnswer =
  | { kind: 'respond'; answer: SlsAnswer; closeAfter?: boolean }
  | { kind: 'reset' }
  /** The request was applied and its answer is withheld. */
  | { kind: 'drop' };

type Route = RouteOf<SlsRequest>;

export interface SlsStatsJson {
  service: 'sls';
  /** Requests by API operation (PullLogs, GetCursor, PutLogs, …), faulted ones included. */
  operations: Record<string, number>;
  /** Error answers by errorCode. */
  errors: Record<string, number>;
  /** Injected faults by kind. */
  faults: Record<string, number>;
  logGroups: number;
  logs: number;
}

function parseJsonBody(body: Buffer): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(body.toString('utf8'));
    if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // fall through
  }
  throw slsErrors.parameterInvalid('request body is not a JSON object');
}

export class SlsService {
  readonly operations = new Counter();
  readonly errors = new Counter();
  readonly injected = new Counter();
  /** Index, GetLogs, dashboard and alert routes (management.ts). */
  readonly management: ManagementRoutes;

  constructor(
    readonly state: SlsState,
    readonly access: AccessControl,
    readonly faults: FaultInjector,
    private readonly clock: EmulatorClock,
    private readonly region: string,
    private readonly ownerId: string,
  ) {
    this.management = new ManagementRoutes(state, () => clock.nowMs());
  }

  /** The emulator's clock (STS keys expire by it). */
  nowMs(): number {
    return this.clock.nowMs();
  }

  /**
   * Serves one request: route, count, fault, body (read through `readBody`, bounded), signature,
   * operation. Never throws: every failure is an SLS error answer.
   */
  async serve(target: SlsTarget, readBody: () => Promise<Buffer>): Promise<ServedAnswer> {
    let operation = 'Unknown';
    let closeAfter = false;
    let fault: FaultKind = FaultKind.None;
    try {
      const route = this.route(target);
      operation = route.operation;
      this.operations.add(operation);
      const decision = this.faults.decide(operation);
      fault = decision.kind;
      if (decision.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, decision.latencyMs));
      if (fault === FaultKind.Reset) {
        this.injected.add('reset');
        return { kind: 'reset' };
      }
      let body: Buffer;
      try {
        body = await readBody();
      } catch (err) {
        closeAfter = true;
        throw err instanceof SlsError ? err : slsErrors.postBodyTooLarge(MAX_RAW_LOG_GROUP_BYTES);
      }
      if (fault === FaultKind.Error) {
        this.injected.add('error');
        throw slsErrors.internalServerError();
      }
      let signer: SigningKey | undefined;
      const lookup: KeyLookup = (accessKeyId) => {
        const key = this.access.key(accessKeyId, this.clock.nowMs());
        if (key === undefined) throw slsErrors.unauthorized();
        if (key === 'expired') throw slsErrors.securityTokenExpired();
        signer = key;
        return key;
      };
      authenticate({ method: target.method, path: target.path, query: target.queryPairs, headers: target.headers }, lookup);
      if (signer) this.authorize(operation, target, body, signer);
      if (!route.run) throw slsErrors.parameterInvalid(`${target.method} ${target.path} is not a supported request`);
      const answer = await route.run({ ...target, body });
      return this.deliver(fault, { kind: 'respond', answer });
    } catch (err) {
      let error: SlsError;
      if (err instanceof SlsError) error = err;
      else {
        // Never leak internals in a 5xx body; the message stays generic, as the service's does.
        error = slsErrors.internalServerError();
        process.emitWarning(`SLS emulator: ${operation} failed: ${(err as Error)?.stack ?? String(err)}`);
      }
      this.errors.add(error.code);
      return this.deliver(fault, { kind: 'respond', answer: json(error.status, error.toJSON()), closeAfter });
    }
  }

  /** Lost acknowledgements: applied, then reset or never answered. */
  private deliver(fault: FaultKind, answer: ServedAnswer): ServedAnswer {
    if (fault === FaultKind.AckReset || fault === FaultKind.AckDrop) {
      this.injected.add(fault);
      return { kind: fault === FaultKind.AckReset ? 'reset' : 'drop' };
    }
    return answer;
  }

  stats(): SlsStatsJson {
    let logGroups = 0;
    let logs = 0;
    for (const project of this.state.projects.values()) {
      for (const logstore of project.logstores.values()) {
        for (const shard of logstore.shards) {
          logGroups += shard.length;
          for (const g of shard.groups) logs += g.logCount;
        }
      }
    }
    return { service: 'sls', operations: this.operations.toJSON(), errors: this.errors.toJSON(), faults: this.injected.toJSON(), logGroups, logs };
  }

  // --- routing ------------------------------------------------------------------------------

  /** RAM authorization of the operation (authorization.ts); the owner's key passes. */
  private authorize(operation: string, target: SlsTarget, body: Buffer, signer: SigningKey): void {
    const [first, logstore] = target.segments;
    let project = target.project;
    let store = first === 'logstores' ? logstore : undefined;
    // Creations name the new project or logstore in their body.
    if (operation === 'CreateProject' || operation === 'CreateLogStore') {
      try {
        const named = JSON.parse(body.toString('utf8')) as { projectName?: unknown; logstoreName?: unknown };
        if (operation === 'CreateProject' && typeof named.projectName === 'string') project = named.projectName;
        if (operation === 'CreateLogStore' && typeof named.logstoreName === 'string') store = named.logstoreName;
      } catch {
        // The operation itself answers a malformed body.
      }
    }
    // acs:SourceIp is not offered: the service layer sees no socket (server.ts only converts).
    const context = { 'acs:SecureTransport': 'false', 'acs:CurrentTime': new Date(this.clock.nowMs()).toISOString() };
    const name = first === 'dashboards' || first === 'alerts' || first === 'resources' ? target.segments[1] : undefined;
    const record = first === 'resources' ? target.segments[3] : undefined;
    const request = slsAccessRequest(operation, { region: this.region, ownerId: this.ownerId, project, logstore: store, name, record }, context);
    if (request && !this.access.authorize(signer.principal, request).allowed) throw slsErrors.deniedByRam(request.action, request.resource);
  }
  /** The API operation for a method and path; unknown combinations have no `run`. */
  route(target: SlsTarget): Route {
    const managed = this.management.route(target);
    if (managed) return managed;
    const { method, segments, query } = target;
    const [first, logstore, third, shardId, ...rest] = segments;
    const none = { operation: 'Unknown' };
    if (rest.length > 0) return none;
    if (first === undefined) {
      if (method === 'GET') return { operation: target.project ? 'GetProject' : 'ListProject', run: (r) => this.getOrListProject(r) };
      if (method === 'POST') return { operation: 'CreateProject', run: (r) => this.createProject(r) };
      return none;
    }
    if (first !== 'logstores') return none;
    if (logstore === undefined) {
      if (method === 'GET') return { operation: 'ListLogStores', run: (r) => this.listLogStores(r) };
      if (method === 'POST') return { operation: 'CreateLogStore', run: (r) => this.createLogStore(r) };
      return none;
    }
    if (third === undefined) {
      if (method === 'POST') return { operation: 'PutLogs', run: (r) => this.putLogs(r, logstore, undefined) };
      if (method !== 'GET') return none;
      return { operation: 'GetLogStore', run: (r) => json(200, this.logstoreOf(r, logstore).describe()) };
    }
    if (third !== 'shards') return none;
    if (shardId === undefined) {
      if (method !== 'GET') return none;
      return {
        operation: 'ListShards',
        run: (r) =>
          json(
            200,
            this.logstoreOf(r, logstore).shards.map((s) => s.describe()),
          ),
      };
    }
    if (method === 'POST' && shardId === 'lb') return { operation: 'PutLogs', run: (r) => this.putLogs(r, logstore, undefined) };
    if (method === 'POST' && shardId === 'route') return { operation: 'PutLogs', run: (r) => this.putLogs(r, logstore, r.query.get('key') ?? '') };
    if (method !== 'GET') return none;
    switch (query.get('type')) {
      case 'cursor':
        return { operation: 'GetCursor', run: (r) => this.getCursor(r, this.shardOf(r, logstore, shardId)) };
      case 'cursor_time':
        return { operation: 'GetCursorTime', run: (r) => this.getCursorTime(r, this.shardOf(r, logstore, shardId)) };
      case 'log':
      case 'logs':
        return { operation: 'PullLogs', run: (r) => this.pullLogs(r, this.shardOf(r, logstore, shardId)) };
      default:
        return {
          operation: 'Unknown',
          run: () => {
            throw slsErrors.parameterInvalid(`type ${query.get('type') ?? ''} is invalid`);
          },
        };
    }
  }

  private requireProject(req: SlsRequest): string {
    if (req.project) return req.project;
    throw slsErrors.parameterInvalid(`Host "${req.headers.host ?? ''}" names no project; send Host: <project>.<endpoint>, e.g. Host: my-project.127.0.0.1`);
  }

  private logstoreOf(req: SlsRequest, name: string): Logstore {
    return this.state.project(this.requireProject(req)).logstore(name);
  }

  private shardOf(req: SlsRequest, logstore: string, rawId: string): Shard {
    const store = this.logstoreOf(req, logstore);
    if (!/^\d{1,9}$/.test(rawId)) throw slsErrors.parameterInvalid(`shard ${rawId} is invalid`);
    return store.shard(Number(rawId));
  }

  // --- operations -----------------------------------------------------------------------------

  private getOrListProject(req: SlsRequest): SlsAnswer {
    if (req.project) return json(200, this.state.project(req.project).describe(this.region));
    const projects = [...this.state.projects.values()].map((p) => p.describe(this.region));
    return json(200, { count: projects.length, total: projects.length, projects });
  }

  private createProject(req: SlsRequest): SlsAnswer {
    const body = parseJsonBody(req.body) as { projectName?: unknown; description?: unknown };
    if (typeof body.projectName !== 'string') throw slsErrors.parameterInvalid('projectName is missing');
    this.state.createProject(body.projectName, typeof body.description === 'string' ? body.description : '');
    return { status: 200 };
  }

  private listLogStores(req: SlsRequest): SlsAnswer {
    const project = this.state.project(this.requireProject(req));
    const filter = req.query.get('logstoreName') ?? '';
    const offset = Number(req.query.get('offset') || 0);
    const size = Number(req.query.get('size') || 500);
    if (!Number.isInteger(offset) || offset < 0 || !Number.isInteger(size) || size < 0) throw slsErrors.parameterInvalid('offset or size is invalid');
    const all = [...project.logstores.keys()].filter((n) => n.includes(filter)).sort();
    const page = all.slice(offset, offset + size);
    return json(200, { count: page.length, total: all.length, logstores: page });
  }

  private createLogStore(req: SlsRequest): SlsAnswer {
    const project = this.requireProject(req);
    const body = parseJsonBody(req.body) as { logstoreName?: unknown; shardCount?: unknown; ttl?: unknown };
    if (typeof body.logstoreName !== 'string') throw slsErrors.parameterInvalid('logstoreName is missing');
    this.state.createLogstore(project, body.logstoreName, Number(body.shardCount ?? 2), Number(body.ttl ?? 30));
    return { status: 200 };
  }

  /** GetCursor reference: from=begin|end|<unix seconds> (the first LogGroup received at or after it). */
  private getCursor(req: SlsRequest, shard: Shard): SlsAnswer {
    const from = req.query.get('from');
    let index: number;
    if (from === 'begin') index = 0;
    else if (from === 'end') index = shard.length;
    else if (from !== undefined && /^-?\d{1,15}$/.test(from)) index = shard.indexAtTime(Number(from) * 1000);
    else throw slsErrors.invalidFrom();
    return json(200, { cursor: shard.cursorAt(index) });
  }

  private getCursorTime(req: SlsRequest, shard: Shard): SlsAnswer {
    const cursor = req.query.get('cursor');
    if (!cursor) throw slsErrors.parameterInvalid('cursor is missing');
    const index = shard.indexOf(cursor);
    const group = shard.groups[index];
    // The end cursor has no LogGroup yet; answer the current time for it.
    const ms = group ? group.receivedAtMs : this.clock.nowMs();
    return json(200, { cursor_time: Math.floor(ms / 1000) });
  }

  /** PullLogs reference: cursor, count (1–1000 LogGroups), optional end_cursor; x-log-cursor is where to go on. */
  private async pullLogs(req: SlsRequest, shard: Shard): Promise<SlsAnswer> {
    const cursor = req.query.get('cursor');
    if (!cursor) throw slsErrors.parameterInvalid('cursor is missing');
    const countText = req.query.get('count');
    const count = countText !== undefined && /^\d{1,5}$/.test(countText) ? Number(countText) : Number.NaN;
    if (!(count >= 1 && count <= MAX_PULL_COUNT)) throw slsErrors.parameterInvalid(`count ${countText ?? ''} is invalid; it must be 1 to ${MAX_PULL_COUNT}`);
    const start = shard.indexOf(cursor);
    let stop = Math.min(shard.length, start + count);
    const endCursor = req.query.get('end_cursor');
    if (endCursor) stop = Math.max(start, Math.min(stop, shard.indexOf(endCursor)));

    const raw = logGroupList(shard.groups.slice(start, stop).map((g) => g.bytes));
    const compression = chooseCompression(req.headers['accept-encoding']);
    const headers: Record<string, string> = {
      'content-type': 'application/x-protobuf',
      'x-log-cursor': shard.cursorAt(stop),
      'x-log-count': String(stop - start),
      'x-log-bodyrawsize': String(raw.length),
    };
    if (compression !== 'none') headers['x-log-compresstype'] = compression;
    return { status: 200, headers, body: await compress(raw, compression) };
  }

  /** PutLogs reference: a LogGroup, raw or deflate/lz4 with x-log-bodyrawsize, load-balanced or routed by key. */
  private async putLogs(req: SlsRequest, logstoreName: string, routeKey: string | undefined): Promise<SlsAnswer> {
    const logstore = this.logstoreOf(req, logstoreName);
    if (routeKey !== undefined && routeKey === '') throw slsErrors.parameterInvalid('key is missing');
    const contentType = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    if (req.body.length > 0 && contentType === '') throw slsErrors.missingContentType();
    if (contentType !== '' && contentType !== 'application/x-protobuf') throw slsErrors.invalidContentType(contentType);
    const compressType = String(req.headers['x-log-compresstype'] ?? '')
      .trim()
      .toLowerCase();
    const rawSizeText = req.headers['x-log-bodyrawsize'];
    let rawSize: number | undefined;
    if (rawSizeText !== undefined) {
      if (typeof rawSizeText !== 'string' || !/^\d{1,10}$/.test(rawSizeText.trim())) throw slsErrors.invalidBodyRawSize();
      rawSize = Number(rawSizeText.trim());
    } else if (compressType !== '') {
      throw slsErrors.missingBodyRawSize();
    }
    if (rawSize !== undefined && rawSize > MAX_RAW_LOG_GROUP_BYTES) throw slsErrors.postBodyTooLarge(MAX_RAW_LOG_GROUP_BYTES);

    let raw: Buffer;
    if (compressType === '') raw = req.body;
    else if (compressType === 'lz4' || compressType === 'deflate') {
      try {
        raw = await decompress(req.body, compressType, rawSize!, MAX_RAW_LOG_GROUP_BYTES);
      } catch (err) {
        if (err instanceof DecompressError) throw slsErrors.postBodyUncompressError();
        throw err;
      }
    } else throw slsErrors.invalidCompressType(compressType);
    if (rawSize !== undefined && raw.length !== rawSize) throw slsErrors.invalidBodyRawSize();
    if (raw.length > MAX_RAW_LOG_GROUP_BYTES) throw slsErrors.postBodyTooLarge(MAX_RAW_LOG_GROUP_BYTES);

    let group: LogGroupMessage;
    try {
      group = decodeLogGroup(raw);
    } catch {
      throw slsErrors.postBodyInvalid();
    }
    if (group.Logs.length === 0) return { status: 200 };
    const shard = routeKey === undefined ? logstore.nextLoadBalancedShard() : logstore.shardForHash(routingHash(routeKey));
    shard.append({ bytes: Buffer.from(raw), receivedAtMs: this.clock.nowMs(), logCount: group.Logs.length });
    return { status: 200 };
  }
}
