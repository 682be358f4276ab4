// Reads template.yml (ROS + Aliyun::Serverless-2018-04-03) into the few facts the local runtime
// needs: each function's handler, timeout, environment and triggers. ROS intrinsic tags
// (!Ref, !Sub, …) are kept as values like { Ref: 'AllowList' }; the local stack supplies its own.
import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';

export interface TriggerSpec {
  readonly name: string;
  readonly type: 'HTTP' | 'Log' | 'OSS' | 'Timer' | 'EventBridge';
  readonly properties: Record<string, unknown>;
}

export interface FunctionSpec {
  readonly service: string;
  readonly name: string;
  /** "index.handler" → export `handler` of functions/<name>/index.ts */
  readonly exportName: string;
  readonly runtime: string;
  readonly timeoutSeconds: number;
  readonly environment: Record<string, unknown>;
  readonly triggers: TriggerSpec[];
}

const INTRINSICS = ['Ref', 'Sub', 'GetAtt', 'Join', 'Select', 'If', 'Equals', 'Not', 'FindInMap', 'Base64', 'GetAZs'];

export async function readTemplate(path: string): Promise<FunctionSpec[]> {
  const text = await readFile(path, 'utf8');
  const doc = parse(text, {
    customTags: INTRINSICS.map((name) => ({
      tag: `!${name}`,
      resolve: (value: unknown) => ({ [name]: value }),
    })) as never,
  }) as { Resources?: Record<string, Record<string, unknown>> };
  return functionsOf(doc);
}

export function functionsOf(doc: { Resources?: Record<string, Record<string, unknown>> }): FunctionSpec[] {
  const functions: FunctionSpec[] = [];
  for (const [serviceName, service] of Object.entries(doc.Resources ?? {})) {
    if (service.Type !== 'Aliyun::Serverless::Service') continue;
    for (const [name, resource] of Object.entries(service)) {
      const fn = resource as {
        Type?: string;
        Properties?: Record<string, unknown>;
        Events?: Record<string, { Type: string; Properties?: Record<string, unknown> }>;
      };
      if (fn?.Type !== 'Aliyun::Serverless::Function') continue;
      const props = fn.Properties ?? {};
      const handler = String(props.Handler ?? 'index.handler');
      const dot = handler.lastIndexOf('.');
      functions.push({
        service: serviceName,
        name,
        exportName: handler.slice(dot + 1),
        runtime: String(props.Runtime ?? ''),
        timeoutSeconds: Number(props.Timeout ?? 3),
        environment: (props.EnvironmentVariables as Record<string, unknown>) ?? {},
        triggers: Object.entries(fn.Events ?? {}).map(([triggerName, t]) => ({
          name: triggerName,
          type: t.Type as TriggerSpec['type'],
          properties: t.Properties ?? {},
        })),
      });
    }
  }
  return functions;
}
