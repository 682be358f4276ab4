// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Fn::Sub placeholders are ${…} in plain strings.
// template.yml as a ROS template of native FC 3.0 resources (ROS "ALIYUN::FC3::Function",
// "::Trigger", "::CustomDomain", "::AsyncInvokeConfig", "::ConcurrencyConfig"), what thaw deploy makes
// on FC 3.0 (fc3-plan.ts) written for ROS: each function named <stack>-<function> (the names
// template.yml's invocation roles grant), with its FC 2.0 service's Role, LogConfig and VpcConfig and
// the overrides of its `Metadata: {FC3: …}`; its triggers with qualifier LATEST; the custom domain
// routing to the function; the asynchronous-invocation and concurrency configurations. Every
// intrinsic is kept as written, as in ros.ts.
import { SERVICE_LINKED_ROLES } from './service-linked-roles';
import { TemplateError } from './errors';
import { STACK_TAG } from './fc3-plan';
import {
  codeLocation,
  compact,
  getAtt,
  logicalId,
  packagedDocument,
  type Props,
  put,
  rename,
  roleResources,
  sub,
  type TemplateFunction,
  templateFunctions,
  triggerProperties,
} from './ros';
import type { TemplateDocument } from './template';

/** A function's uploaded zip: where it is, and its CRC-64 (FC checks Code.Checksum against what it reads). */
export interface CodeArtifact {
  readonly uri: string;
  readonly checksum?: string;
}

/** What the FC 3.0 template needs of the account that ROS does not make. */
export interface Fc3Note {
  readonly event: string;
  readonly needs: string;
}

const FC3_KEYS = ['Handler', 'MemorySize', 'InstanceConcurrency', 'ReservedConcurrency', 'AsyncInvokeConfig'];
const ASYNC_KEYS = ['OnFailure', 'MaxAsyncRetryAttempts', 'MaxAsyncEventAgeInSeconds'];

/**
 * The FC 3.0 stack of native resources. ALIYUN::FC3::Trigger documents no list of trigger types (its
 * TriggerType is a free String: ROS "ALIYUN::FC3::Trigger"; ros-cdk-fc3 validates a string only), and
 * FC 3.0 CreateTrigger takes eventbridge, so the EventBridge event is kept; `notes` names what it
 * needs of the account: EventBridge activated and its service-linked role, which thaw deploy makes
 * and ROS does not.
 */
