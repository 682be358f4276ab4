// A stand-in for STS (API 2015-04-01, RPC style, the RAM stand-in's wire: ../ram/rpc.ts) over the
// same account, so `@alicloud/sts20150401` and the `@alicloud/credentials` RAM role ARN provider work
// against it unmodified:
//   AssumeRole          RoleArn, RoleSessionName, DurationSeconds → Credentials {AccessKeyId "STS.…",
//                       AccessKeySecret, SecurityToken, Expiration}, AssumedRoleUser {Arn, AssumedRoleId}
//   GetCallerIdentity   AccountId, Arn, IdentityType (Account | RAMUser | AssumedRoleUser), PrincipalId
// (STS API reference: AssumeRole, GetCallerIdentity; errors: "AssumeRole common errors", doc 42775).
// The credentials provider only speaks https, so the stand-in also listens with TLS on the fixed
// localhost certificate (../shared/localhost-tls.ts) when asked.
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { RamAccount } from '../ram/account';
import { ramErrors } from '../ram/errors';
import { readRpcCall, serveRpc } from '../ram/rpc';
import type { EmulatorClock } from '../shared/clock';
import { close, listen } from '../shared/http';
import { LOCALHOST_CERT, LOCALHOST_KEY } from '../shared/localhost-tls';

export interface StsEmulatorOptions {
  readonly account: RamAccount;
  readonly clock: EmulatorClock;
  readonly port?: number;
  readonly host?: string;
  /** Also listen with TLS (for clients that only speak https). */
  readonly tls?: boolean;
}

export interface StsEmulator {
  /** http://127.0.0.1:PORT */
  readonly endpoint: string;
  /** https://127.0.0.1:PORT when `tls` was asked for. */
  readonly tlsEndpoint?: string;
  close(): Promise<void>;
}

function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function stsHandler(account: RamAccount, clock: EmulatorClock): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    void serveRpc(req, res, 'sts.aliyuncs.com', async () => {
      const call = await readRpcCall(req, account, clock);
      switch (call.action) {
        case 'AssumeRole': {
          const duration = call.param('DurationSeconds', false);
          if (duration !== '' && !/^\d{1,6}$/.test(duration)) throw ramErrors.invalidParameter('DurationSeconds', 'must be a number of seconds.');
          if (call.param('Policy', false) !== '') {
            // A session policy narrows the role's rights; not emulated, so refused rather than ignored.
            throw ramErrors.invalidParameter('Policy', 'is not supported by the local STS (session policies are not emulated).');
          }
          const assumed = account.assumeRole(
            call.key.principal,
            call.param('RoleArn'),
            call.param('RoleSessionName'),
            duration === '' ? undefined : Number(duration),
            clock.nowMs(),
          );
          return {
            Credentials: {
              AccessKeyId: assumed.key.accessKeyId,
              AccessKeySecret: assumed.key.accessKeySecret,
              SecurityToken: assumed.key.securityToken,
              Expiration: isoSeconds(assumed.key.expiresAtMs),
            },
            AssumedRoleUser: assumed.assumedRoleUser,
          };
        }
        case 'GetCallerIdentity':
          return account.callerIdentity(call.key.principal);
        default:
          throw ramErrors.actionNotFound(call.action, 'AssumeRole and GetCallerIdentity');
      }
    });
  };
}

export async function startStsEmulator(options: StsEmulatorOptions): Promise<StsEmulator> {
  const handler = stsHandler(options.account, options.clock);
  const plain: Server = createHttpServer(handler);
  const endpoint = await listen(plain, options.port ?? 0, options.host ?? '127.0.0.1');
  let secure: Server | undefined;
  let tlsEndpoint: string | undefined;
  if (options.tls) {
    secure = createHttpsServer({ cert: LOCALHOST_CERT, key: LOCALHOST_KEY }, handler);
    tlsEndpoint = (await listen(secure, 0, options.host ?? '127.0.0.1')).replace(/^http:/, 'https:');
  }
  return {
    endpoint,
    ...(tlsEndpoint ? { tlsEndpoint } : {}),
    async close() {
      await close(plain);
      if (secure) await close(secure);
    },
  };
}
