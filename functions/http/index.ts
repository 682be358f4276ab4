// HTTP trigger: the restore API. FC 3.0 calls `handler(event, context)`; FC 2.0 HTTP functions
// call `fc2Handler(req, resp, context)`. Both only convert and delegate to lib/api.
import { type Fc2Request, type Fc2Response, handleFc2Request, handleFc3Event, type Fc3HttpResult } from '../../lib/api/fc-http';
import { functionRuntime } from '../../lib/function-runtime';
import type { FcContext } from '../../lib/wiring';

const runtime = functionRuntime();

export async function handler(event: unknown, context: FcContext): Promise<Fc3HttpResult> {
  const started = Date.now();
  const { api } = await runtime.services(context);
  return handleFc3Event(api, event, context?.requestId, runtime.deadline(context, started));
}

export async function fc2Handler(req: Fc2Request, resp: Fc2Response, context: FcContext): Promise<void> {
  const started = Date.now();
  const { api } = await runtime.services(context);
  await handleFc2Request(api, req, resp, context?.requestId, runtime.deadline(context, started));
}
