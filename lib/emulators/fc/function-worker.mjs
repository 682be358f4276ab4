// One instance of a deployed function, as FC runs it: a process of its own whose environment is only
// what FC gives a function, the code from its zip (`node function-worker.mjs <entry> <export>`,
// CommonJS), and invocations arriving one IPC message each. Event handlers get `(event: Buffer,
// context)`; HTTP handlers FC 2.0's `(req, resp, context)`.
//
// console.* lines carry the time, the request id and a level, as FC's Node.js runtime prints them
// ("2023-04-01T10:04:19.024Z <requestId> [silly] hello,world" for console.log; context.logger.info
// "[info]"; process.stdout.write as is: FC 2.0 Node.js "Logs"). Levels other than silly and info
// for the other console methods are unconfirmed. With several invocations in one instance console
// lines carry the latest one's id, which is why FC recommends context.logger then: its lines carry
// their own. (No AsyncLocalStorage: its promise hooks slow every await of the function's code.)
import { createRequire } from 'node:module';
import { Readable } from 'node:stream';
import { format } from 'node:util';

const [entry, exportName] = process.argv.slice(2);
let currentRequestId;

function printer(stream, level, requestId = () => currentRequestId) {
  return (...args) => {
    const id = requestId();
    const text = format(...args);
    stream.write(id === undefined ? `${text}\n` : `${new Date().toISOString()} ${id} [${level}] ${text}\n`);
  };
}
console.log = printer(process.stdout, 'silly');
console.info = printer(process.stdout, 'info');
console.debug = printer(process.stdout, 'verbose');
console.warn = printer(process.stderr, 'warn');
console.error = printer(process.stderr, 'error');

function loggerFor(requestId) {
  return {
    debug: printer(process.stdout, 'debug', () => requestId),
    info: printer(process.stdout, 'info', () => requestId),
    warn: printer(process.stderr, 'warn', () => requestId),
    error: printer(process.stderr, 'error', () => requestId),
  };
}

let handler;
try {
  const require = createRequire(import.meta.url);
  handler = require(entry)[exportName];
} catch (err) {
  // The code failed to load: FC answers every invocation of this instance with the error.
  process.send({ kind: 'failed', errorMessage: String(err?.message ?? err), errorType: String(err?.name ?? 'Error') });
  process.exit(1);
}

process.on('message', (message) => {
  const requestId = message.context.requestId;
  currentRequestId = requestId;
  void invoke(message)
    .finally(() => {
      if (currentRequestId === requestId) currentRequestId = undefined;
    })
    .then(
      (answer) => process.send({ id: message.id, ok: true, ...answer }),
      (err) => process.send({ id: message.id, ok: false, errorMessage: String(err?.message ?? err), errorType: String(err?.name ?? 'Error') }),
    );
});
process.send({ kind: 'ready' });

async function invoke(message) {
  if (typeof handler !== 'function') {
    throw new TypeError(`${entry} exports no function "${exportName}" (the function's Handler)`);
  }
  const context = { ...message.context, logger: loggerFor(message.context.requestId) };
  if (message.kind === 'event') {
    const result = await handler(Buffer.from(message.event), context);
    // FC returns the result serialised as JSON.
    return { result: result === undefined ? 'null' : JSON.stringify(result) };
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
      deleteHeader: (name) => {
        delete headers[String(name).toLowerCase()];
      },
      send: (body) => {
        if (settled) return;
        settled = true;
        const bytes = body === undefined ? new Uint8Array() : typeof body === 'string' ? new TextEncoder().encode(body) : new Uint8Array(body);
        resolve({ response: { statusCode, headers, body: bytes } });
      },
    };
    Promise.resolve(handler(req, resp, context)).then(
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
