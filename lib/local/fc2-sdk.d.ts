// The part of @alicloud/fc2 (which ships no types) that `thaw invoke` uses.
declare module '@alicloud/fc2' {
  interface FcConfig {
    accessKeyID: string;
    accessKeySecret: string;
    securityToken?: string;
    region: string;
    endpoint?: string;
    timeout?: number;
  }
  interface FcResponse {
    headers: Record<string, string | undefined>;
    data: unknown;
  }
  export default class FC {
    constructor(accountId: string, config: FcConfig);
    invokeFunction(service: string, functionName: string, event: string | Buffer, headers?: Record<string, string>): Promise<FcResponse>;
    static getSignature(accessKeyId: string, accessKeySecret: string, method: string, path: string, headers: Record<string, string>): string;
  }
}
