// HTTP trigger: the restore API. FC 2.0 (what template.yml deploys) calls
// `fc2Handler(req, resp, context)`; FC 3.0 calls `handler(event, context)`. Both only convert and
// delegate to lib/api. If the services cannot be built (state store unreachable at cold start,
// no credentials), callers get 503 + Retry-After rather than a platform 502.
import type { ApiHandler } from '../../lib/api/app';
import { type Fc2Request, type Fc2Response, handleFc2Request, handleFc3Event, type Fc3HttpResult } from '../../lib/api/fc-http';
import { unavailable } from '../../lib/api/problem';
import { functionInstance } from '../../lib/function-instance';
import { functionLogger } from '../../lib/log';
import { errorValue } from '../../lib/restore/errors';
import { buildServices, type FcContext } from '../../lib/wiring';

const instance = functionInstance((config, credentials) => buildServices(config, credentials, { log: functionLogger('http', config.logLevel) }));

async function api(context: FcContext): Promise<ApiHandler> {
  try {
    return (await instance.services(context)).api;
  } catch (err) {
    functionLogger('http').error('the API could not start', { requestId: context?.requestId, error: errorValue(err) });
    return async () => unavailable(context?.requestId ?? 'unknown');
  }
}

export async function handler(event: unknown, context: FcContext): Promise<Fc3HttpResult> {
  const started = Date.now();
  return handleFc3Event(await api(context), event, context?.requestId, instance.deadline(context, started));
}

export async function fc2Handler(req: Fc2Request, resp: Fc2Response, context: FcContext): Promise<void> {
  const started = Date.now();
  await handleFc2Request(await api(context), req, resp, context?.requestId, instance.deadline(context, started));
}
