// The Log Service wire schema. It ships with @alicloud/log as lib/sls.proto; we load that file at run time
// instead of copying it, so the schema is the one the official SDK writes with.
import { createRequire } from 'node:module';
import path from 'node:path';
import protobuf from 'protobufjs';

export interface LogContentMessage {
  Key: string;
  Value: string;
}

export interface LogMessage {
  Time: number;
  Contents: LogContentMessage[];
  TimeNs?: number;
}

export interface LogTagMessage {
  Key: string;
  Value: string;
}

export interface LogGroupMessage {
  Logs: LogMessage[];
  Reserved?: string;
  Topic?: string;
  Source?: string;
  LogTags: LogTagMessage[];
}

export interface SlsProtoTypes {
  readonly Log: protobuf.Type;
  readonly LogGroup: protobuf.Type;
  readonly LogGroupList: protobuf.Type;
}

let cached: SlsProtoTypes | undefined;

/** Path of `sls.proto` inside the installed @alicloud/log package. */
export function slsProtoPath(): string {
  const require = createRequire(import.meta.url);
  return path.join(path.dirname(require.resolve('@alicloud/log/package.json')), 'lib', 'sls.proto');
}

/** The LogGroup / LogGroupList types, loaded once. */
export function slsProto(): SlsProtoTypes {
  if (!cached) {
    const root = protobuf.loadSync(slsProtoPath());
    cached = {
      Log: root.lookupType('sls.Log'),
      LogGroup: root.lookupType('sls.LogGroup'),
      LogGroupList: root.lookupType('sls.LogGroupList'),
    };
  }
  return cached;
}

/** Decodes one serialized LogGroup (the PutLogs body); throws on truncated or invalid input. */
export function decodeLogGroup(bytes: Uint8Array): LogGroupMessage {
  return slsProto().LogGroup.decode(bytes) as unknown as LogGroupMessage;
}

export interface LogGroupInput {
  logs: { time: number; timeNs?: number; contents: Record<string, string> }[];
  topic?: string;
  source?: string;
  tags?: Record<string, string>;
}

/** Serializes one LogGroup the way the SDKs do for PutLogs. */
export function encodeLogGroup(group: LogGroupInput): Uint8Array {
  const { LogGroup } = slsProto();
  const message: Record<string, unknown> = {
    Logs: group.logs.map((log) => ({
      Time: log.time,
      Contents: Object.entries(log.contents).map(([Key, Value]) => ({ Key, Value })),
      ...(log.timeNs === undefined ? {} : { TimeNs: log.timeNs }),
    })),
    LogTags: Object.entries(group.tags ?? {}).map(([Key, Value]) => ({ Key, Value })),
  };
  if (group.topic !== undefined) message.Topic = group.topic;
  if (group.source !== undefined) message.Source = group.source;
  return LogGroup.encode(LogGroup.create(message)).finish();
}
