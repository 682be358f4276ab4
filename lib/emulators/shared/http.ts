import type { IncomingMessage, Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** Listens on 127.0.0.1 (port 0 picks a free one) and returns the http:// endpoint. */
export async function listen(server: Server, port = 0, host = '127.0.0.1'): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  return `http://${host}:${address.port}`;
}

/** Closes the server and every open keep-alive connection, so tests end promptly. */
export async function close(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

export class BodyTooLargeError extends Error {
  constructor(readonly limitBytes: number) {
    super(`request body exceeds ${limitBytes} bytes`);
  }
}

/**
 * Reads a request body into one Buffer, refusing bodies over `limitBytes`: by the declared
 * Content-Length before reading anything, and while streaming for chunked bodies.
 */
export async function readBody(req: IncomingMessage, limitBytes = 64 * 1024 * 1024): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limitBytes) {
    // Not read at all: the caller answers with Connection: close.
    throw new BodyTooLargeError(limitBytes);
  }
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of req) {
    const buf = chunk as Buffer;
    total += buf.length;
    if (total > limitBytes) throw new BodyTooLargeError(limitBytes);
    chunks.push(buf);
  }
  return Buffer.concat(chunks);
}

/**
 * Connections whose answer was deliberately lost after the request was applied (an "ack-drop"
 * fault): held open, unanswered, until the client gives up or the emulator closes. At most
 * `limit` are held; past that the oldest is destroyed, so a long fault run cannot pile up sockets.
 */
export class HeldConnections {
  private readonly held = new Set<Socket>();

  constructor(private readonly limit = 256) {}

  hold(socket: Socket): void {
    if (this.held.size >= this.limit) {
      const oldest = this.held.values().next().value;
      if (oldest) {
        this.held.delete(oldest);
        oldest.destroy();
      }
    }
    this.held.add(socket);
    socket.once('close', () => this.held.delete(socket));
  }

  get size(): number {
    return this.held.size;
  }

  releaseAll(): void {
    for (const socket of this.held) socket.destroy();
    this.held.clear();
  }
}
