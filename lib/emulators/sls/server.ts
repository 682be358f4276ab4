// node:http adapter for the SLS emulator: IncomingMessage → SlsTarget → SlsService → ServerResponse,
// and the control plane under /-/, signed with the account owner's key (../shared/control.ts).
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { controlRefusal } from '../shared/control';
import type { FaultPlan } from '../shared/faults';
import { HeldConnections, readBody } from '../shared/http';
import { SlsError, slsErrors } from './errors';
import { parseTarget } from './request';
import { json, MAX_REQUEST_BODY_BYTES, type SlsAnswer, type SlsService } from './service';

function send(res: ServerResponse, answer: SlsAnswer, requestId: string | undefined, closeAfter = false): void {
  const body = answer.body === undefined ? Buffer.alloc(0) : Buffer.isBuffer(answer.body) ? answer.body : Buffer.from(answer.body);
  const headers: Record<string, string> = { date: new Date().toUTCString(), ...answer.headers, 'content-length': String(body.length) };
  if (requestId) headers['x-log-requestid'] = requestId;
  if (closeAfter) headers.connection = 'close';
  res.writeHead(answer.status, headers);
  res.end(body);
}

async function control(service: SlsService, req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
  try {
    let body: Buffer;
    try {
      body = await readBody(req, 1024 * 1024);
    } catch {
      throw slsErrors.parameterInvalid('control-plane bodies are at most 1 MiB');
    }
    const refusal = controlRefusal(service.access, req.headers.authorization, req.method ?? 'GET', path, body, service.nowMs());
    if (refusal !== undefined) return send(res, json(401, { errorCode: 'Unauthorized', errorMessage: refusal }), undefined);
    if (req.method === 'GET' && path === '/-/stats') return send(res, json(200, service.stats()), undefined);
    if (req.method === 'GET' && path === '/-/faults') return send(res, json(200, service.faults.describe()), undefined);
    if (path === '/-/faults' && req.method === 'POST') {
      let plan: FaultPlan;
      try {
        plan = JSON.parse(body.toString('utf8')) as FaultPlan;
        service.faults.configure(plan);
      } catch (err) {
        throw slsErrors.parameterInvalid((err as Error).message);
      }
      return send(res, { status: 204 }, undefined);
    }
    if (path === '/-/faults' && req.method === 'DELETE') {
      service.faults.clear();
      return send(res, { status: 204 }, undefined);
    }
    send(res, json(404, { errorCode: 'NotFound', errorMessage: `no control endpoint ${req.method} ${path}` }), undefined);
  } catch (err) {
    const error = err instanceof SlsError ? err : slsErrors.parameterInvalid((err as Error).message);
    send(res, json(error.status, error.toJSON()), undefined);
  }
}

async function handle(service: SlsService, held: HeldConnections, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const target = req.url ?? '/';
  if (target.startsWith('/-/')) return control(service, req, res, target.split('?')[0]!);
  const requestId = randomBytes(12).toString('hex').toUpperCase();
  const method = (req.method ?? 'GET').toUpperCase();
  let parsed: ReturnType<typeof parseTarget>;
  try {
    parsed = parseTarget(requestId, method, target, req.headers);
  } catch (err) {
    const error = err instanceof SlsError ? err : slsErrors.parameterInvalid(String(err));
    service.operations.add('Unknown');
    service.errors.add(error.code);
    return send(res, json(error.status, error.toJSON()), requestId);
  }
  const served = await service.serve(parsed, () => readBody(req, MAX_REQUEST_BODY_BYTES));
  if (served.kind === 'reset') return void req.socket.destroy();
  if (served.kind === 'drop') return held.hold(req.socket);
  send(res, served.answer, requestId, served.closeAfter);
}

export function createSlsServer(service: SlsService): Server {
  const held = new HeldConnections();
  return createServer((req, res) => {
    handle(service, held, req, res).catch((err) => {
      process.emitWarning(`SLS emulator: unhandled ${(err as Error)?.stack ?? String(err)}`);
      if (!res.headersSent) {
        res.statusCode = 500;
        res.end();
      } else {
        res.destroy();
      }
    });
  });
}
