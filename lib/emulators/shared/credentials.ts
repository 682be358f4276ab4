/** An access key as a client signs with it; STS keys carry a security token. */
export interface TemporaryCredentials {
  readonly accessKeyId: string;
  readonly accessKeySecret: string;
  readonly securityToken?: string;
}
