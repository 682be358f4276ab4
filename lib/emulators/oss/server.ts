// node:http adapter: IncomingMessage → OssRequest → OssService → ServerResponse. Also serves the
// emulator's own control plane under `/-/` (no auth) on requests addressed to the bare host.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { FaultPlan } from '../shared/faults';
import { BodyTooLargeError, readBody } from '../shared/http';
import type { OssRequest, OssResponse } from './context';
import { ossErrors, renderErrorXml } from './errors';
import { QueryParams, hostName, resolveAddressing } from './request';
import { newRequestId, type OssService } from './service';

const MAX_BODY_BYTES = 64 * 1024 * 1024;

export function createOssServer(service: OssService): Server {
  const server = createServer((req, res) => {
    handle(service, req, res).catch((err: unknown) => {
      // Never crash the emulator on a bad request; answer 500 if we still can.
      process.stderr.write(`${JSON.stringify({ level: 'error', msg: 'oss emulator request failed', error: String(err) })}\n`);
      if (!res.headersSent) {
        const requestId = newRequestId();
        const body = renderErrorXml(ossErrors.internalError(), requestId, hostName(req.headers.host));
        res.writeHead(500, { 'Content-Type': 'application/xml', 'x-oss-request-id': requestId, Server: 'AliyunOSS' });
        res.end(body);
      } else {
        res.destroy();
      }
    });
  });
  return server;
}

async function handle(service: OssService, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const rawUrl = req.url ?? '/';
  const queryAt = rawUrl.indexOf('?');
  const rawPath = queryAt === -1 ? rawUrl : rawUrl.slice(0, queryAt);
  const rawQuery = queryAt === -1 ? '' : rawUrl.slice(queryAt + 1);

  if (rawPath.startsWith('/-/') && isBareHost(req.headers.host)) {
    await controlPlane(service, req, res, rawPath);
    return;
  }

  const requestId = newRequestId();
  const receivedAtMs = service.config.clock.nowMs();
  let body: Buffer;
  try {
    body = await readBody(req, MAX_BODY_BYTES);
  } catch (err) {
    if (!(err instanceof BodyTooLargeError)) throw err;
    const xml = renderErrorXml(ossErrors.entityTooLarge(), requestId, hostName(req.headers.host));
    res.writeHead(400, { 'Content-Type': 'application/xml', 'x-oss-request-id': requestId, Server: 'AliyunOSS', Connection: 'close' });
    res.end(xml);
    return;
  }

  const request: OssRequest = {
    requestId,
    receivedAtMs,
    method: (req.method ?? 'GET').toUpperCase(),
    rawUrl,
    rawPath,
    query: QueryParams.parse(rawQuery),
    headers: req.headers,
    clientIp: clientIp(req),
    body,
  };
  const answer = await service.handle(request);
  if (answer.latencyMs > 0) await sleep(answer.latencyMs);
  if (answer.kind === 'reset') {
    req.socket.destroy();
    return;
  }
  send(res, request.method, answer.response);
}

function send(res: ServerResponse, method: string, response: OssResponse): void {
  const headers = { ...response.headers };
  if (headers['Content-Length'] === undefined) headers['Content-Length'] = String(response.body?.length ?? 0);
  res.writeHead(response.status, headers);
  if (method === 'HEAD' || !response.body) res.end();
  else res.end(response.body);
}

function clientIp(req: IncomingMessage): string {
  const address = req.socket.remoteAddress ?? '';
  return address.startsWith('::ffff:') ? address.slice('::ffff:'.length) : address;
}

/** The control plane answers only when no bucket is named in Host (a key may well start with "-/"). */
function isBareHost(hostHeader: string | undefined): boolean {
  try {
    return resolveAddressing(hostHeader, '/').bucket === undefined;
  } catch {
    return false;
  }
}

async function controlPlane(service: OssService, req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
  const method = (req.method ?? 'GET').toUpperCase();
  const json = (status: number, value?: unknown) => {
    const body = value === undefined ? '' : `${JSON.stringify(value)}\n`;
    res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(body)) });
    res.end(body);
  };
  let body: Buffer;
  try {
    body = await readBody(req, 1024 * 1024);
  } catch {
    json(413, { error: 'control-plane body too large' });
    return;
  }
  const route = `${method} ${path.replace(/\/+$/, '')}`;
  switch (route) {
    case 'GET /-/stats':
      return json(200, service.stats());
    case 'POST /-/stats/reset':
      service.resetStats();
      return json(204);
    case 'POST /-/faults': {
      let plan: FaultPlan;
      try {
        plan = JSON.parse(body.toString('utf8')) as FaultPlan;
        if (plan === null || typeof plan !== 'object' || !Array.isArray(plan.rules)) throw new TypeError('a FaultPlan is {"seed"?: n, "rules": [...]}');
        service.faults.configure(plan);
      } catch (err) {
        return json(400, { error: (err as Error).message });
      }
      return json(204);
    }
    case 'DELETE /-/faults':
      service.faults.clear();
      return json(204);
    case 'POST /-/tick':
      service.tick();
      return json(204);
    default:
      return json(404, { error: `no control-plane route ${route}` });
  }
}
