// Invokes a deployed function through the Function Compute API with the real clients: on FC 3.0
// the stack's function <stack>-<function> (@alicloud/fc20230330), else on FC 2.0 the given service
// or the one found from the stack's name (target.ts findService, @alicloud/fc2).
import { clientsFor, unless } from './clients';
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
  const { fc, fc3 } = clientsFor(target);
  if (!request.service) {
    const name = `${request.stack}-${request.functionName}`;
    if (await unless(['FunctionNotFound'], () => fc3.getFunction(name))) return fc3.invoke(name, request.event, { async: request.async });
  }
  const service = request.service ?? (await findService(fc, request.stack, request.functionName));
  const response = await fc.invokeFunction(service, request.functionName, request.event, request.async ? { 'x-fc-invocation-type': 'Async' } : {});
  const body = typeof response.data === 'string' ? response.data : JSON.stringify(response.data);
  const errorType = response.headers['x-fc-error-type'];
  return errorType ? { body, errorType } : { body };
}