export function rosTemplateFc3(doc: TemplateDocument, code: Readonly<Record<string, CodeArtifact>>, notes: Fc3Note[] = []): TemplateDocument {
  const resources = roleResources(doc);
  const functions = templateFunctions(doc);
  const functionId = (name: string, where: string): string => {
    if (!functions.some((f) => f.name === name)) throw new TemplateError(`${where} names ${name}, which is not a function of the template`);
    return logicalId(name, 'function');
  };
  for (const f of functions) {
    const fc3 = fc3Settings(f);
    const fnId = logicalId(f.name, 'function');
    const condition = f.condition === undefined ? {} : { Condition: f.condition };
    const artifact = code[f.name];
    put(resources, fnId, {
      Type: 'ALIYUN::FC3::Function',
      ...condition,
      Properties: compact({
        FunctionName: sub(`\${ALIYUN::StackName}-${f.name}`),
        Description: f.properties.Description,
        Runtime: f.properties.Runtime,
        Handler: fc3.Handler ?? f.properties.Handler,
        MemorySize: fc3.MemorySize ?? f.properties.MemorySize,
        InstanceConcurrency: fc3.InstanceConcurrency,
        Timeout: f.properties.Timeout,
        EnvironmentVariables: f.properties.EnvironmentVariables,
        Role: f.service.Role,
        LogConfig: f.service.LogConfig,
        VpcConfig: f.service.VpcConfig,
        InternetAccess: f.service.InternetAccess,
        Code: compact({ ...codeLocation(f.name, artifact?.uri), Checksum: artifact?.checksum }),
        // As thaw deploy tags them (fc3-plan.ts STACK_TAG): the stack's functions are found by it.
        Tags: [{ Key: STACK_TAG, Value: { Ref: 'ALIYUN::StackName' } }],
      }),
    });
    for (const [triggerName, event] of Object.entries(f.events)) {
      const where = `${f.name}.Events.${triggerName}`;
      if (event.Type === 'EventBridge') {
        const { roleName, serviceName } = SERVICE_LINKED_ROLES['eventbridge-fc'];
        notes.push({
          event: where,
          needs: `EventBridge activated and its service-linked role ${roleName}, which ROS does not make (thaw deploy does; by hand: aliyun ram CreateServiceLinkedRole --ServiceName ${serviceName}; thaw doctor checks it)`,
        });
      }
      put(resources, logicalId(f.name, triggerName, 'trigger'), {
        Type: 'ALIYUN::FC3::Trigger',
        ...condition,
        Properties: {
          FunctionName: getAtt(fnId, 'FunctionName'),
          TriggerName: triggerName,
          ...triggerProperties(where, String(event.Type), event.Properties ?? {}),
          Qualifier: 'LATEST',
        },
      });
    }
    const async = fc3.AsyncInvokeConfig as Props | undefined;
    if (async) {
      const onFailure = async.OnFailure === undefined ? undefined : String(async.OnFailure);
      const targetId = onFailure === undefined ? undefined : functionId(onFailure, `${f.name}.Metadata.FC3.AsyncInvokeConfig.OnFailure`);
      put(resources, logicalId(f.name, 'async-invoke-config'), {
        Type: 'ALIYUN::FC3::AsyncInvokeConfig',
        ...condition,
        // The dead letter exists before the configuration that names it.
        ...(targetId ? { DependsOn: [targetId] } : {}),
        Properties: compact({
          FunctionName: getAtt(fnId, 'FunctionName'),
          MaxAsyncRetryAttempts: async.MaxAsyncRetryAttempts,
          MaxAsyncEventAgeInSeconds: async.MaxAsyncEventAgeInSeconds,
          // FC 3.0's function ARN, acs:fc:<region>:<uid>:functions/<name> (fc3-plan.ts fc3FunctionArn).
          DestinationConfig:
            onFailure === undefined
              ? undefined
              : { OnFailure: { Destination: sub(`acs:fc:\${ALIYUN::Region}:\${ALIYUN::AccountId}:functions/\${ALIYUN::StackName}-${onFailure}`) } },
        }),
      });
    }
    if (fc3.ReservedConcurrency !== undefined) {
      put(resources, logicalId(f.name, 'concurrency-config'), {
        Type: 'ALIYUN::FC3::ConcurrencyConfig',
        ...condition,
        Properties: { FunctionName: getAtt(fnId, 'FunctionName'), ReservedConcurrency: fc3.ReservedConcurrency },
      });
    }
  }
  for (const [id, domain] of Object.entries(doc.Resources ?? {})) {
    if (domain.Type !== 'Aliyun::Serverless::CustomDomain') continue;
    const p = (domain.Properties ?? {}) as Props;
    const routes = ((p.RouteConfig as Props | undefined)?.Routes ?? {}) as Record<string, Props>;
    put(resources, logicalId(id, 'domain'), {
      Type: 'ALIYUN::FC3::CustomDomain',
      ...(domain.Condition ? { Condition: domain.Condition } : {}),
      Properties: compact({
        DomainName: p.DomainName,
        Protocol: p.Protocol,
        CertConfig: rename(p.CertConfig, { CertificateName: 'CertName' }),
        // Required by ALIYUN::FC3::CustomDomain; the function checks its callers' tokens itself, as thaw deploy's domain.
        AuthConfig: { AuthType: 'anonymous' },
        RouteConfig: {
          Routes: Object.entries(routes).map(([path, r]) => ({
            Path: path,
            FunctionName: getAtt(functionId(String(r.FunctionName), `${id}.RouteConfig.Routes.${path}.FunctionName`), 'FunctionName'),
            Qualifier: 'LATEST',
          })),
        },
      }),
    });
  }
  return packagedDocument(doc, 'Function Compute 3.0 (ALIYUN::FC3::*)', resources);
}

/** The function's `Metadata: {FC3: …}`, checked for names this packager translates. */
function fc3Settings(f: TemplateFunction): Props {
  const fc3 = (f.metadata.FC3 ?? {}) as Props;
  const where = `Resources.${f.serviceId}.${f.name}.Metadata.FC3`;
  for (const key of Object.keys(fc3)) if (!FC3_KEYS.includes(key)) throw new TemplateError(`${where}.${key}: the FC 3.0 settings are ${FC3_KEYS.join(', ')}`);
  for (const key of Object.keys((fc3.AsyncInvokeConfig ?? {}) as Props)) {
    if (!ASYNC_KEYS.includes(key)) throw new TemplateError(`${where}.AsyncInvokeConfig.${key}: the settings are ${ASYNC_KEYS.join(', ')}`);
  }
  return fc3;
}
