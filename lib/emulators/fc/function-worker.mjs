// One instance of a deployed function, as FC runs it: the code from its zip (index.js, CommonJS),
// its own environment (worker_threads `env`), and invocations posted one message each. Event
// handlers get `(event: Buffer, context)`; HTTP handlers FC 2.0's `(req, resp, context)`.
import { createRequire } from 'node:module';
import { Readable } from 'node:stream';
import { parentPort, workerData } from 'node:worker_threads';

const require = createRequire(import.meta.url);
const loaded = require(workerData.entry);
const handler = loaded[workerData.exportName];

parentPort.on('message', (message) => {
  void invoke(message).then(
    (answer) => parentPort.postMessage({ id: message.id, ok: true, ...answer }),
    (err) =>
      parentPort.postMessage({
        id: message.id,
        ok: false,
        errorMessage: String(err?.message ?? err),
        errorType: String(err?.name ?? 'Error'),
      }),
  );
});

async function invoke(message) {
  if (typeof handler !== 'function') {
    throw new TypeError(`${workerData.entry} exports no function "${workerData.exportName}" (the function's Handler)`);
  }
  if (message.kind === 'event') {
    const result = await handler(Buffer.from(message.event), message.context);
    // FC returns the result serialised as JSON.
    return { result: result === undefined ? 'null' : typeof result === 'string' ? JSON.stringify(result) : JSON.stringify(result) };
  }
  const r = message.request;
  const req = Object.assign(Readable.from(r.body.length > 0 ? [Buffer.from(r.body)] : []), {
    method: r.method,
    path: r.path,
    url: r.url,
    headers: r.headers,
    queries: r.queries,
    clientIP: r.clientIP,
  });
  return new Promise((resolve, reject) => {
    let statusCode = 200;
    const headers = {};
    let settled = false;
    const resp = {
      setStatusCode: (code) => {
        statusCode = code;
      },
      setHeader: (name, value) => {
        headers[String(name).toLowerCase()] = String(value);
      },
      send: (body) => {
        if (settled) return;
        settled = true;
        const bytes = body === undefined ? new Uint8Array() : typeof body === 'string' ? new TextEncoder().encode(body) : new Uint8Array(body);
        resolve({ response: { statusCode, headers, body: bytes } });
      },
    };
    Promise.resolve(handler(req, resp, message.context)).then(
      () => {
        if (!settled) resp.send('');
      },
      (err) => {
        if (!settled) {
          settled = true;
          reject(err);
        }
      },
    );
  });
}
