// Invokes a deployed function through the FC API with the real client: the service is given, or
// found from the stack's name (target.ts findService).
import { clientsFor } from './clients';
import { findService, resolveTarget, type TargetFlags } from './target';

export interface InvokeRequest extends TargetFlags {
  readonly functionName: string;
  readonly event: string;
  readonly service?: string;
  readonly stack: string;
  readonly async: boolean;
}

export async function invokeFunction(request: InvokeRequest, env: NodeJS.ProcessEnv): Promise<{ body: string; errorType?: string }> {
  const { target } = await resolveTarget(request, env);
  const { fc } = clientsFor(target);
  const service = request.service ?? (await findService(fc, request.stack, request.functionName));
  const response = await fc.invokeFunction(service, request.functionName, request.event, request.async ? { 'x-fc-invocation-type': 'Async' } : {});
  const body = typeof response.data === 'string' ? response.data : JSON.stringify(response.data);
  const errorType = response.headers['x-fc-error-type'];
  return errorType ? { body, errorType } : { body };
}
