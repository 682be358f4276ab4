// How FC writes to Log Service (a function's log lines, a Log trigger's execution log): PutLogs over
// Log Service's wire with a role's STS credentials, so Log Service decides (log:PostLogStoreLogs)
// exactly as it would for anyone else. POST /logstores/{logstore}/shards/lb with a LogGroup
// protobuf body, signed "LOG <AccessKeyId>:<signature>" (Log Service "PutLogs" and "Request
// signatures"; Content-MD5 is the upper-case hex MD5 of the body).
import type { TemporaryCredentials } from '../shared/credentials';
import { SlsCallError, SlsClient } from '../sls/client';
import { encodeLogGroup } from '../sls/protocol';

export interface LogEntry {
  /** Unix seconds. */
  readonly time: number;
  readonly contents: Record<string, string>;
}

export interface PutLogsRequest {
  readonly endpoint: string;
  readonly project: string;
  readonly logstore: string;
  readonly credentials: TemporaryCredentials;
  readonly logs: readonly LogEntry[];
  readonly topic?: string;
  readonly source?: string;
}

export class PutLogsError extends Error {
  override readonly name = 'PutLogsError';
  constructor(
    message: string,
    readonly status: number,
    readonly errorCode: string | undefined,
  ) {
    super(message);
  }
}

export async function putLogs(req: PutLogsRequest): Promise<void> {
  const body = encodeLogGroup({ logs: req.logs.map((l) => ({ time: l.time, contents: l.contents })), topic: req.topic, source: req.source });
  const client = new SlsClient({ endpoint: req.endpoint, project: req.project, ...req.credentials });
  try {
    await client.send('POST', `/logstores/${req.logstore}/shards/lb`, { bytes: body, contentType: 'application/x-protobuf' });
  } catch (err) {
    if (!(err instanceof SlsCallError)) throw err;
    const words = `${err.status} ${err.errorCode ?? ''} ${err.errorMessage ?? ''}`.trim();
    throw new PutLogsError(`PutLogs ${req.project}/${req.logstore}: ${words}`, err.status, err.errorCode);
  }
}
