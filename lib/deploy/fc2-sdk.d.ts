// The part of @alicloud/fc2 2.6.6 (which ships no types) that thaw uses: the FC 2.0 open API.
declare module '@alicloud/fc2' {
  interface FcConfig {
    accessKeyID: string;
    accessKeySecret: string;
    securityToken?: string;
    region: string;
    endpoint?: string;
    /** https:// for the default endpoint (the SDK defaults to http://). */
    secure?: boolean;
    timeout?: number;
  }
  interface FcResponse<T = unknown> {
    headers: Record<string, string | undefined>;
    data: T;
  }
  type Body = Record<string, unknown>;
  export default class FC {
    constructor(accountId: string, config: FcConfig);
    static getSignature(
      accessKeyID: string,
      accessKeySecret: string,
      method: string,
      path: string,
      headers: Record<string, string>,
      queries?: Record<string, string>,
    ): string;
    invokeFunction(service: string, functionName: string, event: string | Buffer, headers?: Record<string, string>): Promise<FcResponse>;
    createService(serviceName: string, options?: Body): Promise<FcResponse<Body>>;
    getService(serviceName: string): Promise<FcResponse<Body>>;
    updateService(serviceName: string, options: Body): Promise<FcResponse<Body>>;
    deleteService(serviceName: string): Promise<FcResponse<Body>>;
    listServices(options?: Body): Promise<FcResponse<{ services?: Body[] }>>;
    createFunction(serviceName: string, options: Body): Promise<FcResponse<Body>>;
    getFunction(serviceName: string, functionName: string): Promise<FcResponse<Body>>;
    updateFunction(serviceName: string, functionName: string, options: Body): Promise<FcResponse<Body>>;
    deleteFunction(serviceName: string, functionName: string): Promise<FcResponse<Body>>;
    listFunctions(serviceName: string, options?: Body): Promise<FcResponse<{ functions?: Body[] }>>;
    createTrigger(serviceName: string, functionName: string, options: Body): Promise<FcResponse<Body>>;
    getTrigger(serviceName: string, functionName: string, triggerName: string): Promise<FcResponse<Body>>;
    updateTrigger(serviceName: string, functionName: string, triggerName: string, options: Body): Promise<FcResponse<Body>>;
    deleteTrigger(serviceName: string, functionName: string, triggerName: string): Promise<FcResponse<Body>>;
    listTriggers(serviceName: string, functionName: string, options?: Body): Promise<FcResponse<{ triggers?: Body[] }>>;
    createCustomDomain(domainName: string, options: Body): Promise<FcResponse<Body>>;
    getCustomDomain(domainName: string): Promise<FcResponse<Body>>;
    updateCustomDomain(domainName: string, options: Body): Promise<FcResponse<Body>>;
    deleteCustomDomain(domainName: string): Promise<FcResponse<Body>>;
    listCustomDomains(options?: Body): Promise<FcResponse<{ customDomains?: Body[] }>>;
    tagResource(resourceArn: string, tags: Record<string, string>): Promise<FcResponse<Body>>;
    untagResource(resourceArn: string, tagKeys: string[], all?: boolean): Promise<FcResponse<Body>>;
    getResourceTags(options: { resourceArn: string }): Promise<FcResponse<{ resourceArn?: string; tags?: Record<string, string> }>>;
  }
}
