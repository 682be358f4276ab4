// How the local ROS makes a resource: through the local cloud's own APIs, with the caller's
// credentials (CreateStack RamRoleName: "If no RAM roles are available, ROS uses a temporary
// credential that is generated from the credentials of your account" — ROS acts as the caller).
import type { Json } from '../template/document';
import type { MadeResource } from '../template/plan';

export interface CloudEndpoints {
  /** The RAM API (RPC, HMAC-SHA1), e.g. the RAM stand-in. */
  readonly ram?: string;
  /** The FC 2.0 API (2016-08-15). */
  readonly fc?: string;
  /** The FC 3.0 API (2023-03-30): the local FC serves it on the same endpoint as FC 2.0's. */
  readonly fc3?: string;
  /** OSS, where Code.OssBucketName/OssObjectName zips are read. */
  readonly oss?: string;
  /** Tablestore endpoints by instance name. */
  readonly tablestore?: Readonly<Record<string, string>>;
  /** The Log Service API (a project's requests go to it with Host <project>.<endpoint host>). */
  readonly sls?: string;
}

export interface CloudContext {
  readonly credentials: { readonly accessKeyId: string; readonly accessKeySecret: string; readonly securityToken?: string };
  readonly accountId: string;
  readonly region: string;
  readonly stackName: string;
  readonly endpoints: CloudEndpoints;
}

export type Properties = Readonly<Record<string, Json>>;

export interface ResourceHandler {
  create(props: Properties, ctx: CloudContext): Promise<MadeResource>;
  /** Absent: a property change cannot be applied in place (the update fails, saying so). */
  update?(current: MadeResource, props: Properties, previous: Properties, ctx: CloudContext): Promise<MadeResource>;
  /** Deleting what is already gone succeeds (ROS deletes what it made; a missing one is done). */
  delete(current: MadeResource, props: Properties, ctx: CloudContext): Promise<void>;
}

/** A cloud API's refusal, kept with the service's own code for the stack's StatusReason. */
export class CloudCallFailed extends Error {
  constructor(
    readonly service: string,
    readonly code: string | undefined,
    message: string,
  ) {
    super(`${service}${code ? ` ${code}` : ''}: ${message}`);
    this.name = 'CloudCallFailed';
  }
}

export function codeOf(err: unknown): string | undefined {
  const code = (err as { code?: unknown })?.code;
  return typeof code === 'string' ? code : undefined;
}

/** Runs a call of `service`, turning its SDK's error into CloudCallFailed; `gone` codes answer undefined. */
export async function call<T>(service: string, run: () => Promise<T>, gone: readonly string[] = []): Promise<T | undefined> {
  try {
    return await run();
  } catch (err) {
    const code = codeOf(err);
    if (code !== undefined && gone.includes(code)) return undefined;
    throw new CloudCallFailed(service, code, String((err as Error)?.message ?? err).slice(0, 500));
  }
}

export function required<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new CloudCallFailed('local ROS', undefined, `${what} is not configured: the local ROS was started without it`);
  return value;
}

/** A type ROS documents and this emulator checks, but cannot make here: CreateStack fails on it, saying why. */
export function validatedOnly(why: string): ResourceHandler {
  return {
    create: async () => {
      throw new CloudCallFailed('local ROS', 'NotEmulated', why);
    },
    delete: async () => undefined,
  };
}
