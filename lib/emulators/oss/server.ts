// node:http adapter: IncomingMessage → OssRequest → OssService → ServerResponse. Also serves the
// emulator's own control plane under `/-/` on requests addressed to the bare host, signed with the
// account owner's key (../shared/control.ts).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { controlRefusal } from '../shared/control';
import type { FaultPlan } from '../shared/faults';
import { BodyTooLargeError, HeldConnections, readBody } from '../shared/http';
import type { OssRequest, OssResponse } from './context';
import { type OssError, ossErrors, renderErrorXml } from './errors';
import { QueryParams, hostName, resolveAddressing } from './request';
import { newRequestId, type OssService } from './service';

/**
 * The emulator's bound on one request body (OSS takes up to 5 GB per PutObject or part; an
 * in-memory emulator does not). Larger bodies answer 400 EntityTooLarge before being read.
 */
export const MAX_BODY_BYTES = 64 * 1024 * 1024;

export function createOssServer(service: OssService): Server {
  const held = new HeldConnections();
  // ali-oss sends a stream given a Content-Length header with both Content-Length and
  // Transfer-Encoding: chunked (observed with 6.23). Node's strict parser refuses that with a bare 400 before any
  // handler runs; OSS accepts it. The lenient parser lets it through, chunked framing wins (RFC
  // 9112 §6.3), and handle() checks the body against the declared length.
  const server = createServer({ insecureHTTPParser: true }, (req, res) => {
    handle(service, req, res, held).catch((err: unknown) => {
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
  // A request Node cannot parse at all still gets OSS's XML and a request id, not a bare 400.
  server.on('clientError', (_err, socket) => {
    if (socket.writable) {
      const requestId = newRequestId();
      const xml = renderErrorXml(ossErrors.invalidRequest('The HTTP request could not be parsed.'), requestId, '');
      socket.end(
        `HTTP/1.1 400 Bad Request\r\nContent-Type: application/xml\r\nContent-Length: ${Buffer.byteLength(xml)}\r\nx-oss-request-id: ${requestId}\r\nServer: AliyunOSS\r\nConnection: close\r\n\r\n${xml}`,
      );
    } else {
      socket.destroy();
    }
  });
  return server;
}

async function handle(service: OssService, req: IncomingMessage, res: ServerResponse, held: HeldConnections): Promise<void> {
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
    sendEarlyError(res, ossErrors.entityTooLarge(MAX_BODY_BYTES), requestId, req.headers.host);
    return;
  }
  const declared = req.headers['content-length'];
  if (req.headers['transfer-encoding'] !== undefined && declared !== undefined && Number(declared) !== body.length) {
    sendEarlyError(res, ossErrors.incompleteBody(Number(declared), body.length), requestId, req.headers.host);
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
  if (answer.kind === 'drop') {
    held.hold(req.socket);
    return;
  }
  send(res, request.method, answer.response);
}

/** An error found before the service ran (body too large, length mismatch); the connection closes. */
function sendEarlyError(res: ServerResponse, error: OssError, requestId: string, host: string | undefined): void {
  const xml = renderErrorXml(error, requestId, hostName(host));
  res.writeHead(error.status, { 'Content-Type': 'application/xml', 'x-oss-request-id': requestId, Server: 'AliyunOSS', Connection: 'close' });
  res.end(xml);
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
  const refusal = controlRefusal(service.config.access, req.headers.authorization, method, path, body, service.config.clock.nowMs());
  if (refusal !== undefined) return json(401, { error: refusal });
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
        service.faults.configure(plan);
      } catch (err) {
        return json(400, { error: (err as Error).message });
      }
      return json(204);
    }
    case 'GET /-/faults':
      return json(200, service.faults.describe());
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
