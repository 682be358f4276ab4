// The parts of Alibaba's untyped SDKs that lib/deploy uses.
declare module '@alicloud/ram' {
  interface RamConfig {
    accessKeyId: string;
    accessKeySecret: string;
    securityToken?: string;
    endpoint: string;
    opts?: { timeout?: number };
  }
  export default class Ram {
    constructor(config: RamConfig);
    request(action: string, params?: Record<string, unknown>, options?: { method?: 'GET' | 'POST'; timeout?: number }): Promise<Record<string, any>>;
  }
}
