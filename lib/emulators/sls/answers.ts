// What an operation answers before node:http sends it, shared by the data plane (service.ts) and the
// management routes (management.ts).
export interface SlsAnswer {
  status: number;
  headers?: Record<string, string>;
  body?: Buffer | string;
}

export function json(status: number, value: unknown): SlsAnswer {
  return { status, headers: { 'content-type': 'application/json' }, body: JSON.stringify(value) };
}

/** An API operation: its name (counted in stats, decided on by faults) and how to run it. */
export interface Route<Request> {
  readonly operation: string;
  readonly run?: (req: Request) => SlsAnswer | Promise<SlsAnswer>;
}
