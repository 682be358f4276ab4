// Errors meant for API clients: a status, a stable code and a message. Only these carry their
// message to the client; anything else becomes a bare 500 with the request id.

export class ApiProblem extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'ApiProblem';
  }
}

export function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    // nosniff: a browser never reads an answer (which may echo a key) as anything but JSON.
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff', ...headers },
  });
}

export function problemResponse(problem: ApiProblem, requestId: string): Response {
  return json(problem.status, { error: { code: problem.code, message: problem.message, requestId } }, problem.headers);
}

/** A dependency is down for now: come back, do not give up. */
export function unavailable(requestId: string): Response {
  return problemResponse(
    new ApiProblem(503, 'ServiceUnavailable', 'A dependency is unavailable for now; try again shortly.', { 'retry-after': '5' }),
    requestId,
  );
}

export function internalErrorResponse(requestId: string): Response {
  return json(500, { error: { code: 'InternalError', message: 'Something went wrong on our side; the request id identifies it in the logs.', requestId } });
}
